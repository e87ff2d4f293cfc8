// Lua 5.1 patterns, as LuaJIT 2.1 matches them, over byte strings (JS strings whose code
// units are bytes 0..255).
//
// A pattern is parsed once into a list of items, and the items into a chain of closures in
// continuation-passing style: each item's closure matches the item at position i and calls
// the closure of the rest of the pattern; it returns the end of the whole match or -1.
// Backtracking is the return path, as in LuaJIT's recursive matcher, so the order in which
// alternatives are tried (and therefore which match and which captures win) is the same.
//
// What must be reproduced beyond the results:
//   - Errors are raised lazily, when the matcher reaches the faulty part of the pattern:
//     string.find("abc", "x[") is nil, but string.find("xbc", "x[") raises
//     "malformed pattern (missing ']')". The parser therefore turns a malformed item into an
//     item that throws when it is reached, and stops there (nothing after it can match).
//   - The pattern ends at its first NUL byte (LuaJIT's matcher reads it as a C string).
//   - "pattern too complex": LuaJIT counts nested calls of its matcher (one per quantified
//     item and per capture parenthesis on the current path, plus one) and fails beyond 200.
//     When a pattern has few enough such items that the limit cannot be hit, the counting is
//     left out and the closures may skip calls that are bound to fail; otherwise the count is
//     kept exactly.
//   - Captures still open at the end are an error only when their value is asked for
//     ("unfinished capture"), as LuaJIT reports it.
import { luaError } from "../runtime/error.js";
import type { LuaValue } from "../runtime/value.js";

export const MAX_CAPTURES = 32;
const MAX_DEPTH = 200;
const CAP_UNFINISHED = -1;
const CAP_POSITION = -2;

// ---------------------------------------------------------------- character classes

/** C-locale ctype on bytes (LuaJIT's lj_char tables): only ASCII has letters, digits, ... */
function table(pred: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = pred(c) ? 1 : 0;
  return t;
}
const isUpper = (c: number) => c >= 65 && c <= 90;
const isLower = (c: number) => c >= 97 && c <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => isUpper(c) || isLower(c);
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isCntrl = (c: number) => c < 32 || c === 127;
const isGraph = (c: number) => c >= 33 && c <= 126;
const isPunct = (c: number) => isGraph(c) && !isAlpha(c) && !isDigit(c);
const isXdigit = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

// Indexed by the class letter's code; undefined for letters that are not classes.
const CLASSES: (Uint8Array | undefined)[] = new Array(128).fill(undefined);
{
  const base: Record<string, (c: number) => boolean> = {
    a: isAlpha, c: isCntrl, d: isDigit, g: isGraph, l: isLower, p: isPunct,
    s: isSpace, u: isUpper, w: (c) => isAlpha(c) || isDigit(c), x: isXdigit, z: (c) => c === 0,
  };
  for (const k of Object.keys(base)) {
    const f = base[k]!;
    CLASSES[k.charCodeAt(0)] = table(f);
    CLASSES[k.toUpperCase().charCodeAt(0)] = table((c) => !f(c));
  }
}
/** The table of class letter `c` (%a, %D, ...), or undefined when `%c` is a literal. */
function classTable(c: number): Uint8Array | undefined {
  return c < 128 ? CLASSES[c] : undefined;
}

// ---------------------------------------------------------------- parsing

/** How one single-character item tests a byte: a literal code, any byte, or a table. */
type CharTest = number | "any" | Uint8Array;

type Item =
  | { k: "char"; t: CharTest; q: 0 | 42 | 43 | 45 | 63 } // quantifier: none, * + - ?
  | { k: "lit"; s: string } // a run of literal bytes without quantifiers
  | { k: "open"; idx: number }
  | { k: "pos"; idx: number }
  | { k: "close"; idx: number }
  | { k: "bal"; b: number; e: number }
  | { k: "front"; set: Uint8Array }
  | { k: "backref"; idx: number; pos: boolean }
  | { k: "eos" } // '$' at the end of the pattern
  | { k: "error"; msg: string };

class PatternError {
  constructor(readonly msg: string) {}
}

interface Parsed {
  items: Item[];
  ncap: number;
  /** unfinished[k]: capture k is still open at the end of the pattern. */
  unfinished: boolean[];
  /** position[k]: capture k is a position capture "()". */
  position: boolean[];
  /** An upper bound of LuaJIT's matcher nesting for this pattern (see the header). */
  maxDepth: number;
}

/** Where the single-character class starting at p ends (LuaJIT's classEnd), or a PatternError. */
function classEnd(pat: string, p: number): number {
  const n = pat.length;
  const c = pat.charCodeAt(p++);
  if (c === 37 /* % */) {
    if (p >= n) throw new PatternError("malformed pattern (ends with '%')");
    return p + 1;
  }
  if (c === 91 /* [ */) {
    if (pat.charCodeAt(p) === 94 /* ^ */) p++;
    // The first byte after '[' or '[^' is a member even when it is ']'.
    do {
      if (p >= n) throw new PatternError("malformed pattern (missing ']')");
      const d = pat.charCodeAt(p++);
      if (d === 37 && p < n) p++;
    } while (pat.charCodeAt(p) !== 93 /* ] */);
    return p + 1;
  }
  return p;
}

/** The membership table of the set pat[p..ec] where pat[p] is '[' and pat[ec] its ']'. */
function setTable(pat: string, p: number, ec: number): Uint8Array {
  const t = new Uint8Array(256);
  let neg = false;
  if (pat.charCodeAt(p + 1) === 94) {
    neg = true;
    p++;
  }
  while (++p < ec) {
    const c = pat.charCodeAt(p);
    if (c === 37) {
      p++;
      const d = pat.charCodeAt(p);
      const ct = classTable(d);
      if (ct !== undefined) for (let i = 0; i < 256; i++) t[i] |= ct[i]!;
      else t[d] = 1;
    } else if (pat.charCodeAt(p + 1) === 45 /* - */ && p + 2 < ec) {
      const hi = pat.charCodeAt(p + 2);
      for (let i = c; i <= hi; i++) t[i] = 1;
      p += 2;
    } else {
      t[c] = 1;
    }
  }
  if (neg) for (let i = 0; i < 256; i++) t[i] ^= 1;
  return t;
}

/** The test of the single-character class pat[p..ep). */
function charTest(pat: string, p: number, ep: number): CharTest {
  const c = pat.charCodeAt(p);
  if (c === 46 /* . */) return "any";
  if (c === 37) {
    const d = pat.charCodeAt(p + 1);
    return classTable(d) ?? d;
  }
  if (c === 91) return setTable(pat, p, ep - 1);
  return c;
}

function isQuantifier(c: number): c is 42 | 43 | 45 | 63 {
  return c === 42 || c === 43 || c === 45 || c === 63;
}

/** Parse pattern text (already cut at its first NUL, without a leading anchor '^'). */
function parse(pat: string): Parsed {
  const items: Item[] = [];
  const n = pat.length;
  let level = 0; // captures opened so far
  const unfinished: boolean[] = [];
  const position: boolean[] = [];
  let maxDepth = 1;
  let p = 0;
  try {
    while (p < n) {
      const c = pat.charCodeAt(p);
      if (c === 40 /* ( */) {
        if (level >= MAX_CAPTURES) throw new PatternError("too many captures");
        maxDepth++;
        if (pat.charCodeAt(p + 1) === 41 /* ) */) {
          items.push({ k: "pos", idx: level });
          position[level] = true;
          unfinished[level] = false;
          p += 2;
        } else {
          items.push({ k: "open", idx: level });
          position[level] = false;
          unfinished[level] = true;
          p += 1;
        }
        level++;
        continue;
      }
      if (c === 41 /* ) */) {
        let l = level - 1;
        while (l >= 0 && !unfinished[l]) l--;
        if (l < 0) throw new PatternError("invalid pattern capture");
        unfinished[l] = false;
        maxDepth++;
        items.push({ k: "close", idx: l });
        p += 1;
        continue;
      }
      if (c === 36 /* $ */ && p + 1 === n) {
        items.push({ k: "eos" });
        p += 1;
        continue;
      }
      if (c === 37 /* % */ && p + 1 < n) {
        const d = pat.charCodeAt(p + 1);
        if (d === 98 /* b */) {
          if (p + 3 >= n) throw new PatternError("unbalanced pattern");
          items.push({ k: "bal", b: pat.charCodeAt(p + 2), e: pat.charCodeAt(p + 3) });
          p += 4;
          continue;
        }
        if (d === 102 /* f */) {
          p += 2;
          if (pat.charCodeAt(p) !== 91) throw new PatternError("missing '[' after '%f' in pattern");
          const ep = classEnd(pat, p);
          items.push({ k: "front", set: setTable(pat, p, ep - 1) });
          p = ep;
          continue;
        }
        if (isDigit(d)) {
          const l = d - 49;
          if (l < 0 || l >= level || unfinished[l]) throw new PatternError("invalid capture index");
          items.push({ k: "backref", idx: l, pos: position[l]! });
          p += 2;
          continue;
        }
      }
      const ep = classEnd(pat, p);
      const t = charTest(pat, p, ep);
      const q = pat.charCodeAt(ep);
      if (isQuantifier(q)) {
        items.push({ k: "char", t, q });
        maxDepth++;
        p = ep + 1;
      } else {
        const last = items[items.length - 1];
        if (typeof t === "number") {
          // Merge literal bytes into runs, compared with one startsWith.
          const ch = String.fromCharCode(t);
          if (last !== undefined && last.k === "lit") last.s += ch;
          else if (last !== undefined && last.k === "char" && last.q === 0 && typeof last.t === "number") {
            items[items.length - 1] = { k: "lit", s: String.fromCharCode(last.t) + ch };
          } else items.push({ k: "char", t, q: 0 });
        } else {
          items.push({ k: "char", t, q: 0 });
        }
        p = ep;
      }
    }
  } catch (e) {
    if (!(e instanceof PatternError)) throw e;
    items.push({ k: "error", msg: e.msg });
  }
  return { items, ncap: level, unfinished, position, maxDepth };
}

// ---------------------------------------------------------------- the matcher

/** A compiled pattern. Not reentrant between a match and the reading of its captures. */
export interface LuaPattern {
  /** The pattern text as given. */
  readonly source: string;
  /** It began with '^' (find, match and gsub try only the starting position). */
  readonly anchored: boolean;
  /** Number of captures. */
  readonly ncap: number;
  /** The whole pattern is this literal string (no special characters): indexOf does it. */
  readonly literal: string | undefined;
  /** The end of the match at position i, or -1. Sets the captures. */
  matchAt(s: string, i: number): number;
  /**
   * The first position >= init (up to s.length) where a match starts, or -1; the match ends
   * at `lastEnd`. Anchored patterns try init only.
   */
  search(s: string, init: number): number;
  lastEnd: number;
  /** Capture k of the last match of s[start..end) (LuaJIT's push_onecapture). */
  capture(s: string, k: number, start: number, end: number): LuaValue;
  /**
   * What capture k of the last match is, raising LuaJIT's errors as capture() does:
   * CAPTURE_STRING (the bytes at capStart[k], capLen[k] of them), CAPTURE_POSITION (the
   * position capStart[k] + 1) or CAPTURE_WHOLE (the whole match: k is 0 and there are no captures).
   */
  captureKind(k: number): number;
  readonly capStart: Int32Array;
  readonly capLen: Int32Array;
  /** All captures, or the whole match when there are none (wholeIfNone) or nothing. */
  captures(s: string, start: number, end: number, wholeIfNone: boolean): LuaValue[];
}

export const CAPTURE_STRING = 0;
export const CAPTURE_POSITION = 1;
export const CAPTURE_WHOLE = 2;

type K = (i: number) => number;

function patError(msg: string): never {
  return luaError(msg);
}

function build(source: string, literalCaret: boolean): LuaPattern {
  let pat = source;
  const nul = pat.indexOf("\0");
  if (nul >= 0) pat = pat.slice(0, nul);
  let anchored = false;
  if (!literalCaret && pat.charCodeAt(0) === 94) {
    anchored = true;
    pat = pat.slice(1);
  }
  const parsed = parse(pat);
  const { items, ncap, unfinished, position } = parsed;

  // The state of the current match, shared by the closures below.
  let S = "";
  let N = 0;
  let depth = 0;
  const cs = new Int32Array(Math.max(ncap, 1));
  const cl = new Int32Array(Math.max(ncap, 1));
  const exact = parsed.maxDepth > MAX_DEPTH;

  // `rec(next)` is the continuation for a place where LuaJIT's matcher calls itself: with
  // exact depth accounting it counts the nesting, otherwise it is `next` itself.
  const rec = (next: K): K =>
    exact
      ? (i) => {
          if (++depth > MAX_DEPTH) patError("pattern too complex");
          const r = next(i);
          depth--;
          return r;
        }
      : next;

  /** The literal byte the continuation `it` must start with, if it starts deterministically with one. */
  const firstByte = (it: Item | undefined): number => {
    if (exact || it === undefined) return -1;
    if (it.k === "lit") return it.s.charCodeAt(0);
    if (it.k === "char" && typeof it.t === "number" && (it.q === 0 || it.q === 43)) return it.t;
    return -1;
  };

  const single = (t: CharTest, q: number, next: K, after: Item | undefined, last: boolean): K => {
    const r = rec(next);
    const fb = firstByte(after);
    if (q !== 0 && !exact && after !== undefined && after.k === "eos") {
      // A quantified item just before the final '$' ("%s*$"): only a run reaching the end
      // of the subject can match, whichever way the quantifier tries its counts.
      const tb = typeof t === "number" ? undefined : t === "any" ? ANY : t;
      const c = typeof t === "number" ? t : -1;
      const min = q === 43 ? 1 : 0;
      if (q === 63) {
        return (i) => {
          if (i === N) return N;
          return i + 1 === N && (tb === undefined ? S.charCodeAt(i) === c : tb[S.charCodeAt(i)] === 1) ? N : -1;
        };
      }
      return (i) => {
        const str = S, n = N;
        let j = i;
        if (tb === undefined) while (str.charCodeAt(j) === c) j++;
        else while (j < n && tb[str.charCodeAt(j)] === 1) j++;
        return j === N && j - i >= min ? N : -1;
      };
    }
    if (typeof t === "number") {
      const c = t;
      switch (q) {
        case 0:
          return (i) => (S.charCodeAt(i) === c ? next(i + 1) : -1);
        case 63:
          if (last) return (i) => (S.charCodeAt(i) === c ? i + 1 : i);
          return (i) => {
            if (S.charCodeAt(i) === c) {
              const x = r(i + 1);
              if (x >= 0) return x;
            }
            return next(i);
          };
        case 45:
          if (last) return (i) => i;
          return (i) => {
            for (;;) {
              if (fb < 0 || S.charCodeAt(i) === fb) {
                const x = r(i);
                if (x >= 0) return x;
              }
              if (S.charCodeAt(i) === c) i++;
              else return -1;
            }
          };
        default: {
          const min = q === 43 ? 1 : 0;
          if (last) {
            return (i) => {
              const str = S;
              let j = i;
              while (str.charCodeAt(j) === c) j++;
              return j - i >= min ? j : -1;
            };
          }
          return (i) => {
            const str = S;
            let j = i;
            while (str.charCodeAt(j) === c) j++;
            const lo = i + min;
            for (; j >= lo; j--) {
              if (fb >= 0 && S.charCodeAt(j) !== fb) continue;
              const x = r(j);
              if (x >= 0) return x;
            }
            return -1;
          };
        }
      }
    }
    // A table or any byte: `any` is the table of all bytes, bounded by N.
    const tb = t === "any" ? ANY : t;
    switch (q) {
      case 0:
        return (i) => (i < N && tb[S.charCodeAt(i)] === 1 ? next(i + 1) : -1);
      case 63:
        if (last) return (i) => (i < N && tb[S.charCodeAt(i)] === 1 ? i + 1 : i);
        return (i) => {
          if (i < N && tb[S.charCodeAt(i)] === 1) {
            const x = r(i + 1);
            if (x >= 0) return x;
          }
          return next(i);
        };
      case 45:
        if (last) return (i) => i;
        return (i) => {
          for (;;) {
            if (fb < 0 || S.charCodeAt(i) === fb) {
              const x = r(i);
              if (x >= 0) return x;
            }
            if (i < N && tb[S.charCodeAt(i)] === 1) i++;
            else return -1;
          }
        };
      default: {
        const min = q === 43 ? 1 : 0;
        if (last) {
          if (t === "any") return (i) => (N - i >= min ? N : -1);
          return (i) => {
            const str = S, n = N;
            let j = i;
            while (j < n && tb[str.charCodeAt(j)] === 1) j++;
            return j - i >= min ? j : -1;
          };
        }
        return (i) => {
          const str = S, n = N;
          let j = i;
          if (t === "any") j = n;
          else while (j < n && tb[str.charCodeAt(j)] === 1) j++;
          const lo = i + min;
          if (fb >= 0) {
            // Only positions where the rest can start: jump between occurrences of its byte.
            for (; j >= lo; j--) {
              if (S.charCodeAt(j) !== fb) continue;
              const x = r(j);
              if (x >= 0) return x;
            }
            return -1;
          }
          for (; j >= lo; j--) {
            const x = r(j);
            if (x >= 0) return x;
          }
          return -1;
        };
      }
    }
  };

  const node = (it: Item, next: K, after: Item | undefined): K => {
    const last = !exact && after === undefined;
    switch (it.k) {
      case "char":
        return single(it.t, it.q, next, after, last);
      case "lit": {
        const lit = it.s;
        const len = lit.length;
        if (last) return (i) => (S.startsWith(lit, i) ? i + len : -1);
        return (i) => (S.startsWith(lit, i) ? next(i + len) : -1);
      }
      case "open": {
        const idx = it.idx, r = rec(next);
        return (i) => {
          cs[idx] = i;
          cl[idx] = CAP_UNFINISHED;
          return r(i);
        };
      }
      case "pos": {
        const idx = it.idx, r = rec(next);
        return (i) => {
          cs[idx] = i;
          cl[idx] = CAP_POSITION;
          return r(i);
        };
      }
      case "close": {
        // No need to restore the capture on failure: a back-reference can only follow this
        // item, and every path to it passes here again first.
        const idx = it.idx, r = rec(next);
        return (i) => {
          cl[idx] = i - cs[idx]!;
          return r(i);
        };
      }
      case "bal": {
        const b = it.b, e = it.e;
        return (i) => {
          if (S.charCodeAt(i) !== b) return -1;
          let cont = 1;
          let j = i;
          while (++j < N) {
            const c = S.charCodeAt(j);
            if (c === e) {
              if (--cont === 0) return next(j + 1);
            } else if (c === b) cont++;
          }
          return -1;
        };
      }
      case "front": {
        const set = it.set;
        // Before the subject and at its end, the byte seen is NUL.
        return (i) => {
          const prev = i === 0 ? 0 : S.charCodeAt(i - 1);
          const cur = i < N ? S.charCodeAt(i) : 0;
          return set[prev] === 0 && set[cur] === 1 ? next(i) : -1;
        };
      }
      case "backref": {
        // A back-reference to a position capture never matches (LuaJIT compares a length
        // of (size_t)-2 bytes).
        if (it.pos) return () => -1;
        const idx = it.idx;
        return (i) => {
          const len = cl[idx]!, st = cs[idx]!;
          if (N - i < len) return -1;
          for (let k = 0; k < len; k++) if (S.charCodeAt(st + k) !== S.charCodeAt(i + k)) return -1;
          return next(i + len);
        };
      }
      case "eos":
        return (i) => (i === N ? i : -1);
      case "error": {
        const msg = it.msg;
        return () => patError(msg);
      }
    }
  };

  /** A deterministic item (one way to match, or none) as a step: the position after it, or -1. */
  const step = (it: Item): K | undefined => {
    switch (it.k) {
      case "char": {
        if (it.q !== 0) return undefined;
        const t = it.t;
        if (typeof t === "number") return (i) => (S.charCodeAt(i) === t ? i + 1 : -1);
        const tb = t === "any" ? ANY : t;
        return (i) => (i < N && tb[S.charCodeAt(i)] === 1 ? i + 1 : -1);
      }
      case "lit": {
        const lit = it.s, len = lit.length;
        return (i) => (S.startsWith(lit, i) ? i + len : -1);
      }
      case "eos":
        return (i) => (i === N ? i : -1);
      case "bal": case "front": case "backref":
        // The node with an identity continuation is the step.
        return node(it, (i) => i, undefined);
      default:
        return undefined;
    }
  };
  // Long runs of deterministic items are matched by one loop over their steps: as a chain of
  // continuations, a pattern of thousands of "%d" would exhaust the JS stack, which LuaJIT's
  // matcher (looping over them) does not.
  const LONG_RUN = 8;
  let k: K = (i) => i;
  for (let x = items.length - 1; x >= 0; ) {
    let y = x;
    while (y >= 0 && step(items[y]!) !== undefined) y--;
    if (x - y > LONG_RUN) {
      const steps = items.slice(y + 1, x + 1).map((it) => step(it)!);
      const next = k;
      const isLast = x === items.length - 1;
      k = (i) => {
        for (let q = 0; q < steps.length; q++) {
          i = steps[q]!(i);
          if (i < 0) return -1;
        }
        return isLast ? i : next(i);
      };
      x = y;
      continue;
    }
    k = node(items[x]!, k, items[x + 1]);
    x--;
  }
  const start = k;

  const matchAt = exact
    ? (s: string, i: number): number => {
        S = s;
        N = s.length;
        depth = 1;
        return start(i);
      }
    : (s: string, i: number): number => {
        S = s;
        N = s.length;
        return start(i);
      };

  // What a match must start with, to skip positions where it cannot.
  const first = items[0];
  let literal: string | undefined;
  if (items.length === 0) literal = "";
  else if (items.length === 1 && first!.k === "lit") literal = first!.s;
  else if (items.length === 1 && first!.k === "char" && first!.q === 0 && typeof first!.t === "number") {
    literal = String.fromCharCode(first!.t);
  }
  let lead: string | undefined; // a string every match starts with
  let leadSet: Uint8Array | undefined; // a set the first byte of every match is in
  // Opening captures before the first byte test change nothing when that test fails (they
  // only record a position, and nest at most 33 deep, far from the limit of 200).
  let fi = 0;
  while (fi < items.length && (items[fi]!.k === "open" || items[fi]!.k === "pos")) fi++;
  const firstTest = items[fi];
  if (firstTest !== undefined) {
    if (firstTest.k === "lit") lead = firstTest.s;
    else if (firstTest.k === "bal") lead = String.fromCharCode(firstTest.b);
    else if (firstTest.k === "char" && (firstTest.q === 0 || firstTest.q === 43)) {
      if (typeof firstTest.t === "number") lead = String.fromCharCode(firstTest.t);
      else if (firstTest.t !== "any") leadSet = firstTest.t;
    }
  }

  const pattern: LuaPattern = {
    source,
    anchored,
    ncap,
    literal: literal !== undefined && !anchored && items[items.length - 1]?.k !== "eos" ? literal : undefined,
    lastEnd: -1,
    matchAt,
    search(s: string, init: number): number {
      const n = s.length;
      if (anchored) {
        const e = matchAt(s, init);
        this.lastEnd = e;
        return e < 0 ? -1 : init;
      }
      // Skipping positions where the first item fails is safe: LuaJIT's matcher fails there
      // at once, without side effects (no nesting, no error).
      if (lead !== undefined) {
        for (let i = s.indexOf(lead, init); i >= 0; i = s.indexOf(lead, i + 1)) {
          const e = matchAt(s, i);
          if (e >= 0) {
            this.lastEnd = e;
            return i;
          }
        }
        return -1;
      }
      if (leadSet !== undefined) {
        const t = leadSet;
        for (let i = init; i < n; i++) {
          if (t[s.charCodeAt(i)] !== 1) continue;
          const e = matchAt(s, i);
          if (e >= 0) {
            this.lastEnd = e;
            return i;
          }
        }
        return -1;
      }
      for (let i = init; i <= n; i++) {
        const e = matchAt(s, i);
        if (e >= 0) {
          this.lastEnd = e;
          return i;
        }
      }
      return -1;
    },
    capStart: cs,
    capLen: cl,
    captureKind(k: number): number {
      if (k >= ncap) {
        if (k === 0) return CAPTURE_WHOLE;
        return patError("invalid capture index");
      }
      if (unfinished[k]) return patError("unfinished capture");
      return position[k] ? CAPTURE_POSITION : CAPTURE_STRING;
    },
    capture(s: string, k: number, start: number, end: number): LuaValue {
      if (k >= ncap) {
        if (k === 0) return s.slice(start, end);
        return patError("invalid capture index");
      }
      if (unfinished[k]) return patError("unfinished capture");
      if (position[k]) return cs[k]! + 1;
      const st = cs[k]!;
      return s.slice(st, st + cl[k]!);
    },
    captures(s: string, start: number, end: number, wholeIfNone: boolean): LuaValue[] {
      if (ncap === 0) return wholeIfNone ? [s.slice(start, end)] : [];
      const out: LuaValue[] = new Array(ncap);
      for (let k = 0; k < ncap; k++) out[k] = this.capture(s, k, start, end);
      return out;
    },
  };
  return pattern;
}

const ANY = new Uint8Array(256).fill(1);

// A small cache per mode: OpenResty code matches the same few patterns over and over, and
// compiling is far dearer than a lookup. FIFO eviction keeps it bounded when patterns are
// built at run time.
const CACHE_SIZE = 256;
const cache = new Map<string, LuaPattern>();
const gmatchCache = new Map<string, LuaPattern>();

function cached(map: Map<string, LuaPattern>, p: string, literalCaret: boolean): LuaPattern {
  let c = map.get(p);
  if (c === undefined) {
    c = build(p, literalCaret);
    if (map.size >= CACHE_SIZE) map.delete(map.keys().next().value as string);
    map.set(p, c);
  }
  return c;
}

/** The compiled form of pattern `p` for find, match and gsub ('^' at the start anchors). */
export function compilePattern(p: string): LuaPattern {
  return cached(cache, p, false);
}

/** The compiled form of `p` for gmatch, where LuaJIT 2.1 reads a leading '^' as a literal byte. */
export function compileGmatchPattern(p: string): LuaPattern {
  return cached(gmatchCache, p, true);
}

/**
 * LuaJIT's test for string.find's plain search: no byte of `^$*+?.([%-` anywhere in p (all
 * of it, NULs included). ')' and ']' alone do not count: find("a)", "a)") is a plain search.
 */
export function hasPatternSpecials(p: string): boolean {
  for (let i = 0; i < p.length; i++) {
    switch (p.charCodeAt(i)) {
      case 94: case 36: case 42: case 43: case 63: case 46: case 40: case 91: case 37: case 45:
        return true;
    }
  }
  return false;
}
