// Turns the emitter's text, which carries line markers, into JS source plus a table from
// JS line to Lua line. A marker becomes a line break where the Lua line changes, so that
// V8's stack positions (line granularity) name the right Lua line; where a break would
// change the meaning of the JS (after return/yield/throw/break/continue), it is dropped.
// Function bodies are kept apart and referenced from their parent's text (see CodeWriter).

const OPEN = "\u0001";
const CLOSE = "\u0002";

const SITE = "\u0003";
/** A reference to a kept function body: BODY index BODY_END. */
const BODY = "\u0004";
const BODY_END = "\u0005";

/** Placed right before a call's `(`: records the call site's kind (V8 reports that column). */
export function siteMarker(kind: "m"): string {
  return SITE + kind;
}

/** A marker saying "the code that follows belongs to Lua line `line`". */
export function marker(line: number): string {
  return line > 0 ? `${OPEN}${line}${CLOSE}` : "";
}

/**
 * True when `s` holds a line marker, or a kept function body (whose markers come back with
 * it at the final join): code in it may move the line mapping.
 */
export function hasMarker(s: string): boolean {
  return s.includes(OPEN) || s.includes(BODY);
}

// JS words after which a line break would end the statement (ASI), found by scanning back.
const RESTRICTED_WORDS = ["return", "yield", "throw", "break", "continue"];
const CLOSE_CODE = 2;
const SITE_CODE = 3;

/** Whitespace, as far as generated code goes. */
function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

/**
 * True when the code before position `end` of `src` (markers and blanks skipped) ends with
 * return, yield, yield*, throw, break or continue: a line break there would change the code.
 */
function endsRestricted(src: string, end: number): boolean {
  let i = end - 1;
  for (;;) {
    if (i < 0) return false;
    const c = src.charCodeAt(i);
    if (isSpace(c)) i--;
    else if (c === CLOSE_CODE) i = src.lastIndexOf(OPEN, i) - 1;
    else if (i > 0 && src.charCodeAt(i - 1) === SITE_CODE) i -= 2;
    else break;
  }
  let j = i;
  if (src.charCodeAt(j) === 42 /* * */) j--;
  const stop = j + 1;
  while (j >= 0 && isWordChar(src.charCodeAt(j))) j--;
  const word = src.slice(j + 1, stop);
  if (word.length < 5 || word.length > 8) return false;
  if (stop !== i + 1 && word !== "yield") return false;
  return RESTRICTED_WORDS.includes(word);
}

/**
 * Collects the chunk's text and turns it into code plus line table. Function bodies are kept
 * apart (`body`) and referenced from their parent's text, so that no text is copied into its
 * parent's, and the whole chunk is built once, by the final join: a string of megabytes
 * costs a fresh allocation (and its page faults) each time it is copied. A body referenced
 * twice (a nested function sits in both forms of its parent) is written twice.
 */
export class CodeWriter {
  private parts: string[] = [];
  private bodies: string[] = [];

  /** Text without markers (the prologue). */
  raw(s: string): void {
    this.parts.push(s);
  }

  /** Text with markers. */
  text(s: string): void {
    this.parts.push(s);
  }

  /** Keeps a function body (text with markers) and returns the reference to put in its place. */
  body(s: string): string {
    // Flat now: its many small pieces die young, instead of living until the final join.
    s.charCodeAt(0);
    this.bodies.push(s);
    return `${BODY}${this.bodies.length - 1}${BODY_END}`;
  }

  finish(): { code: string; luaLine: Int32Array; methodSites: Set<number> } {
    const out: string[] = [];
    const lines: number[] = [0, 0]; // lines[jsLine] (1-based) = Lua line
    let current = 0; // Lua line of the JS line being written
    let hasCode = false; // the current JS line has non-blank text
    let col = 0; // characters on the current JS line
    const methodSites = new Set<number>();
    const bodies = this.bodies;
    // A body starts after its function's `{` (never after a restricted word), so a scan
    // back for one stops at the body's start.
    const scan = (src: string): void => {
      let i = 0;
      // The next marker of each kind, found again only once passed (a search per marker would be quadratic).
      let nextOpen = src.indexOf(OPEN);
      let nextSite = src.indexOf(SITE);
      let nextBody = src.indexOf(BODY);
      let nextNl = src.indexOf("\n");
      while (i < src.length) {
        if (nextOpen >= 0 && nextOpen < i) nextOpen = src.indexOf(OPEN, i);
        if (nextSite >= 0 && nextSite < i) nextSite = src.indexOf(SITE, i);
        if (nextBody >= 0 && nextBody < i) nextBody = src.indexOf(BODY, i);
        let o = nextOpen;
        if (nextSite >= 0 && (o < 0 || nextSite < o)) o = nextSite;
        if (nextBody >= 0 && (o < 0 || nextBody < o)) o = nextBody;
        const end = o < 0 ? src.length : o;
        if (end > i) {
          // Raw newlines (prologue) start new JS lines that keep the current mapping.
          if (nextNl >= 0 && nextNl < i) nextNl = src.indexOf("\n", i);
          let lastNl = -1;
          while (nextNl >= 0 && nextNl < end) {
            lines.push(current);
            lastNl = nextNl;
            nextNl = src.indexOf("\n", nextNl + 1);
          }
          out.push(i === 0 && end === src.length ? src : src.slice(i, end));
          let from = i;
          if (lastNl >= 0) {
            hasCode = false;
            col = end - lastNl - 1;
            from = lastNl + 1;
          } else {
            col += end - i;
          }
          if (!hasCode) {
            for (let k = from; k < end; k++) {
              if (!isSpace(src.charCodeAt(k))) {
                hasCode = true;
                break;
              }
            }
          }
        }
        if (o < 0) break;
        if (o === nextSite) {
          // V8 reports a call at its "(" (the next char), 1-based.
          methodSites.add(siteKey(lines.length - 1, col + 1));
          i = o + 2;
          continue;
        }
        const c = src.indexOf(o === nextBody ? BODY_END : CLOSE, o);
        let n = 0;
        for (let k = o + 1; k < c; k++) n = n * 10 + src.charCodeAt(k) - 48;
        i = c + 1;
        if (o === nextBody) {
          scan(bodies[n]!);
          continue;
        }
        const line = n;
        if (line === current) continue;
        if (!hasCode) {
          // Nothing on this JS line yet: just relabel it.
          lines[lines.length - 1] = line;
          current = line;
          continue;
        }
        if (endsRestricted(src, o)) continue;
        out.push("\n");
        lines.push(line);
        hasCode = false;
        col = 0;
        current = line;
      }
    };
    for (const part of this.parts) scan(part);
    return { code: out.join(""), luaLine: Int32Array.from(lines), methodSites };
  }
}

/** The key of a call site: its JS line and column as V8 reports them. */
export function siteKey(line: number, col: number): number {
  return line * 100000 + col;
}
