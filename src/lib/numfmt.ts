// C's printf("%.<p>g") and strtod() for doubles, exactly as glibc does them: lua-cjson
// formats and parses numbers with these, and its output must match byte for byte.
// JS's toExponential rounds exact ties away from zero where glibc rounds them to even
// (cjson.encode(123456789012345) is 1.2345678901234e+14), so ties are detected and fixed.

const POW10: number[] = [];
for (let i = 0; i <= 22; i++) POW10.push(Math.pow(10, i));

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Little-endian hosts only (x86, arm): word 1 holds the sign, exponent and high mantissa.

/** n (finite, non-zero) as m * 2^q with m an integer. */
function decompose(n: number): { m: bigint; q: number } {
  f64[0] = Math.abs(n);
  const hi = u32[1]!, lo = u32[0]!;
  const bexp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let q: number;
  if (bexp === 0) {
    q = -1074;
  } else {
    m |= 1n << 52n;
    q = bexp - 1075;
  }
  return { m, q };
}

/** Whether |n| is exactly 0.d1d2...dk * 10^(exp+1), digits being "d1d2...dk". */
function exactlyEquals(n: number, digits: string, exp: number): boolean {
  const { m, q } = decompose(n);
  const s = exp + 1 - digits.length;
  let left = m, right = BigInt(digits);
  if (q >= 0) left <<= BigInt(q);
  else right <<= BigInt(-q);
  if (s >= 0) right *= 10n ** BigInt(s);
  else left *= 10n ** BigInt(-s);
  return left === right;
}

/** The shortest round-trip digits of |n| (JS's String(n)) and their decimal exponent. */
function shortestDigits(n: number): { digits: string; exp: number } {
  const s = String(Math.abs(n));
  const ei = s.indexOf("e");
  const mant = ei < 0 ? s : s.slice(0, ei);
  let exp = ei < 0 ? 0 : +s.slice(ei + 1);
  const dot = mant.indexOf(".");
  const intLen = dot < 0 ? mant.length : dot;
  let digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  // The exponent of the first digit; then drop leading zeros (0.00123 -> 123, exp -3).
  exp += intLen - 1;
  let lead = 0;
  while (lead < digits.length - 1 && digits.charCodeAt(lead) === 48) lead++;
  digits = digits.slice(lead);
  exp -= lead;
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  return { digits: digits.slice(0, end), exp };
}

/** The p significant digits of |n| rounded as glibc rounds (half to even on exact ties), and the decimal exponent. */
function roundDigits(n: number, p: number): { digits: string; exp: number } {
  const short = shortestDigits(n);
  // When the shortest round-trip form has at most p digits (p <= 15), it is the p-digit
  // rounding: p-digit decimals are spaced wider than a normal double's rounding error
  // (not a subnormal's, whose precision is lower).
  if (short.digits.length <= p && p <= 15 && Math.abs(n) >= 2.2250738585072014e-308) return short;
  const e = Math.abs(n).toExponential(p - 1);
  const ei = e.indexOf("e");
  let digits = p > 1 ? e[0]! + e.slice(2, ei) : e.slice(0, ei);
  let exp = +e.slice(ei + 1);
  // An exact tie needs n to be exactly a (p+1)-digit decimal ending in 5, which then is
  // also n's shortest form: only such n need the exact check.
  if (short.digits.length === p + 1 && short.digits.charCodeAt(p) === 53 /* 5 */ && exactlyEquals(n, short.digits, short.exp)) {
    const kept = short.digits.slice(0, p);
    if (((kept.charCodeAt(p - 1) - 48) & 1) === 0) {
      // Even: glibc keeps the truncated digits where JS rounded up.
      digits = kept;
      exp = short.exp;
    }
  }
  return { digits, exp };
}

/** printf("%.<p>g", n) for any double (inf and nan as glibc prints them). */
export function formatG(n: number, p: number): string {
  if (n !== n) return "nan";
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  if (p < 1) p = 1;
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  // Integers that fit in p digits print as themselves, with no rounding.
  if (p <= 22 && Number.isInteger(n) && Math.abs(n) < POW10[p]!) return String(n);
  const { digits, exp } = roundDigits(n, p);
  const sign = n < 0 ? "-" : "";
  let d = digits;
  let end = d.length;
  while (end > 1 && d.charCodeAt(end - 1) === 48) end--;
  d = d.slice(0, end);
  if (exp < -4 || exp >= p) {
    const ae = exp < 0 ? -exp : exp;
    return `${sign}${d[0]}${d.length > 1 ? "." + d.slice(1) : ""}e${exp < 0 ? "-" : "+"}${ae < 10 ? "0" : ""}${ae}`;
  }
  if (exp >= 0) {
    const int = d.length > exp + 1 ? d.slice(0, exp + 1) : d + "0".repeat(exp + 1 - d.length);
    const frac = d.length > exp + 1 ? d.slice(exp + 1) : "";
    return sign + int + (frac.length > 0 ? "." + frac : "");
  }
  return `${sign}0.${"0".repeat(-exp - 1)}${d}`;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}
function lowerAt(s: string, i: number): number {
  return s.charCodeAt(i) | 0x20;
}
function matchCI(s: string, i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (lowerAt(s, i + k) !== word.charCodeAt(k)) return false;
  return true;
}

/** Result of strtod: the value and the index just past what was parsed (end === start: nothing parsed). */
export interface StrtodResult {
  value: number;
  end: number;
}

/**
 * strtod(s + start) in the C locale, without the leading-space skip: decimal and hex
 * floats, inf/infinity and nan/nan(chars), an optional sign. Parses the longest valid prefix.
 */
export function strtod(s: string, start: number, out: StrtodResult): void {
  let i = start;
  let neg = false;
  const c0 = s.charCodeAt(i);
  if (c0 === 43 || c0 === 45) {
    neg = c0 === 45;
    i++;
  }
  const c = s.charCodeAt(i);
  // Hexadecimal: 0x followed by at least one hex digit (else only the "0" is a number).
  if (c === 48 && (s.charCodeAt(i + 1) | 0x20) === 120) {
    let j = i + 2;
    let mant = 0n, ndig = 0, fracDigits = 0, sawDigit = false;
    // Keep at most 16 significant hex digits exactly; further ones only shift the exponent.
    let extraExp = 0;
    while (hexVal(s.charCodeAt(j)) >= 0) {
      sawDigit = true;
      if (ndig < 16) {
        mant = mant * 16n + BigInt(hexVal(s.charCodeAt(j)));
        if (mant !== 0n) ndig++;
      } else extraExp += 4;
      j++;
    }
    if (s.charCodeAt(j) === 46) {
      let k = j + 1;
      while (hexVal(s.charCodeAt(k)) >= 0) {
        sawDigit = true;
        if (ndig < 16) {
          mant = mant * 16n + BigInt(hexVal(s.charCodeAt(k)));
          if (mant !== 0n) ndig++;
          fracDigits++;
        }
        k++;
      }
      if (sawDigit) j = k;
    }
    if (sawDigit) {
      let exp = extraExp - 4 * fracDigits;
      if ((s.charCodeAt(j) | 0x20) === 112) {
        let k = j + 1;
        let eneg = false;
        const sc = s.charCodeAt(k);
        if (sc === 43 || sc === 45) {
          eneg = sc === 45;
          k++;
        }
        if (isDigit(s.charCodeAt(k))) {
          let ev = 0;
          while (isDigit(s.charCodeAt(k))) {
            if (ev < 100000) ev = ev * 10 + (s.charCodeAt(k) - 48);
            k++;
          }
          exp += eneg ? -ev : ev;
          j = k;
        }
      }
      let v = Number(mant);
      // Scale in steps so that intermediate powers of two stay finite.
      while (exp > 0 && v !== Infinity) {
        const step = Math.min(exp, 1000);
        v *= Math.pow(2, step);
        exp -= step;
      }
      while (exp < 0 && v !== 0) {
        const step = Math.max(exp, -1000);
        v *= Math.pow(2, step);
        exp -= step;
      }
      out.value = neg ? -v : v;
      out.end = j;
      return;
    }
    out.value = neg ? -0 : 0;
    out.end = i + 1;
    return;
  }
  if ((c | 0x20) === 105 && matchCI(s, i, "inf")) {
    out.value = neg ? -Infinity : Infinity;
    out.end = matchCI(s, i + 3, "inity") ? i + 8 : i + 3;
    return;
  }
  if ((c | 0x20) === 110 && matchCI(s, i, "nan")) {
    let j = i + 3;
    if (s.charCodeAt(j) === 40) {
      let k = j + 1;
      for (;;) {
        const ch = s.charCodeAt(k);
        if (isDigit(ch) || ((ch | 0x20) >= 97 && (ch | 0x20) <= 122) || ch === 95) k++;
        else break;
      }
      if (s.charCodeAt(k) === 41) j = k + 1;
    }
    out.value = NaN;
    out.end = j;
    return;
  }
  let j = i;
  let digits = 0;
  // Fast path (no allocation): up to 15 significant digits and a small power of ten, where
  // one IEEE multiplication or division of exact operands is the correctly rounded result.
  let mant = 0, sig = 0, fracDigits = 0;
  while (isDigit(s.charCodeAt(j))) {
    if (sig > 0 || s.charCodeAt(j) !== 48) {
      mant = mant * 10 + (s.charCodeAt(j) - 48);
      sig++;
    }
    j++;
    digits++;
  }
  if (s.charCodeAt(j) === 46) {
    let k = j + 1;
    while (isDigit(s.charCodeAt(k))) {
      if (sig > 0 || s.charCodeAt(k) !== 48) {
        mant = mant * 10 + (s.charCodeAt(k) - 48);
        sig++;
      }
      fracDigits++;
      k++;
      digits++;
    }
    if (digits > 0) j = k;
  }
  if (digits === 0) {
    out.value = 0;
    out.end = start;
    return;
  }
  let exp10 = 0;
  if ((s.charCodeAt(j) | 0x20) === 101) {
    let k = j + 1;
    const sc = s.charCodeAt(k);
    let eneg = false;
    if (sc === 43 || sc === 45) {
      eneg = sc === 45;
      k++;
    }
    if (isDigit(s.charCodeAt(k))) {
      while (isDigit(s.charCodeAt(k))) {
        if (exp10 < 100000) exp10 = exp10 * 10 + (s.charCodeAt(k) - 48);
        k++;
      }
      if (eneg) exp10 = -exp10;
      j = k;
    }
  }
  const scale = exp10 - fracDigits;
  let v: number;
  if (sig <= 15 && scale >= -22 && scale <= 22) {
    v = scale >= 0 ? mant * POW10[scale]! : mant / POW10[-scale]!;
  } else {
    // JS parses decimal text with correct rounding, as glibc's strtod does.
    v = Number(s.slice(i, j));
  }
  out.value = neg ? -v : v;
  out.end = j;
}
