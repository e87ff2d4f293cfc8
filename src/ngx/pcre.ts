// PCRE patterns as JavaScript RegExps. ngx.re takes PCRE syntax over byte strings; V8's
// engine is close but differs in places that matter, so the pattern is rewritten token by
// token: `.` and `$` get PCRE's meaning (only "\n" is a newline; `$` also matches before a
// final newline), \s is PCRE's ASCII set, \A \z \Z \h \R \Q..\E, POSIX classes, (?P<n>),
// \g{n}, \x{hh}, leading inline flags, and `x` mode. Errors are PCRE's messages with the
// offset nginx reports.

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

function hex2(n: number): string {
  return n < 0x100 ? "\\x" + n.toString(16).padStart(2, "0") : "\\u{" + n.toString(16) + "}";
}

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

/** Translate `src` with flags (PCRE option letters already split out). */
export function translatePcre(src: string, opts: { i: boolean; m: boolean; s: boolean; x: boolean; u: boolean }): { source: string; flags: string; names: (string | undefined | null)[]; groups: number } {
  let { i, m, s, x } = opts;
  let p = 0;
  // Leading inline options, e.g. (?i) or (?ms).
  for (;;) {
    const lead = /^\(\?([imsx]+)\)/.exec(src.slice(p));
    if (!lead) break;
    for (const c of lead[1]!) {
      if (c === "i") i = true;
      else if (c === "m") m = true;
      else if (c === "s") s = true;
      else x = true;
    }
    p += lead[0].length;
  }
  let out = "";
  const names: (string | undefined | null)[] = [];
  let depth = 0;
  const opens: number[] = [];
  let lastAtomStart = -1;
  const n = src.length;
  const quantStart = (c: string): boolean => c === "*" || c === "+" || c === "?" || (c === "{" && /^\{\d+(,\d*)?\}/.test(src.slice(p)));
  while (p < n) {
    const c = src[p]!;
    if (x && (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v")) {
      p++;
      continue;
    }
    if (x && c === "#") {
      while (p < n && src[p] !== "\n") p++;
      continue;
    }
    if (quantStart(c)) {
      if (lastAtomStart < 0) throw new PcreError("nothing to repeat", p);
      let q = c;
      if (c === "{") q = /^\{\d+(,\d*)?\}/.exec(src.slice(p))![0];
      p += q.length;
      out += q;
      if (src[p] === "?") {
        out += "?";
        p++;
      } else if (src[p] === "+") p++; // possessive: JS has none, matched greedily
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
        case "G": lastAtomStart = -1; continue;
        case "s": out += `[${SPACE}]`; break;
        case "S": out += `[^${SPACE}]`; break;
        case "h": out += "[ \\t]"; break;
        case "H": out += "[^ \\t]"; break;
        case "v": out += "[\\n\\v\\f\\r]"; break;
        case "V": out += "[^\\n\\v\\f\\r]"; break;
        case "R": out += "(?:\\r\\n|[\\n\\v\\f\\r])"; break;
        case "e": out += "\\x1b"; break;
        case "a": out += "\\x07"; break;
        case "Q": {
          const end = src.indexOf("\\E", p);
          const lit = end < 0 ? src.slice(p) : src.slice(p, end);
          p = end < 0 ? n : end + 2;
          out += lit.length ? `(?:${escapeLiteral(lit)})` : "";
          break;
        }
        case "E": continue;
        case "x": {
          const br = /^\{([0-9a-fA-F]+)\}/.exec(src.slice(p));
          if (br) {
            out += hex2(parseInt(br[1]!, 16));
            p += br[0].length;
          } else {
            const h = /^[0-9a-fA-F]{0,2}/.exec(src.slice(p))![0];
            out += hex2(h ? parseInt(h, 16) : 0);
            p += h.length;
          }
          break;
        }
        case "g": {
          const g = /^(?:\{(-?\d+|\w+)\}|(-?\d+))/.exec(src.slice(p));
          if (!g) throw new PcreError("a numbered reference must not be zero", p);
          p += g[0].length;
          const ref = g[1] ?? g[2]!;
          if (/^-?\d+$/.test(ref)) {
            const k = Number(ref) < 0 ? names.length + 1 + Number(ref) : Number(ref);
            out += `\\${k}`;
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
            out += `\\${e}${d}(?:)`;
            p += d.length;
            refs.push({ n: Number(e + d), at: p });
          } else if (e === "0") {
            const o = /^[0-7]{0,2}/.exec(src.slice(p))![0];
            p += o.length;
            out += hex2(parseInt("0" + o, 8));
          } else if (/[a-zA-Z]/.test(e) && !"dDwWbBnrtfcpPu".includes(e)) {
            // PCRE ignores unknown letter escapes in some cases; keep the letter.
            out += e;
          } else if (e === "c") {
            out += "\\c" + (src[p] ?? "");
            p++;
          } else out += "\\" + e;
      }
      lastAtomStart = atom;
      continue;
    }
    if (c === "[") {
      p++;
      let cls = "[";
      if (src[p] === "^") {
        cls += "^";
        p++;
      }
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
          else if (e === "h") cls += " \\t";
          else if (e === "x") {
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
          else if (/[a-zA-Z]/.test(e) && !"dDwWbnrtfcSvV".includes(e)) cls += e;
          else cls += "\\" + e;
          p += 2;
          continue;
        }
        if (d === "/" || (d === "-" && false)) cls += "\\" + d;
        else cls += d;
        p++;
      }
      out += cls + "]";
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
      const named = /^\(\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest);
      if (named) {
        const name = named[1] ?? named[2]!;
        names.push(name);
        out += `(?<${name}>`;
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
        names.push(null);
        out += "(?:(?=(";
        atomics.push(names.length);
        p += 3;
        opens.push(-2);
        depth++;
        continue;
      } else if (/^\(\?[:=!]|^\(\?<[=!]/.test(rest)) {
        const h = rest.startsWith("(?<") ? 4 : 3;
        out += rest.slice(0, h);
        p += h;
      } else if (/^\(\?[imsx-]+[:)]/.test(rest)) {
        const f = /^\(\?([imsx-]+)([:)])/.exec(rest)!;
        // Inline flags inside the pattern: V8 here has no modifiers; the group is kept plain.
        out += f[2] === ":" ? "(?:" : "";
        p += f[0].length;
        if (f[2] === ")") continue;
      } else if (rest.startsWith("(?")) {
        throw new PcreError("unrecognized character after (? or (?-", p + 2);
      } else {
        names.push(undefined);
        out += "(";
        p++;
      }
      opens.push(0);
      depth++;
      lastAtomStart = -1;
      continue;
    }
    if (c === ")") {
      if (depth === 0) throw new PcreError("unmatched parentheses", p);
      depth--;
      const kind = opens.pop();
      if (kind === -2) {
        const k = atomics.pop()!;
        out += `))\\${k})`;
      } else out += ")";
      p++;
      lastAtomStart = atom;
      continue;
    }
    if (c === "|") {
      out += "|";
      p++;
      lastAtomStart = -1;
      continue;
    }
    if (c === "^") {
      out += "^";
      p++;
      lastAtomStart = -1;
      continue;
    }
    if (c === "$") {
      out += m ? "(?=\\n|(?![\\s\\S]))" : "(?=\\n?(?![\\s\\S]))";
      p++;
      lastAtomStart = -1;
      continue;
    }
    if (c === ".") {
      out += s ? "[\\s\\S]" : "[^\\n]";
      p++;
      lastAtomStart = atom;
      continue;
    }
    if (c === "/" || c === "{" || c === "}" || c === "]") out += "\\" + c;
    else out += c;
    p++;
    lastAtomStart = atom;
  }
  if (depth > 0) throw new PcreError("missing )", n);
  for (const r of refs) if (r.n > names.length) throw new PcreError("reference to non-existent subpattern", r.at);
  refs.length = 0;
  let flags = "d";
  if (i) flags += "i";
  if (m) flags += "m";
  if (opts.u) flags += "u";
  return { source: out, flags, names, groups: names.length };
}

// Scratch state of one translation (the translator is not re-entrant, and need not be).
const refs: { n: number; at: number }[] = [];
const atomics: number[] = [];

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
  return { re, names: t.names, groups: t.groups, utf8: o.u, anchored };
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
