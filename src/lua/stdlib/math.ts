// Lua's math library as LuaJIT 2.1 has it (Lua 5.1's functions plus cosh/sinh/tanh and
// the optional base of math.log; no math.mod, no math.log2).
//
// math.random is LuaJIT's generator: a combined Tausworthe generator with four 64-bit
// components (L'Ecuyer's maximally equidistributed combination, period 2^223), whose
// 52 random bits make a double in [1, 2). The state is seeded as LuaJIT does (from 0 at
// start and from the argument of randomseed), so every sequence equals LuaJIT's. The
// 64-bit state is kept as pairs of 32-bit halves: BigInt would be ten times slower.
//
// LuaJIT calls glibc for the transcendental functions: see "correctly rounded libm" below.
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

// ---------------------------------------------------------------- correctly rounded libm
//
// LuaJIT calls glibc, whose exp, log, log10, pow, sin, cos, tan, asin, acos, atan and
// atan2 return the correctly rounded result in all but rare cases; V8's fdlibm ports are
// off by one unit in the last place in a few percent of cases. These evaluate the function
// in double-double arithmetic (about 104 bits), then round once, so that they agree with
// glibc wherever glibc is correctly rounded. sinh and cosh use fdlibm's formulas, as glibc
// does, over that exp.

// Double-double arithmetic without allocation: each operation returns the high part and
// leaves the low part in LO[0], to be read at once. (A typed array, not a `let`: a double
// stored in a module variable is boxed, and the boxes cost more than the arithmetic.)
const LO = new Float64Array(1);

function tsum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  LO[0] = (a - (s - bb)) + (b - bb);
  return s;
}

function qsum(a: number, b: number): number {
  const s = a + b;
  LO[0] = b - (s - a);
  return s;
}

const SPLIT = 134217729; // 2^27 + 1

/** a * b exactly (Dekker; the operands here stay far below 2^996). */
function tprod(a: number, b: number): number {
  const p = a * b;
  let c = SPLIT * a;
  const ah = c - (c - a), al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b), bl = b - bh;
  LO[0] = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

function add2(ah: number, al: number, bh: number, bl: number): number {
  const s1 = tsum(ah, bh);
  const s2 = LO[0]!;
  const t1 = tsum(al, bl);
  const t2 = LO[0]!;
  const u1 = qsum(s1, s2 + t1);
  return qsum(u1, LO[0]! + t2);
}

function mul2(ah: number, al: number, bh: number, bl: number): number {
  const p = tprod(ah, bh);
  return qsum(p, LO[0]! + (ah * bl + al * bh));
}

function mul21(ah: number, al: number, d: number): number {
  const p = tprod(ah, d);
  return qsum(p, LO[0]! + al * d);
}

function div2(ah: number, al: number, bh: number, bl: number): number {
  const q1 = ah / bh;
  let mh = mul21(bh, bl, q1);
  let ml = LO[0]!;
  const rh = add2(ah, al, -mh, -ml);
  const rl = LO[0]!;
  const q2 = rh / bh;
  mh = mul21(bh, bl, q2);
  ml = LO[0]!;
  const r2 = add2(rh, rl, -mh, -ml);
  const q3 = r2 / bh;
  const sh = qsum(q1, q2);
  return add2(sh, LO[0]!, q3, 0);
}

function sqrt2(ah: number, al: number): number {
  const x = Math.sqrt(ah);
  if (x === 0) { LO[0] = 0; return x; }
  const p = tprod(x, x);
  return qsum(x, ((ah - p) - LO[0]! + al) / (2 * x));
}

const LN2_1 = 0.6931471805598903, LN2_2 = 5.49792301870721e-14, LN2_3 = 1.1612227229362532e-26;
const LN2H = 0.6931471805599453, LN2L = 2.3190468138462996e-17;
const INV_LN10H = 0.4342944819032518, INV_LN10L = 1.098319650216765e-17;
const INV_LN2H = 1.4426950408889634, INV_LN2L = 2.0355273740931033e-17;
const PIO2_1 = 1.5707963267341256, PIO2_2 = 6.077100506303966e-11, PIO2_3 = 2.0222662487111665e-21, PIO2_4 = 8.4784276603689e-32;
const PIO2H = 1.5707963267948966, PIO2L = 6.123233995736766e-17;
const PIH = 3.141592653589793, PIL = 1.2246467991473532e-16;

// 1/n! as double-doubles, n = 0..30 (computed once, by exact division steps).
const INVFH = new Float64Array(31), INVFL = new Float64Array(31);
{
  let h = 1, l = 0;
  INVFH[0] = 1;
  for (let n = 1; n <= 30; n++) {
    // (h + l) / n
    const q1 = h / n;
    const p = tprod(q1, n);
    const q2 = ((h - p) - LO[0]! + l) / n;
    h = qsum(q1, q2);
    l = LO[0]!;
    INVFH[n] = h;
    INVFL[n] = l;
  }
}

const EXP_K = new Float64Array(1);

/** e^(xh + xl) by squarings (slow, exact to about 2^-104): builds the table below. */
function expSlow(xh: number, xl: number): number {
  const k = Math.round(xh * 1.4426950408889634);
  let rh = tsum(xh, -k * LN2_1);
  let rl = LO[0]!;
  rh = add2(rh, rl, -k * LN2_2, 0);
  rl = LO[0]!;
  const th = tprod(k, LN2_3);
  const tl = LO[0]!;
  rh = add2(rh, rl, -th, -tl);
  rl = LO[0]!;
  rh = add2(rh, rl, xl, 0);
  rl = LO[0]!;
  // e^r = (e^(r/1024))^1024: the series, then ten squarings of 1 + m kept as m.
  const sh = rh / 1024, sl = rl / 1024;
  const tail = sh * (INVFH[5]! + sh * (INVFH[6]! + sh * (INVFH[7]! + sh * (INVFH[8]! + sh * INVFH[9]!))));
  let ph = add2(INVFH[4]!, INVFL[4]!, tail, 0);
  let pl = LO[0]!;
  for (let n = 3; n >= 1; n--) {
    ph = mul2(sh, sl, ph, pl);
    pl = LO[0]!;
    ph = add2(INVFH[n]!, INVFL[n]!, ph, pl);
    pl = LO[0]!;
  }
  let mh = mul2(sh, sl, ph, pl);
  let ml = LO[0]!;
  for (let i = 0; i < 10; i++) {
    const qh = mul2(mh, ml, mh, ml);
    const ql = LO[0]!;
    mh = add2(2 * mh, 2 * ml, qh, ql);
    ml = LO[0]!;
  }
  EXP_K[0] = k;
  return add2(1, 0, mh, ml);
}

// 2^(j/32), j = 0..31, as double-doubles; ln 2 / 32 in parts of 36 bits (k * part exact).
const EXP2H = new Float64Array(32), EXP2L = new Float64Array(32);
for (let j = 0; j < 32; j++) {
  const ah = mul21(LN2H, LN2L, j);
  const h = expSlow(ah / 32, LO[0]! / 32);
  EXP2H[j] = scalbn(h, EXP_K[0]!);
  EXP2L[j] = scalbn(LO[0]!, EXP_K[0]!);
}
const L32_1 = 0.021660849392446835, L32_2 = 5.1456092446457696e-14, L32_3 = 9.568252299929725e-26, L32_4 = 1.2856284104728534e-36;

/** e^(xh + xl) = 2^EXP_K[0] * (result + LO[0]), for |xh| below about 1500. */
function expKernel(xh: number, xl: number): number {
  // x = (32m + j) ln2/32 + r, |r| <= ln2/64; e^x = 2^m 2^(j/32) e^r.
  const k = Math.round(xh * 46.16624130844683);
  let rh = tsum(xh, -k * L32_1);
  let rl = LO[0]!;
  rh = add2(rh, rl, -k * L32_2, 0);
  rl = LO[0]!;
  rh = add2(rh, rl, -k * L32_3, 0);
  rl = LO[0]!;
  const th = tprod(k, L32_4);
  const tl = LO[0]!;
  rh = add2(rh, rl, xl - th, -tl);
  rl = LO[0]!;
  // e^r - 1: terms up to r^6 in double-double, the rest (below 2^-52 of the sum) in doubles.
  const tail = rh * (INVFH[7]! + rh * (INVFH[8]! + rh * (INVFH[9]! + rh * (INVFH[10]! + rh * (INVFH[11]! + rh * INVFH[12]!)))));
  let ph = add2(INVFH[6]!, INVFL[6]!, tail, 0);
  let pl = LO[0]!;
  for (let n = 5; n >= 1; n--) {
    ph = mul2(rh, rl, ph, pl);
    pl = LO[0]!;
    ph = add2(INVFH[n]!, INVFL[n]!, ph, pl);
    pl = LO[0]!;
  }
  const mh = mul2(rh, rl, ph, pl);
  const ml = LO[0]!;
  const j = ((k % 32) + 32) % 32;
  const t = EXP2H[j]!, tlo = EXP2L[j]!;
  EXP_K[0] = (k - j) / 32;
  // 2^(j/32) (1 + m)
  const pm = mul2(t, tlo, mh, ml);
  return add2(t, tlo, pm, LO[0]!);
}

/** (hi + lo) * 2^k rounded once (lo matters only for a subnormal result). */
function ldexp2(hi: number, lo: number, k: number): number {
  const v = scalbn(hi, k);
  if (k >= -1022 || v === 0) return v;
  const back = scalbn(v, -k);
  const err = (hi - back) + lo;
  const half = scalbn(1, -1075 - k);
  if (Math.abs(err) > half || (Math.abs(err) === half && lo !== 0)) return v + Math.sign(err) * 5e-324;
  return v;
}

function crExp(x: number): number {
  if (x !== x) return x;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  if (Math.abs(x) < 2 ** -54) return 1 + x;
  const h = expKernel(x, 0);
  return ldexp2(h, LO[0]!, EXP_K[0]!);
}

/** log(x) for a finite x > 0: returns the high part, LO[0]! the low part. */
function logKernel(x: number): number {
  let e = 0;
  if (x < 2.2250738585072014e-308) { x *= 2 ** 54; e = -54; }
  f64[0] = x;
  e += ((u32[1]! >>> 20) & 0x7ff) - 1023;
  u32[1] = ((u32[1]! & 0x800fffff) | (1023 << 20)) >>> 0;
  let m = f64[0]!;
  if (m > Math.SQRT2) { m /= 2; e++; }
  // One Newton step from V8's value: y + (m * e^-y - 1).
  const y0 = Math.log(m);
  let eh = expKernel(-y0, 0);
  let el = LO[0]!;
  eh = scalbn(eh, EXP_K[0]!);
  el = scalbn(el, EXP_K[0]!);
  let th = mul21(eh, el, m);
  let tl = LO[0]!;
  th = add2(th, tl, -1, 0);
  tl = LO[0]!;
  const yh = add2(y0, 0, th, tl);
  const yl = LO[0]!;
  const ah = mul21(LN2H, LN2L, e);
  return add2(ah, LO[0]!, yh, yl);
}

function crLog(x: number): number {
  if (x !== x || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return x;
  if (x === 1) return 0;
  return logKernel(x);
}

function crLog10(x: number): number {
  if (x !== x || x <= 0 || x === Infinity || x === 1) return crLog(x);
  const h = logKernel(x);
  return mul2(h, LO[0]!, INV_LN10H, INV_LN10L);
}

function crLog2(x: number): number {
  if (x !== x || x <= 0 || x === Infinity || x === 1) return crLog(x);
  const h = logKernel(x);
  return mul2(h, LO[0]!, INV_LN2H, INV_LN2L);
}

function isOddInt(y: number): boolean {
  return Number.isInteger(y) && Math.abs(y) < 2 ** 53 && Math.abs(y % 2) === 1;
}

/** C's pow, correctly rounded for finite non-zero operands. */
function crPow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  if (x !== x || y !== y || x === 0 || !Number.isFinite(x) || !Number.isFinite(y)) return Math.pow(x, y);
  if (y === 1) return x;
  if (y === 2) return x * x;
  if (y === -1) return 1 / x;
  let sign = 1;
  if (x < 0) {
    if (!Number.isInteger(y)) return NaN;
    if (isOddInt(y)) sign = -1;
    x = -x;
  }
  if (Number.isInteger(y) && y > 0 && y <= 4096) {
    // A positive integer power can fall exactly halfway between two doubles (9^17):
    // compute it exactly, m^y * 2^(e*y) with m odd, and let BigInt -> Number round it.
    f64[0] = x;
    let e = ((u32[1]! >>> 20) & 0x7ff) - 1075;
    let m = x / pow2(0);
    if (e < -1074) e = -1074;
    m = scalbn(x, -e);
    while (m % 2 === 0 && m !== 0) { m /= 2; e++; }
    const bits = Math.log2(m) + 1;
    if (bits * y <= 4096 && Math.abs(e * y) < 4000) {
      const big = BigInt(m) ** BigInt(y);
      const len = big.toString(2).length;
      // Number(big) rounds once; scaling by 2^(e*y) is exact unless the result is
      // subnormal or overflows, where scalbn rounds (the rare double rounding is accepted).
      if (len <= 1100) return sign * scalbn(Number(big), e * y);
    }
  }
  const lh = logKernel(x);
  const ph = mul21(lh, LO[0]!, y);
  const pl = LO[0]!;
  if (ph > 709.8) return sign * Infinity;
  if (ph < -745.2) return sign * 0;
  const h = expKernel(ph, pl);
  return sign * ldexp2(h, LO[0]!, EXP_K[0]!);
}

// sin and cos of x: SC[0]!/SC[1]! and SC[2]!/SC[3]!, for |x| < 2^19*pi/2 (so that k times
// the first three parts of pi/2 is exact).
const TRIG_LIMIT = 823549;
const SC = new Float64Array(4); // sin hi, sin lo, cos hi, cos lo

function sinCos(x: number): void {
  const k = Math.round(x * 0.6366197723675814);
  let rh = tsum(x, -k * PIO2_1);
  let rl = LO[0]!;
  rh = add2(rh, rl, -k * PIO2_2, 0);
  rl = LO[0]!;
  rh = add2(rh, rl, -k * PIO2_3, 0);
  rl = LO[0]!;
  const th = tprod(k, PIO2_4);
  const tl = LO[0]!;
  rh = add2(rh, rl, -th, -tl);
  rl = LO[0]!;
  const zh = mul2(rh, rl, rh, rl);
  const zl = LO[0]!;
  // sin r = r (1 - z/3! + z^2/5! ...), cos r = 1 - z/2! + z^2/4! ...: the terms past
  // r^15 and r^16 are below 2^-52 of the sum for |r| <= pi/4 and go in plain doubles.
  let ts = 0, tc = 0;
  for (let n = 27; n >= 17; n -= 2) ts = zh * (INVFH[n]! - ts);
  for (let n = 28; n >= 18; n -= 2) tc = zh * (INVFH[n]! - tc);
  let sh = add2(INVFH[15]!, INVFL[15]!, -ts, 0), sl = LO[0]!;
  for (let n = 13; n >= 1; n -= 2) {
    sh = mul2(zh, zl, sh, sl);
    sl = LO[0]!;
    sh = add2(INVFH[n]!, INVFL[n]!, -sh, -sl);
    sl = LO[0]!;
  }
  sh = mul2(rh, rl, sh, sl);
  sl = LO[0]!;
  let ch = add2(INVFH[16]!, INVFL[16]!, -tc, 0), cl = LO[0]!;
  for (let n = 14; n >= 0; n -= 2) {
    ch = mul2(zh, zl, ch, cl);
    cl = LO[0]!;
    ch = add2(INVFH[n]!, INVFL[n]!, -ch, -cl);
    cl = LO[0]!;
  }
  switch (((k % 4) + 4) % 4) {
    case 0: SC[0] = sh; SC[1] = sl; SC[2] = ch; SC[3] = cl; break;
    case 1: SC[0] = ch; SC[1] = cl; SC[2] = -sh; SC[3] = -sl; break;
    case 2: SC[0] = -sh; SC[1] = -sl; SC[2] = -ch; SC[3] = -cl; break;
    default: SC[0] = -ch; SC[1] = -cl; SC[2] = sh; SC[3] = sl; break;
  }
}

function crSin(x: number): number {
  if (Math.abs(x) < 2 ** -26) return x;
  if (!(Math.abs(x) < TRIG_LIMIT)) return Math.sin(x);
  sinCos(x);
  return SC[0]!;
}

function crCos(x: number): number {
  if (Math.abs(x) < 2 ** -27) return 1;
  if (!(Math.abs(x) < TRIG_LIMIT)) return Math.cos(x);
  sinCos(x);
  return SC[2]!;
}

function crTan(x: number): number {
  if (Math.abs(x) < 2 ** -27) return x;
  if (!(Math.abs(x) < TRIG_LIMIT)) return Math.tan(x);
  sinCos(x);
  return div2(SC[0]!, SC[1]!, SC[2]!, SC[3]!);
}

/** atan of xh + xl: one Newton step on sin y - x cos y from V8's atan; LO[0]! the low part. */
function atanKernel(xh: number, xl: number): number {
  const y0 = Math.atan(xh);
  sinCos(y0);
  const s = SC[0]!, sl = SC[1]!, c = SC[2]!, cl = SC[3]!;
  const pxh = mul2(xh, xl, c, cl);
  const pxl = LO[0]!;
  const gh = add2(s, sl, -pxh, -pxl);
  const gl = LO[0]!;
  const gp = c + xh * s;
  return add2(y0, 0, -gh / gp, -gl / gp);
}

function crAtan(x: number): number {
  if (x !== x) return x;
  if (Math.abs(x) < 2 ** -27) return x;
  if (Math.abs(x) > 2 ** 66) return x > 0 ? PIO2H : -PIO2H;
  return atanKernel(x, 0);
}

/** asin x = atan(x / sqrt((1 - x)(1 + x))), the product kept exact; LO[0]! the low part. */
function asinKernel(x: number): number {
  const ah = tsum(1, -x), al = LO[0]!;
  const bh = tsum(1, x), bl = LO[0]!;
  const wh = mul2(ah, al, bh, bl), wl = LO[0]!;
  const rh = sqrt2(wh, wl), rl = LO[0]!;
  const qh = div2(x, 0, rh, rl);
  return atanKernel(qh, LO[0]!);
}

function crAsin(x: number): number {
  if (x !== x || x > 1 || x < -1) return NaN;
  if (Math.abs(x) < 2 ** -26) return x;
  if (x === 1 || x === -1) return x * PIO2H;
  return asinKernel(x);
}

function crAcos(x: number): number {
  if (x !== x || x > 1 || x < -1) return NaN;
  if (x === 1) return 0;
  if (x === -1) return PIH;
  if (Math.abs(x) < 2 ** -57) return PIO2H;
  if (x > 0.5) {
    // acos x = 2 atan(sqrt((1 - x) / (1 + x))): no cancellation near 1.
    const ah = tsum(1, -x), al = LO[0]!;
    const bh = tsum(1, x), bl = LO[0]!;
    const qh = div2(ah, al, bh, bl), ql = LO[0]!;
    const rh = sqrt2(qh, ql);
    return atanKernel(rh, LO[0]!) * 2;
  }
  const h = asinKernel(x);
  return add2(PIO2H, PIO2L, -h, -LO[0]!);
}

function crAtan2(y: number, x: number): number {
  if (y !== y || x !== x || y === 0 || x === 0 || !Number.isFinite(x) || !Number.isFinite(y)) return Math.atan2(y, x);
  const qh = div2(y, 0, x, 0);
  const ql = LO[0]!;
  if (!Number.isFinite(qh) || Math.abs(qh) < 1e-290 || Math.abs(qh) > 2 ** 66) return Math.atan2(y, x);
  const ah = atanKernel(qh, ql);
  const al = LO[0]!;
  if (x > 0) return ah;
  return y >= 0 ? add2(ah, al, PIH, PIL) : add2(ah, al, -PIH, -PIL);
}

// fdlibm's sinh and cosh (glibc's), over the exp above and V8's expm1 (fdlibm's, as glibc's).
function fdSinh(x: number): number {
  const a = Math.abs(x);
  const h = x < 0 ? -0.5 : 0.5;
  if (!(a < 22)) {
    if (a !== a) return x;
    if (a < 709.782712893384) return h * crExp(a);
    if (a <= 710.4758600739439) {
      const w = crExp(0.5 * a);
      return h * w * w;
    }
    return x * 1.0e307;
  }
  if (a < 2 ** -28) return x;
  const t = Math.expm1(a);
  if (a < 1) return h * (2 * t - (t * t) / (t + 1));
  return h * (t + t / (t + 1));
}

function fdCosh(x: number): number {
  const a = Math.abs(x);
  if (a !== a) return a;
  if (a < 0.5 * 0.6931471805599453) {
    const t = Math.expm1(a);
    const w = 1 + t;
    if (a < 2 ** -55) return w;
    return 1 + (t * t) / (w + w);
  }
  if (a < 22) {
    const t = crExp(a);
    return 0.5 * t + 0.5 / t;
  }
  if (a < 709.782712893384) return 0.5 * crExp(a);
  if (a <= 710.4758600739439) {
    const w = crExp(0.5 * a);
    return 0.5 * w * w;
  }
  return Infinity;
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
  return crPow(x, y);
}

function log(...a: LuaValue[]): LuaResult {
  const x = checkNumber(a, 0, "log");
  if (a.length < 2) return crLog(x);
  const b = checkNumber(a, 1, "log");
  if (b === 2) return crLog2(x);
  if (b === 10) return crLog10(x);
  return crLog(x) / crLog(b);
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
    acos: unary("acos", crAcos),
    asin: unary("asin", crAsin),
    atan: unary("atan", crAtan),
    atan2: (...a: LuaValue[]) => crAtan2(checkNumber(a, 0, "atan2"), checkNumber(a, 1, "atan2")),
    ceil: unary("ceil", Math.ceil),
    cos: unary("cos", crCos),
    cosh: unary("cosh", fdCosh),
    deg: unary("deg", (x) => x * (180 / 3.14159265358979323846)),
    exp: unary("exp", crExp),
    floor: unary("floor", Math.floor),
    fmod: (...a: LuaValue[]) => checkNumber(a, 0, "fmod") % checkNumber(a, 1, "fmod"),
    frexp,
    ldexp,
    log,
    log10: unary("log10", crLog10),
    max,
    min,
    modf,
    pow: (...a: LuaValue[]) => cpow(checkNumber(a, 0, "pow"), checkNumber(a, 1, "pow")),
    rad: unary("rad", (x) => x * (3.14159265358979323846 / 180)),
    random,
    randomseed,
    sin: unary("sin", crSin),
    sinh: unary("sinh", fdSinh),
    sqrt: unary("sqrt", Math.sqrt),
    tan: unary("tan", crTan),
    tanh: unary("tanh", Math.tanh),
  });
  m.setStr("huge", Infinity);
  m.setStr("pi", Math.PI);
  G.setStr("math", m);
}
