// Argument checks for builtins, worded as LuaJIT words them:
//   bad argument #1 to 'sub' (string expected, got no value)
// `args` is the builtin's rest parameter, so that "no value" (absent) and nil differ.
import { LuaTable } from "../runtime/table.js";
import { argError, argTypeError } from "../runtime/error.js";
import { numberToString, stringToNumber, typeName } from "../runtime/convert.js";
import type { LuaFunction, LuaValue } from "../runtime/value.js";

function got(args: readonly LuaValue[], i: number): string {
  return i >= args.length ? "no value" : typeName(args[i]);
}

/** luaL_checkstring: strings, and numbers converted to strings. `i` is 0-based. */
export function checkString(args: readonly LuaValue[], i: number, fname: string): string {
  const v = args[i];
  if (typeof v === "string") return v;
  if (typeof v === "number") return numberToString(v);
  return argTypeError(i + 1, fname, "string", got(args, i));
}

export function optString(args: readonly LuaValue[], i: number, fname: string, def: string): string {
  return args[i] === undefined ? def : checkString(args, i, fname);
}

/** luaL_checknumber: numbers, and strings that convert. */
export function checkNumber(args: readonly LuaValue[], i: number, fname: string): number {
  const v = args[i];
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const n = stringToNumber(v);
    if (n !== undefined) return n;
  }
  return argTypeError(i + 1, fname, "number", got(args, i));
}

export function optNumber(args: readonly LuaValue[], i: number, fname: string, def: number): number {
  return args[i] === undefined ? def : checkNumber(args, i, fname);
}

/** luaL_checkint: a number truncated toward zero, as LuaJIT's lj_lib_checkint. */
export function checkInt(args: readonly LuaValue[], i: number, fname: string): number {
  const n = checkNumber(args, i, fname);
  return n >= 0 ? Math.floor(n) : Math.ceil(n);
}

export function optInt(args: readonly LuaValue[], i: number, fname: string, def: number): number {
  return args[i] === undefined ? def : checkInt(args, i, fname);
}

export function checkTable(args: readonly LuaValue[], i: number, fname: string): LuaTable {
  const v = args[i];
  if (v instanceof LuaTable) return v;
  return argTypeError(i + 1, fname, "table", got(args, i));
}

export function checkFunction(args: readonly LuaValue[], i: number, fname: string): LuaFunction {
  const v = args[i];
  if (typeof v === "function") return v as LuaFunction;
  return argTypeError(i + 1, fname, "function", got(args, i));
}

/** luaL_checkany: any value, nil included, but not absent. */
export function checkAny(args: readonly LuaValue[], i: number, fname: string): LuaValue {
  if (i >= args.length) return argError(i + 1, fname, "value expected");
  return args[i];
}

/** Name a builtin for messages and tostring ("builtin"), and return it. */
export function builtin<F extends LuaFunction>(name: string, f: F): F {
  f.$name = name;
  return f;
}

/** A library table from a record of builtins, each named after its key. */
export function library(fns: Record<string, LuaFunction>): LuaTable {
  const t = new LuaTable();
  for (const k of Object.keys(fns)) t.setStr(k, builtin(k, fns[k]!));
  return t;
}
