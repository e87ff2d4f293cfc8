// Conversions between Lua values and text, as LuaJIT does them.
import { LuaTable } from "./table.js";
import type { LuaValue } from "./value.js";

/** type(v) */
export function typeName(v: LuaValue): string {
  switch (typeof v) {
    case "undefined": return "nil";
    case "boolean": return "boolean";
    case "number": return "number";
    case "string": return "string";
    case "function": return "function";
    default:
      if (v instanceof LuaTable) return "table";
      return (v as { luaType?: string }).luaType ?? "userdata";
  }
}

// ---------------------------------------------------------------- number formatting
// LuaJIT 2.1 formats numbers with its own code (lj_strfmt_num.c), not the C library. What it
// does, checked against luajit:
//   - digits are exact (the full decimal expansion of the double), and an exact tie at the
//     last digit rounds away from zero: "%.0f" of 0.5 is "1", of 2.5 is "3"; "%.2f" of 0.125
//     is "0.13". That is precisely what JS's toFixed/toExponential do, so they are used as is
//     (glibc would round ties to even; LuaJIT does not).
//   - NaN is always "nan" ("NAN" for upper-case conversions), never "-nan", whatever its sign
//     bit: tostring(0/0), tostring(-(0/0)) and string.format("%f", -(0/0)) all print "nan".
//   - infinities are "inf" and "-inf".

/** A number as LuaJIT prints it (tostring, concatenation, print): "%.14g", inf, -inf, nan, -0. */
export function numberToString(n: number): string {
  if (Number.isInteger(n)) {
    if (n >= 0) {
      if (n < 2147483648) return n === 0 && 1 / n < 0 ? "-0" : String(n);
      if (n < 1e14) return intDigits(n);
    } else if (n > -1e14) return n > -2147483648 ? String(n) : "-" + intDigits(-n);
  } else if (n !== n) {
    return "nan";
  } else if (n === Infinity) {
    return "inf";
  } else if (n === -Infinity) {
    return "-inf";
  }
  return formatG(n, 14, false);
}

// Exact powers of ten (10^22 is the largest a double holds exactly).
const POW10: number[] = [];
for (let i = 0, p = 1; i <= 22; i++, p *= 10) POW10.push(p);

/**
 * The fast path of rounding a finite a > 0 to `prec` (<= 14) significant digits: sets
 * rDigits to the digits as an integer (10^(prec-1) <= rDigits < 10^prec) and rExp to the
 * decimal exponent of the first one, and returns true; returns false when it cannot decide
 * cheaply. a * 10^k with an exact power of ten is one correctly rounded operation, so the
 * computed product is within half an ulp (< 2^-6 here, as the product is below 2^47) of the
 * exact one; the rounding to an integer is then certain unless the fraction is within that
 * distance of one half, where the exact (and slower) toExponential decides.
 */
let rDigits = 0;
let rExp = 0;
function roundSignificant(a: number, prec: number): boolean {
  let x = Math.floor(Math.log10(a));
  for (let attempt = 0; attempt < 2; attempt++) {
    const k = prec - 1 - x;
    let q: number;
    if (k >= 0) {
      if (k > 22) return false;
      q = a * POW10[k]!;
    } else {
      if (k < -22) return false;
      q = a / POW10[-k]!;
    }
    const lo = POW10[prec - 1]!, hi = POW10[prec]!;
    if (q >= hi) {
      x++;
      continue;
    }
    if (q < lo) {
      x--;
      continue;
    }
    let r = Math.floor(q);
    const f = q - r;
    if (f > 0.49 && f < 0.51) return false;
    if (f > 0.5) r++;
    if (r >= hi) {
      r = lo;
      x++;
    }
    rDigits = r;
    rExp = x;
    return true;
  }
  return false;
}

/**
 * The decimal digits of an integer 0 <= r < 2^53. String() of a double beyond the Smi range
 * goes through V8's general shortest-digits code, several times slower than two small ones.
 */
function intDigits(r: number): string {
  if (r < 2147483648) return String(r);
  const hi = Math.floor(r / 1e9);
  return String(hi) + String(r - hi * 1e9 + 1e9).slice(1);
}

const ZEROS = "0".repeat(32);

/** "d.ddd": the integer `digits` over 10^frac (frac <= 22), fraction zeros removed unless alt. */
function placePoint(digits: number, frac: number, alt: boolean): string {
  if (!alt) {
    while (frac > 0 && digits % 10 === 0) {
      digits /= 10;
      frac--;
    }
  }
  if (frac <= 0) return alt ? intDigits(digits) + "." : intDigits(digits);
  // Integer and fraction parts as numbers: fewer and smaller strings than slicing one.
  const p = POW10[frac]!;
  const ip = Math.floor(digits / p);
  const fp = intDigits(digits - ip * p);
  return intDigits(ip) + "." + (fp.length < frac ? ZEROS.slice(0, frac - fp.length) + fp : fp);
}

/** Exponent part of %e/%g: "e+05", "e-100" (at least two digits, as C prints it). */
function expSuffix(x: number): string {
  const ax = x < 0 ? -x : x;
  return (x < 0 ? "e-" : "e+") + (ax < 10 ? "0" : "") + ax;
}

/** True for -0 and negative numbers (the sign C prints). */
function signBit(n: number): boolean {
  return n < 0 || (n === 0 && 1 / n < 0);
}

/**
 * C's "%.<prec>g" for a finite n, with LuaJIT's rounding (alt: the '#' flag, which keeps
 * trailing zeros and the decimal point). Lower case; callers upper-case it for %G.
 */
export function formatG(n: number, prec: number, alt: boolean): string {
  if (prec === 0) prec = 1;
  const sign = signBit(n) ? "-" : "";
  const a = n < 0 ? -n : n;
  if (prec <= 14 && a !== 0 && roundSignificant(a, prec)) {
    const x = rExp;
    if (x >= -4 && x < prec) return sign + placePoint(rDigits, prec - 1 - x, alt);
    return sign + placePoint(rDigits, prec - 1, alt) + expSuffix(x);
  }
  let digits: string; // exactly prec significant digits
  let x: number; // decimal exponent of the first digit, after rounding
  if (a === 0) {
    digits = "0".repeat(prec);
    x = 0;
  } else {
    // toExponential rounds to prec digits (exactly, ties away from zero); its exponent is the
    // one after rounding, which is the one %g bases its choice of style on.
    const e = a.toExponential(prec - 1);
    const ei = e.indexOf("e");
    digits = prec === 1 ? e.charAt(0) : e.charAt(0) + e.slice(2, ei);
    x = +e.slice(ei + 1);
  }
  if (x < -4 || x >= prec) {
    let frac = digits.slice(1);
    if (!alt) frac = stripZeros(frac);
    return sign + digits.charAt(0) + (frac.length > 0 || alt ? "." + frac : "") + expSuffix(x);
  }
  // Fixed style with prec-1-x decimals: the same digits, placed around the point.
  let int: string, frac: string;
  if (x >= 0) {
    int = digits.slice(0, x + 1);
    frac = digits.slice(x + 1);
  } else {
    int = "0";
    frac = "0".repeat(-x - 1) + digits;
  }
  if (!alt) frac = stripZeros(frac);
  return sign + int + (frac.length > 0 || alt ? "." + frac : "");
}

function stripZeros(s: string): string {
  let i = s.length;
  while (i > 0 && s.charCodeAt(i - 1) === 48) i--;
  return i === s.length ? s : s.slice(0, i);
}

/** C's "%.<prec>e" for a finite n (prec <= 100), LuaJIT's rounding; lower case. */
export function formatE(n: number, prec: number, alt: boolean): string {
  const a = n < 0 ? -n : n;
  const e = a.toExponential(prec);
  const ei = e.indexOf("e");
  let mant = e.slice(0, ei);
  if (alt && prec === 0) mant += ".";
  return (signBit(n) ? "-" : "") + mant + expSuffix(+e.slice(ei + 1));
}

/** C's "%.<prec>f" for a finite n (prec <= 100), LuaJIT's rounding. */
export function formatF(n: number, prec: number, alt: boolean): string {
  const a = n < 0 ? -n : n;
  if (prec <= 15 && a < 3e13 / POW10[prec]!) {
    // As in roundSignificant: the product is below 2^45, within 2^-8 of the exact one.
    const q = a * POW10[prec]!;
    let r = Math.floor(q);
    const f = q - r;
    if (f < 0.49 || f > 0.51) {
      if (f > 0.5) r++;
      let s: string;
      if (prec > 0) {
        const p = POW10[prec]!;
        const ip = Math.floor(r / p);
        const fp = intDigits(r - ip * p);
        s = intDigits(ip) + "." + (fp.length < prec ? ZEROS.slice(0, prec - fp.length) + fp : fp);
      } else s = alt ? intDigits(r) + "." : intDigits(r);
      return signBit(n) ? "-" + s : s;
    }
  }
  let s: string;
  if (a < 1e21) {
    s = a.toFixed(prec);
  } else {
    // toFixed switches to exponent notation here; such doubles are integers, so BigInt
    // gives their exact digits.
    s = BigInt(a).toString();
    if (prec > 0) s += "." + "0".repeat(prec);
  }
  if (alt && prec === 0) s += ".";
  return (signBit(n) ? "-" : "") + s;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0, LO = LITTLE_ENDIAN ? 0 : 1;
const HEXDIGITS = "0123456789abcdef";

/**
 * "%a" for a finite n, as LuaJIT prints it (lower case): "0x1.8p+1", "0x0p+0". prec < 0 means
 * no precision (the shortest exact form). Subnormals are normalized ("0x1.fap-1064" where
 * glibc would print "0x0.000000000007ep-1022"), rounding at the precision is half away from
 * zero, and a carry into the leading digit is not renormalized ("%.0a" of 1.5 is "0x2p+0").
 */
export function formatHexFloat(n: number, prec: number, alt: boolean): string {
  const sign = signBit(n) ? "-" : "";
  f64[0] = n;
  const hi = u32[HI]!, lo = u32[LO]!;
  let bexp = (hi >>> 20) & 0x7ff;
  let frac = (hi & 0xfffff) * 4294967296 + lo; // 52 bits, exact in a double
  let lead = 1;
  let exp: number;
  if (bexp === 0) {
    if (frac === 0) {
      lead = 0;
      exp = 0;
    } else {
      exp = -1022;
      while (frac < 4503599627370496) { // 2^52
        frac *= 2;
        exp--;
      }
      frac -= 4503599627370496;
    }
  } else {
    exp = bexp - 1023;
  }
  let digits: string;
  if (prec >= 0 && prec < 13) {
    const shift = Math.pow(2, 4 * (13 - prec));
    let q = Math.floor((frac + shift / 2) / shift); // half away from zero (on the magnitude)
    if (q >= Math.pow(16, prec)) {
      q -= Math.pow(16, prec);
      lead++;
    }
    digits = "";
    for (let i = 0; i < prec; i++) {
      digits = HEXDIGITS[q % 16]! + digits;
      q = Math.floor(q / 16);
    }
  } else {
    let d = "";
    let f = frac;
    for (let i = 0; i < 13; i++) {
      d = HEXDIGITS[f % 16]! + d;
      f = Math.floor(f / 16);
    }
    digits = prec < 0 ? stripZeros(d) : d + "0".repeat(prec - 13);
  }
  return sign + "0x" + lead + (digits.length > 0 || alt ? "." + digits : "") + "p" + (exp < 0 ? "-" : "+") + (exp < 0 ? -exp : exp);
}

const SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;
const DEC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

/** A string converted as LuaJIT's lj_strscan does for tonumber() and arithmetic; undefined when it is not a number. */
export function stringToNumber(s: string): number | undefined {
  const t = s.indexOf(" ") >= 0 || /[\t\n\v\f\r]/.test(s) ? s.replace(SPACE, "") : s;
  if (t.length === 0) return undefined;
  if (DEC.test(t)) return Number(t);
  const m = HEX.exec(t);
  if (m !== null) {
    const int = m[2] ?? "", frac = m[3] ?? "";
    if (int.length + frac.length === 0) return undefined;
    let v = 0;
    for (const c of int) v = v * 16 + parseInt(c, 16);
    let scale = 1 / 16;
    for (const c of frac) { v += parseInt(c, 16) * scale; scale /= 16; }
    if (m[4] !== undefined) v *= Math.pow(2, parseInt(m[4], 10));
    return m[1] === "-" ? -v : v;
  }
  if (/^[+-]?0[bB][01]+$/.test(t)) {
    // LuaJIT's lj_strscan also reads binary literals.
    const neg = t[0] === "-";
    const v = parseInt(t.replace(/^[+-]?0[bB]/, ""), 2);
    return neg ? -v : v;
  }
  const lower = t.toLowerCase();
  if (lower === "inf" || lower === "+inf" || lower === "infinity" || lower === "+infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  if (lower === "nan" || lower === "-nan" || lower === "+nan") return NaN;
  return undefined;
}

/** tonumber(v) without a base: numbers pass, numeric strings convert, anything else is undefined. */
export function toNumber(v: LuaValue): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string") return stringToNumber(v);
  return undefined;
}

// Fake addresses for tostring(table) and friends: stable per object, never reused.
const ids = new WeakMap<object, number>();
let nextAddr = 0x40000000;
export function addressOf(o: object): string {
  let id = ids.get(o);
  if (id === undefined) {
    id = nextAddr;
    nextAddr += 0x38;
    ids.set(o, id);
  }
  return "0x" + id.toString(16).padStart(8, "0");
}

/** Latin1 byte string <-> Buffer, at the I/O edges. */
export function bytesToLua(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}
export function luaToBytes(s: string): Buffer {
  return Buffer.from(s, "latin1");
}
/** A JS (UTF-16) string as a Lua byte string of its UTF-8 encoding. */
export function utf8ToLua(s: string): string {
  return Buffer.from(s, "utf8").toString("latin1");
}
/** A Lua byte string read as UTF-8 text (for JS APIs that want text: paths, messages). */
export function luaToUtf8(s: string): string {
  return Buffer.from(s, "latin1").toString("utf8");
}
