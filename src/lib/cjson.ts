// cjson and cjson.safe: OpenResty's lua-cjson 2.1.0.x over Lua byte strings.
// The encoder and decoder are written here rather than on JSON.parse/stringify because
// lua-cjson's semantics differ everywhere that matters: bytes rather than UTF-16, "\/",
// %.14g numbers, the sparse-array rule, empty tables as {}, and its error texts with
// token names and 1-based byte positions ("Expected value but found T_END at character 1").
import { LuaTable } from "../lua/runtime/table.js";
import { typeName, numberToString, stringToNumber } from "../lua/runtime/convert.js";
import { LUA_NULL, type LuaFunction, type LuaResult, type LuaUserdata, type LuaValue } from "../lua/runtime/value.js";
import { formatG, strtod, type StrtodResult } from "./numfmt.js";
import { libArgError, libError, named } from "./util.js";

// ---------------------------------------------------------------- shared values

/** cjson.empty_array: a light userdata that encodes as []. One per process, like the C static. */
export const EMPTY_ARRAY: LuaUserdata = Object.freeze({ mt: undefined, luaTypeName: "userdata" });
/** cjson.array_mt: tables with this metatable always encode as arrays. */
export const ARRAY_MT = new LuaTable();
/** cjson.empty_array_mt: tables with this metatable encode as [] when empty. */
export const EMPTY_ARRAY_MT = new LuaTable();

/** Process-wide, as in lua_cjson.c where the option rewrites the static escape table. */
let escapeSlash = true;

// ---------------------------------------------------------------- configuration

interface Config {
  sparseConvert: boolean;
  sparseRatio: number;
  sparseSafe: number;
  encodeMaxDepth: number;
  decodeMaxDepth: number;
  /** 0 off (error), 1 on (NaN/Infinity), 2 "null". */
  encodeInvalidNumbers: number;
  decodeInvalidNumbers: boolean;
  encodeKeepBuffer: boolean;
  precision: number;
  emptyTableAsObject: boolean;
  decodeArrayWithArrayMt: boolean;
  skipUnsupported: boolean;
}

function defaultConfig(): Config {
  return {
    sparseConvert: false,
    sparseRatio: 2,
    sparseSafe: 10,
    encodeMaxDepth: 1000,
    decodeMaxDepth: 1000,
    encodeInvalidNumbers: 0,
    decodeInvalidNumbers: true,
    encodeKeepBuffer: true,
    precision: 14,
    emptyTableAsObject: true,
    decodeArrayWithArrayMt: false,
    skipUnsupported: false,
  };
}

/** A failure inside encode/decode; the public wrappers turn it into a Lua error or `nil, err`. */
class JsonFailure {
  constructor(readonly msg: string, readonly arg: number = 0) {}
}

const INT_MAX = 2147483647;

/**
 * luaL_checkinteger into a C int, as lua_cjson.c reads its options: numbers and numeric
 * strings, truncated, then cut to 32 bits (so 2^32 + 5 reads as 5).
 */
function checkInteger(v: LuaValue, arg: number): number {
  const n = typeof v === "number" ? v : typeof v === "string" ? stringToNumber(v) : undefined;
  if (n === undefined) throw new JsonFailure(`number expected, got ${typeName(v)}`, arg);
  return Math.trunc(n) | 0;
}

/** json_integer_option: a range error is reported on argument #1 whatever the argument, as lua_cjson.c does. */
function integerOption(args: LuaValue[], i: number, current: number, min: number, max: number): number {
  const v = args[i];
  if (v === undefined) return current;
  const n = checkInteger(v, i + 1);
  if (!(min <= n && n <= max)) throw new JsonFailure(`expected integer between ${min} and ${max}`, 1);
  return n;
}

/** json_enum_option: a boolean, or one of the option names (luaL_checkoption). Returns the index. */
function enumOption(args: LuaValue[], i: number, current: number, options: readonly string[]): number {
  const v = args[i];
  if (v === undefined) return current;
  if (typeof v === "boolean") return v ? 1 : 0;
  let s: string;
  if (typeof v === "string") s = v;
  else if (typeof v === "number") s = numberToString(v);
  else throw new JsonFailure(`string expected, got ${typeName(v)}`, i + 1);
  const k = options.indexOf(s);
  if (k < 0) throw new JsonFailure(`invalid option '${s}'`, i + 1);
  return k;
}

const BOOL_OPTIONS = ["off", "on"] as const;
const INVALID_NUMBER_OPTIONS = ["off", "on", "null"] as const;

function arity(args: LuaValue[], n: number): void {
  if (args.length > n) throw new JsonFailure("found too many arguments", n + 1);
}

// ---------------------------------------------------------------- encoder

// The escape of each byte, as bytes (0: none). Bytes >= 128 pass unchanged, as in lua-cjson.
const ESCAPES: (Uint8Array | undefined)[] = new Array(256).fill(undefined);
const setEscape = (c: number, text: string): void => {
  ESCAPES[c] = Uint8Array.from(text, (ch) => ch.charCodeAt(0));
};
for (let c = 0; c < 32; c++) setEscape(c, "\\u" + c.toString(16).padStart(4, "0"));
setEscape(8, "\\b");
setEscape(9, "\\t");
setEscape(10, "\\n");
setEscape(12, "\\f");
setEscape(13, "\\r");
setEscape(34, '\\"');
setEscape(92, "\\\\");
setEscape(127, "\\u007f");
const SLASH_ESCAPE = Uint8Array.from([92, 47]);

// The output buffer, shared by every encode (encode never re-enters): it only grows, so a
// steady workload allocates nothing but the final string (lua-cjson's encode_keep_buffer).
let outBuf = new Uint8Array(1 << 16);

class Encoder {
  // Bytes are written into outBuf at pos; the result is one latin1 decode at the end. This
  // allocates no intermediate strings, which measured several times faster than joining
  // pieces (the GC was most of the time).
  private pos = 0;
  private u8 = outBuf;
  /** Integers below this print as themselves under the configured precision. */
  private readonly intLimit: number;

  constructor(private readonly cfg: Config) {
    this.intLimit = Math.pow(10, cfg.precision);
  }

  run(v: LuaValue): string {
    try {
      this.value(v, 0);
      return Buffer.from(this.u8.buffer, this.u8.byteOffset, this.pos).toString("latin1");
    } finally {
      // Keep a reasonably sized buffer, not the largest document ever encoded.
      if (outBuf.length > 1 << 23) outBuf = new Uint8Array(1 << 16);
    }
  }

  private grow(need: number): void {
    let size = this.u8.length * 2;
    while (size < this.pos + need) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.u8.subarray(0, this.pos));
    this.u8 = outBuf = bigger;
  }

  private byte(c: number): void {
    if (this.pos >= this.u8.length) this.grow(1);
    this.u8[this.pos++] = c;
  }

  /** Append an ASCII/latin1 string as bytes. */
  private text(s: string): void {
    const n = s.length;
    if (this.pos + n > this.u8.length) this.grow(n);
    const u8 = this.u8;
    let p = this.pos;
    for (let i = 0; i < n; i++) u8[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  private quote(s: string): void {
    const n = s.length;
    // Worst case: every byte becomes a 6-byte \u escape.
    if (this.pos + n * 6 + 2 > this.u8.length) this.grow(n * 6 + 2);
    const u8 = this.u8;
    let p = this.pos;
    u8[p++] = 34;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      const e = c === 47 ? (escapeSlash ? SLASH_ESCAPE : undefined) : ESCAPES[c];
      if (e === undefined) u8[p++] = c;
      else for (let k = 0; k < e.length; k++) u8[p++] = e[k]!;
    }
    u8[p++] = 34;
    this.pos = p;
  }

  private fail(v: LuaValue, reason: string): never {
    throw new JsonFailure(`Cannot serialise ${typeName(v)}: ${reason}`);
  }

  private number(n: number, what: LuaValue): void {
    if (n === n && n !== Infinity && n !== -Infinity) {
      // The common case: integers print as themselves under any precision >= their digits.
      if (Number.isInteger(n) && n < this.intLimit && n > -this.intLimit && n !== 0) this.text(String(n));
      else this.text(formatG(n, this.cfg.precision));
      return;
    }
    const mode = this.cfg.encodeInvalidNumbers;
    if (mode === 0) this.fail(what, "must not be NaN or Infinity");
    this.text(mode === 2 ? "null" : n !== n ? "NaN" : n > 0 ? "Infinity" : "-Infinity");
  }

  /** Append v; false when it was skipped (encode_skip_unsupported_value_types). */
  private value(v: LuaValue, depth: number): boolean {
    switch (typeof v) {
      case "string":
        this.quote(v);
        return true;
      case "number":
        this.number(v, v);
        return true;
      case "boolean":
        this.text(v ? "true" : "false");
        return true;
      case "undefined":
        this.text("null");
        return true;
    }
    if (v instanceof LuaTable) {
      this.table(v, depth + 1);
      return true;
    }
    if (v === LUA_NULL) {
      this.text("null");
      return true;
    }
    if (v === EMPTY_ARRAY) {
      this.text("[]");
      return true;
    }
    if (this.cfg.skipUnsupported) return false;
    return this.fail(v, "type not supported");
  }

  private table(t: LuaTable, depth: number): void {
    if (depth > this.cfg.encodeMaxDepth) throw new JsonFailure(`Cannot serialise, excessive nesting (${depth})`);
    const mt = t.mt;
    // array_mt, and (lua-cjson 2.1.0.12+) any metatable with __len, force an array of #t items.
    if (mt !== undefined && (mt === ARRAY_MT || mt.getStr("__len") !== undefined)) {
      this.array(t, t.length(), depth);
      return;
    }
    const len = this.arrayLength(t);
    if (len > 0 || (len === 0 && !this.cfg.emptyTableAsObject)) {
      this.array(t, len, depth);
      return;
    }
    // As in lua_cjson.c, empty_array_mt wins over any table that is not an array here,
    // including a non-empty object (it then encodes as []).
    if (mt === EMPTY_ARRAY_MT) {
      this.text("[]");
      return;
    }
    this.object(t, depth);
  }

  /** lua_array_length: the largest key when every key is a positive integer, else -1. */
  private arrayLength(t: LuaTable): number {
    let max = 0, items = 0;
    const arr = t.arr;
    for (let i = 0; i < arr.length; i++) {
      if (arr[i] !== undefined) {
        items++;
        max = i + 1;
      }
    }
    if (t.strs !== undefined) for (const _ in t.strs) return -1;
    const h = t.other;
    if (h !== undefined && h.size > 0) {
      for (const k of h.keys()) {
        if (typeof k === "number" && k >= 1 && Math.floor(k) === k) {
          if (h.get(k) === undefined) continue;
          items++;
          // lua_cjson.c keeps the maximum in a C int: larger keys (and inf) become INT_MIN.
          if (k > max) max = k > INT_MAX ? -2147483648 : k;
          continue;
        }
        return -1;
      }
    }
    const cfg = this.cfg;
    if (cfg.sparseRatio > 0 && max > items * cfg.sparseRatio && max > cfg.sparseSafe) {
      if (!cfg.sparseConvert) this.fail(t, "excessively sparse array");
      return -1;
    }
    return max;
  }

  /**
   * One element of an array or object: the comma, then the value. A value skipped by
   * encode_skip_unsupported_value_types takes back its comma and key, as lua_cjson.c does.
   */
  private array(t: LuaTable, len: number, depth: number): void {
    this.byte(91);
    let first = true;
    const arr = t.arr;
    for (let i = 1; i <= len; i++) {
      const v = i <= arr.length ? arr[i - 1] : t.get(i);
      const mark = this.pos;
      if (!first) this.byte(44);
      if (this.value(v, depth)) first = false;
      else this.pos = mark;
    }
    this.byte(93);
  }

  private object(t: LuaTable, depth: number): void {
    this.byte(123);
    let first = true;
    const arr = t.arr;
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (v === undefined) continue;
      const mark = this.pos;
      if (!first) this.byte(44);
      this.byte(34);
      this.number(i + 1, i + 1);
      this.text('":');
      if (this.value(v, depth)) first = false;
      else this.pos = mark;
    }
    // forEachHash rather than an iterator: no [key, value] array is allocated per entry.
    t.forEachHash((v, k) => {
      if (v === undefined) return;
      const mark = this.pos;
      if (!first) this.byte(44);
      if (typeof k === "string") this.quote(k);
      else if (typeof k === "number") {
        this.byte(34);
        this.number(k, k);
        this.byte(34);
      } else this.fail(k, "table key must be a number or string");
      this.byte(58);
      if (this.value(v, depth)) first = false;
      else this.pos = mark;
    });
    this.byte(125);
  }
}

// ---------------------------------------------------------------- decoder

const enum T {
  OBJ_BEGIN,
  OBJ_END,
  ARR_BEGIN,
  ARR_END,
  STRING,
  NUMBER,
  BOOLEAN,
  NULL,
  COLON,
  COMMA,
  END,
  WHITESPACE,
  ERROR,
  UNKNOWN,
}

const TOKEN_NAMES = [
  "T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING", "T_NUMBER", "T_BOOLEAN",
  "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR", "T_UNKNOWN",
];

// ch2token: what each byte starts (NUL is the end, as in the C string lua-cjson scans).
const CH2TOKEN = new Uint8Array(256).fill(T.ERROR);
CH2TOKEN[123] = T.OBJ_BEGIN;
CH2TOKEN[125] = T.OBJ_END;
CH2TOKEN[91] = T.ARR_BEGIN;
CH2TOKEN[93] = T.ARR_END;
CH2TOKEN[44] = T.COMMA;
CH2TOKEN[58] = T.COLON;
CH2TOKEN[0] = T.END;
for (const c of [32, 9, 10, 13]) CH2TOKEN[c] = T.WHITESPACE;
for (const ch of "fiInNt\"+-0123456789") CH2TOKEN[ch.charCodeAt(0)] = T.UNKNOWN;

// Single-character escapes (0: invalid escape).
const ESCAPE2CHAR = new Uint8Array(256);
ESCAPE2CHAR[34] = 34;
ESCAPE2CHAR[92] = 92;
ESCAPE2CHAR[47] = 47;
ESCAPE2CHAR[98] = 8;
ESCAPE2CHAR[116] = 9;
ESCAPE2CHAR[110] = 10;
ESCAPE2CHAR[102] = 12;
ESCAPE2CHAR[114] = 13;
ESCAPE2CHAR[117] = 117;

function hex4(s: string, i: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = s.charCodeAt(i + k);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else {
      const l = c | 0x20;
      if (l >= 97 && l <= 102) d = l - 87;
      else return -1;
    }
    v = (v << 4) | d;
  }
  return v;
}

function utf8(cp: number): string {
  if (cp <= 0x7f) return String.fromCharCode(cp);
  if (cp <= 0x7ff) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  if (cp <= 0xffff) return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  return String.fromCharCode(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

class Decoder {
  private pos = 0;
  private depth = 0;
  // The current token (kept in fields: no allocation per token).
  private type: T = T.END;
  private index = 0;
  private str = "";
  private num = 0;
  private bool = false;
  private err = "";
  private readonly numOut: StrtodResult = { value: 0, end: 0 };

  constructor(private readonly s: string, private readonly cfg: Config) {}

  run(): LuaValue {
    const s = this.s;
    // lua-cjson rejects UTF-16/32 input by a NUL among the first two bytes.
    if (s.length >= 2 && (s.charCodeAt(0) === 0 || s.charCodeAt(1) === 0)) {
      throw new JsonFailure("JSON parser does not support UTF-16 or UTF-32");
    }
    this.next();
    const v = this.value();
    this.next();
    if (this.type !== T.END) this.parseError("the end");
    return v;
  }

  private parseError(expected: string): never {
    const found = this.type === T.ERROR ? this.err : TOKEN_NAMES[this.type];
    throw new JsonFailure(`Expected ${expected} but found ${found} at character ${this.index + 1}`);
  }

  private tokenError(at: number, msg: string): void {
    this.type = T.ERROR;
    this.index = at;
    this.err = msg;
  }

  private next(): void {
    const s = this.s;
    let p = this.pos;
    let c: number, t: T;
    for (;;) {
      c = s.charCodeAt(p) | 0; // past the end reads as NUL (NaN | 0), the C string's terminator
      t = c < 256 ? (CH2TOKEN[c] as T) : T.ERROR;
      if (t !== T.WHITESPACE) break;
      p++;
    }
    this.pos = p;
    this.index = p;
    this.type = t;
    if (t === T.ERROR) {
      this.err = "invalid token";
      return;
    }
    if (t === T.END) return;
    if (t !== T.UNKNOWN) {
      this.pos = p + 1;
      return;
    }
    if (c === 34) {
      this.string();
      return;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      if (!this.cfg.decodeInvalidNumbers && this.isInvalidNumber(p)) {
        this.tokenError(p, "invalid number");
        return;
      }
      this.number();
      return;
    }
    if (s.startsWith("true", p)) {
      this.type = T.BOOLEAN;
      this.bool = true;
      this.pos = p + 4;
      return;
    }
    if (s.startsWith("false", p)) {
      this.type = T.BOOLEAN;
      this.bool = false;
      this.pos = p + 5;
      return;
    }
    if (s.startsWith("null", p)) {
      this.type = T.NULL;
      this.pos = p + 4;
      return;
    }
    if (this.cfg.decodeInvalidNumbers && this.isInvalidNumber(p)) {
      this.number();
      return;
    }
    this.tokenError(p, "invalid token");
  }

  /** json_is_invalid_number: forms strtod takes that strict JSON does not (+, hex, leading zeros, inf, nan). */
  private isInvalidNumber(p: number): boolean {
    const s = this.s;
    let c = s.charCodeAt(p);
    if (c === 43) return true;
    if (c === 45) c = s.charCodeAt(++p);
    if (c === 48) {
      const c2 = s.charCodeAt(p + 1);
      return (c2 | 0x20) === 120 || (c2 >= 48 && c2 <= 57);
    }
    if ((c | 0) <= 57) return false;
    const w = s.slice(p, p + 3).toLowerCase();
    return w === "inf" || w === "nan";
  }

  private number(): void {
    const p = this.pos;
    strtod(this.s, p, this.numOut);
    if (this.numOut.end === p) {
      this.tokenError(p, "invalid number");
      return;
    }
    this.type = T.NUMBER;
    this.num = this.numOut.value;
    this.pos = this.numOut.end;
  }

  private string(): void {
    const s = this.s;
    let p = this.pos + 1;
    const start = p;
    // Fast path: no escape before the closing quote.
    for (;;) {
      const c = s.charCodeAt(p) | 0;
      if (c === 34) {
        this.type = T.STRING;
        this.str = s.slice(start, p);
        this.pos = p + 1;
        return;
      }
      if (c === 92) break;
      if (c === 0) {
        this.tokenError(p, "unexpected end of string");
        return;
      }
      p++;
    }
    const parts: string[] = [s.slice(start, p)];
    let from = p;
    for (;;) {
      const c = s.charCodeAt(p) | 0;
      if (c === 34) break;
      if (c === 0) {
        this.tokenError(p, "unexpected end of string");
        return;
      }
      if (c !== 92) {
        p++;
        continue;
      }
      if (p > from) parts.push(s.slice(from, p));
      const e = s.charCodeAt(p + 1) | 0;
      const ch = e < 256 ? ESCAPE2CHAR[e]! : 0;
      if (ch === 117) {
        let cp = hex4(s, p + 2);
        let len = 6;
        if (cp >= 0 && (cp & 0xf800) === 0xd800) {
          // A high surrogate must be followed by \u and a low surrogate.
          if (cp & 0x400 || s.charCodeAt(p + 6) !== 92 || s.charCodeAt(p + 7) !== 117) cp = -1;
          else {
            const lo = hex4(s, p + 8);
            if (lo < 0 || (lo & 0xfc00) !== 0xdc00) cp = -1;
            else {
              cp = (((cp & 0x3ff) << 10) | (lo & 0x3ff)) + 0x10000;
              len = 12;
            }
          }
        }
        if (cp < 0) {
          this.tokenError(p, "invalid unicode escape code");
          return;
        }
        parts.push(utf8(cp));
        p += len;
      } else if (ch === 0) {
        this.tokenError(p, "invalid escape code");
        return;
      } else {
        parts.push(String.fromCharCode(ch));
        p += 2;
      }
      from = p;
    }
    if (p > from) parts.push(s.slice(from, p));
    this.type = T.STRING;
    this.str = parts.join("");
    this.pos = p + 1;
  }

  /** The current token type (a call, so that TS does not narrow it across next()). */
  private tok(): T {
    return this.type;
  }

  private descend(): void {
    this.depth++;
    if (this.depth > this.cfg.decodeMaxDepth) {
      throw new JsonFailure(`Found too many nested data structures (${this.depth}) at character ${this.pos}`);
    }
  }

  private value(): LuaValue {
    switch (this.type) {
      case T.STRING:
        return this.str;
      case T.NUMBER:
        return this.num;
      case T.BOOLEAN:
        return this.bool;
      case T.NULL:
        return LUA_NULL;
      case T.OBJ_BEGIN:
        return this.object();
      case T.ARR_BEGIN:
        return this.array();
      default:
        return this.parseError("value");
    }
  }

  private object(): LuaTable {
    this.descend();
    const t = new LuaTable();
    this.next();
    if (this.tok() === T.OBJ_END) {
      this.depth--;
      return t;
    }
    for (;;) {
      if (this.tok() !== T.STRING) this.parseError("object key string");
      const key = this.str;
      this.next();
      if (this.tok() !== T.COLON) this.parseError("colon");
      this.next();
      t.setStr(key, this.value());
      this.next();
      if (this.tok() === T.OBJ_END) {
        this.depth--;
        return t;
      }
      if (this.tok() !== T.COMMA) this.parseError("comma or object end");
      this.next();
    }
  }

  private array(): LuaTable {
    this.descend();
    const items: LuaValue[] = [];
    this.next();
    if (this.tok() !== T.ARR_END) {
      for (;;) {
        items.push(this.value());
        this.next();
        if (this.tok() === T.ARR_END) break;
        if (this.tok() !== T.COMMA) this.parseError("comma or array end");
        this.next();
      }
    }
    this.depth--;
    const t = new LuaTable(items);
    if (this.cfg.decodeArrayWithArrayMt) t.mt = ARRAY_MT;
    return t;
  }
}

// ---------------------------------------------------------------- the module

const sharedConfig = defaultConfig();

/** cjson.safe.decode(s) with default settings, for other libraries (resty.jwt). */
export function safeDecode(s: string): { ok: true; value: LuaValue } | { ok: false; err: string } {
  try {
    return { ok: true, value: new Decoder(s, sharedConfig).run() };
  } catch (e) {
    if (e instanceof JsonFailure) return { ok: false, err: e.msg };
    if (e instanceof RangeError) return { ok: false, err: "Found too many nested data structures" };
    throw e;
  }
}

/** cjson.safe.encode(v) with default settings, for other libraries. */
export function safeEncode(v: LuaValue): { ok: true; value: string } | { ok: false; err: string } {
  try {
    return { ok: true, value: new Encoder(sharedConfig).run(v) };
  } catch (e) {
    if (e instanceof JsonFailure) return { ok: false, err: e.msg };
    if (e instanceof RangeError) return { ok: false, err: "Cannot serialise, excessive nesting" };
    throw e;
  }
}

/** Raise a JsonFailure as the Lua error lua_cjson.c raises (luaL_error / luaL_argerror). */
function raise(e: JsonFailure, fname: string): never {
  if (e.arg > 0) return libArgError(e.arg, fname, e.msg);
  return libError(e.msg);
}

/** The message a JsonFailure gives inside a protected (cjson.safe) call: no position, function '?'. */
function protectedMessage(e: JsonFailure): string {
  return e.arg > 0 ? `bad argument #${e.arg} to '?' (${e.msg})` : e.msg;
}

function rangeErrorAsDepth(e: unknown, what: "encode" | "decode", cfg: Config): JsonFailure | undefined {
  // A stack overflow below the configured depth limit: report it as lua-cjson reports
  // running out of Lua stack (the same message as the depth limit).
  if (e instanceof RangeError) {
    return what === "encode"
      ? new JsonFailure(`Cannot serialise, excessive nesting (${cfg.encodeMaxDepth})`)
      : new JsonFailure(`Found too many nested data structures (${cfg.decodeMaxDepth}) at character 1`);
  }
  return undefined;
}

/** Build a cjson (safe = false) or cjson.safe module table with its own configuration. */
export function makeCjson(safe: boolean): LuaTable {
  const cfg = defaultConfig();
  const t = new LuaTable();

  const encodeCore = (args: LuaValue[]): string => {
    if (args.length !== 1) throw new JsonFailure("expected 1 argument", 1);
    try {
      return new Encoder(cfg).run(args[0]);
    } catch (e) {
      throw rangeErrorAsDepth(e, "encode", cfg) ?? e;
    }
  };
  const decodeCore = (args: LuaValue[]): LuaValue => {
    if (args.length !== 1) throw new JsonFailure("expected 1 argument", 1);
    let s = args[0];
    if (typeof s === "number") s = numberToString(s);
    else if (typeof s !== "string") throw new JsonFailure(`string expected, got ${typeName(s)}`, 1);
    try {
      return new Decoder(s, cfg).run();
    } catch (e) {
      throw rangeErrorAsDepth(e, "decode", cfg) ?? e;
    }
  };

  const wrap = (name: string, core: (args: LuaValue[]) => LuaValue): LuaFunction => {
    if (!safe) {
      return named(name, (...args: LuaValue[]): LuaResult => {
        try {
          return core(args);
        } catch (e) {
          if (e instanceof JsonFailure) raise(e, name);
          throw e;
        }
      });
    }
    return named(name, (...args: LuaValue[]): LuaResult => {
      // The argument count is checked before the protected call, so it still raises.
      if (args.length !== 1) raise(new JsonFailure("expected 1 argument", 1), name);
      try {
        return core(args);
      } catch (e) {
        if (e instanceof JsonFailure) return [undefined, protectedMessage(e)];
        throw e;
      }
    });
  };

  const option = (name: string, body: (args: LuaValue[]) => LuaResult): LuaFunction =>
    named(name, (...args: LuaValue[]): LuaResult => {
      try {
        return body(args);
      } catch (e) {
        if (e instanceof JsonFailure) raise(e, name);
        throw e;
      }
    });

  const boolOption = (name: string, get: () => boolean, set: (v: boolean) => void): LuaFunction =>
    option(name, (args) => {
      arity(args, 1);
      set(enumOption(args, 0, get() ? 1 : 0, BOOL_OPTIONS) === 1);
      return get();
    });

  t.setStr("encode", wrap("encode", encodeCore));
  t.setStr("decode", wrap("decode", decodeCore));
  t.setStr("encode_sparse_array", option("encode_sparse_array", (args) => {
    arity(args, 3);
    // Each option is applied before the next is checked, as lua_cjson.c does.
    cfg.sparseConvert = enumOption(args, 0, cfg.sparseConvert ? 1 : 0, BOOL_OPTIONS) === 1;
    cfg.sparseRatio = integerOption(args, 1, cfg.sparseRatio, 0, INT_MAX);
    cfg.sparseSafe = integerOption(args, 2, cfg.sparseSafe, 0, INT_MAX);
    return [cfg.sparseConvert, cfg.sparseRatio, cfg.sparseSafe];
  }));
  t.setStr("encode_max_depth", option("encode_max_depth", (args) => {
    arity(args, 1);
    return (cfg.encodeMaxDepth = integerOption(args, 0, cfg.encodeMaxDepth, 1, INT_MAX));
  }));
  t.setStr("decode_max_depth", option("decode_max_depth", (args) => {
    arity(args, 1);
    return (cfg.decodeMaxDepth = integerOption(args, 0, cfg.decodeMaxDepth, 1, INT_MAX));
  }));
  t.setStr("encode_number_precision", option("encode_number_precision", (args) => {
    arity(args, 1);
    return (cfg.precision = integerOption(args, 0, cfg.precision, 1, 16));
  }));
  t.setStr("encode_invalid_numbers", option("encode_invalid_numbers", (args) => {
    arity(args, 1);
    cfg.encodeInvalidNumbers = enumOption(args, 0, cfg.encodeInvalidNumbers, INVALID_NUMBER_OPTIONS);
    return cfg.encodeInvalidNumbers === 2 ? "null" : cfg.encodeInvalidNumbers === 1;
  }));
  t.setStr("decode_invalid_numbers", boolOption("decode_invalid_numbers",
    () => cfg.decodeInvalidNumbers, (v) => (cfg.decodeInvalidNumbers = v)));
  // The encode buffer is a C-side allocation detail: the option is accepted and remembered.
  t.setStr("encode_keep_buffer", boolOption("encode_keep_buffer",
    () => cfg.encodeKeepBuffer, (v) => (cfg.encodeKeepBuffer = v)));
  t.setStr("encode_empty_table_as_object", boolOption("encode_empty_table_as_object",
    () => cfg.emptyTableAsObject, (v) => (cfg.emptyTableAsObject = v)));
  t.setStr("decode_array_with_array_mt", boolOption("decode_array_with_array_mt",
    () => cfg.decodeArrayWithArrayMt, (v) => (cfg.decodeArrayWithArrayMt = v)));
  t.setStr("encode_escape_forward_slash", boolOption("encode_escape_forward_slash",
    () => escapeSlash, (v) => (escapeSlash = v)));
  t.setStr("encode_skip_unsupported_value_types", boolOption("encode_skip_unsupported_value_types",
    () => cfg.skipUnsupported, (v) => (cfg.skipUnsupported = v)));
  t.setStr("new", named("new", () => makeCjson(safe)));
  t.setStr("null", LUA_NULL);
  t.setStr("empty_array", EMPTY_ARRAY);
  t.setStr("array_mt", ARRAY_MT);
  t.setStr("empty_array_mt", EMPTY_ARRAY_MT);
  t.setStr("_NAME", "cjson");
  t.setStr("_VERSION", "2.1.0.14");
  return t;
}

/** For tests: restore the process-wide forward-slash escaping to its default. */
export function resetCjsonGlobals(): void {
  escapeSlash = true;
}
