// Hashes, base64, URI escaping, query strings and SQL quoting (ngx.md5 ... ngx.quote_sql_str),
// over byte strings, with nginx's rules (ngx_escape_uri's tables, ngx_decode_base64's
// strictness, ngx_unescape_uri's tolerance of bad % sequences).
import { createHash, createHmac } from "node:crypto";
import { LuaTable } from "../lua/runtime/table.js";
import type { LuaFunction, LuaResult, LuaValue } from "../lua/runtime/value.js";
import { numberToString, typeName } from "../lua/runtime/convert.js";
import { argError } from "../lua/runtime/error.js";
import { checkStr } from "./values.js";

const bytes = (s: string): Buffer => Buffer.from(s, "latin1");
const str = (b: Buffer): string => b.toString("latin1");

/** nil -> "" as the ngx string functions take it (they accept nil). */
function strOrEmpty(v: LuaValue, arg: number, fname: string): string {
  return v === undefined ? "" : checkStr(v, arg, fname);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(s: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < s.length; i++) c = CRC_TABLE[(c ^ s.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** ngx_decode_base64: stops at the first '=', refuses other bytes and a length of 4n+1. */
export function decodeBase64(s: string): string | undefined {
  let len = 0;
  for (; len < s.length; len++) {
    const c = s[len]!;
    if (c === "=") break;
    if (!B64.includes(c)) return undefined;
  }
  if (len % 4 === 1) return undefined;
  return str(Buffer.from(s.slice(0, len), "base64"));
}

// ngx_escape_uri's tables: which bytes are escaped, per type (0 uri, 1 args, 2 component...).
function escapeSet(keep: string): boolean[] {
  const t: boolean[] = [];
  for (let i = 0; i < 256; i++) {
    const c = String.fromCharCode(i);
    t.push(!(/[A-Za-z0-9]/.test(c) || keep.includes(c)));
  }
  return t;
}
const ESCAPE: Record<number, boolean[]> = {
  // NGX_ESCAPE_URI: " ", "#", "%", "?", controls and bytes >= 0x7f
  0: (() => {
    const t = escapeSet("!\"$&'()*+,-./:;<=>@[\\]^_`{|}~");
    return t;
  })(),
  // NGX_ESCAPE_ARGS: also "&", "+", "=" (and "#", "%", "?")
  1: escapeSet("!\"$'()*,-./:;<>@[\\]^_`{|}~"),
  // ngx_lua's URI component table: all but unreserved and the marks !'()* (checked on the reference)
  2: escapeSet("!'()*-._~"),
  // NGX_ESCAPE_HTML
  3: escapeSet("!\"$&'()*+,-./:;<=>@[\\]^_`{|}~?#"),
  // NGX_ESCAPE_REFRESH
  4: escapeSet("!\"$&'()*+,-./:;<=>@[\\]^_`{|}~?#"),
  // NGX_ESCAPE_MEMCACHED
  5: escapeSet("!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~"),
  // NGX_ESCAPE_MAIL_AUTH
  6: escapeSet("!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~"),
};

export function escapeUri(s: string, type = 2): string {
  const t = ESCAPE[type] ?? ESCAPE[2]!;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += t[c] ? "%" + c.toString(16).toUpperCase().padStart(2, "0") : s[i];
  }
  return out;
}

const HEX = /^[0-9a-fA-F]{2}$/;

/** ngx_unescape_uri: %XX decoded, bad sequences kept; `plus` also turns "+" into " " (args). */
export function unescapeUri(s: string, plus = false): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "%" && HEX.test(s.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (plus && c === "+") out += " ";
    else out += c;
  }
  return out;
}

function argValue(v: LuaValue, fname: string): string {
  if (typeof v === "string") return escapeUri(v, 2);
  if (typeof v === "number") return escapeUri(numberToString(v), 2);
  return argError(1, fname, `attempt to use ${typeName(v)} as query arg value`);
}

/** ngx.encode_args: `true` gives the key alone, `false` nothing, arrays repeat the key. */
export function encodeArgs(t: LuaTable, fname = "encode_args"): string {
  const parts: string[] = [];
  let k: LuaValue = undefined;
  for (;;) {
    const e = t.next(k);
    if (!e) break;
    k = e[0];
    const v = e[1];
    if (typeof k !== "string" && typeof k !== "number") return argError(1, fname, `attempt to use ${typeName(k)} as query arg name`);
    const key = escapeUri(typeof k === "number" ? numberToString(k) : k, 2);
    if (v === true) parts.push(key);
    else if (v === false) continue;
    else if (v instanceof LuaTable) {
      const n = v.length();
      for (let i = 1; i <= n; i++) {
        const x = v.get(i);
        if (x === true) parts.push(key);
        else if (x !== false) parts.push(`${key}=${argValue(x, fname)}`);
      }
    } else parts.push(`${key}=${argValue(v, fname)}`);
  }
  return parts.join("&");
}

/** ngx.decode_args / get_uri_args: at most `max` pairs (0 for all). */
export function decodeArgs(s: string, max: number): LuaTable {
  const t = new LuaTable();
  let n = 0;
  for (const part of s.split("&")) {
    if (part === "") continue;
    if (max > 0 && n >= max) break;
    n++;
    const eq = part.indexOf("=");
    const key = unescapeUri(eq < 0 ? part : part.slice(0, eq), true);
    const val: LuaValue = eq < 0 ? true : unescapeUri(part.slice(eq + 1), true);
    if (key === "") continue;
    const prev = t.get(key);
    if (prev === undefined) t.set(key, val);
    else if (prev instanceof LuaTable) prev.set(prev.length() + 1, val);
    else t.set(key, new LuaTable([prev, val]));
  }
  return t;
}

export function quoteSqlStr(s: string): string {
  let out = "'";
  for (const c of s) {
    switch (c) {
      case "\0": out += "\\0"; break;
      case "\b": out += "\\b"; break;
      case "\n": out += "\\n"; break;
      case "\r": out += "\\r"; break;
      case "\t": out += "\\t"; break;
      case "\x1a": out += "\\Z"; break;
      case "\\": out += "\\\\"; break;
      case "'": out += "\\'"; break;
      case '"': out += '\\"'; break;
      default: out += c;
    }
  }
  return out + "'";
}

export const encodingApi: Record<string, LuaFunction> = {
  md5: (...a): LuaResult => createHash("md5").update(bytes(strOrEmpty(a[0], 1, "md5"))).digest("hex"),
  md5_bin: (...a): LuaResult => str(createHash("md5").update(bytes(strOrEmpty(a[0], 1, "md5_bin"))).digest()),
  sha1_bin: (...a): LuaResult => str(createHash("sha1").update(bytes(strOrEmpty(a[0], 1, "sha1_bin"))).digest()),
  hmac_sha1: (...a): LuaResult =>
    str(createHmac("sha1", bytes(checkStr(a[0], 1, "hmac_sha1"))).update(bytes(checkStr(a[1], 2, "hmac_sha1"))).digest()),
  crc32_short: (...a): LuaResult => crc32(checkStr(a[0], 1, "crc32_short")),
  crc32_long: (...a): LuaResult => crc32(checkStr(a[0], 1, "crc32_long")),
  encode_base64: (...a): LuaResult => {
    if (a[1] !== undefined && typeof a[1] !== "boolean") return argError(2, "encode_base64", `boolean expected, got ${typeName(a[1])}`);
    const e = bytes(strOrEmpty(a[0], 1, "encode_base64")).toString("base64");
    return a[1] === true ? e.replace(/=+$/, "") : e;
  },
  decode_base64: (...a): LuaResult => {
    if (typeof a[0] !== "string" && typeof a[0] !== "number") return argError(1, "decode_base64", `string argument only`);
    return decodeBase64(checkStr(a[0], 1, "decode_base64"));
  },
  escape_uri: (...a): LuaResult => {
    const type = a[1] === undefined ? 2 : Number(a[1]);
    return escapeUri(strOrEmpty(a[0], 1, "escape_uri"), type);
  },
  unescape_uri: (...a): LuaResult => unescapeUri(strOrEmpty(a[0], 1, "unescape_uri"), true),
  encode_args: (...a): LuaResult => {
    if (!(a[0] instanceof LuaTable)) return argError(1, "encode_args", `table expected, got ${typeName(a[0])}`);
    return encodeArgs(a[0]);
  },
  decode_args: (...a): LuaResult => {
    const max = a[1] === undefined ? 100 : Number(a[1]);
    return decodeArgs(checkStr(a[0], 1, "decode_args"), max);
  },
  quote_sql_str: (...a): LuaResult => quoteSqlStr(checkStr(a[0], 1, "quote_sql_str")),
};
