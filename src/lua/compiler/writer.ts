// Turns the emitter's text, which carries line markers, into JS source plus a table from
// JS line to Lua line. A marker becomes a line break where the Lua line changes, so that
// V8's stack positions (line granularity) name the right Lua line; where a break would
// change the meaning of the JS (after return/yield/throw/break/continue), it is dropped.

const OPEN = "\u0001";
const CLOSE = "\u0002";

const SITE = "\u0003";

/** Placed right before a call's `(`: records the call site's kind (V8 reports that column). */
export function siteMarker(kind: "m"): string {
  return SITE + kind;
}

/** A marker saying "the code that follows belongs to Lua line `line`". */
export function marker(line: number): string {
  return line > 0 ? `${OPEN}${line}${CLOSE}` : "";
}

const RESTRICTED = /(?:\breturn|\byield\*?|\bthrow|\bbreak|\bcontinue)\s*$/;

export class CodeWriter {
  private parts: string[] = [];

  /** Text without markers (the prologue). */
  raw(s: string): void {
    this.parts.push(s);
  }

  /** Text with markers. */
  text(s: string): void {
    this.parts.push(s);
  }

  finish(): { code: string; luaLine: Int32Array; methodSites: Set<number> } {
    const src = this.parts.join("");
    const out: string[] = [];
    const lines: number[] = [0, 0]; // lines[jsLine] (1-based) = Lua line
    let current = 0; // Lua line of the JS line being written
    let hasCode = false; // the current JS line has non-blank text
    let tail = ""; // the last characters written, to spot restricted productions
    let col = 0; // characters on the current JS line
    const methodSites = new Set<number>();
    let i = 0;
    // The next site marker, found again only once passed (a search per marker would be quadratic).
    let nextSite = src.indexOf(SITE);
    while (i < src.length) {
      let o = src.indexOf(OPEN, i);
      if (nextSite >= 0 && nextSite < i) nextSite = src.indexOf(SITE, i);
      const site = nextSite;
      const isSite = site >= 0 && (o < 0 || site < o);
      if (isSite) o = site;
      const end = o < 0 ? src.length : o;
      if (end > i) {
        const chunk = src.slice(i, end);
        // Raw newlines (prologue) start new JS lines that keep the current mapping.
        let nl = chunk.indexOf("\n");
        let lastNl = -1;
        while (nl >= 0) {
          lines.push(current);
          lastNl = nl;
          nl = chunk.indexOf("\n", nl + 1);
        }
        out.push(chunk);
        col = lastNl >= 0 ? chunk.length - lastNl - 1 : col + chunk.length;
        const after = lastNl >= 0 ? chunk.slice(lastNl + 1) : chunk;
        if (lastNl >= 0) hasCode = false;
        if (!hasCode && after.trim().length > 0) hasCode = true;
        tail = (tail + chunk).slice(-24);
      }
      if (o < 0) break;
      if (isSite) {
        // V8 reports a call at its "(" (the next char), 1-based.
        methodSites.add(siteKey(lines.length - 1, col + 1));
        i = o + 2;
        continue;
      }
      const c = src.indexOf(CLOSE, o);
      const line = parseInt(src.slice(o + 1, c), 10);
      i = c + 1;
      if (line === current) continue;
      if (!hasCode) {
        // Nothing on this JS line yet: just relabel it.
        lines[lines.length - 1] = line;
        current = line;
        continue;
      }
      if (RESTRICTED.test(tail)) continue;
      out.push("\n");
      lines.push(line);
      hasCode = false;
      tail = "";
      col = 0;
      current = line;
    }
    return { code: out.join(""), luaLine: Int32Array.from(lines), methodSites };
  }
}

/** The key of a call site: its JS line and column as V8 reports them. */
export function siteKey(line: number, col: number): number {
  return line * 100000 + col;
}
