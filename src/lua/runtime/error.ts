// Lua errors as JS exceptions. A LuaError carries the Lua error value (any Lua value, as
// error() allows); its message text is only for JS-side diagnostics.
import type { LuaValue } from "./value.js";
import { calledAsMethod, calledDirectly, where } from "./callstack.js";

export class LuaError extends Error {
  /** The Lua value passed to error() (a string with its "chunk:line: " prefix already added). */
  readonly value: LuaValue;
  /** A Lua-style "stack traceback:" text, filled in lazily by whoever reports the error. */
  luaTraceback: string | undefined;

  constructor(value: LuaValue) {
    super(typeof value === "string" ? value : "(error object is not a string)");
    this.value = value;
    this.luaTraceback = undefined;
  }
}
LuaError.prototype.name = "LuaError";

/**
 * Throw a runtime error with the position of the Lua code at `level` (1: the innermost Lua
 * frame, which is the caller of the builtin that reports the error), as luaL_error does.
 */
export function luaError(msg: string, level = 1): never {
  throw new LuaError(level > 0 ? where(level) + msg : msg);
}

/** "bad argument #N to 'fname' (extramsg)", as luaL_argerror words it. */
export function argError(arg: number, fname: string, extramsg: string): never {
  // pcall and xpcall are callers of builtins themselves: their own frame is skipped.
  const self = fname === "pcall" || fname === "xpcall" ? 1 : 0;
  if (calledDirectly(self)) throw new LuaError(`bad argument #${arg} to '?' (${extramsg})`);
  if (self === 1) return luaError(`bad argument #${arg} to '${fname}' (${extramsg})`, 2);
  if (calledAsMethod()) {
    // `s:sub()`: self is not counted, as LuaJIT reports it.
    if (arg === 1) return luaError(`calling '${fname}' on bad self (${extramsg})`);
    arg--;
  }
  return luaError(`bad argument #${arg} to '${fname}' (${extramsg})`);
}

/** "bad argument #N to 'fname' (number expected, got nil)". `got` is a Lua type name or "no value". */
export function argTypeError(arg: number, fname: string, expected: string, got: string): never {
  return argError(arg, fname, `${expected} expected, got ${got}`);
}
