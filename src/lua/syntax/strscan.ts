// Number literal scanning as LuaJIT's lj_strscan_scan does it for the lexer (options TONUM,
// LL and IMAG on an x64 build): decimal, hex (with hex floats, `p` exponents) and binary
// (`0b101`) literals, `.5` and `3.`, and the FFI suffixes `LL`, `ULL`, `LLU` and `i`.
// The lexer hands us exactly the characters LuaJIT's lex_number collects (identifier chars,
// dots, and a sign after an exponent letter), so there is no whitespace or sign to handle.
//
// Values are rounded as LuaJIT rounds them: correctly (round half to even), which JS's own
// Number() does for decimals; hex and binary go through roundScaled() below.

/** Malformed: LuaJIT says "malformed number near '...'". */
export const SCAN_ERROR = 0;
/** A plain Lua number; its value is in `scanOut.value`. */
export const SCAN_NUM = 1;
/** A well-formed FFI cdata literal (`1LL`, `2ULL`, `3i`): LuaJIT makes a cdata value. */
export const SCAN_CDATA = 2;

/** Result slot, reused so that scanning allocates nothing. */
export const scanOut = { value: 0 };

// Internal formats, ordered as LuaJIT's StrScanFmt (only their order matters here).
const FMT_NUM = 1;
const FMT_IMAG = 2;
const FMT_INT = 3;
const FMT_U32 = 4;
const FMT_I64 = 5;
const FMT_U64 = 6;

/** LuaJIT rejects exponents (and fraction lengths) of 2^20 and beyond. */
const MAXEXP = 1 << 20;

/** The char code at i, or 0 past the end (reading past the end deoptimizes V8's code). */
function code(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isXDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
}

function xdigitValue(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}

/**
 * Scan a number literal's text. Returns SCAN_NUM (value in scanOut.value), SCAN_CDATA or
 * SCAN_ERROR, deciding exactly as LuaJIT decides.
 */
export function scanNumberLiteral(s: string): number {
  const n = s.length;
  let p = 0;
  let base = 10;
  let hasdig = false;
  let dp = -1;
  const c0 = code(s, 0);
  if (c0 <= 48) {
    // Leading '0' or '.': a base prefix, then leading zeros and the dot are skipped.
    if (c0 === 48) {
      const c1 = code(s, 1) | 0x20;
      if (c1 === 120) {
        base = 16;
        p = 2;
      } else if (c1 === 98) {
        base = 2;
        p = 2;
      }
    }
    for (; ; p++) {
      const c = code(s, p);
      if (c === 48) {
        hasdig = true;
      } else if (c === 46) {
        if (dp >= 0) return SCAN_ERROR;
        dp = p;
      } else {
        break;
      }
    }
  }

  // Digits and at most one dot. Binary literals scan decimal digits here and reject
  // anything but 0 and 1 later, as LuaJIT does.
  const sp = p;
  let dig = 0;
  for (; ; p++) {
    const c = code(s, p);
    if (base === 16 ? isXDigit(c) : isDigit(c)) {
      dig++;
    } else if (c === 46) {
      if (dp >= 0) return SCAN_ERROR;
      dp = p;
    } else {
      break;
    }
  }
  if (!hasdig && dig === 0) return SCAN_ERROR;

  let fmt = FMT_INT;
  let ex = 0;
  if (dp >= 0) {
    if (base === 2) return SCAN_ERROR;
    fmt = FMT_NUM;
    if (dig !== 0) {
      // ex = -(digits after the dot), less the trailing zeros, which do not count.
      ex = dp - (p - 1);
      let q = p - 1;
      while (ex < 0 && code(s, q--) === 48) {
        ex++;
        dig--;
      }
      if (ex <= -MAXEXP) return SCAN_ERROR;
      if (base === 16) ex *= 4;
    }
  }

  // Exponent: 'e' for decimal, 'p' (binary exponent) for hex; none for binary literals.
  if (base >= 10 && (code(s, p) | 0x20) === (base === 16 ? 112 : 101)) {
    fmt = FMT_NUM;
    p++;
    let negx = false;
    const c = code(s, p);
    if (c === 43 || c === 45) {
      negx = c === 45;
      p++;
    }
    if (!isDigit(code(s, p))) return SCAN_ERROR;
    let xx = code(s, p++) - 48;
    while (isDigit(code(s, p))) {
      xx = xx * 10 + (code(s, p) - 48);
      if (xx >= MAXEXP) return SCAN_ERROR;
      p++;
    }
    ex += negx ? -xx : xx;
  }

  // Suffixes: i (imaginary), LL, ULL, LLU; a lone U or L is C-only and rejected.
  const end = p;
  if (p < n) {
    if ((code(s, p) | 0x20) === 105) {
      p++;
      fmt = FMT_IMAG;
    } else if (fmt === FMT_INT) {
      if ((code(s, p) | 0x20) === 117) {
        p++;
        fmt = FMT_U32;
      }
      if ((code(s, p) | 0x20) === 108) {
        p++;
        if ((code(s, p) | 0x20) !== 108) return SCAN_ERROR;
        p++;
        fmt += FMT_I64 - FMT_INT;
      }
      if ((code(s, p) | 0x20) === 117 && (fmt === FMT_INT || fmt === FMT_I64)) {
        p++;
        fmt += FMT_U32 - FMT_INT;
      }
      if (fmt === FMT_U32) return SCAN_ERROR;
    }
    if (p < n) return SCAN_ERROR;
  }

  if (fmt === FMT_I64 || fmt === FMT_U64) {
    // 64-bit integer cdata: the digits must fit in 64 bits.
    if (base === 16) return dig > 16 ? SCAN_ERROR : SCAN_CDATA;
    if (base === 2) return dig > 64 || !binaryDigitsOk(s, sp, dig) ? SCAN_ERROR : SCAN_CDATA;
    if (dig > 20) return SCAN_ERROR;
    return BigInt(s.slice(sp, sp + dig)) < 1n << 64n ? SCAN_CDATA : SCAN_ERROR;
  }

  let value: number;
  if (base === 10) {
    value = Number(s.slice(0, end));
  } else if (base === 16) {
    value = hexValue(s, sp, dig, ex);
  } else {
    if (dig > 64 || !binaryDigitsOk(s, sp, dig)) return SCAN_ERROR;
    value = dig === 0 ? 0 : roundScaled(BigInt("0b" + s.slice(sp, sp + dig)), 0);
  }
  if (fmt === FMT_IMAG) return SCAN_CDATA;
  scanOut.value = value;
  return SCAN_NUM;
}

function binaryDigitsOk(s: string, sp: number, dig: number): boolean {
  for (let i = sp; i < sp + dig; i++) {
    const c = code(s, i);
    if (c !== 48 && c !== 49) return false;
  }
  return true;
}

/** Value of `dig` hex digits starting at `sp` (a dot may sit among them), times 2^ex2. */
function hexValue(s: string, sp: number, dig: number, ex2: number): number {
  if (dig === 0) return 0;
  if (dig <= 13) {
    // At most 52 bits: exact as a double, so only the scaling can round.
    let x = 0;
    for (let i = 0, p = sp; i < dig; i++, p++) {
      let c = code(s, p);
      if (c === 46) c = code(s, ++p);
      x = x * 16 + xdigitValue(c);
    }
    return ldexpExact(x, ex2);
  }
  // LuaJIT keeps 16 digits and folds the rest into a sticky bit; BigInt keeps that exact.
  let x = 0n;
  let p = sp;
  const head = Math.min(dig, 16);
  for (let i = 0; i < head; i++, p++) {
    let c = code(s, p);
    if (c === 46) c = code(s, ++p);
    x = (x << 4n) | BigInt(xdigitValue(c));
  }
  let sticky = false;
  for (let i = 16; i < dig; i++, p++) {
    let c = code(s, p);
    if (c === 46) c = code(s, ++p);
    if (c !== 48) sticky = true;
    ex2 += 4;
  }
  if (sticky) {
    // A set bit below all kept digits: enough for correct rounding, as LuaJIT's sticky bit.
    x = (x << 1n) | 1n;
    ex2 -= 1;
  }
  return roundScaled(x, ex2);
}

/** x * 2^e for an integer x < 2^54, rounding at most once (when the result is subnormal). */
function ldexpExact(x: number, e: number): number {
  if (e > 1023) {
    // x >= 1, so anything beyond 2^2046 overflows whatever the rest of e is.
    x *= 2 ** 1023;
    e = Math.min(e - 1023, 1023);
  } else if (e < -1074) {
    // 2^e itself is not representable: make an exact first step (x stays normal), so the
    // second multiplication does the only rounding.
    x *= 2 ** -1022;
    e += 1022;
  }
  return x * 2 ** e;
}

/** The double nearest to x * 2^e (ties to even), for any non-negative BigInt x. */
export function roundScaled(x: bigint, e: number): number {
  if (x === 0n) return 0;
  const bits = x.toString(2).length;
  const top = bits - 1 + e; // exponent of the leading bit
  if (top > 1023) return Infinity;
  // Bits of precision the result can hold at this magnitude (53, fewer when subnormal).
  const keep = top >= -1022 ? 53 : 53 - (-1022 - top);
  if (keep <= 0) {
    // Below half the smallest subnormal rounds to 0; exactly half is a tie, to even (0).
    if (keep < 0) return 0;
    return x > 1n << BigInt(bits - 1) ? 2 ** -1074 : 0;
  }
  if (bits > keep) {
    const shift = BigInt(bits - keep);
    let q = x >> shift;
    const rem = x & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    x = q;
    e += bits - keep;
  }
  // x now fits in 53 bits (54 after a carry, still exact as a power of two).
  return ldexpExact(Number(x), e);
}
