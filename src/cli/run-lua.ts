// The Lua side of `tsresty run`, loaded in its worker thread only (see commands/run.ts): a
// fresh Lua state with the bundled libraries, the arg table, the program, its errors.
import { readFileSync } from "node:fs";
import { newGlobals } from "../lua/state.js";
import { bundledModules } from "../lib/index.js";
import { loadLua, LuaLoadError } from "../lua/compile.js";
import { LuaTable } from "../lua/runtime/table.js";
import { errorValue, tostring } from "../lua/runtime/ops.js";
import { utf8ToLua } from "../lua/runtime/convert.js";
import { flushStdout, writeStderr } from "../lua/stdlib/stdio.js";
import { rememberStack, tracebackText } from "../lua/stdlib/debug.js";
import { LuaError } from "../lua/runtime/error.js";
import { metamethod } from "../lua/runtime/ops.js";
import type { RunOptions } from "./commands/run.js";

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

