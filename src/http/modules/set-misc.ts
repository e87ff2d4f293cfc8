// ngx_set_misc: set_* directives that write a variable from a filter of a value (or of the
// variable itself, with one argument). They are rewrite-module operations (REWRITE_OPS), so
// they run in configuration order with `set`, `if` and set_by_lua, as on nginx where they
// are compiled into the rewrite module's script. Texts and edge cases measured on the reference.
import { createHash, randomInt } from "node:crypto";
import type { Directive } from "../../conf/ast.js";
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import { NEXT } from "../phases.js";
import { compileComplexValue, type ComplexValue } from "../script.js";
import { setVariable, variableGetter } from "../variables.js";
import { REWRITE_OPS } from "./rewrite.js";
import { setTarget } from "./rewrite-set.js";
import type { RewriteOp } from "./rewrite-op.js";

/** A filter: the new value, or undefined for "invalid value" (500, logged as nginx does). */
type Filter = (s: string) => string | undefined;

const hex = (b: number): string => b.toString(16).toUpperCase().padStart(2, "0");

/** Bytes set_escape_uri leaves alone (the reference's table: alnum and - . _ ~ ! $ ' ( ) * , @ ` |). */
const URI_KEEP = new Uint8Array(256);
for (const c of "-._~!$'()*,@`|") URI_KEEP[c.charCodeAt(0)] = 1;
for (let c = 0; c < 256; c++) if (/[A-Za-z0-9]/.test(String.fromCharCode(c))) URI_KEEP[c] = 1;

function escapeUri(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) & 0xff;
    out += URI_KEEP[c] ? s[i] : "%" + hex(c);
  }
  return out;
}

const hexVal = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;

/** nginx's unescape of a URI component, with `+` as a space; a broken `%` escape is dropped. */
function unescapeUri(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === "+") out += " ";
    else if (ch !== "%") out += ch;
    else {
      const h = hexVal(s.charCodeAt(i + 1));
      const l = hexVal(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        out += String.fromCharCode(h * 16 + l);
        i += 2;
      } else if (h >= 0) i += 1;
    }
  }
  return out;
}

// Quoting tables: byte -> escape (the rest copied).
const SQL_ESC: Record<string, string> = {
  "\0": "\\0", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\x1a": "\\Z",
  "\\": "\\\\", "'": "\\'", '"': '\\"', $: "\\$",
};
const JSON_ESC: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

function quoteSql(s: string, pg: boolean): string {
  if (s === "") return "''";
  let out = pg ? "E'" : "'";
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = s.charCodeAt(i);
    out += SQL_ESC[ch] ?? (pg && c >= 0x80 ? "\\\\" + c.toString(8) : ch);
  }
  return out + "'";
}

function quoteJson(s: string): string {
  if (s === "") return "null";
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = s.charCodeAt(i);
    out += JSON_ESC[ch] ?? (c < 0x20 ? "\\u" + c.toString(16).padStart(4, "0") : ch);
  }
  return out + '"';
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VAL = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) B64_VAL[B64.charCodeAt(i)] = i;

/** ngx_decode_base64: stops at the first `=`, any other byte outside the alphabet is invalid. */
function decodeBase64(s: string): string | undefined {
  let len = 0;
  while (len < s.length && s[len] !== "=") {
    if (B64_VAL[s.charCodeAt(len) & 0xff]! < 0) return undefined;
    len++;
  }
  if (len % 4 === 1) return undefined;
  return Buffer.from(s.slice(0, len), "base64").toString("latin1");
}

// base32hex in lower case; the decoder maps bytes outside its alphabet to 0 (as the module does).
const B32 = "0123456789abcdefghijklmnopqrstuv";
const B32_VAL = new Uint8Array(256);
for (let i = 0; i < 32; i++) B32_VAL[B32.charCodeAt(i)] = i;

function encodeBase32(s: string): string {
  let out = "";
  let bits = 0;
  let acc = 0;
  for (let i = 0; i < s.length; i++) {
    acc = (acc << 8) | (s.charCodeAt(i) & 0xff);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += B32[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += "=";
  return out;
}

/** Lengths (without padding) that no byte count encodes to: the module gives "" for them. */
const B32_BAD_TAIL = new Set([1, 3, 6]);

function decodeBase32(s: string): string {
  let len = s.length;
  while (len > 0 && s[len - 1] === "=") len--;
  if (B32_BAD_TAIL.has(len % 8)) return "";
  let out = "";
  let bits = 0;
  let acc = 0;
  for (let i = 0; i < len; i++) {
    acc = (acc << 5) | B32_VAL[s.charCodeAt(i) & 0xff]!;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((acc >> bits) & 0xff);
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

function decodeHex(s: string): string | undefined {
  if (s.length % 2 !== 0) return undefined;
  let out = "";
  for (let i = 0; i < s.length; i += 2) {
    const h = hexVal(s.charCodeAt(i));
    const l = hexVal(s.charCodeAt(i + 1));
    if (h < 0 || l < 0) return undefined;
    out += String.fromCharCode(h * 16 + l);
  }
  return out;
}

const digest = (alg: string): Filter => (s) => createHash(alg).update(Buffer.from(s, "latin1")).digest("hex");

/** The one-value filters, by directive name. */
const FILTERS: Record<string, Filter> = {
  set_unescape_uri: unescapeUri,
  set_escape_uri: escapeUri,
  set_quote_sql_str: (s) => quoteSql(s, false),
  set_quote_pgsql_str: (s) => quoteSql(s, true),
  set_quote_json_str: quoteJson,
  set_md5: digest("md5"),
  set_sha1: digest("sha1"),
  set_encode_base64: (s) => Buffer.from(s, "latin1").toString("base64"),
  set_decode_base64: decodeBase64,
  set_encode_base32: encodeBase32,
  set_decode_base32: decodeBase32,
  set_encode_hex: (s) => Buffer.from(s, "latin1").toString("hex"),
  set_decode_hex: decodeHex,
};

/** `set_xxx $dst [src]`: with one argument the variable filters its own value. */
function compileFilter(d: Directive, filter: Filter): RewriteOp {
  const name = setTarget(d);
  const src: ComplexValue = d.args.length > 1 ? compileComplexValue(d.args[1]!) : selfValue(name);
  return (r) => {
    const v = filter(src(r));
    if (v === undefined) {
      r.log("error", `${d.name}: invalid value`);
      return 500;
    }
    setVariable(r, name, v);
    return NEXT;
  };
}

function selfValue(name: string): ComplexValue {
  const g = variableGetter(name);
  return (r: Request) => g(r) ?? "";
}

function compileIfEmpty(d: Directive): RewriteOp {
  const name = setTarget(d);
  const cur = selfValue(name);
  const value = compileComplexValue(d.args[1] ?? "");
  return (r) => {
    if (cur(r) === "") setVariable(r, name, value(r));
    return NEXT;
  };
}

function compileRandom(d: Directive): RewriteOp {
  const name = setTarget(d);
  const from = compileComplexValue(d.args[1] ?? "");
  const to = compileComplexValue(d.args[2] ?? "");
  return (r) => {
    const a = Number(from(r));
    const b = Number(to(r));
    if (!/^[0-9]+$/.test(from(r)) || !/^[0-9]+$/.test(to(r))) {
      r.log("error", "set_random: bad \"from\" or \"to\" argument");
      return 500;
    }
    const lo = Math.min(a, b);
    setVariable(r, name, String(lo + randomInt(Math.abs(b - a) + 1)));
    return NEXT;
  };
}

const ALNUM = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LCALPHA = "abcdefghijklmnopqrstuvwxyz";

function compileSecureRandom(alphabet: string): (d: Directive) => RewriteOp {
  return (d) => {
    const name = setTarget(d);
    const len = compileComplexValue(d.args[1] ?? "");
    return (r) => {
      const t = len(r);
      const n = Number(t);
      if (!/^[0-9]+$/.test(t) || n < 1 || n > 64) {
        r.log("error", `${d.name}: bad "length" argument: ${t}`);
        return 500;
      }
      let out = "";
      for (let i = 0; i < n; i++) out += alphabet[randomInt(alphabet.length)];
      setVariable(r, name, out);
      return NEXT;
    };
  };
}

const OPS: Record<string, (d: Directive) => RewriteOp> = {
  set_if_empty: compileIfEmpty,
  set_random: compileRandom,
  set_secure_random_alphanum: compileSecureRandom(ALNUM),
  set_secure_random_lcalpha: compileSecureRandom(LCALPHA),
};
for (const [n, f] of Object.entries(FILTERS)) OPS[n] = (d) => compileFilter(d, f);
for (const [n, c] of Object.entries(OPS)) REWRITE_OPS[n] = c;

export const setMiscModule: HttpModule = {
  name: "set_misc",
  directives: Object.keys(OPS),
};
