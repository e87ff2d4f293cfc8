// nginx regexes (PCRE2) as JavaScript regexes: the few syntax differences configurations
// use, and PCRE2's compile errors worded as nginx prints them. Shared by `tsresty -t` and
// the server (src/http/regex.ts), so both refuse the same patterns with the same words.

export interface JsRegexSource {
  readonly source: string;
  readonly flags: string;
}

/** Translate PCRE-only syntax: (?P<name>, \A, \z, \Z, a leading (?i) / (?s) / (?m). */
export function toJsRegex(src: string, caseless: boolean): JsRegexSource {
  let s = src.replace(/\(\?P</g, "(?<").replace(/\\A/g, "^").replace(/\\[zZ]/g, "$");
  let flags = caseless ? "i" : "";
  const inline = /^\(\?([imsx]+)\)/.exec(s);
  if (inline) {
    s = s.slice(inline[0].length);
    for (const f of inline[1]!) if (f !== "x" && !flags.includes(f)) flags += f;
  }
  return { source: s, flags };
}

/** JavaScript's messages to PCRE2's, with how to find the offset nginx shows after `at`. */
const MESSAGES: readonly [RegExp, string, ((src: string) => number) | undefined][] = [
  [/Unterminated group/, "missing closing parenthesis", undefined],
  [/Unmatched '\)'/, "unmatched closing parenthesis", unmatchedParen],
  [/Nothing to repeat/, "quantifier does not follow a repeatable item", loneQuantifier],
  [/Unterminated character class/, "missing terminating ] for character class", undefined],
  [/\\ at end of pattern/, "\\ at end of pattern", undefined],
  [/Duplicate capture group name/, "two named subpatterns have the same name (PCRE2_DUPNAMES not set)", undefined],
  [/Invalid group/, "unrecognized character after (? or (?-", undefined],
];

/** Where the first `)` without its `(` is (escapes and classes skipped). */
function unmatchedParen(src: string): number {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")" && depth-- === 0) return i;
  }
  return src.length;
}

/** Where a quantifier follows nothing: at the start, after `(` or `|`. */
function loneQuantifier(src: string): number {
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if ("*+?{".includes(c!) && (i === 0 || src[i - 1] === "(" || src[i - 1] === "|")) return i;
  }
  return src.length;
}

/** nginx's message for a pattern PCRE2 refuses (as far as JavaScript finds it), or null. */
export function regexError(src: string, caseless: boolean): string | null {
  const js = toJsRegex(src, caseless);
  try {
    new RegExp(js.source, js.flags);
    return null;
  } catch (e) {
    const msg = (e as Error).message;
    const known = MESSAGES.find(([re]) => re.test(msg));
    const text = known ? known[1] : msg.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
    const at = known?.[2]?.(src) ?? src.length;
    return `pcre2_compile() failed: ${text} in "${src}"${at < src.length ? ` at "${src.slice(at)}"` : ""}`;
  }
}
