// The debug library, as far as Lua programs and test runners use it. Frames come from the
// JS stack (see runtime/callstack.ts); locals and upvalues live in JS closures that cannot
// be reached, so getlocal/getupvalue/setupvalue answer nil (docs/compatibility.md says so).
import { LuaTable } from "../runtime/table.js";
import { luaFrames, keepStack, type LuaFrame } from "../runtime/callstack.js";
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
}

function protoOf(f: unknown): Proto | undefined {
  return typeof f === "function" ? (f as { $p?: Proto }).$p : undefined;
}

function frameLabel(f: LuaFrame): string {
  const p = protoOf(f.func);
  if (p === undefined || p.line === 0) return "in main chunk";
  if (p.name !== undefined) return `in function '${p.name}'`;
  return `in function <${f.chunk.shortSrc}:${p.line}>`;
}

/** "stack traceback:\n\t..." for the Lua frames from `level` (1 = innermost). */
export function tracebackText(level: number, from?: Error): string {
  const frames = luaFrames(from);
  let out = "stack traceback:";
  for (const f of frames.slice(Math.max(0, level - 1))) out += `\n\t${f.chunk.shortSrc}:${f.line}: ${frameLabel(f)}`;
  out += "\n\t[C]: ?";
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
  if (msg !== undefined && typeof msg !== "string" && typeof msg !== "number") return msg;
  const level = typeof a[i + 1] === "number" ? (a[i + 1] as number) : 1;
  const tb = handling !== undefined ? tracebackText(1, handling) : tracebackText(level + 1);
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
