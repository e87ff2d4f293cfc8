// Converting Lua values for the ngx API: the output argument rules of ngx.say/print/log,
// and small checks shared by the API files.
import { LuaTable } from "../lua/runtime/table.js";
import { LUA_NULL, type LuaValue } from "../lua/runtime/value.js";
import { numberToString, typeName } from "../lua/runtime/convert.js";
import { argError, luaError } from "../lua/runtime/error.js";

/** One ngx.say/ngx.print argument as bytes (arrays of such, recursively). */
export function outputPiece(v: LuaValue, arg: number, fname: string): string {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      return numberToString(v);
    case "boolean":
      return v ? "true" : "false";
    case "undefined":
      return "nil";
  }
  if (v === LUA_NULL) return "null";
  if (v instanceof LuaTable) {
    const n = v.length();
    if (v.count() !== n) return argError(arg, fname, "non-array table found");
    let s = "";
    for (let i = 1; i <= n; i++) s += outputPiece(v.get(i), arg, fname);
    return s;
  }
  return argError(arg, fname, `string, number, boolean, nil, ngx.null, or array table expected, got ${typeName(v)}`);
}

/** ngx.log and print's conversion: like outputPiece, but tables are refused. */
export function logPiece(v: LuaValue, arg: number, fname: string): string {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      return numberToString(v);
    case "boolean":
      return v ? "true" : "false";
    case "undefined":
      return "nil";
  }
  if (v === LUA_NULL) return "null";
  if (v instanceof LuaTable) {
    const mt = v.mt;
    const ts = mt?.getStr("__tostring");
    if (typeof ts === "function") {
      const s = ts(v);
      const x = Array.isArray(s) ? s[0] : s;
      if (typeof x === "string") return x;
    }
  }
  return argError(arg, fname, `expected table to have __tostring metamethod`);
}

export function checkStr(v: LuaValue, arg: number, fname: string): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return numberToString(v);
  return argError(arg, fname, `string expected, got ${v === undefined ? "nil" : typeName(v)}`);
}

export function checkNum(v: LuaValue, arg: number, fname: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  return argError(arg, fname, `number expected, got ${v === undefined ? "nil" : typeName(v)}`);
}

export function fail(msg: string): never {
  return luaError(msg);
}
