// ngx.log and the handlers' `print`: `[lua] SRC:LINE: [FUNC(): ]message` at the given level, through
// the request's error log (so its level filter and context suffix apply).
import type { LuaFunction, LuaResult, LuaValue } from "../lua/runtime/value.js";
import { whereNamed } from "../lua/runtime/callstack.js";
import { argError, luaError } from "../lua/runtime/error.js";
import { typeName } from "../lua/runtime/convert.js";
import { currentHost } from "./host.js";
import type { LuaVm } from "./vm.js";
import { logPiece } from "./values.js";
import { PHASE_ACTION } from "./phases.js";

function emit(vm: LuaVm, level: number, args: readonly LuaValue[], from: number, fname: string): void {
  let msg = "";
  for (let i = from; i < args.length; i++) msg += logPiece(args[i], i + 1, fname);
  const h = currentHost();
  const r = h?.r;
  const action = (h === undefined ? undefined : PHASE_ACTION[h.phase]);
  vm.log(level, `[lua] ${whereNamed(1)}${msg}`, r, action);
}

export function makeLog(vm: LuaVm): LuaFunction {
  return function log(...a: LuaValue[]): LuaResult {
    const level = a[0];
    if (typeof level !== "number") return argError(1, "log", `number expected, got ${a.length === 0 ? "no value" : typeName(level)}`);
    if (level < 0 || level > 8) return luaError(`bad log level: ${level}`);
    emit(vm, level, a, 1, "log");
    return [];
  };
}

/** `print` in handlers logs at NOTICE, as ngx_lua replaces it. */
export function makePrint(vm: LuaVm): LuaFunction {
  return function print(...a: LuaValue[]): LuaResult {
    emit(vm, 6, a, 0, "print");
    return [];
  };
}
