// The Lua value model shared by the compiler's output, the runtime and every library.
// See docs/lua-runtime.md for the whole contract; in short:
//   nil -> undefined, boolean -> boolean, number -> number (a double, as in LuaJIT),
//   string -> JS string holding one char per byte (latin1: code units 0..255),
//   table -> LuaTable, function -> LuaFunction (a JS function), coroutine -> Coroutine,
//   userdata -> any object implementing LuaUserdata.
// A JS array is never a Lua value: it is how a function returns several values.
import type { LuaTable } from "./table.js";

export interface LuaUserdata {
  /** Metatable of the userdata (its __index, __tostring, ...). */
  readonly mt: LuaTable | undefined;
  /** Name shown by type() is always "userdata"; this is used by tostring: "<name>: 0x..." */
  readonly luaTypeName?: string;
}

/** The suspendable form of a Lua function: a generator that yields Suspension values. */
export type LuaGenFunction = (...args: LuaValue[]) => Generator<Suspension, LuaResult, unknown>;

/**
 * A Lua function. Its plain form is the JS function itself; `$g`, when present, is the
 * form that may suspend (called with `yield*` from suspendable code). A function without
 * `$g` never suspends. `$name` names builtins in error messages ("bad argument #1 to 'sub'").
 */
export interface LuaFunction {
  (...args: LuaValue[]): LuaResult;
  $g?: LuaGenFunction;
  $name?: string;
}

export type LuaValue =
  | undefined
  | boolean
  | number
  | string
  | LuaTable
  | LuaFunction
  | LuaUserdata;

/** What a call returns: exactly one value as itself, any other count as an array. */
export type LuaResult = LuaValue | LuaValue[];

/**
 * What a suspendable body yields to its driver. A coroutine.yield yields a CoYield; an
 * asynchronous operation (socket read, sleep, subrequest) yields a Promise whose value
 * becomes the result of the `yield` expression.
 */
export class CoYield {
  /** What resume returns for this yield: true, then the yielded values. */
  constructor(public ret: LuaValue[]) {}
}
export type Suspension = CoYield | Promise<unknown>;

export const NONE: LuaValue[] = Object.freeze([]) as unknown as LuaValue[];

/**
 * The NULL light userdata: ngx.null and cjson.null are this one value, as in OpenResty
 * (`cjson.null == ngx.null`). tostring gives "userdata: NULL".
 */
export const LUA_NULL: LuaUserdata = Object.freeze({ mt: undefined, luaTypeName: "NULL" });
