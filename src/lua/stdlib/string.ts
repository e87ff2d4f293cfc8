// The string library of LuaJIT 2.1: byte, char, dump, find, format, gmatch, gsub, len, lower,
// match, rep (with its third `sep` argument), reverse, sub, upper. Strings are byte strings
// (one JS code unit per byte, 0..255). Every edge case follows luajit, which is the reference:
// integer arguments are converted to int32 as LuaJIT does it (truncation, and any value out of
// range or NaN becomes -2^31, so string.sub(s, 2^31) is the whole string), arguments are
// checked in LuaJIT's order, and errors are worded as LuaJIT words them.
//
// Where tsresty cannot do what LuaJIT does:
//   - string.dump: there is no LuaJIT bytecode for JS-compiled functions, so every function
//     gets LuaJIT's "unable to dump given function" (LuaJIT says it for builtins only).
//   - V8 strings stop at 2^29-24 bytes, LuaJIT's at 2^31-256: string.rep and gsub results in
//     between fail with LuaJIT's "not enough memory" instead of succeeding.
import { LuaTable } from "../runtime/table.js";
import { LuaError, argError, argTypeError, luaError } from "../runtime/error.js";
import { call, first, index, setStringMetatable } from "../runtime/ops.js";
import { numberToString, typeName } from "../runtime/convert.js";
import { checkFunction, checkNumber, checkString, library } from "./args.js";
import {
  CAPTURE_POSITION, CAPTURE_STRING, compileGmatchPattern, compilePattern, hasPatternSpecials, type LuaPattern,
} from "./lpattern.js";
import { format } from "./format.js";
import type { LuaFunction, LuaResult, LuaValue } from "../runtime/value.js";

/** LuaJIT's lj_num2int: truncation toward zero; NaN and values outside int32 give -2^31 (x86's cvttsd2si). */
export function toInt32(n: number): number {
  return n >= -2147483648 && n < 2147483648 ? n | 0 : -2147483648;
}

/** lj_lib_checkint: a number (or a numeric string) as an int32. `i` is 0-based. */
function checkInt32(a: readonly LuaValue[], i: number, fname: string): number {
  const v = a[i];
  return toInt32(typeof v === "number" ? v : checkNumber(a, i, fname));
}

/** lj_lib_optint: nil or absent gives `def`. */
function optInt32(a: readonly LuaValue[], i: number, fname: string, def: number): number {
  const v = a[i];
  if (v === undefined) return def;
  return toInt32(typeof v === "number" ? v : checkNumber(a, i, fname));
}

/** The longest string we can build. V8 caps strings at 2^29-24 code units; LuaJIT at 2^31-256. */
const MAX_STRING = (1 << 29) - 24;

function noMemory(): never {
  // LuaJIT raises this one without a position.
  throw new LuaError("not enough memory");
}

/** Results of string.byte: LuaJIT refuses more than LUAI_MAXCSTACK values. */
const MAX_BYTE_RESULTS = 8000;

function byte(...a: LuaValue[]): LuaResult {
  const s = checkString(a, 0, "byte");
  const len = s.length;
  let st = optInt32(a, 1, "byte", 1);
  let en = optInt32(a, 2, "byte", st);
  if (en < 0) en += len + 1;
  else if (en > len) en = len;
  if (st < 0) st += len + 1;
  if (st < 1) st = 1;
  const n = en - st + 1;
  if (n <= 0) return [];
  if (n === 1) return s.charCodeAt(st - 1);
  if (n > MAX_BYTE_RESULTS) return luaError("string slice too long");
  const out: LuaValue[] = new Array(n);
  for (let k = 0; k < n; k++) out[k] = s.charCodeAt(st - 1 + k);
  return out;
}

function char(...a: LuaValue[]): LuaResult {
  const n = a.length;
  if (n === 1) {
    const c = checkInt32(a, 0, "char");
    if (c < 0 || c > 255) return argError(1, "char", "invalid value");
    return String.fromCharCode(c);
  }
  const codes: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = checkInt32(a, i, "char");
    if (c < 0 || c > 255) return argError(i + 1, "char", "invalid value");
    codes[i] = c;
  }
  // fromCharCode takes its arguments on the stack: build long strings in slices.
  if (n <= 8192) return String.fromCharCode(...codes);
  let out = "";
  for (let i = 0; i < n; i += 8192) out += String.fromCharCode(...codes.slice(i, i + 8192));
  return out;
}

function dump(...a: LuaValue[]): LuaResult {
  checkFunction(a, 0, "dump");
  // tsresty compiles Lua to JavaScript: there is no LuaJIT bytecode to give. LuaJIT says this
  // for functions it cannot dump (builtins).
  return luaError("unable to dump given function");
}

function len(...a: LuaValue[]): LuaResult {
  const v = a[0];
  if (typeof v === "string") return v.length;
  if (typeof v === "number") return numberToString(v).length;
  // LuaJIT's string.len says "got nil" even when the argument is absent.
  return argTypeError(1, "len", "string", typeName(v));
}

const HIGH = /[\x80-\xff]/;

function lower(...a: LuaValue[]): LuaResult {
  const s = checkString(a, 0, "lower");
  // C-locale tolower changes A-Z only; JS's toLowerCase also maps Latin-1 letters (0xC0...).
  if (!HIGH.test(s)) return s.toLowerCase();
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

function upper(...a: LuaValue[]): LuaResult {
  const s = checkString(a, 0, "upper");
  if (!HIGH.test(s)) return s.toUpperCase();
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

function rep(...a: LuaValue[]): LuaResult {
  const s = checkString(a, 0, "rep");
  const n = checkInt32(a, 1, "rep");
  const sep = a[2] === undefined ? "" : checkString(a, 2, "rep");
  if (n <= 0) return "";
  const total = s.length * n + sep.length * (n - 1);
  if (total === 0) return "";
  if (total > MAX_STRING) return noMemory();
  if (sep.length === 0) return s.repeat(n);
  return (s + sep).repeat(n - 1) + s;
}

function reverse(...a: LuaValue[]): LuaResult {
  const s = checkString(a, 0, "reverse");
  const n = s.length;
  if (n < 2) return s;
  const codes = new Uint8Array(n);
  for (let i = 0; i < n; i++) codes[n - 1 - i] = s.charCodeAt(i);
  return Buffer.from(codes.buffer, 0, n).toString("latin1");
}

function sub(...a: LuaValue[]): LuaResult {
  const s = checkString(a, 0, "sub");
  const len = s.length;
  let st = checkInt32(a, 1, "sub");
  let en = optInt32(a, 2, "sub", -1);
  if (en < 0) en += len + 1;
  else if (en > len) en = len;
  if (st < 0) st += len + 1;
  if (st < 1) st = 1;
  if (st > en) return "";
  if (st === 1 && en === len) return s;
  return s.slice(st - 1, en);
}

/**
 * find's and match's start: 1-based `init` (negative: from the end) as a 0-based offset,
 * clamped to 0..len (so an init past the end still finds "" or "$" at the end).
 */
function startOffset(init: number, len: number): number {
  const st = init > 0 ? init - 1 : init < 0 ? len + init : -1;
  return st < 0 ? 0 : st > len ? len : st;
}

function find(...a: LuaValue[]): LuaResult {
  const s = checkString(a, 0, "find");
  const p = checkString(a, 1, "find");
  const len = s.length;
  const st = startOffset(optInt32(a, 2, "find", 1), len);
  const plain = a[3];
  if ((plain !== undefined && plain !== false) || !hasPatternSpecials(p)) {
    const i = s.indexOf(p, st);
    return i < 0 ? undefined : [i + 1, i + p.length];
  }
  const pt = compilePattern(p);
  const m = pt.search(s, st);
  if (m < 0) return undefined;
  const e = pt.lastEnd;
  if (pt.ncap === 0) return [m + 1, e];
  const out: LuaValue[] = [m + 1, e];
  for (let k = 0; k < pt.ncap; k++) out.push(pt.capture(s, k, m, e));
  return out;
}

function match(...a: LuaValue[]): LuaResult {
  const s = checkString(a, 0, "match");
  const p = checkString(a, 1, "match");
  const len = s.length;
  const st = startOffset(optInt32(a, 2, "match", 1), len);
  const pt = compilePattern(p);
  const lit = pt.literal;
  if (lit !== undefined) return s.indexOf(lit, st) >= 0 ? lit : undefined;
  const m = pt.search(s, st);
  if (m < 0) return undefined;
  const e = pt.lastEnd;
  if (pt.ncap === 0) return s.slice(m, e);
  if (pt.ncap === 1) return pt.capture(s, 0, m, e);
  return pt.captures(s, m, e, true);
}

function gmatch(...a: LuaValue[]): LuaResult {
  const s = checkString(a, 0, "gmatch");
  const p = checkString(a, 1, "gmatch");
  const pt = compileGmatchPattern(p);
  let pos = 0;
  const iter: LuaFunction = () => {
    if (pos > s.length) return [];
    const m = pt.search(s, pos);
    if (m < 0) {
      pos = s.length + 1;
      return [];
    }
    const e = pt.lastEnd;
    // After an empty match, move on by one byte; after a non-empty one, an empty match may
    // follow at once (Lua 5.1: gmatch("abc", "%a*") gives "abc" then "").
    pos = e === m ? e + 1 : e;
    if (pt.ncap === 0) return s.slice(m, e);
    if (pt.ncap === 1) return pt.capture(s, 0, m, e);
    return pt.captures(s, m, e, true);
  };
  iter.$name = "gmatch_aux";
  return iter;
}

// ---------------------------------------------------------------- gsub

/**
 * The result of gsub, built as LuaJIT builds it: in a byte buffer. Appending many short
 * pieces to a JS string costs an allocation each (and a copy when it is flattened); short
 * pieces go into a reusable buffer instead, long ones are appended as (O(1)) slices.
 */
const BUF_SIZE = 8192;
const LONG_PIECE = 64;
class ByteBuilder {
  private readonly buf = Buffer.allocUnsafe(BUF_SIZE);
  private o = 0;
  private out = "";

  private flush(): void {
    if (this.o > 0) {
      this.append(this.buf.toString("latin1", 0, this.o));
      this.o = 0;
    }
  }
  private append(piece: string): void {
    if (this.out.length + piece.length > MAX_STRING) noMemory();
    this.out += piece;
  }
  /** Append s[a..b). */
  slice(s: string, a: number, b: number): void {
    const n = b - a;
    if (n <= 0) return;
    if (n > LONG_PIECE) {
      this.flush();
      this.append(a === 0 && b === s.length ? s : s.slice(a, b));
      return;
    }
    if (this.o + n > BUF_SIZE) this.flush();
    const buf = this.buf;
    let o = this.o;
    for (let i = a; i < b; i++) buf[o++] = s.charCodeAt(i);
    this.o = o;
  }
  str(s: string): void {
    this.slice(s, 0, s.length);
  }
  done(): string {
    this.flush();
    const r = this.out;
    this.out = "";
    return r;
  }
  reset(): void {
    this.o = 0;
    this.out = "";
  }
}
// gsub can nest (a replacement function may call gsub), so builders come from a small pool.
const builders: ByteBuilder[] = [];
function takeBuilder(): ByteBuilder {
  return builders.pop() ?? new ByteBuilder();
}
function releaseBuilder(b: ByteBuilder): void {
  b.reset();
  if (builders.length < 4) builders.push(b);
}

/** A replacement string, parsed: literal pieces and capture numbers (0: the whole match). */
type ReplPart = string | number;

function parseRepl(r: string): ReplPart[] | string {
  if (r.indexOf("%") < 0) return r;
  const parts: ReplPart[] = [];
  let lit = "";
  const n = r.length;
  for (let i = 0; i < n; i++) {
    const c = r.charCodeAt(i);
    if (c !== 37) {
      lit += r[i];
      continue;
    }
    i++;
    // '%' before a non-digit stands for that byte; a trailing '%' stands for the NUL that
    // ends the C string in LuaJIT.
    const d = i < n ? r.charCodeAt(i) : 0;
    if (d >= 48 && d <= 57) {
      if (lit.length > 0) parts.push(lit);
      lit = "";
      parts.push(d - 48);
    } else {
      lit += String.fromCharCode(d);
    }
  }
  if (lit.length > 0) parts.push(lit);
  return parts;
}

/** Append the expansion of a parsed replacement string for the match s[m..e). */
function expandRepl(out: ByteBuilder, parts: ReplPart[], pt: LuaPattern, s: string, m: number, e: number): void {
  for (let i = 0; i < parts.length; i++) {
    const x = parts[i]!;
    if (typeof x === "string") out.str(x);
    else if (x === 0) out.slice(s, m, e);
    else {
      const k = x - 1;
      const kind = pt.captureKind(k);
      if (kind === CAPTURE_STRING) {
        const st = pt.capStart[k]!;
        out.slice(s, st, st + pt.capLen[k]!);
      } else if (kind === CAPTURE_POSITION) out.str(numberToString(pt.capStart[k]! + 1));
      else out.slice(s, m, e);
    }
  }
}

/** Append the replacement for a table or function value, or the match itself for nil and false. */
function appendValue(out: ByteBuilder, v: LuaValue, s: string, m: number, e: number): void {
  if (typeof v === "string") out.str(v);
  else if (v === undefined || v === false) out.slice(s, m, e);
  else if (typeof v === "number") out.str(numberToString(v));
  else luaError(`invalid replacement value (a ${typeName(v)})`);
}

function gsub(...a: LuaValue[]): LuaResult {
  const s = checkString(a, 0, "gsub");
  const p = checkString(a, 1, "gsub");
  const len = s.length;
  const maxN = optInt32(a, 3, "gsub", len + 1);
  let repl = a[2];
  const tr = typeof repl;
  if (tr === "number") repl = numberToString(repl as number);
  else if (!(tr === "string" || tr === "function" || repl instanceof LuaTable)) {
    return argError(3, "gsub", "string/function/table expected");
  }
  const pt = compilePattern(p);
  let parts: ReplPart[] | string | undefined;
  if (typeof repl === "string") parts = parseRepl(repl);

  // A literal pattern replaced by a string: split and join. (Not for huge subjects: V8
  // aborts the process when an array outgrows its limit, which split could reach.)
  const lit = pt.literal;
  if (lit !== undefined && lit.length > 0 && parts !== undefined && maxN > 0 && len < 1e7 * lit.length) {
    const pieces = s.split(lit);
    const count = pieces.length - 1;
    if (count === 0) return [s, 0];
    if (count <= maxN) {
      let r: string;
      if (typeof parts === "string") r = parts;
      else {
        const m = s.indexOf(lit);
        const b = takeBuilder();
        expandRepl(b, parts, pt, s, m, m + lit.length);
        r = b.done();
        releaseBuilder(b);
      }
      return [pieces.join(r), count];
    }
  }

  const out = takeBuilder();
  const tbl = repl instanceof LuaTable ? repl : undefined;
  const fn = typeof repl === "function" ? repl : undefined;
  // Append the replacement of the match s[m..e). Captures are read before any Lua code runs
  // (it may use the same pattern).
  const add = (m: number, e: number): void => {
    if (parts !== undefined) {
      if (typeof parts === "string") out.str(parts);
      else expandRepl(out, parts, pt, s, m, e);
    } else if (tbl !== undefined) {
      const key = pt.capture(s, 0, m, e);
      appendValue(out, tbl.mt === undefined ? tbl.get(key) : index(tbl, key), s, m, e);
    } else if (pt.ncap <= 1) {
      appendValue(out, first(call(fn, pt.capture(s, 0, m, e))), s, m, e);
    } else {
      appendValue(out, first(call(fn, ...pt.captures(s, m, e, true))), s, m, e);
    }
  };

  let n = 0;
  if (pt.anchored) {
    if (maxN >= 1) {
      const e = pt.matchAt(s, 0);
      if (e >= 0) {
        n = 1;
        add(0, e);
        out.slice(s, e, len);
      }
    }
    if (n === 0) {
      releaseBuilder(out);
      return [s, 0];
    }
  } else {
    let src = 0; // next byte of s to consider
    while (n < maxN) {
      const m = pt.search(s, src);
      if (m < 0) break;
      const e = pt.lastEnd;
      n++;
      out.slice(s, src, m);
      add(m, e);
      if (e > m) {
        src = e;
      } else if (m < len) {
        // An empty match: keep the byte at it and go on after it.
        out.slice(s, m, m + 1);
        src = m + 1;
      } else {
        src = len + 1;
        break;
      }
    }
    if (n === 0) {
      releaseBuilder(out);
      return [s, 0];
    }
    if (src < len) out.slice(s, src, len);
  }
  const r = out.done();
  releaseBuilder(out);
  return [r, n];
}

// ---------------------------------------------------------------- the library

/** Build the string library, set G.string, and make it the __index of the string metatable. */
export function openString(G: LuaTable): LuaTable {
  const string = library({
    byte, char, dump, find, format, gmatch, gsub, len, lower, match, rep, reverse, sub, upper,
  });
  G.setStr("string", string);
  const meta = new LuaTable();
  meta.setStr("__index", string);
  setStringMetatable(meta);
  return string;
}
