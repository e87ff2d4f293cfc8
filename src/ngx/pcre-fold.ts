// Caseless matching for the parts of a pattern under an inline (?i) when the RegExp as a
// whole is case-sensitive (V8 in Node 20 has no inline modifiers): each letter becomes a
// class of its cases. Without "u" PCRE folds ASCII letters only (its default tables).

/** The other cases of `ch` ("" when none). */
export function otherCases(ch: string, unicode: boolean): string {
  if (!unicode && ch.charCodeAt(0) > 0x7f) return "";
  const lo = ch.toLowerCase();
  const up = ch.toUpperCase();
  let out = "";
  // Only single-character mappings: "ß".toUpperCase() is "SS", which is not a case of one char.
  if (lo !== ch && lo.length === ch.length) out += lo;
  if (up !== ch && up.length === ch.length && up !== lo) out += up;
  return out;
}

/** Extra class items so that the range lo..hi (code points) also covers its letters' other case. */
export function foldRange(lo: number, hi: number): string {
  let out = "";
  const add = (a: number, b: number, shift: number): void => {
    const s = Math.max(lo, a);
    const e = Math.min(hi, b);
    if (s <= e) out += `${String.fromCharCode(s + shift)}-${String.fromCharCode(e + shift)}`;
  };
  add(0x61, 0x7a, -32);
  add(0x41, 0x5a, 32);
  return out;
}
