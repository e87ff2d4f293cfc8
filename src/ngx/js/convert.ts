// Values across the TypeScript facade: Lua strings are latin1 byte strings (one char per
// byte); TypeScript sees text. Strings going out are decoded as UTF-8, strings coming in are
// encoded as UTF-8; a Buffer (or Uint8Array) coming in is taken as raw bytes. Tables become
// arrays (a sequence) or plain objects, nil and ngx.null become null.
import { LuaTable } from "../../lua/runtime/table.js";
import { LUA_NULL, type LuaFunction, type LuaValue } from "../../lua/runtime/value.js";

/** What a value from Lua looks like in TypeScript. */
export type JsValue = null | boolean | number | string | Buffer | JsValue[] | { [k: string]: JsValue } | ((...a: never[]) => unknown);

const ASCII = /^[\x00-\x7f]*$/;

/** A Lua byte string as text (UTF-8 decoded; pure ASCII is returned as is, without a copy). */
export function textOut(s: string): string {
  return ASCII.test(s) ? s : Buffer.from(s, "latin1").toString("utf8");
}

/** Text (or bytes) as a Lua byte string. */
export function textIn(s: string | Uint8Array): string {
  if (typeof s !== "string") return Buffer.from(s.buffer, s.byteOffset, s.byteLength).toString("latin1");
  return ASCII.test(s) ? s : Buffer.from(s, "utf8").toString("latin1");
}

/** A Lua byte string as a Buffer (binary results: md5_bin, sha1_bin, hmac_sha1). */
export function bytesOut(s: LuaValue): Buffer | null {
  return typeof s === "string" ? Buffer.from(s, "latin1") : null;
}

/** Options of the JS -> Lua conversion. */
export interface InOptions {
  /** What JS null becomes (nil by default; cjson.null for cjson.encode). */
  readonly nullValue?: LuaValue;
  /** Metatable given to tables made from JS arrays (cjson's array_mt, so [] stays an array). */
  readonly arrayMt?: LuaTable;
  /** Turns a JS function into a Lua function (the bridge's, for timer callbacks). */
  readonly fn?: (f: (...a: unknown[]) => unknown) => LuaFunction;
}

/** Tables already handed to TypeScript as proxies: assigning one back gives the table itself. */
const proxied = new WeakMap<object, LuaTable>();

export function registerProxy(p: object, t: LuaTable): void {
  proxied.set(p, t);
}

/** A JS value as a Lua value (deep copy for arrays and objects). */
export function toLua(v: unknown, o: InOptions = {}): LuaValue {
  switch (typeof v) {
    case "undefined": return undefined;
    case "boolean": case "number": return v;
    case "string": return textIn(v);
    case "bigint": return Number(v);
    case "function":
      if (o.fn === undefined) throw new TypeError("a function cannot be passed to Lua here");
      return o.fn(v as (...a: unknown[]) => unknown);
    default: break;
  }
  if (v === null) return o.nullValue;
  if (v instanceof LuaTable) return v;
  if (v === LUA_NULL) return LUA_NULL;
  if (v instanceof Uint8Array) return textIn(v);
  const t0 = proxied.get(v as object);
  if (t0 !== undefined) return t0;
  if (Array.isArray(v)) {
    const t = new LuaTable(v.map((x) => toLua(x, o)));
    if (o.arrayMt !== undefined) t.mt = o.arrayMt;
    return t;
  }
  const t = new LuaTable();
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined) continue;
    t.set(integerKey(k) ?? textIn(k), toLua(x, o));
  }
  return t;
}

/** "12" -> 12: object keys that are array indexes are Lua integer keys. */
export function integerKey(k: string): number | undefined {
  if (!/^[1-9]\d{0,14}$/.test(k)) return undefined;
  return Number(k);
}

/** A Lua value as a JS value: tables are copied (a sequence to an array, others to an object). */
export function toJs(v: LuaValue): JsValue {
  switch (typeof v) {
    case "undefined": return null;
    case "boolean": case "number": return v;
    case "string": return textOut(v);
    case "function": return v as LuaFunction;
    default: break;
  }
  if (v instanceof LuaTable) return tableToJs(v);
  return null; // ngx.null and other userdata
}

/** Whether table `t` is a sequence 1..n and nothing else (and not empty). */
export function isSequence(t: LuaTable): boolean {
  const n = t.length();
  return n > 0 && t.count() === n;
}

function tableToJs(t: LuaTable): JsValue {
  if (isSequence(t)) {
    const out: JsValue[] = [];
    for (let i = 1, n = t.length(); i <= n; i++) out.push(toJs(t.get(i)));
    return out;
  }
  const out: { [k: string]: JsValue } = {};
  for (let e = t.next(undefined); e; e = t.next(e[0])) {
    const k = e[0];
    const key = typeof k === "string" ? textOut(k) : typeof k === "number" ? String(k) : undefined;
    if (key !== undefined) out[key] = toJs(e[1]);
  }
  return out;
}
