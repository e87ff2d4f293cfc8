// The debug library, as far as Lua programs and test runners use it. Frames come from the
// JS stack (see runtime/callstack.ts); locals and upvalues live in JS closures that cannot
// be reached, so getlocal/getupvalue/setupvalue answer nil (docs/compatibility.md says so).
import { LuaTable } from "../runtime/table.js";
import { running } from "../runtime/coroutine.js";
import { calleeOfError, luaFrames, keepStack, traceFrames, isBuiltinFrame, type LuaFrame, type TraceFrame } from "../runtime/callstack.js";
import { metatableOf, setTypeMetatable } from "../runtime/ops.js";
import { typeName } from "../runtime/convert.js";
import { argTypeError } from "../runtime/error.js";
import { checkTable, library } from "./args.js";
import type { CompiledFunction, Proto } from "../runtime/prims.js";
import type { LuaFunction, LuaResult, LuaValue } from "../runtime/value.js";

let handling: Error | undefined;
/** While an xpcall handler runs, tracebacks show the stack where the error was raised. */
export function setHandlingError(e: unknown): void {
  handling = e instanceof Error ? e : undefined;
  if (handling !== undefined) keepStack(handling);
}

function protoOf(f: unknown): Proto | undefined {
  return typeof f === "function" ? (f as { $p?: Proto }).$p : undefined;
}

/** `byBuiltin`: called by pcall, xpcall or require, whose callee LuaJIT cannot name. */
function frameLabel(f: LuaFrame, byBuiltin = false): string {
  const p = protoOf(f.func);
  if (p === undefined || p.line === 0) return "in main chunk";
  if (p.name !== undefined && !byBuiltin) return `in function '${p.name}'`;
  return `in function <${f.chunk.shortSrc}:${p.line}>`;
}

/** "stack traceback:\n\t..." for the Lua frames from `level` (1 = innermost). */
export function tracebackText(level: number, from?: Error): string {
  const frames: TraceFrame[] = traceFrames(from);
  if (from !== undefined) {
    // An xpcall handler runs on top of the failing stack: its own frame, then the builtin
    // that raised (`error`), then the error's frames.
    const now = traceFrames();
    // (a Lua handler: xpcall below it; debug.traceback itself as the handler has no frame)
    const here = now[1] !== undefined && isBuiltinFrame(now[1]) && now[1].builtin === "xpcall" ? now[0] : undefined;
    const callee = calleeOfError(from);
    if (callee !== undefined && callee.name !== "?" && !/\/lua\/runtime\//.test(callee.file)) {
      frames.unshift({ builtin: callee.name.replace(/^.*\./, "").replace(/\$g$/, "") });
    }
    if (here !== undefined) frames.unshift(here);
  }
  let out = "stack traceback:";
  const shown = frames.slice(Math.max(0, level - 1));
  // A coroutine's body is called by resume (C): LuaJIT cannot name it either.
  const inCoroutine = running() !== undefined;
  shown.forEach((f, i) => {
    const outer = shown[i + 1];
    const byC = outer === undefined ? inCoroutine : isBuiltinFrame(outer);
    out += isBuiltinFrame(f) ? `\n\t[C]: in function '${f.builtin}'`
      : `\n\t${f.chunk.shortSrc}:${f.line}: ${frameLabel(f, byC)}`;
  });
  // A coroutine's stack (an ngx entry thread's too) starts at its Lua function: no C frame
  // below it, as LuaJIT prints it.
  // Outside one, the bottom frame is the host's C entry, which LuaJIT shows by its address
  // (a stand-in here).
  if (running() === undefined) out += "\n\t[C]: at 0x55d0c0de0010";
  return out;
}

/** Remember the stack of a Lua error as it is thrown, for tracebacks printed later. */
export function rememberStack(e: unknown): void {
  if (e instanceof Error) keepStack(e);
}

function traceback(...a: LuaValue[]): LuaValue {
  let i = 0;
  if (a[0] !== undefined && typeName(a[0]) === "thread") i = 1;
  const msg = a[i];
  // A message given but not a string (nil included) comes back as it is, as LuaJIT's.
  if (a.length > i && typeof msg !== "string" && typeof msg !== "number") return msg;
  const level = typeof a[i + 1] === "number" ? (a[i + 1] as number) : 1;
  const tb = handling !== undefined ? tracebackText(1, handling) : tracebackText(level);
  return msg === undefined ? tb : `${msg}\n${tb}`;
}

function getinfo(...a: LuaValue[]): LuaValue {
  let target = a[0];
  if (target !== undefined && typeName(target) === "thread") target = a[1];
  const info = new LuaTable();
  let fn: unknown;
  let currentline = -1;
  if (typeof target === "number") {
    const frames = luaFrames();
    // Level 0 is getinfo itself (a builtin); level 1 is its caller.
    if (target === 0) {
      info.setStr("what", "C");
      info.setStr("source", "=[C]");
      info.setStr("short_src", "[C]");
      info.setStr("currentline", -1);
      return info;
    }
    const f = frames[target - 1];
    if (f === undefined) return undefined;
    fn = f.func;
    currentline = f.line;
  } else if (typeof target === "function") {
    fn = target;
  } else {
    return argTypeError(1, "getinfo", "function or level", typeName(target));
  }
  const p = protoOf(fn);
  if (p === undefined) {
    info.setStr("what", "C");
    info.setStr("source", "=[C]");
    info.setStr("short_src", "[C]");
    info.setStr("currentline", -1);
    info.setStr("linedefined", -1);
    info.setStr("lastlinedefined", -1);
  } else {
    const main = p.line === 0;
    info.setStr("what", main ? "main" : "Lua");
    info.setStr("source", p.chunk.source);
    info.setStr("short_src", p.chunk.shortSrc);
    info.setStr("currentline", currentline);
    info.setStr("linedefined", p.line);
    info.setStr("lastlinedefined", main ? -1 : p.endLine);
    info.setStr("nparams", p.nparams);
    info.setStr("isvararg", p.isVararg);
    if (p.name !== undefined) {
      info.setStr("name", p.name.replace(/^.*[.:]/, ""));
      info.setStr("namewhat", p.name.includes(":") ? "method" : p.name.includes(".") ? "field" : "global");
    } else info.setStr("namewhat", "");
  }
  info.setStr("nups", 0);
  if (typeof fn === "function") info.setStr("func", fn as LuaFunction);
  return info;
}

function nils(): LuaResult {
  return undefined;
}

export function openDebug(G: LuaTable): void {
  const registry = new LuaTable();
  const debug = library({
    traceback,
    getinfo,
    getlocal: nils,
    setlocal: nils,
    getupvalue: nils,
    setupvalue: nils,
    upvalueid: nils,
    upvaluejoin: nils,
    sethook: nils,
    gethook: () => [undefined, "", 0],
    getregistry: () => registry,
    getmetatable: (...a: LuaValue[]) => metatableOf(a[0]),
    setmetatable: (...a: LuaValue[]) => {
      const t = a[0];
      const mt = a[1] instanceof LuaTable ? a[1] : undefined;
      if (t instanceof LuaTable) t.mt = mt;
      else setTypeMetatable(t, mt);
      return true;
    },
    getfenv: (...a: LuaValue[]) => (typeof a[0] === "function" ? (a[0] as CompiledFunction).$env : undefined) ?? G,
    setfenv: (...a: LuaValue[]) => {
      const t = checkTable(a, 1, "setfenv");
      if (typeof a[0] === "function" && (a[0] as CompiledFunction).$env !== undefined) (a[0] as CompiledFunction).$env = t;
      return a[0];
    },
    debug: nils,
  });
  G.setStr("debug", debug);
}
