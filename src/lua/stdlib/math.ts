// Lua's math library as LuaJIT 2.1 has it (Lua 5.1's functions plus cosh/sinh/tanh and
// the optional base of math.log; no math.mod, no math.log2).
//
// math.random is LuaJIT's generator: a combined Tausworthe generator with four 64-bit
// components (L'Ecuyer's maximally equidistributed combination, period 2^223), whose
// 52 random bits make a double in [1, 2). The state is seeded as LuaJIT does (from 0 at
// start and from the argument of randomseed), so every sequence equals LuaJIT's. The
// 64-bit state is kept as pairs of 32-bit halves: BigInt would be ten times slower.
//
// The transcendental functions come from V8 (fdlibm ports), LuaJIT calls glibc: the two
// agree to the last bit in most cases but may differ by one unit in the last place.
import type { LuaTable } from "../runtime/table.js";
import { NONE, type LuaValue, type LuaResult } from "../runtime/value.js";
import { checkNumber, library } from "./args.js";

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer); // little-endian: u32[0] low word, u32[1] high word

// ---------------------------------------------------------------- the PRNG

// Each component: z is 64 bits (hi, lo). Step: b = ((z << q) ^ z) >>> (k - s);
// z = ((z & (all ones << (64 - k))) << s) ^ b. The output is the XOR of the four.
const K = [63, 58, 55, 47];
const Q = [31, 19, 24, 21];
const S = [18, 28, 7, 8];
const genHi = new Uint32Array(4);
const genLo = new Uint32Array(4);
let rHi = 0, rLo = 0;

function shl64(hi: number, lo: number, n: number): [number, number] {
  if (n === 0) return [hi, lo];
  if (n >= 32) return [(lo << (n - 32)) >>> 0, 0];
  return [((hi << n) | (lo >>> (32 - n))) >>> 0, (lo << n) >>> 0];
}

function shr64(hi: number, lo: number, n: number): [number, number] {
  if (n === 0) return [hi, lo];
  if (n >= 32) return [0, (hi >>> (n - 32)) >>> 0];
  return [hi >>> n, ((lo >>> n) | (hi << (32 - n))) >>> 0];
}

function prngStep(): void {
  let hi = 0, lo = 0;
  for (let i = 0; i < 4; i++) {
    const k = K[i]!, q = Q[i]!, s = S[i]!;
    const zh = genHi[i]!, zl = genLo[i]!;
    const [ah, al] = shl64(zh, zl, q);
    const [bh, bl] = shr64((ah ^ zh) >>> 0, (al ^ zl) >>> 0, k - s);
    // Mask: the top k bits of z.
    const [mh, ml] = shl64(0xffffffff, 0xffffffff, 64 - k);
    const [ch, cl] = shl64((zh & mh) >>> 0, (zl & ml) >>> 0, s);
    const nh = (ch ^ bh) >>> 0, nl = (cl ^ bl) >>> 0;
    genHi[i] = nh;
    genLo[i] = nl;
    hi ^= nh;
    lo ^= nl;
  }
  rHi = hi >>> 0;
  rLo = lo >>> 0;
}

/** The next double in [0, 1): 52 random bits as the mantissa of a number in [1, 2), minus 1. */
function prngDouble(): number {
  prngStep();
  u32[0] = rLo;
  u32[1] = ((rHi & 0x000fffff) | 0x3ff00000) >>> 0;
  return f64[0]! - 1;
}

function prngSeed(d: number): void {
  // Each component z is d's bits, d stepping as d*pi + e. A component whose top k bits are
  // all zero would be stuck, so a value below 2^(64-k) is raised by 2^(64-k).
  const minBits = [1, 6, 9, 17];
  for (let i = 0; i < 4; i++) {
    d = d * 3.14159265358979323846 + 2.7182818284590452354;
    f64[0] = d;
    let lo = u32[0]!, hi = u32[1]!;
    // V8 stores one NaN; x86 arithmetic makes the negative "default NaN" instead.
    if (d !== d) { hi = 0xfff80000; lo = 0; }
    const m = minBits[i]!;
    // m < 32 for every component: the bound 2^m is in the low word.
    if (hi === 0 && lo < 2 ** m) lo += 2 ** m;
    genHi[i] = hi;
    genLo[i] = lo;
  }
  for (let i = 0; i < 10; i++) prngStep();
}
prngSeed(0);

function random(...a: LuaValue[]): LuaResult {
  // LuaJIT draws first, then checks the arguments, and checks no interval: random(0)
  // is 1 and random(5, 1) falls in [2, 5].
  let d = prngDouble();
  if (a.length > 0) {
    const r1 = checkNumber(a, 0, "random");
    if (a.length === 1) {
      d = Math.floor(d * r1) + 1;
    } else {
      const r2 = checkNumber(a, 1, "random");
      d = Math.floor(d * (r2 - r1 + 1)) + r1;
    }
  }
  return d;
}

function randomseed(...a: LuaValue[]): LuaResult {
  prngSeed(checkNumber(a, 0, "randomseed"));
  return NONE;
}

// ---------------------------------------------------------------- exact functions

function frexp(...a: LuaValue[]): LuaResult {
  let x = checkNumber(a, 0, "frexp");
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = 0;
  f64[0] = x;
  let biased = (u32[1]! >>> 20) & 0x7ff;
  if (biased === 0) {
    // Subnormal: scale into the normal range first (exact).
    x *= 2 ** 64;
    e = -64;
    f64[0] = x;
    biased = (u32[1]! >>> 20) & 0x7ff;
  }
  e += biased - 1022;
  // Replace the exponent by that of [0.5, 1).
  u32[1] = ((u32[1]! & 0x800fffff) | (1022 << 20)) >>> 0;
  return [f64[0]!, e];
}

/** 2^n for an integer n in [-1022, 1023], built from its bits. */
function pow2(n: number): number {
  u32[0] = 0;
  u32[1] = ((n + 1023) << 20) >>> 0;
  return f64[0]!;
}

/** x * 2^n with a single rounding, as C's scalbn. */
function scalbn(x: number, n: number): number {
  if (n > 1023) {
    x *= pow2(1023);
    n -= 1023;
    if (n > 1023) {
      x *= pow2(1023);
      n -= 1023;
      if (n > 1023) n = 1023;
    }
  } else if (n < -1022) {
    // Stop above the subnormal range by 53 so that only the last step rounds.
    x *= pow2(-1022) * pow2(53);
    n += 1022 - 53;
    if (n < -1022) {
      x *= pow2(-1022) * pow2(53);
      n += 1022 - 53;
      if (n < -1022) n = -1022;
    }
  }
  return x * pow2(n);
}

/**
 * LuaJIT's ldexp is x87's fscale: the exponent is truncated toward zero, an infinite one
 * gives inf or 0 (or NaN for 0 * 2^inf and inf * 2^-inf).
 */
function ldexp(...a: LuaValue[]): LuaResult {
  const x = checkNumber(a, 0, "ldexp");
  const e = checkNumber(a, 1, "ldexp");
  if (e !== e || x !== x) return NaN;
  if (e === Infinity) return x === 0 ? NaN : x * Infinity;
  if (e === -Infinity) return Number.isFinite(x) ? x * 0 : NaN;
  const n = Math.trunc(e);
  return scalbn(x, n > 4000 ? 4000 : n < -4000 ? -4000 : n);
}

function modf(...a: LuaValue[]): LuaResult {
  const x = checkNumber(a, 0, "modf");
  if (x !== x) return [x, x];
  if (!Number.isFinite(x)) return [x, x > 0 ? 0 : -0];
  const ip = Math.trunc(x);
  let fp = x - ip;
  // C's modf gives the fraction the sign of x, -0 included.
  if (fp === 0) fp = x < 0 || Object.is(x, -0) ? -0 : 0;
  return [ip, fp];
}

/** C's pow where it differs from Math.pow: pow(1, y) and pow(-1, +-inf) are 1. */
function cpow(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

function log(...a: LuaValue[]): LuaResult {
  const x = checkNumber(a, 0, "log");
  if (a.length < 2) return Math.log(x);
  const b = checkNumber(a, 1, "log");
  if (b === 2) return Math.log2(x);
  if (b === 10) return Math.log10(x);
  return Math.log(x) / Math.log(b);
}

function max(...a: LuaValue[]): LuaResult {
  let m = checkNumber(a, 0, "max");
  // As SSE's maxsd: the second operand wins unless the first is greater (NaN included).
  for (let i = 1; i < a.length; i++) {
    const x = checkNumber(a, i, "max");
    m = m > x ? m : x;
  }
  return m;
}

function min(...a: LuaValue[]): LuaResult {
  let m = checkNumber(a, 0, "min");
  for (let i = 1; i < a.length; i++) {
    const x = checkNumber(a, i, "min");
    m = m < x ? m : x;
  }
  return m;
}

/** A one-argument function with a fast path for a number (no rest array, no checks). */
function unary(name: string, f: (x: number) => number): (...a: LuaValue[]) => LuaResult {
  return function (this: unknown, x?: LuaValue): LuaResult {
    if (typeof x === "number") return f(x);
    // eslint-disable-next-line prefer-rest-params
    return f(checkNumber(Array.prototype.slice.call(arguments) as LuaValue[], 0, name));
  } as (...a: LuaValue[]) => LuaResult;
}

export function openMath(G: LuaTable): void {
  const m = library({
    abs: unary("abs", Math.abs),
    acos: unary("acos", Math.acos),
    asin: unary("asin", Math.asin),
    atan: unary("atan", Math.atan),
    atan2: (...a: LuaValue[]) => Math.atan2(checkNumber(a, 0, "atan2"), checkNumber(a, 1, "atan2")),
    ceil: unary("ceil", Math.ceil),
    cos: unary("cos", Math.cos),
    cosh: unary("cosh", Math.cosh),
    deg: unary("deg", (x) => x * (180 / 3.14159265358979323846)),
    exp: unary("exp", Math.exp),
    floor: unary("floor", Math.floor),
    fmod: (...a: LuaValue[]) => checkNumber(a, 0, "fmod") % checkNumber(a, 1, "fmod"),
    frexp,
    ldexp,
    log,
    log10: unary("log10", Math.log10),
    max,
    min,
    modf,
    pow: (...a: LuaValue[]) => cpow(checkNumber(a, 0, "pow"), checkNumber(a, 1, "pow")),
    rad: unary("rad", (x) => x * (3.14159265358979323846 / 180)),
    random,
    randomseed,
    sin: unary("sin", Math.sin),
    sinh: unary("sinh", Math.sinh),
    sqrt: unary("sqrt", Math.sqrt),
    tan: unary("tan", Math.tan),
    tanh: unary("tanh", Math.tanh),
  });
  m.setStr("huge", Infinity);
  m.setStr("pi", Math.PI);
  G.setStr("math", m);
}
