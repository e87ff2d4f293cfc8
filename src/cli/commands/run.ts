// `tsresty run FILE [args...]` and `tsresty run -e CODE`: plain Lua, like OpenResty's
// `resty` and LuaJIT's own command line (the arg table, print to stdout, errors to stderr
// with a traceback and exit status 1, os.exit).
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { Execute } from "../command-table.js";
import { newGlobals } from "../../lua/state.js";
import { bundledModules } from "../../lib/index.js";
import { loadLua, LuaLoadError } from "../../lua/compile.js";
import { LuaTable } from "../../lua/runtime/table.js";
import { errorValue, tostring } from "../../lua/runtime/ops.js";
import { utf8ToLua } from "../../lua/runtime/convert.js";
import { flushStdout, writeStderr } from "../../lua/stdlib/stdio.js";
import { rememberStack, tracebackText } from "../../lua/stdlib/debug.js";
import { LuaError } from "../../lua/runtime/error.js";
import { metamethod } from "../../lua/runtime/ops.js";

export interface RunOptions {
  readonly code?: string;
  readonly file?: string;
  readonly args: string[];
}

/** Run a Lua program; returns the exit status. */
export function runLua(opts: RunOptions): number {
  // The bundled libraries (cjson, resty.*) are there as in OpenResty's `resty`.
  const G = newGlobals({ preload: bundledModules });
  const argt = new LuaTable();
  const progname = opts.file ?? "(command line)";
  argt.set(-1, "tsresty");
  argt.set(0, utf8ToLua(progname));
  opts.args.forEach((a, i) => argt.set(i + 1, utf8ToLua(a)));
  G.setStr("arg", argt);
  let main;
  try {
    if (opts.code !== undefined) {
      main = loadLua(utf8ToLua(opts.code), "=(command line)", G, { main: "plain" });
    } else {
      let src: string;
      try {
        src = readFileSync(opts.file!).toString("latin1");
      } catch {
        writeStderr(`tsresty: cannot open ${utf8ToLua(opts.file!)}\n`);
        return 1;
      }
      main = loadLua(src, "@" + utf8ToLua(opts.file!), G, { skipShebang: true, main: "plain" });
    }
  } catch (e) {
    if (e instanceof LuaLoadError) {
      writeStderr(`tsresty: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  try {
    main(...opts.args.map(utf8ToLua));
  } catch (e) {
    if (e instanceof Error) rememberStack(e);
    const v = errorValue(e);
    if (!(e instanceof LuaError) && !(e instanceof RangeError)) {
      // A bug in tsresty itself: say so, with the JS stack, rather than hide it as a Lua error.
      writeStderr(`tsresty: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      return 1;
    }
    // As luajit's command line: nil prints nothing, other non-strings print a fixed text.
    if (v === undefined) return 1;
    let msg: string;
    if (typeof v === "string" || typeof v === "number") msg = tostring(v);
    else if (metamethod(v, "__tostring") !== undefined) msg = tostring(v);
    else msg = "(error object is not a string)";
    writeStderr(`tsresty: ${msg}\n${e instanceof Error ? tracebackText(1, e) : ""}\n`);
    return 1;
  }
  flushStdout();
  return 0;
}

/**
 * Run a Lua program in a worker thread with a 32 MB stack: LuaJIT recurses tens of
 * thousands of levels deep (and has proper tail calls); 32 MB gives ~450k JS frames and still overflows in a fraction of a second (a larger stack makes every GC slower), where the main thread's 8 MB stack
 * gives JS about ten thousand frames. Resolves to the exit status.
 */
export function runLuaInWorker(opts: RunOptions): Promise<number> {
  return new Promise((resolvePromise) => {
    const worker = new Worker(new URL("../run-worker.js", import.meta.url), {
      workerData: opts,
      resourceLimits: { stackSizeMb: 32 },
    });
    worker.on("error", (e) => {
      writeStderr(`tsresty: internal error: ${e.stack ?? e.message}\n`);
      resolvePromise(1);
    });
    worker.on("exit", (code) => resolvePromise(code));
  });
}

/** `tsresty run`'s entry (see ../command-table.ts). */
export const execute: Execute = async ({ opts, args }) => {
  const [file, ...rest] = args;
  if (opts.e === undefined && file === undefined) {
    process.stderr.write("tsresty run: a FILE or -e CODE is needed\n");
    return 1;
  }
  const run: RunOptions = opts.e !== undefined ? { code: opts.e as string, args: [...args] } : { file, args: rest };
  return runLuaInWorker(run);
};
