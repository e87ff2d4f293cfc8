// The base library: print, type, pcall, error, pairs, select, load and friends.
import { LuaTable } from "../runtime/table.js";
import { LuaError, luaError, argError } from "../runtime/error.js";
import { where } from "../runtime/callstack.js";
import { typeName, stringToNumber } from "../runtime/convert.js";
import { call, errorValue, first, metamethod, metatableOf, rawSet, tostring } from "../runtime/ops.js";
import { fn as callableOf, many, registerIterators } from "../runtime/prims.js";
import { builtin, checkAny, checkFunction, checkInt, checkString, checkTable, optInt } from "./args.js";
import { writeStdout } from "./stdio.js";
import { setHandlingError } from "./debug.js";
import type { LuaFunction, LuaResult, LuaValue, Suspension } from "../runtime/value.js";

/** print(...), which converts with the global `tostring` as Lua 5.1 does (so overriding it works). */
export function makePrint(G: LuaTable, write: (s: string) => void): LuaFunction {
  return (...args: LuaValue[]): LuaResult => {
    const ts = G.getStr("tostring");
    let s = "";
    for (let i = 0; i < args.length; i++) {
      let piece: LuaValue;
      if (ts === tostringB) piece = tostring(args[i]);
      else {
        piece = first(call(ts, args[i]));
        if (typeof piece !== "string") {
          if (typeof piece !== "number") return luaError("'tostring' must return a string to 'print'");
          piece = tostring(piece);
        }
      }
      s += (i > 0 ? "\t" : "") + piece;
    }
    write(s + "\n");
    return [];
  };
}

function error(...a: LuaValue[]): never {
  const v = a[0];
  const level = a[1] === undefined ? 1 : checkInt(a, 1, "error");
  // Numbers are strings to error() too: they get the position and become strings.
  if ((typeof v === "string" || typeof v === "number") && level > 0) throw new LuaError(where(level) + tostring(v));
  throw new LuaError(v);
}

function pcall(...a: LuaValue[]): LuaResult {
  const f = checkAny(a, 0, "pcall");
  try {
    return [true, ...many(callableOf(f)(...a.slice(1)))];
  } catch (e) {
    return [false, errorValue(e)];
  }
}
pcall.$g = function* (...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
  const f = checkAny(a, 0, "pcall");
  try {
    const g = callableOf(f);
    const r = g.$g !== undefined ? yield* g.$g(...a.slice(1)) : g(...a.slice(1));
    return [true, ...many(r)];
  } catch (e) {
    return [false, errorValue(e)];
  }
};

function handle(handler: LuaValue, e: unknown): LuaResult {
  // The handler sees the failing stack through the error (debug.traceback reads it).
  setHandlingError(e);
  try {
    return [false, many(call(handler, errorValue(e)))[0]];
  } catch {
    // LUA_ERRERR: the handler itself failed.
    return [false, "error in error handling"];
  } finally {
    setHandlingError(undefined);
  }
}

function xpcall(...a: LuaValue[]): LuaResult {
  const f = checkAny(a, 0, "xpcall");
  const h = checkFunction(a, 1, "xpcall");
  try {
    return [true, ...many(callableOf(f)(...a.slice(2)))];
  } catch (e) {
    return handle(h, e);
  }
}
xpcall.$g = function* (...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
  const f = checkAny(a, 0, "xpcall");
  const h = checkFunction(a, 1, "xpcall");
  try {
    const g = callableOf(f);
    const r = g.$g !== undefined ? yield* g.$g(...a.slice(2)) : g(...a.slice(2));
    return [true, ...many(r)];
  } catch (e) {
    return handle(h, e);
  }
};

function assert(...a: LuaValue[]): LuaResult {
  if (a.length === 0) return argError(1, "assert", "value expected");
  const v = a[0];
  if (v === undefined || v === false) {
    // A string message gets the caller's position, as LuaJIT's assert does.
    if (a.length > 1) {
      if (typeof a[1] === "string") return luaError(a[1]);
      throw new LuaError(a[1]);
    }
    return luaError("assertion failed!");
  }
  return a;
}

function type(...a: LuaValue[]): string {
  return typeName(checkAny(a, 0, "type"));
}

function tonumber(...a: LuaValue[]): LuaValue {
  const v = a[0];
  if (a[1] === undefined) {
    if (typeof v === "number") return v;
    if (typeof v === "string") return stringToNumber(v);
    checkAny(a, 0, "tonumber");
    return undefined;
  }
  const base = checkInt(a, 1, "tonumber");
  if (base < 2 || base > 36) return argError(2, "tonumber", "base out of range");
  const s = checkString(a, 0, "tonumber").replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, "").toLowerCase();
  let neg = false, i = 0;
  if (s[0] === "-") { neg = true; i = 1; }
  if (i >= s.length) return undefined;
  let n = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 122 ? c - 87 : 99;
    if (d >= base) return undefined;
    n = n * base + d;
  }
  return neg ? -n : n;
}

function tostringB(...a: LuaValue[]): LuaValue {
  const v = checkAny(a, 0, "tostring");
  const h = metamethod(v, "__tostring");
  // LuaJIT returns whatever __tostring returns; only print insists on a string.
  return h !== undefined ? first(call(h, v)) : tostring(v);
}

tostringB.$g = function* (...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
  const v = checkAny(a, 0, "tostring");
  const h = metamethod(v, "__tostring");
  if (h === undefined) return tostring(v);
  const g = callableOf(h);
  return first(g.$g !== undefined ? yield* g.$g(v) : g(v));
};

function getmetatable(...a: LuaValue[]): LuaValue {
  const mt = metatableOf(checkAny(a, 0, "getmetatable"));
  if (mt === undefined) return undefined;
  const protectedMt = mt.getStr("__metatable");
  return protectedMt !== undefined ? protectedMt : mt;
}

// Two parameters rather than a rest array: this runs once per object a class's new() makes.
function setmetatable(t: LuaValue, mt: LuaValue): LuaValue {
  if (t instanceof LuaTable && mt instanceof LuaTable && (t.mt === undefined || t.mt.getStr("__metatable") === undefined)) {
    t.mt = mt;
    return t;
  }
  return setmetatableChecked(arguments.length < 2 ? (arguments.length === 0 ? [] : [t]) : [t, mt]);
}

function setmetatableChecked(a: LuaValue[]): LuaValue {
  const t = checkTable(a, 0, "setmetatable");
  const mt = a[1];
  if (a.length < 2 || (mt !== undefined && !(mt instanceof LuaTable))) return argError(2, "setmetatable", "nil or table expected");
  if (t.mt !== undefined && t.mt.getStr("__metatable") !== undefined) return luaError("cannot change a protected metatable");
  t.mt = mt;
  return t;
}

function rawget(...a: LuaValue[]): LuaValue {
  return checkTable(a, 0, "rawget").get(a[1]);
}
function rawset(...a: LuaValue[]): LuaValue {
  const t = checkTable(a, 0, "rawset");
  rawSet(t, a[1], a[2]);
  return t;
}
function rawequal(...a: LuaValue[]): boolean {
  checkAny(a, 0, "rawequal");
  checkAny(a, 1, "rawequal");
  return a[0] === a[1];
}

export function next(...a: LuaValue[]): LuaResult {
  const t = checkTable(a, 0, "next");
  const r = t.next(a[1]);
  if (r === false) return luaError("invalid key to 'next'");
  return r === undefined ? undefined : [r[0], r[1]];
}

function pairs(...a: LuaValue[]): LuaResult {
  return [nextB, checkTable(a, 0, "pairs"), undefined];
}

function ipairsAux(t: LuaValue, i: LuaValue): LuaResult {
  const k = (i as number) + 1;
  const v = t instanceof LuaTable ? t.get(k) : undefined;
  return v === undefined ? [] : [k, v];
}

function ipairs(...a: LuaValue[]): LuaResult {
  checkAny(a, 0, "ipairs");
  return [ipairsAux, checkTable(a, 0, "ipairs"), 0];
}

function select(...a: LuaValue[]): LuaResult {
  const n = a[0];
  const count = a.length - 1;
  if (n === "#") return count;
  const i = checkInt(a, 0, "select");
  if (i < 0) {
    if (-i > count) return argError(1, "select", "index out of range");
    return a.slice(count + i + 1);
  }
  if (i === 0) return argError(1, "select", "index out of range");
  return a.slice(i);
}

export function unpack(...a: LuaValue[]): LuaResult {
  const t = checkTable(a, 0, "unpack");
  const i = optInt(a, 1, "unpack", 1);
  const j = a[2] === undefined ? t.length() : checkInt(a, 2, "unpack");
  if (i > j) return [];
  const n = j - i + 1;
  if (n >= 8000000 || !Number.isFinite(n)) return luaError("too many results to unpack");
  const out = new Array<LuaValue>(n);
  for (let k = 0; k < n; k++) out[k] = t.get(i + k);
  return out;
}

function collectgarbage(...a: LuaValue[]): LuaValue {
  const opt = a[0] === undefined ? "collect" : checkString(a, 0, "collectgarbage");
  switch (opt) {
    case "count": {
      const kb = process.memoryUsage().heapUsed / 1024;
      return kb;
    }
    case "collect": case "step": case "stop": case "restart": case "setpause": case "setstepmul":
      return 0;
    case "isrunning":
      return true;
    default:
      return argError(1, "collectgarbage", `invalid option '${opt}'`);
  }
}

function gcinfo(): number {
  return Math.floor(process.memoryUsage().heapUsed / 1024);
}

function newproxy(...a: LuaValue[]): LuaValue {
  const withMt = a[0] === true;
  return { luaType: "userdata", mt: withMt ? new LuaTable() : undefined } as unknown as LuaValue;
}

const nextB = builtin("next", next as LuaFunction);

/** Install the base library into G (load, require and friends come from package.ts). */
export function openBase(G: LuaTable): void {
  const fns: Record<string, LuaFunction> = {
    print: makePrint(G, writeStdout), error: error as LuaFunction, pcall: pcall as LuaFunction, xpcall: xpcall as LuaFunction, assert, type, tonumber,
    tostring: tostringB as LuaFunction, getmetatable, setmetatable, rawget, rawset, rawequal, pairs, ipairs: ipairs, select, unpack,
    collectgarbage, gcinfo, newproxy,
  };
  for (const k of Object.keys(fns)) G.setStr(k, builtin(k, fns[k]!));
  G.setStr("next", nextB);
  G.setStr("_G", G);
  G.setStr("_VERSION", "Lua 5.1");
  registerIterators(nextB, ipairsAux as LuaFunction);
}
