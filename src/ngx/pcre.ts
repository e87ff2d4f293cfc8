// PCRE patterns as JavaScript RegExps. ngx.re takes PCRE syntax over byte strings; V8's
// engine is close but differs in places that matter, so the pattern is rewritten token by
// token: `.` and `$` get PCRE's meaning (only "\n" is a newline; `$` also matches before a
// final newline), \s is PCRE's ASCII set, \A \z \Z \G \h \v \R \Q..\E, \p (pcre-props.ts),
// POSIX classes, (?P<n>), \g{n}, \x{hh}, inline options anywhere (a mid-pattern (?i) folds
// letters by hand, pcre-fold.ts), `x` mode, atomic groups and possessive quantifiers (as
// lookahead + backreference, with hidden groups the captures table skips). Errors are PCRE's
// messages with the offset nginx reports.
import { foldRange, otherCases } from "./pcre-fold.js";
import { propertyClass, propertyInClass } from "./pcre-props.js";

export interface CompiledPcre {
  readonly re: RegExp;
  /** Names of the numbered groups (undefined for unnamed), 1-based. */
  readonly names: readonly (string | undefined | null)[];
  readonly groups: number;
  /** `u` given: the subject is decoded from UTF-8 and offsets mapped back to bytes. */
  readonly utf8: boolean;
  readonly anchored: boolean;
}

export class PcreError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const POSIX: Record<string, string> = {
  alpha: "A-Za-z", digit: "0-9", alnum: "A-Za-z0-9", upper: "A-Z", lower: "a-z",
  space: "\\t\\n\\v\\f\\r ", blank: " \\t", cntrl: "\\x00-\\x1f\\x7f", print: "\\x20-\\x7e",
  graph: "\\x21-\\x7e", punct: "!-\\/:-@\\[-`{-~", xdigit: "0-9A-Fa-f", word: "\\w",
};

const SPACE = "\\t\\n\\v\\f\\r ";
// PCRE's \h and \v: Latin-1's own without "u", the Unicode sets with it.
const H_SPACE = " \\t\\xa0";
const H_SPACE_U = " \\t\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000";
const V_SPACE = "\\n\\v\\f\\r\\x85";
const V_SPACE_U = "\\n\\v\\f\\r\\x85\\u2028\\u2029";

function hex2(n: number): string {
  return n < 0x100 ? "\\x" + n.toString(16).padStart(2, "0") : "\\u{" + n.toString(16) + "}";
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
}

/** An open parenthesis: where its text starts in the output, the options to restore at its end. */
interface Open {
  readonly start: number;
  readonly saved: Flags;
  /** The hidden group of an atomic group (?>...), by capture id. */
  readonly atomic?: number;
  /** A conditional group (see conditional()). */
  readonly cond?: Cond;
  /** The capture id of a user's group. */
  readonly capture?: number;
  /** `|` seen at this level so far. */
  alts?: number;
  /** Holds a rewritten condition: repeating it would let the group keep an earlier iteration's value. */
  noRepeat?: boolean;
}

/** A user's group made optional by a greedy `?`, as written in the output so far. */
interface OptionalGroup {
  /** Where the group starts and where its `?` ends in the output. */
  readonly start: number;
  readonly end: number;
  /** The enclosing open group (undefined at the top) and its `|` count then. */
  readonly encl: Open | undefined;
  readonly alts: number;
}

/**
 * A conditional group, written as `(?:COND yes|NOT-COND no)`: for an assertion condition
 * COND is the assertion and NOT-COND the opposite one (known once the assertion is
 * translated, from `from`); for (?(R)...) and (?(DEFINE)...), which are false outside a
 * recursion, COND is (?!) (the yes branch keeps its capture numbers) and NOT-COND empty.
 */
interface Cond {
  readonly from: number;
  neg: string | undefined;
  branches: number;
  readonly define: boolean;
  /**
   * A condition on an optional group, rewritten by alternation: `(X)?B(?(1)Y|Z)` is
   * `(?:(X)BY|BZ)` (same order of tries, B without captures): where the no branch starts.
   */
  rewritten?: { noFrom: number };
}

/** Honest refusal of a PCRE feature the RegExp translation cannot give exactly (docs/ngx-api.md). */
const UNSUPPORTED_RECURSION = "recursion and subroutine calls are not supported by tsresty";
const UNSUPPORTED_GROUP_COND = "conditions on a group's match are not supported by tsresty";

/** The capture groups of `src` (numbered and named), counted ahead: references may point forward. */
function scanGroups(src: string): { count: number; names: Set<string> } {
  let count = 0;
  const names = new Set<string>();
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") {
      if (src[i + 1] === "Q") {
        const e = src.indexOf("\\E", i + 2);
        i = e < 0 ? src.length : e + 1;
      } else i++;
    } else if (c === "[") {
      let j = i + 1;
      if (src[j] === "^") j++;
      if (src[j] === "]") j++;
      while (j < src.length && src[j] !== "]") j += src[j] === "\\" ? 2 : src.startsWith("[:", j) && src.indexOf(":]", j) > 0 ? src.indexOf(":]", j) - j + 2 : 1;
      i = j;
    } else if (c === "(") {
      // a condition's own parentheses, (?(1)...) or (?(<name>)...), are not a group
      if (src.startsWith("(?(", i) && src[i + 3] !== "?") i = Math.max(i, src.indexOf(")", i + 3));
      else if (src[i + 1] !== "?" && src[i + 1] !== "*") count++;
      else {
        const m = /^\(\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(src.slice(i));
        if (m) {
          count++;
          names.add(m[1] ?? m[2]!);
        }
      }
    }
  }
  return { count, names };
}


/** A capture: user-visible (name or undefined) or hidden (null: atomic and possessive emulation). */
type Capture = string | undefined | null;

// Markers in the output while translating, each followed by one char (0xE100 + number): the
// open of capture id N, a backreference to the user's group N, a backreference to capture id
// N. Hidden groups are inserted before later ones, so JS numbers are known only at the end.
const OPEN = "\uE000";
const REF_USER = "\uE001";
const REF_ID = "\uE002";
const num = (n: number): string => String.fromCharCode(0xe100 + n);

/** Thrown when an inline (?-i) needs caseless parts folded by hand: translate again with the JS `i` flag off. */
class CaselessRestart {}

/** Translate `src` with flags (PCRE option letters already split out). */
export function translatePcre(src: string, opts: { i: boolean; m: boolean; s: boolean; x: boolean; u: boolean }): { source: string; flags: string; names: Capture[]; groups: number; startG: boolean } {
  try {
    return translate(src, opts, true);
  } catch (e) {
    if (!(e instanceof CaselessRestart)) throw e;
    return translate(src, opts, false);
  }
}

function translate(src: string, opts: { i: boolean; m: boolean; s: boolean; x: boolean; u: boolean }, mayUseI: boolean): { source: string; flags: string; names: Capture[]; groups: number; startG: boolean } {
  const flags: Flags = { i: opts.i, m: opts.m, s: opts.s, x: opts.x };
  const u = opts.u;
  let p = 0;
  // Leading inline options, e.g. (?i) or (?ms-x): they set the RegExp's own flags.
  for (;;) {
    const lead = /^\(\?([imsxJUX]*(?:-[imsxJUX]*)?)\)/.exec(src.slice(p));
    if (!lead) break;
    setFlags(flags, lead[1]!);
    p += lead[0].length;
  }
  const jsI = flags.i && mayUseI;
  const jsM = flags.m;
  let out = "";
  const caps: Capture[] = [];
  /** Capture ids of the user's groups, in their order (the user's numbers). */
  const userIds: number[] = [];
  const refs: { n: number; at: number }[] = [];
  const opens: Open[] = [];
  let startG = false;
  const bodyStart = p;
  let lastAtomStart = -1;
  const n = src.length;
  const newCapture = (c: Capture): string => {
    caps.push(c);
    if (c !== null) userIds.push(caps.length - 1);
    return OPEN + num(caps.length - 1);
  };
  /** A literal character, folded by hand where the pattern is caseless and the RegExp is not. */
  const literal = (ch: string): string => {
    const code = ch.charCodeAt(0);
    const plain = code >= 0xe000 && code < 0xf900 ? hex2(code) : /[\\^$.*+?()[\]{}|/]/.test(ch) ? "\\" + ch : ch;
    if (!flags.i || jsI) return plain;
    const other = otherCases(ch, u);
    return other ? `[${plain}${other}]` : plain;
  };
  const changeFlags = (spec: string): void => {
    setFlags(flags, spec);
    if (jsI && !flags.i) throw new CaselessRestart();
  };
  const ahead = scanGroups(src);
  /**
   * `(?(` at `at`: the condition checked as PCRE checks it; what to write for it. Only
   * assertions and (?(R...)/(?(DEFINE) are translated; a condition on a group is refused.
   */
  const conditional = (rest: string, at: number): { length: number; cond: string; neg: string | undefined; define: boolean; group?: number } => {
    if (/^\(\?\(\?<?[=!]/.test(rest)) return { length: 2, cond: "", neg: undefined, define: false };
    const m = /^\(\?\((?:(\d+)|<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)'|(R\d*|R&[A-Za-z_]\w*)|(DEFINE)|([A-Za-z_]\w*))\)/.exec(rest);
    if (m === null) {
      if (/^\(\?\([\dA-Za-z_<']/.test(rest)) throw new PcreError("malformed number or name after (?(", n);
      throw new PcreError("assertion expected after (?( or (?(?C)", Math.min(at + 3, n));
    }
    const after = at + m[0].length;
    if (m[4] !== undefined || m[5] !== undefined) {
      if (m[4] !== undefined && m[4].startsWith("R&") && !ahead.names.has(m[4].slice(2))) throw new PcreError("reference to non-existent subpattern", after);
      return { length: m[0].length, cond: "(?!)", neg: "", define: m[5] !== undefined };
    }
    const name = m[2] ?? m[3] ?? m[6];
    if (m[1] !== undefined ? Number(m[1]) === 0 || Number(m[1]) > ahead.count : !ahead.names.has(name!)) throw new PcreError("reference to non-existent subpattern", after);
    const k = m[1] !== undefined ? Number(m[1]) : userIds.findIndex((id) => caps[id] === name) + 1;
    return { length: m[0].length, cond: "", neg: undefined, define: false, group: k };
  };
  const optional = new Map<number, OptionalGroup>();
  let topAlts = 0;
  const altsOf = (o: Open | undefined): number => (o === undefined ? topAlts : o.alts ?? 0);
  let lastGroup: { readonly k: number; readonly start: number } | undefined;
  let lastNoRepeat = -1;
  /** (?R), (?N), (?+N), (?-N), (?&name), (?P>name): PCRE's checks, then the refusal. */
  const subroutineError = (rest: string, at: number): PcreError => {
    const num = /^\(\?(R|[+-]?\d+)/.exec(rest);
    if (num !== null) {
      const end = at + num[0].length;
      if (src[end] !== ")") return new PcreError("(?R or (?[+-]digits must be followed by )", end);
      const v = num[1]!;
      const k = v === "R" ? 0 : v.startsWith("-") ? userIds.length + 1 + Number(v) : v.startsWith("+") ? userIds.length + Number(v) : Number(v);
      if (v !== "R" && (k <= 0 || k > ahead.count)) return new PcreError("reference to non-existent subpattern", end);
      return new PcreError(UNSUPPORTED_RECURSION, at);
    }
    const nm = /^\(\?(?:&|P>)([A-Za-z_]\w*)\)/.exec(rest);
    if (nm !== null && !ahead.names.has(nm[1]!)) return new PcreError("reference to non-existent subpattern", at + nm[0].length - 1);
    return new PcreError(UNSUPPORTED_RECURSION, at);
  };
  const quantStart = (c: string): boolean => c === "*" || c === "+" || c === "?" || (c === "{" && /^\{\d+(,\d*)?\}/.test(src.slice(p)));
  while (p < n) {
    const c = src[p]!;
    if (flags.x && (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v")) {
      p++;
      continue;
    }
    if (flags.x && c === "#") {
      while (p < n && src[p] !== "\n") p++;
      continue;
    }
    if (quantStart(c)) {
      if (lastAtomStart < 0) throw new PcreError("nothing to repeat", p);
      let q = c;
      if (c === "{") q = /^\{\d+(,\d*)?\}/.exec(src.slice(p))![0];
      if (lastAtomStart === lastNoRepeat && q !== "?" && q !== "{0,1}" && q !== "{1}" && q !== "{0}") throw new PcreError(UNSUPPORTED_GROUP_COND, p);
      p += q.length;
      if (src[p] === "?") {
        out += q + "?";
        p++;
      } else if (src[p] === "+") {
        // Possessive: (?=(X*))\N takes what the greedy X* took and never gives any back.
        p++;
        const id = caps.length;
        const open = newCapture(null);
        out = out.slice(0, lastAtomStart) + "(?:(?=(" + open + out.slice(lastAtomStart) + q + "))" + REF_ID + num(id) + "(?:))";
      } else {
        out += q;
        if (q === "?" && lastGroup !== undefined && lastGroup.start === lastAtomStart) {
          const encl = opens[opens.length - 1];
          optional.set(lastGroup.k, { start: lastGroup.start, end: out.length, encl, alts: altsOf(encl) });
        }
      }
      lastAtomStart = -1;
      continue;
    }
    const atom = out.length;
    if (c === "\\") {
      p++;
      if (p >= n) throw new PcreError("\\ at end of pattern", n);
      const e = src[p]!;
      p++;
      switch (e) {
        case "A": out += "(?<![\\s\\S])"; lastAtomStart = -1; continue;
        case "z": out += "(?![\\s\\S])"; lastAtomStart = -1; continue;
        case "Z": out += "(?=\\n?(?![\\s\\S]))"; lastAtomStart = -1; continue;
        case "G":
          // At the very start, \G anchors the match where the search starts (ctx.pos, gmatch).
          if (p - 2 === bodyStart) startG = true;
          lastAtomStart = -1;
          continue;
        case "s": out += `[${SPACE}]`; break;
        case "S": out += `[^${SPACE}]`; break;
        case "h": out += `[${u ? H_SPACE_U : H_SPACE}]`; break;
        case "H": out += `[^${u ? H_SPACE_U : H_SPACE}]`; break;
        case "v": out += `[${u ? V_SPACE_U : V_SPACE}]`; break;
        case "V": out += `[^${u ? V_SPACE_U : V_SPACE}]`; break;
        case "R": out += `(?:\\r\\n|[${u ? V_SPACE_U : V_SPACE}])`; break;
        case "e": out += "\\x1b"; break;
        case "a": out += "\\x07"; break;
        case "p": case "P": {
          // PCRE's \p ignores caselessness; the RegExp's i flag would not.
          if (jsI) throw new CaselessRestart();
          const pr = property(src, p, e === "P", u);
          p = pr.end;
          out += !pr.negated && /^\\p\{[^}]+\}$/.test(pr.body) ? pr.body : `[${pr.negated ? "^" : ""}${pr.body}]`;
          break;
        }
        case "Q": {
          const end = src.indexOf("\\E", p);
          const lit = end < 0 ? src.slice(p) : src.slice(p, end);
          p = end < 0 ? n : end + 2;
          if (lit.length === 0) continue;
          // Quantifiers after \Q..\E apply to its last character, as in PCRE.
          for (let k = 0; k < lit.length; k++) {
            lastAtomStart = out.length;
            out += literal(lit[k]!);
          }
          continue;
        }
        case "E": continue;
        case "x": {
          const br = /^\{([0-9a-fA-F]+)\}/.exec(src.slice(p));
          let code: number;
          if (br) {
            code = parseInt(br[1]!, 16);
            p += br[0].length;
          } else {
            const h = /^[0-9a-fA-F]{0,2}/.exec(src.slice(p))![0];
            code = h ? parseInt(h, 16) : 0;
            p += h.length;
          }
          const other = flags.i && !jsI ? otherCases(String.fromCodePoint(code), u) : "";
          out += other ? `[${hex2(code)}${other}]` : hex2(code);
          break;
        }
        case "g": {
          // \g<n>, \g'name': Oniguruma's spelling of a subroutine call
          const call = /^(?:<([+-]?\d+|[A-Za-z_]\w*)>|'([+-]?\d+|[A-Za-z_]\w*)')/.exec(src.slice(p));
          if (call !== null) {
            const v = call[1] ?? call[2]!;
            const k = /^-/.test(v) ? userIds.length + 1 + Number(v) : /^\+/.test(v) ? userIds.length + Number(v) : Number(v);
            if (/^[+-]?\d/.test(v) ? k <= 0 || k > ahead.count : !ahead.names.has(v)) throw new PcreError("reference to non-existent subpattern", p + call[0].length - 1);
            throw new PcreError(UNSUPPORTED_RECURSION, p - 2);
          }
          const g = /^(?:\{(-?\d+|\w+)\}|(-?\d+))/.exec(src.slice(p));
          if (!g) throw new PcreError("a numbered reference must not be zero", p);
          p += g[0].length;
          const ref = g[1] ?? g[2]!;
          if (/^-?\d+$/.test(ref)) {
            const k = Number(ref) < 0 ? userIds.length + 1 + Number(ref) : Number(ref);
            out += REF_USER + num(k) + "(?:)";
            refs.push({ n: k, at: p });
          } else out += `\\k<${ref}>`;
          break;
        }
        case "k": {
          const k = /^(?:<(\w+)>|\{(\w+)\}|'(\w+)')/.exec(src.slice(p));
          if (!k) throw new PcreError("\\k is not followed by a braced, angle-bracketed, or quoted name", p);
          p += k[0].length;
          out += `\\k<${k[1] ?? k[2] ?? k[3]}>`;
          break;
        }
        default:
          if (e >= "1" && e <= "9") {
            const d = /^\d*/.exec(src.slice(p))![0];
            p += d.length;
            out += REF_USER + num(Number(e + d)) + "(?:)";
            refs.push({ n: Number(e + d), at: p });
          } else if (e === "0") {
            const o = /^[0-7]{0,2}/.exec(src.slice(p))![0];
            p += o.length;
            out += hex2(parseInt("0" + o, 8));
          } else if (/[a-zA-Z]/.test(e) && !"dDwWbBnrtfcu".includes(e)) {
            // PCRE ignores unknown letter escapes in some cases; keep the letter.
            out += literal(e);
          } else if (e === "c") {
            out += "\\c" + (src[p] ?? "");
            p++;
          } else if (/[a-zA-Z0-9]/.test(e)) out += "\\" + e;
          else out += literal(e);
      }
      lastAtomStart = atom;
      continue;
    }
    if (c === "[") {
      if (jsI && /\\[pP]/.test(src.slice(p, src.indexOf("]", p + 2) + 1 || n))) throw new CaselessRestart();
      p = charClass(src, p, flags.i && !jsI, u, (cls) => (out += cls));
      lastAtomStart = atom;
      continue;
    }
    if (c === "(") {
      const rest = src.slice(p);
      if (rest.startsWith("(?#")) {
        const end = src.indexOf(")", p);
        if (end < 0) throw new PcreError("missing ) after comment", n);
        p = end + 1;
        continue;
      }
      const saved = { ...flags };
      const named = /^\(\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest);
      let atomic: number | undefined;
      let capture: number | undefined;
      if (named) {
        const name = named[1] ?? named[2]!;
        capture = caps.length;
        out += `(?<${name}>` + newCapture(name);
        p += named[0].length;
      } else if (rest.startsWith("(?P=")) {
        const k = /^\(\?P=(\w+)\)/.exec(rest);
        if (!k) throw new PcreError("syntax error in subpattern name (missing terminator)", p);
        out += `\\k<${k[1]}>`;
        p += k[0].length;
        lastAtomStart = atom;
        continue;
      } else if (rest.startsWith("(?>")) {
        // Atomic group: JS has none; (?=(X))\N keeps what X matched without backtracking into it.
        atomic = caps.length;
        out += "(?:(?=(" + newCapture(null);
        p += 3;
      } else if (rest.startsWith("(?(")) {
        const c = conditional(rest, p);
        if (c.group !== undefined) {
          const g = optional.get(c.group);
          const encl = opens[opens.length - 1];
          const mid = g === undefined ? "" : out.slice(g.end);
          if (g === undefined || g.encl !== encl || g.alts !== altsOf(encl) || /[\uE000-\uE002]/.test(mid) || mid.includes("\\k<")) throw new PcreError(UNSUPPORTED_GROUP_COND, p);
          p += c.length;
          out = out.slice(0, g.start) + "(?:" + out.slice(g.start, g.end - 1) + mid;
          // the records after it have moved: no later condition is rewritten
          optional.clear();
          for (const o of opens) o.noRepeat = true;
          opens.push({ start: g.start, saved, cond: { from: out.length, neg: mid, branches: 0, define: false, rewritten: { noFrom: -1 } } });
          lastAtomStart = -1;
          continue;
        }
        p += c.length;
        out += "(?:" + c.cond;
        opens.push({ start: atom, saved, cond: { from: out.length, neg: c.neg, branches: 0, define: c.define } });
        lastAtomStart = -1;
        continue;
      } else if (/^\(\?(?:R|[+-]?\d|&|P>)/.test(rest)) {
        throw subroutineError(rest, p);
      } else if (/^\(\?[:=!]|^\(\?<[=!]/.test(rest)) {
        const h = rest.startsWith("(?<") ? 4 : 3;
        out += rest.slice(0, h);
        p += h;
      } else if (rest.startsWith("(?")) {
        const f = /^\(\?([imsxJUX]*(?:-[imsxJUX]*)?)/.exec(rest)!;
        const after = p + f[0].length;
        if (after >= n) throw new PcreError("unrecognized character after (? or (?-", n);
        if (src[after] !== ":" && src[after] !== ")") throw new PcreError("unrecognized character after (? or (?-", after);
        p = after + 1;
        if (src[after] === ")") {
          // (?i) in the middle: the rest of the enclosing group (and its later branches).
          changeFlags(f[1]!);
          continue;
        }
        out += "(?:";
        opens.push({ start: atom, saved });
        changeFlags(f[1]!);
        lastAtomStart = -1;
        continue;
      } else {
        capture = caps.length;
        out += "(" + newCapture(undefined);
        p++;
      }
      opens.push({ start: atom, saved, atomic, capture });
      lastAtomStart = -1;
      continue;
    }
    if (c === ")") {
      const o = opens.pop();
      if (o === undefined) throw new PcreError("unmatched parentheses", p);
      if (o.cond !== undefined && o.cond.branches > (o.cond.define ? 0 : 1)) {
        throw new PcreError(o.cond.define ? "DEFINE group contains more than one branch" : "conditional group contains more than two branches", p);
      }
      if (o.cond?.rewritten !== undefined) {
        // The no branch runs without the group: a backreference there would match empty in JS.
        const no = o.cond.rewritten.noFrom < 0 ? "" : out.slice(o.cond.rewritten.noFrom);
        if (/[\uE001\uE002]/.test(no) || no.includes("\\k<")) throw new PcreError(UNSUPPORTED_GROUP_COND, p);
        let q = p + 1;
        while (flags.x && q < n && /\s/.test(src[q]!)) q++;
        if (q < n && /[*+?{]/.test(src[q]!)) throw new PcreError(UNSUPPORTED_GROUP_COND, q);
      }
      if (o.cond !== undefined && o.cond.branches === 0) out += "|" + o.cond.neg;
      out += o.atomic === undefined ? ")" : "))" + REF_ID + num(o.atomic) + "(?:))";
      const parent = opens[opens.length - 1]?.cond;
      if (parent !== undefined && parent.neg === undefined) {
        // The condition's assertion, just translated: the no branch asserts the opposite.
        // Its captures are left out of the opposite one (a failed assertion keeps none).
        let a = out.slice(parent.from);
        if (a.includes(REF_USER) || a.includes(REF_ID)) throw new PcreError("backreferences in the assertion of a condition are not supported by tsresty", p);
        a = a.replace(/\((?:\?<[A-Za-z_]\w*>)?\uE000[\s\S]/g, "(?:");
        parent.neg = a.replace(/^\(\?(<?)([=!])/, (_m, lb: string, k: string) => `(?${lb}${k === "=" ? "!" : "="}`);
      }
      Object.assign(flags, o.saved);
      p++;
      lastAtomStart = o.start;
      lastGroup = o.capture === undefined ? undefined : { k: userIds.indexOf(o.capture) + 1, start: o.start };
      lastNoRepeat = o.noRepeat === true ? o.start : -1;
      continue;
    }
    if (c === "|") {
      const cond = opens[opens.length - 1]?.cond;
      if (cond !== undefined) cond.branches++;
      out += cond === undefined ? "|" : "|" + cond.neg;
      if (cond?.rewritten !== undefined) cond.rewritten.noFrom = out.length;
      const top = opens[opens.length - 1];
      if (top === undefined) topAlts++;
      else top.alts = (top.alts ?? 0) + 1;
      p++;
      lastAtomStart = -1;
      continue;
    }
    if (c === "^") {
      // The RegExp's m flag is the pattern's leading state; an inline change is spelled out
      // (PCRE's multiline ^ does not match after a newline that ends the subject).
      out += flags.m === jsM ? "^" : flags.m ? "(?:^|(?<=\\n)(?=[\\s\\S]))" : "(?<![\\s\\S])";
      p++;
      lastAtomStart = -1;
      continue;
    }
    if (c === "$") {
      out += flags.m ? "(?=\\n|(?![\\s\\S]))" : "(?=\\n?(?![\\s\\S]))";
      p++;
      lastAtomStart = -1;
      continue;
    }
    if (c === ".") {
      out += flags.s ? "[\\s\\S]" : "[^\\n]";
      p++;
      lastAtomStart = atom;
      continue;
    }
    out += literal(c);
    p++;
    lastAtomStart = atom;
  }
  if (opens.length > 0) throw new PcreError("missing )", n);
  for (const r of refs) if (r.n > userIds.length || r.n <= 0) throw new PcreError("reference to non-existent subpattern", r.at);
  // JS group numbers follow the order of the opening parentheses in the final text.
  const jsNum: number[] = [];
  const names: Capture[] = [];
  out = out.replace(/\uE000([\s\S])/g, (_m, k: string) => {
    const id = k.charCodeAt(0) - 0xe100;
    names.push(caps[id]);
    jsNum[id] = names.length;
    return "";
  });
  out = out.replace(/([\uE001\uE002])([\s\S])/g, (_m, kind: string, k: string) => {
    const v = k.charCodeAt(0) - 0xe100;
    return "\\" + jsNum[kind === REF_USER ? userIds[v - 1]! : v]!;
  });
  // Without "u" PCRE folds ASCII letters only; the RegExp's i flag would also fold Latin-1's.
  if (jsI && !u && /[\u0080-\u00ff]|\\x[89a-f][0-9a-f]|\\u\{/i.test(out)) throw new CaselessRestart();
  let jsFlags = "d";
  if (jsI) jsFlags += "i";
  if (jsM) jsFlags += "m";
  if (u) jsFlags += "u";
  return { source: out, flags: jsFlags, names, groups: names.length, startG };
}

/** Apply an option string such as "i", "ms-x" to `f` (J, U and X are accepted and ignored). */
function setFlags(f: Flags, spec: string): void {
  let on = true;
  for (const ch of spec) {
    if (ch === "-") on = false;
    else if (ch === "i" || ch === "m" || ch === "s" || ch === "x") f[ch] = on;
  }
}

/** \p / \P at `p` (just after the letter): the class body, negation and where it ends. */
function property(src: string, p: number, negated: boolean, u: boolean): { body: string; negated: boolean; end: number } {
  let name: string;
  let end: number;
  if (src[p] === "{") {
    const close = src.indexOf("}", p);
    if (close < 0) throw new PcreError("malformed \\P or \\p sequence", src.length);
    name = src.slice(p + 1, close);
    end = close + 1;
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
  } else {
    if (p >= src.length) throw new PcreError("malformed \\P or \\p sequence", p);
    name = src[p]!;
    end = p + 1;
  }
  const pc = propertyClass(name, negated, u);
  if (pc === undefined) throw new PcreError("unknown property name after \\P or \\p", end - 1);
  return { ...pc, end };
}

/** Translate the class at `p` ("["), hand its JS text to `emit`, return the index after it. */
function charClass(src: string, p: number, fold: boolean, u: boolean, emit: (cls: string) => void): number {
  const n = src.length;
  p++;
  let cls = "[";
  let extra = "";
  if (src[p] === "^") {
    cls += "^";
    p++;
  }
  const plain = (d: string): string => {
    const code = d.charCodeAt(0);
    if (code >= 0xe000 && code < 0xf900) return hex2(code);
    return d === "/" || d === "[" || d === "\\" || d === "]" ? "\\" + d : d;
  };
  let first = true;
  for (;;) {
    if (p >= n) throw new PcreError("missing terminating ] for character class", n);
    const d = src[p]!;
    if (d === "]" && !first) {
      p++;
      break;
    }
    first = false;
    if (d === "[") {
      const px = /^\[:(\^?)(\w+):\]/.exec(src.slice(p));
      if (px) {
        const set = POSIX[px[2]!];
        if (set === undefined) throw new PcreError("unknown POSIX class name", p);
        if (px[1]) throw new PcreError("negated POSIX classes are not supported here", p);
        cls += set;
        if (fold && (px[2] === "upper" || px[2] === "lower")) extra += "A-Za-z";
        p += px[0].length;
        continue;
      }
      cls += "\\[";
      p++;
      continue;
    }
    if (d === "\\") {
      const e = src[p + 1];
      if (e === undefined) throw new PcreError("\\ at end of pattern", n);
      if (e === "s") cls += SPACE;
      else if (e === "h") cls += u ? H_SPACE_U : H_SPACE;
      else if (e === "v") cls += u ? V_SPACE_U : V_SPACE;
      else if (e === "p" || e === "P") {
        let name: string;
        let end: number;
        let neg = e === "P";
        if (src[p + 2] === "{") {
          const close = src.indexOf("}", p + 2);
          if (close < 0) throw new PcreError("malformed \\P or \\p sequence", n);
          name = src.slice(p + 3, close);
          end = close + 1;
        } else {
          name = src[p + 2] ?? "";
          end = p + 3;
        }
        if (name.startsWith("^")) {
          neg = !neg;
          name = name.slice(1);
        }
        const body = propertyInClass(name, neg, u);
        if (body === undefined) throw new PcreError("unknown property name after \\P or \\p", end - 1);
        cls += body;
        p = end;
        continue;
      } else if (e === "x") {
        const br = /^\{([0-9a-fA-F]+)\}/.exec(src.slice(p + 2));
        if (br) {
          cls += hex2(parseInt(br[1]!, 16));
          p += 2 + br[0].length;
          continue;
        }
        const h = /^[0-9a-fA-F]{0,2}/.exec(src.slice(p + 2))![0];
        cls += hex2(h ? parseInt(h, 16) : 0);
        p += 2 + h.length;
        continue;
      } else if (e === "e") cls += "\\x1b";
      else if (/[a-zA-Z]/.test(e) && !"dDwWbnrtfcSV".includes(e)) {
        cls += e;
        if (fold) extra += otherCases(e, u);
      } else if (/[a-zA-Z0-9\\^$.*+?()[\]{}|/-]/.test(e)) cls += "\\" + e;
      else cls += plain(e);
      p += 2;
      continue;
    }
    // A range of plain characters: under a hand-folded (?i), add its letters' other case.
    const hi = src[p + 2];
    if (src[p + 1] === "-" && hi !== undefined && hi !== "]" && hi !== "\\" && hi !== "[") {
      cls += plain(d) + "-" + plain(hi);
      if (fold) extra += foldRange(d.charCodeAt(0), hi.charCodeAt(0));
      p += 3;
      continue;
    }
    cls += d === "-" ? "-" : plain(d);
    if (fold) extra += otherCases(d, u);
    p++;
  }
  emit(cls + extra + "]");
  return p;
}

/** Compile with ngx.re's option letters; throws PcreError, or Error("unknown flag") for bad options. */
export function compilePcre(pattern: string, flags: string): CompiledPcre {
  const o = { i: false, m: false, s: false, x: false, u: false };
  let anchored = false;
  for (const f of flags) {
    switch (f) {
      case "i": o.i = true; break;
      case "m": o.m = true; break;
      case "s": o.s = true; break;
      case "x": o.x = true; break;
      case "u": case "U": o.u = true; break;
      case "a": anchored = true; break;
      case "j": case "o": case "d": case "J": case "D": break;
      default:
        throw new Error(`unknown flag "${f}" (flags "${flags}")`);
    }
  }
  const src = o.u ? Buffer.from(pattern, "latin1").toString("utf8") : pattern;
  const t = translatePcre(src, o);
  let re: RegExp;
  try {
    re = new RegExp(t.source, t.flags + "g");
  } catch (e) {
    throw new PcreError(jsToPcreMessage((e as Error).message), src.length);
  }
  return { re, names: t.names, groups: t.groups, utf8: o.u, anchored: anchored || t.startG };
}

function jsToPcreMessage(m: string): string {
  if (/Unterminated group/.test(m)) return "missing )";
  if (/Nothing to repeat/.test(m)) return "nothing to repeat";
  if (/Unmatched '\)'/.test(m)) return "unmatched parentheses";
  if (/Unterminated character class/.test(m)) return "missing terminating ] for character class";
  if (/Duplicate capture group name/.test(m)) return "two named subpatterns have the same name";
  if (/Invalid named capture referenced/.test(m)) return "reference to non-existent subpattern";
  if (/Range out of order/.test(m)) return "range out of order in character class";
  if (/numbers out of order/.test(m)) return "numbers out of order in {} quantifier";
  return m.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, "");
}
