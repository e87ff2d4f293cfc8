// string.format as LuaJIT 2.1 does it (lj_strfmt.c), checked against luajit:
//   - A conversion is '%', any number of flags from "-+ #0" (repeats allowed), a width of at
//     most two digits, optionally '.' and a precision of at most two digits, and one of
//     "aAcdeEfFgGioqpsuxX". Anything else is "invalid option '%<text up to the bad byte>' to
//     'format'" (so "%100d" is "invalid option '%100'"). LuaJIT 2.1 has no "invalid format
//     (repeated flags)" nor "(width or precision too long)": those are Lua 5.1's.
//   - A missing argument is "bad argument #N to 'format' (value expected)".
//   - %d %i: the number truncated to int64; NaN, infinities and anything out of range give
//     -2^63 (x86's conversion). %u %x %X %o: converted to uint64 as LuaJIT's lj_num2u64 does
//     (values >= 2^63 wrap by 2^64). %c: the low byte of the int32 conversion.
//   - Floating-point conversions use LuaJIT's digits and rounding (see runtime/convert.ts):
//     nan is never negative (and '+' does not give it a sign, ' ' does); inf and nan are
//     padded with spaces even with the '0' flag.
//   - %s uses __tostring; when __tostring returns something other than a string it is shown
//     as tostring would show it without metamethods. %q does the same conversion, then
//     quotes; it ignores width and precision.
//   - %p shows an address, or NULL for nil, booleans and numbers.
import { luaError, argError } from "../runtime/error.js";
import { call, first, metamethod, tostring as opsTostring } from "../runtime/ops.js";
import { addressOf, formatE, formatF, formatG, formatHexFloat, numberToString, typeName } from "../runtime/convert.js";
import { checkNumber, checkString } from "./args.js";
import type { LuaResult, LuaValue } from "../runtime/value.js";

const F_LEFT = 1, F_PLUS = 2, F_SPACE = 4, F_ALT = 8, F_ZERO = 16;

/** One piece of a parsed format: literal text, then a conversion (or an error, or nothing). */
interface Spec {
  /** Literal text before the conversion. */
  readonly lit: string;
  /** Conversion byte ('d', 's', ...), 0 for none (trailing literal), -1 for an invalid option. */
  readonly conv: number;
  readonly flags: number;
  readonly width: number;
  /** -1 when absent. */
  readonly prec: number;
  /** For invalid options: the text of the option, for the message. */
  readonly bad: string;
  /** No flags, width nor precision. */
  readonly plain: boolean;
}

const VALID = new Uint8Array(128);
for (const c of "aAcdeEfFgGioqpsuxX") VALID[c.charCodeAt(0)] = 1;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function parseFormat(fmt: string): Spec[] {
  const specs: Spec[] = [];
  const n = fmt.length;
  let lit = "";
  let i = 0;
  while (i < n) {
    const pc = fmt.indexOf("%", i);
    if (pc < 0) {
      lit += fmt.slice(i);
      break;
    }
    lit += fmt.slice(i, pc);
    let p = pc + 1;
    if (fmt.charCodeAt(p) === 37) {
      lit += "%";
      i = p + 1;
      continue;
    }
    let flags = 0;
    for (;; p++) {
      const c = fmt.charCodeAt(p);
      if (c === 45) flags |= F_LEFT;
      else if (c === 43) flags |= F_PLUS;
      else if (c === 32) flags |= F_SPACE;
      else if (c === 35) flags |= F_ALT;
      else if (c === 48) flags |= F_ZERO;
      else break;
    }
    let width = 0;
    if (isDigit(fmt.charCodeAt(p))) {
      width = fmt.charCodeAt(p++) - 48;
      if (isDigit(fmt.charCodeAt(p))) width = width * 10 + fmt.charCodeAt(p++) - 48;
    }
    let prec = -1;
    if (fmt.charCodeAt(p) === 46) {
      p++;
      prec = 0;
      if (isDigit(fmt.charCodeAt(p))) {
        prec = fmt.charCodeAt(p++) - 48;
        if (isDigit(fmt.charCodeAt(p))) prec = prec * 10 + fmt.charCodeAt(p++) - 48;
      }
    }
    const c = fmt.charCodeAt(p);
    if (c < 128 && VALID[c] === 1) {
      specs.push({ lit, conv: c, flags, width, prec, bad: "", plain: flags === 0 && width === 0 && prec < 0 });
      lit = "";
      i = p + 1;
      continue;
    }
    // The message shows the option up to the offending byte, as a C string (cut at a NUL).
    let bad = fmt.slice(pc, p + 1);
    const z = bad.indexOf("\0");
    if (z >= 0) bad = bad.slice(0, z);
    specs.push({ lit, conv: -1, flags, width, prec, bad, plain: false });
    return specs; // nothing after an invalid option is ever reached
  }
  if (lit.length > 0) specs.push({ lit, conv: 0, flags: 0, width: 0, prec: -1, bad: "", plain: true });
  return specs;
}

const CACHE_SIZE = 256;
const cache = new Map<string, Spec[]>();

function specsOf(fmt: string): Spec[] {
  let s = cache.get(fmt);
  if (s === undefined) {
    s = parseFormat(fmt);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(fmt, s);
  }
  return s;
}

// ---------------------------------------------------------------- padding

function pad(s: string, width: number, left: boolean): string {
  if (s.length >= width) return s;
  const fill = " ".repeat(width - s.length);
  return left ? s + fill : fill + s;
}

/** Pad `body` to `width`: left-justified, or with zeros after `prefix`, or with spaces. */
function padNumber(prefix: string, body: string, width: number, flags: number, zeroOk: boolean): string {
  const len = prefix.length + body.length;
  if (len >= width) return prefix + body;
  if ((flags & F_LEFT) !== 0) return prefix + body + " ".repeat(width - len);
  if (zeroOk && (flags & F_ZERO) !== 0) return prefix + "0".repeat(width - len) + body;
  return " ".repeat(width - len) + prefix + body;
}

// ---------------------------------------------------------------- integers

const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;
const INT64_MIN = -(2n ** 63n);

/** C's (int64_t)n on x86: truncation, and INT64_MIN for NaN and anything out of range. */
function toInt64(n: number): number | bigint {
  const t = Math.trunc(n);
  if (t >= -9007199254740991 && t <= 9007199254740991) return t === 0 ? 0 : t; // no -0
  if (t >= TWO63 || t < -TWO63 || t !== t) return INT64_MIN;
  return BigInt(t);
}

/** LuaJIT's lj_num2u64: values >= 2^63 wrap by 2^64, the rest go through int64. */
function toUint64(n: number): number | bigint {
  const x = n >= TWO63 ? toInt64(n - TWO64) : toInt64(n);
  if (typeof x === "number") return x >= 0 ? x : BigInt.asUintN(64, BigInt(x));
  return BigInt.asUintN(64, x);
}

function formatInt(v: LuaValue[], argn: number, sp: Spec): string {
  const n = checkNumber(v, argn, "format");
  const conv = sp.conv, flags = sp.flags, prec = sp.prec;
  let digits: string;
  let prefix = "";
  let zero: boolean; // the value is zero (for the precision and '#' rules)
  if (conv === 100 || conv === 105) {
    // %d %i
    const x = toInt64(n);
    let neg: boolean;
    if (typeof x === "number") {
      neg = x < 0;
      digits = String(neg ? -x : x);
      zero = x === 0;
    } else {
      neg = x < 0n;
      digits = (neg ? -x : x).toString();
      zero = false;
    }
    if (neg) prefix = "-";
    else if ((flags & F_PLUS) !== 0) prefix = "+";
    else if ((flags & F_SPACE) !== 0) prefix = " ";
  } else {
    const x = n >= 0 && n <= 9007199254740991 ? Math.floor(n) : toUint64(n);
    const base = conv === 111 ? 8 : conv === 117 ? 10 : 16;
    digits = x.toString(base);
    if (conv === 88) digits = digits.toUpperCase();
    zero = typeof x === "number" ? x === 0 : x === 0n;
    if ((flags & F_ALT) !== 0 && !zero) {
      if (conv === 120) prefix = "0x";
      else if (conv === 88) prefix = "0X";
    }
  }
  if (prec >= 0) {
    if (zero && prec === 0) digits = "";
    else if (digits.length < prec) digits = "0".repeat(prec - digits.length) + digits;
  }
  // '#' with %o makes the first digit a zero.
  if (conv === 111 && (flags & F_ALT) !== 0 && digits.charCodeAt(0) !== 48) digits = "0" + digits;
  return padNumber(prefix, digits, sp.width, flags, prec < 0);
}

// ---------------------------------------------------------------- floating point

function formatFloat(v: LuaValue[], argn: number, sp: Spec): string {
  const n = checkNumber(v, argn, "format");
  const conv = sp.conv, flags = sp.flags;
  const upper = conv === 69 || conv === 70 || conv === 71 || conv === 65; // E F G A
  let body: string;
  let prefix: string;
  let finite = true;
  if (n !== n || n === Infinity || n === -Infinity) {
    finite = false;
    if (n !== n) {
      // LuaJIT gives nan no sign, and honours ' ' but not '+' for it ("%+f" is "nan").
      body = "nan";
      prefix = (flags & F_SPACE) !== 0 ? " " : "";
    } else {
      body = "inf";
      prefix = n < 0 ? "-" : (flags & F_PLUS) !== 0 ? "+" : (flags & F_SPACE) !== 0 ? " " : "";
    }
  } else {
    const alt = (flags & F_ALT) !== 0;
    const prec = sp.prec;
    switch (conv | 0x20) {
      case 101: body = formatE(n, prec < 0 ? 6 : prec, alt); break;
      case 102: body = formatF(n, prec < 0 ? 6 : prec, alt); break;
      case 103: body = formatG(n, prec < 0 ? 6 : prec, alt); break;
      default: body = formatHexFloat(n, prec, alt); break;
    }
    if (body.charCodeAt(0) === 45) {
      prefix = "-";
      body = body.slice(1);
    } else {
      prefix = (flags & F_PLUS) !== 0 ? "+" : (flags & F_SPACE) !== 0 ? " " : "";
    }
    if ((conv | 0x20) === 97) {
      // Zero padding of %a goes after the "0x".
      prefix += "0x";
      body = body.slice(2);
    }
  }
  if (upper) {
    prefix = prefix.toUpperCase();
    body = body.toUpperCase();
  }
  return padNumber(prefix, body, sp.width, flags, finite);
}

// ---------------------------------------------------------------- strings

/** tostring without metamethods, as LuaJIT's lj_strfmt_obj shows a value. */
function plainTostring(v: LuaValue): string {
  switch (typeof v) {
    case "string": return v;
    case "number": return numberToString(v);
    case "undefined": return "nil";
    case "boolean": return v ? "true" : "false";
    case "function": return opsTostring(v);
  }
  return `${typeName(v)}: ${addressOf(v as object)}`;
}

/** What %s and %q show for a value: __tostring's result when there is one. */
function fmtTostring(v: LuaValue): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return numberToString(v);
  const h = metamethod(v, "__tostring");
  if (h !== undefined) return plainTostring(first(call(h, v)));
  return plainTostring(v);
}

/**
 * %q: LuaJIT's quoting. '"' and '\' are escaped, a newline becomes '\' and a newline, other
 * control bytes (and 127) are written in decimal, on three digits when a digit follows so
 * that they read back ("\0", "\0001", "\13"); bytes >= 128 are kept as they are.
 */
export function quoteString(s: string): string {
  let out = '"';
  let from = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 32 && c !== 34 && c !== 92 && c !== 127) continue;
    let esc: string;
    if (c === 34) esc = '\\"';
    else if (c === 92) esc = "\\\\";
    else if (c === 10) esc = "\\\n";
    else {
      const d = s.charCodeAt(i + 1);
      esc = isDigit(d) ? (c < 10 ? "\\00" : c < 100 ? "\\0" : "\\") + c : "\\" + c;
    }
    if (i > from) out += s.slice(from, i);
    out += esc;
    from = i + 1;
  }
  return from === 0 ? '"' + s + '"' : out + s.slice(from) + '"';
}

function formatPointer(v: LuaValue): string {
  if (v === undefined || typeof v === "boolean" || typeof v === "number") return "NULL";
  if (typeof v === "string") return addressOf(stringBox(v));
  return addressOf(v as object);
}

// Strings have no identity in JS; give each distinct content a stable fake address.
const stringBoxes = new Map<string, object>();
function stringBox(s: string): object {
  let b = stringBoxes.get(s);
  if (b === undefined) {
    b = {};
    if (stringBoxes.size > 1024) stringBoxes.clear();
    stringBoxes.set(s, b);
  }
  return b;
}

// ---------------------------------------------------------------- string.format

/** string.format(fmt, ...) */
export function format(...a: LuaValue[]): LuaResult {
  const fmt = checkString(a, 0, "format");
  const specs = specsOf(fmt);
  let out = "";
  let arg = 1;
  for (let k = 0; k < specs.length; k++) {
    const sp = specs[k]!;
    out += sp.lit;
    const conv = sp.conv;
    if (conv <= 0) {
      if (conv === 0) break;
      return luaError(`invalid option '${sp.bad}' to 'format'`);
    }
    if (arg >= a.length) return argError(arg + 1, "format", "value expected");
    const argn = arg++;
    switch (conv) {
      case 115: { // s
        const v = a[argn];
        let s = typeof v === "string" ? v : fmtTostring(v);
        if (sp.prec >= 0 && s.length > sp.prec) s = s.slice(0, sp.prec);
        out += sp.width > 0 ? pad(s, sp.width, (sp.flags & F_LEFT) !== 0) : s;
        break;
      }
      case 100: case 105: { // d i
        // Fast path: a plain %d of an int32.
        const v = a[argn];
        if (sp.plain && typeof v === "number" && (v | 0) === v) out += String(v);
        else out += formatInt(a, argn, sp);
        break;
      }
      case 117: case 120: case 88: case 111: // u x X o
        out += formatInt(a, argn, sp);
        break;
      case 99: { // c
        const n = checkNumber(a, argn, "format");
        const c = n >= -2147483648 && n < 2147483648 ? (n | 0) & 255 : 0;
        out += pad(String.fromCharCode(c), sp.width, (sp.flags & F_LEFT) !== 0);
        break;
      }
      case 113: // q
        out += quoteString(fmtTostring(a[argn]));
        break;
      case 112: // p
        out += pad(formatPointer(a[argn]), sp.width, (sp.flags & F_LEFT) !== 0);
        break;
      default: // e E f F g G a A
        out += formatFloat(a, argn, sp);
        break;
    }
  }
  return out;
}
