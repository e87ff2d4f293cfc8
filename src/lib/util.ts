// Helpers shared by the bundled libraries (cjson, resty.*): errors worded and placed as
// the C and FFI originals place them, and small table/object conveniences.
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { LuaError } from "../lua/runtime/error.js";
import { chunkInfo, where } from "../lua/runtime/callstack.js";
import { typeName } from "../lua/runtime/convert.js";
import { LuaTable } from "../lua/runtime/table.js";
import type { LuaFunction, LuaValue } from "../lua/runtime/value.js";

// Frames of these directories are "inside the library call": the libraries themselves and
// the runtime helpers that dispatch calls. The first frame outside them is the caller.
const LIB_DIR = dirname(fileURLToPath(import.meta.url));
const RUNTIME_DIR = dirname(LIB_DIR) + "/lua/runtime";

function isInside(file: string): boolean {
  return file.startsWith(LIB_DIR) || file.startsWith(RUNTIME_DIR);
}

/**
 * Whether the running library function was called directly by Lua code. LuaJIT adds the
 * caller's position to luaL_error messages and names the function after the call site
 * only then; called from a C function (pcall(cjson.decode, s), a protected cjson.safe
 * call) the message has no position and the function is '?'.
 */
export function calledFromLua(): boolean {
  const prev = Error.prepareStackTrace;
  const prevLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  let sites: NodeJS.CallSite[] = [];
  Error.prepareStackTrace = (_e, s) => s;
  try {
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, calledFromLua);
    sites = holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = prev;
    Error.stackTraceLimit = prevLimit;
  }
  for (const s of sites) {
    let file = s.getFileName() ?? "";
    if (file.startsWith("file://")) file = fileURLToPath(file);
    if (file === "" || isInside(file)) continue;
    return chunkInfo(file) !== undefined;
  }
  return false;
}

/** luaL_error from a library function: the caller's position when Lua called it directly. */
export function libError(msg: string): never {
  throw new LuaError(calledFromLua() ? where(1) + msg : msg);
}

/** luaL_argerror from a library function (see calledFromLua for the name and position). */
export function libArgError(arg: number, fname: string, extramsg: string): never {
  const direct = calledFromLua();
  const text = `bad argument #${arg} to '${direct ? fname : "?"}' (${extramsg})`;
  throw new LuaError(direct ? where(1) + text : text);
}

/** A Lua error raised with error(msg, 0) or error(table): no position added. */
export function rawError(value: LuaValue): never {
  throw new LuaError(value);
}

/** "attempt to index local 'self' (a nil value)": what a method of a Lua module raises when called with `.` instead of `:`. */
export function badSelf(self: LuaValue, name = "self"): never {
  const msg = `attempt to index local '${name}' (a ${typeName(self)} value)`;
  throw new LuaError(where(1) + msg);
}

/** Name a function for messages and tostring, as library() does for builtins. */
export function named<F extends LuaFunction>(name: string, f: F): F {
  f.$name = name;
  return f;
}

/** A module table whose functions are named after their keys, plus plain fields. */
export function moduleTable(fns: Record<string, LuaFunction>, fields: Record<string, LuaValue> = {}): LuaTable {
  const t = new LuaTable();
  for (const k of Object.keys(fns)) t.setStr(k, named(k, fns[k]!));
  for (const k of Object.keys(fields)) t.setStr(k, fields[k]);
  return t;
}

/** A metatable { __index = methods }, as Lua modules build them. */
export function indexMeta(methods: LuaTable): LuaTable {
  const mt = new LuaTable();
  mt.setStr("__index", methods);
  return mt;
}
