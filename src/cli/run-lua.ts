// The Lua side of `tsresty run`, loaded in its worker thread only (see commands/run.ts): a
// Lua state with the bundled libraries, the arg table, the program, its errors. A program
// that uses the ngx API runs as OpenResty's `resty` runs it, inside a timer: its main chunk
// is an entry thread of phase "timer", so cosockets, ngx.sleep and resty.redis work at top level.
import { readFileSync } from "node:fs";
import { newGlobals } from "../lua/state.js";
import { bundledModules } from "../lib/index.js";
import { loadLua, LuaLoadError } from "../lua/compile.js";
import { LuaTable } from "../lua/runtime/table.js";
import { errorValue, tostring } from "../lua/runtime/ops.js";
import { utf8ToLua } from "../lua/runtime/convert.js";
import { flushStdout, writeStderr, writeStdout } from "../lua/stdlib/stdio.js";
import { rememberStack, tracebackText } from "../lua/stdlib/debug.js";
import { LuaError } from "../lua/runtime/error.js";
import { metamethod } from "../lua/runtime/ops.js";
import { library } from "../lua/stdlib/args.js";
import type { LuaFunction, LuaResult, LuaValue } from "../lua/runtime/value.js";
import type { ThreadEnd } from "../ngx/thread.js";
import type { RunOptions } from "./commands/run.js";

/**
 * What `resty` redefines for its script: ngx.print, ngx.say and ngx.flush write to stdout,
 * ngx.exit ends the program with that status.
 */
function installStdoutOutput(ngx: LuaTable, outputPiece: (v: LuaValue, arg: number, fname: string) => string, flushLogFiles: () => void): void {
  const out = (fname: string, a: LuaValue[], nl: boolean): LuaResult => {
    let s = "";
    for (let i = 0; i < a.length; i++) s += outputPiece(a[i], i + 1, fname);
    writeStdout(nl ? s + "\n" : s);
    return 1;
  };
  const fns: Record<string, LuaFunction> = {
    print: (...a: LuaValue[]): LuaResult => out("print", a, false),
    say: (...a: LuaValue[]): LuaResult => out("say", a, true),
    flush: (): LuaResult => {
      flushStdout();
      return 1;
    },
    exit: (...a: LuaValue[]): LuaResult => {
      flushStdout();
      flushLogFiles();
      const code = typeof a[0] === "number" ? Math.trunc(a[0]) : 0;
      return process.exit(code >= 0 && code < 256 ? code : 0);
    },
  };
  const lib = library(fns);
  for (const k of Object.keys(fns)) ngx.setStr(k, lib.getStr(k));
}

/** Print a Lua error as luajit's command line does; returns the exit status. */
function reportError(e: unknown): number {
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

/**
 * Programs that name `ngx` or a resty library run as OpenResty's `resty` runs them (the ngx
 * API, the main chunk a timer's entry thread); the others as LuaJIT's command line does (plain
 * globals, a main chunk that cannot yield), which the Lua corpus compares byte for byte.
 */
const OPENRESTY_PROGRAM = /\bngx\b|\bresty\b/;

/** Run a Lua program; resolves to the exit status. */
export async function runLua(opts: RunOptions): Promise<number> {
  let src: string;
  let chunkname: string;
  if (opts.code !== undefined) {
    src = utf8ToLua(opts.code);
    chunkname = "=(command line)";
  } else {
    try {
      src = readFileSync(opts.file!).toString("latin1");
    } catch {
      writeStderr(`tsresty: cannot open ${utf8ToLua(opts.file!)}\n`);
      return 1;
    }
    chunkname = "@" + utf8ToLua(opts.file!);
  }
  const resty = OPENRESTY_PROGRAM.test(src);
  const vm = resty ? await openrestyVm() : undefined;
  // The bundled libraries (cjson, resty.*) are there as in OpenResty's `resty`.
  const G = vm?.G ?? newGlobals({ preload: bundledModules });
  const argt = new LuaTable();
  const progname = opts.file ?? "(command line)";
  argt.set(-1, "tsresty");
  argt.set(0, utf8ToLua(progname));
  opts.args.forEach((a, i) => argt.set(i + 1, utf8ToLua(a)));
  G.setStr("arg", argt);
  let main: LuaFunction;
  try {
    main = loadLua(src, chunkname, G, { skipShebang: opts.code === undefined, main: vm ? "both" : "plain" });
  } catch (e) {
    if (e instanceof LuaLoadError) {
      writeStderr(`tsresty: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const args = opts.args.map(utf8ToLua);
  if (vm === undefined) {
    try {
      main(...args);
    } catch (e) {
      return reportError(e);
    }
    flushStdout();
    return 0;
  }
  const end = await vm.runMain(main, args);
  if (end.error !== undefined) return reportError(end.error);
  flushStdout();
  return 0;
}

interface RestyVm {
  readonly G: LuaTable;
  /** Run the main chunk as a timer's entry thread: it may wait (cosockets, ngx.sleep). */
  runMain(main: LuaFunction, args: LuaValue[]): Promise<ThreadEnd>;
}

/** A Lua VM with the ngx API, as `resty` gives its program (loaded only for such programs). */
async function openrestyVm(): Promise<RestyVm> {
  const [{ LuaVm }, { NgxHost }, { runEntry }, { loadAsyncApi }, { outputPiece }, { openErrorLog }, { flushLogFiles }] = await Promise.all([
    import("../ngx/vm.js"), import("../ngx/host.js"), import("../ngx/thread.js"), import("../ngx/async-host.js"),
    import("../ngx/values.js"), import("../http/log/error-log.js"), import("../http/log/log-file.js"),
  ]);
  await loadAsyncApi();
  // os.exit and ngx.exit leave through process.exit: the error log's last lines go out first.
  process.on("exit", flushLogFiles);
  // `resty` logs to stderr at level warn.
  const vm = new LuaVm({
    prefix: process.cwd() + "/",
    packagePath: undefined,
    packageCpath: undefined,
    errorLog: openErrorLog([{ path: "stderr", level: "warn" }]),
    codeCache: true,
    sharedDicts: [],
  });
  installStdoutOutput(vm.ngx, outputPiece, flushLogFiles);
  return {
    G: vm.G,
    async runMain(main, args) {
      const cleanups: (() => void)[] = [];
      const host = new NgxHost("timer", vm, undefined);
      host.timer = { onCleanup: (cb) => cleanups.push(cb) };
      const end = await runEntry(main, host, args);
      for (const c of cleanups) {
        try {
          c();
        } catch {
          // a cleanup must not stop the others
        }
      }
      flushLogFiles();
      return end;
    },
  };
}
