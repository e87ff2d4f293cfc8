// `import cjson from "tsresty/cjson"`: the bundled cjson (src/lib/cjson.ts) for TypeScript.
// Values go through a Lua table so that the output is byte for byte what Lua's cjson.encode
// writes (escaped "/", 14 significant digits, ...). JS null is cjson.null; arrays stay
// arrays (empty ones too), objects become objects.
import { makeCjson, ARRAY_MT } from "../../../lib/cjson.js";
import { LuaTable } from "../../../lua/runtime/table.js";
import { LuaError } from "../../../lua/runtime/error.js";
import { LUA_NULL, type LuaFunction, type LuaValue } from "../../../lua/runtime/value.js";
import { textIn, textOut, toLua } from "../convert.js";

/** A JSON value as TypeScript sees it. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const M = makeCjson(false);
// Decoded arrays carry array_mt, so that [] comes back as an array rather than an object.
(M.getStr("decode_array_with_array_mt") as LuaFunction)(true);
const encodeFn = M.getStr("encode") as LuaFunction;
const decodeFn = M.getStr("decode") as LuaFunction;

function fromLua(v: LuaValue): Json {
  if (v === LUA_NULL || v === undefined) return null;
  if (typeof v === "string") return textOut(v);
  if (typeof v === "number" || typeof v === "boolean") return v;
  if (!(v instanceof LuaTable)) return null;
  if (v.mt === ARRAY_MT) {
    const a: Json[] = [];
    for (let i = 1, n = v.length(); i <= n; i++) a.push(fromLua(v.get(i)));
    return a;
  }
  const o: { [k: string]: Json } = {};
  for (let e = v.next(undefined); e; e = v.next(e[0])) o[typeof e[0] === "string" ? textOut(e[0]) : String(e[0])] = fromLua(e[1]);
  return o;
}

function call(f: LuaFunction, v: LuaValue): LuaValue {
  try {
    const r = f(v);
    return Array.isArray(r) ? r[0] : r;
  } catch (e) {
    if (e instanceof LuaError) throw new Error(typeof e.value === "string" ? e.value : "cjson error");
    throw e;
  }
}

/** cjson.encode: throws on what cannot be encoded, as Lua's raises. */
export function encode(value: unknown): string {
  return textOut(call(encodeFn, toLua(value, { nullValue: LUA_NULL, arrayMt: ARRAY_MT })) as string);
}

/** cjson.decode: throws on invalid JSON with cjson's message. */
export function decode(text: string | Uint8Array): Json {
  return fromLua(call(decodeFn, textIn(text)));
}

/** cjson.safe: `[value, null]` or `[null, err]` instead of throwing. */
export const safe = {
  encode(value: unknown): [string | null, string | null] {
    try {
      return [encode(value), null];
    } catch (e) {
      return [null, (e as Error).message];
    }
  },
  decode(text: string | Uint8Array): [Json, string | null] {
    try {
      return [decode(text), null];
    } catch (e) {
      return [null, (e as Error).message];
    }
  },
};

const cjson = { encode, decode, safe, null: null };
export default cjson;
