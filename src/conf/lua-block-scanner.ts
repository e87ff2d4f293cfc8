// Finds the end of a `*_by_lua_block { ... }` body the way lua-nginx-module 0.10.x does
// (ngx_http_lua_conf_lua_block_parse with its generated lexer): it reads Lua "tokens",
// each being the plain text up to the next of `{`, `}`, a long bracket `[=*[` (then up to
// its `]=*]`), `--[=*[` (likewise), `]=*]`, a `--` line comment, or a one-line '...' or
// "..." string with backslash escapes, and counts only the braces. It works inside nginx's
// 4096-byte configuration buffer, so the buffer model decides the "too long" errors, and
// like the module it loses the line count of plain text it had to skip while refilling.

import { CONF_BUFFER, type ConfBuffer } from "./conf-buffer.js";

export interface LuaScanOk {
  readonly ok: true;
  /** Offset just past the closing `}`. */
  readonly end: number;
  /** The body: the bytes between `{` and the closing `}`. */
  readonly code: string;
  /** nginx's line counter after the block (the closing `}` line). */
  readonly line: number;
}

export interface LuaScanError {
  readonly ok: false;
  readonly message: string;
  readonly line: number;
}

export type LuaScanResult = LuaScanOk | LuaScanError;

const enum Kind {
  LeftCurly,
  RightCurly,
  LongBracket,
  Other,
}

interface LuaToken {
  kind: Kind;
  start: number;
  end: number;
  /** For long brackets: where the opener ends and how many `=` it has. */
  openEnd: number;
  level: number;
}

const LF = 10;

/** Counts LF bytes in text[from, to). */
function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf("\n", from); i !== -1 && i < to; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

function equalsRun(text: string, from: number, limit: number): number {
  let j = from;
  while (j < limit && text.charCodeAt(j) === 61 /* = */) j++;
  return j;
}

/** Bytes that may start a token: { } [ ] - " ' (a table, to scan without allocating). */
const STARTS = new Uint8Array(256);
for (const c of "{}[]-\"'") STARTS[c.charCodeAt(0)] = 1;

/** The leftmost Lua token in text[pos, limit); false when none ends inside the buffer. */
function lex(text: string, pos: number, limit: number, tok: LuaToken): boolean {
  for (let i = pos; i < limit; i++) {
    const ch = text.charCodeAt(i);
    if (ch > 255 || STARTS[ch] === 0) continue;
    switch (ch) {
      case 123: // {
        return set(tok, Kind.LeftCurly, i, i + 1);
      case 125: // }
        return set(tok, Kind.RightCurly, i, i + 1);
      case 91: { // [=*[
        const j = equalsRun(text, i + 1, limit);
        if (j < limit && text.charCodeAt(j) === 91) {
          set(tok, Kind.LongBracket, i, j + 1);
          tok.openEnd = j + 1;
          tok.level = j - i - 1;
          return true;
        }
        break;
      }
      case 45: { // --[=*[ first, then -- to the end of the line
        if (i + 1 >= limit || text.charCodeAt(i + 1) !== 45) break;
        if (i + 2 < limit && text.charCodeAt(i + 2) === 91) {
          const j = equalsRun(text, i + 3, limit);
          if (j < limit && text.charCodeAt(j) === 91) {
            set(tok, Kind.LongBracket, i, j + 1);
            tok.openEnd = j + 1;
            tok.level = j - i - 3;
            return true;
          }
        }
        let e = text.indexOf("\n", i + 2);
        if (e === -1 || e > limit) e = limit;
        return set(tok, Kind.Other, i, e);
      }
      case 93: { // ]=*]
        const j = equalsRun(text, i + 1, limit);
        if (j < limit && text.charCodeAt(j) === 93) return set(tok, Kind.Other, i, j + 1);
        break;
      }
      default: { // a quoted string on one line; an unclosed quote is plain text
        let j = i + 1;
        while (j < limit) {
          const c = text.charCodeAt(j);
          if (c === ch) return set(tok, Kind.Other, i, j + 1);
          if (c === LF) break;
          if (c === 92 /* \ */) {
            if (j + 1 >= limit || text.charCodeAt(j + 1) === LF) break;
            j += 2;
          } else {
            j++;
          }
        }
      }
    }
  }
  return false;
}

function set(tok: LuaToken, kind: Kind, start: number, end: number): true {
  tok.kind = kind;
  tok.start = start;
  tok.end = end;
  return true;
}

const EOF_MESSAGE = "unexpected end of file, expecting terminating characters for lua code block";
const TOO_LONG = "too long lua code block, probably missing terminating characters";

/**
 * Scans the body that starts at `pos` (just after the `{`), on nginx line `line`, with the
 * file's buffer in the state the core lexer left it. Updates `buf` as nginx would.
 */
export function scanLuaBlock(text: string, pos: number, line: number, buf: ConfBuffer): LuaScanResult {
  const bodyStart = pos;
  let level = 1;
  // The EOF error points at the last `{` seen, as the module's ctx->start_line does.
  let lastOpenLine = line;
  const tok: LuaToken = { kind: Kind.Other, start: 0, end: 0, openEnd: 0, level: 0 };

  for (;;) {
    // One call of ngx_http_lua_conf_read_lua_token.
    let start = pos;
    const startLine = line;
    for (;;) {
      if (pos >= buf.last || (buf.last - pos < CONF_BUFFER / 2 && !buf.exhausted)) {
        if (buf.exhausted) return { ok: false, message: EOF_MESSAGE, line: lastOpenLine };
        if (!buf.refill(start)) return { ok: false, message: TOO_LONG, line: startLine };
      }
      if (!lex(text, pos, buf.last, tok)) {
        if (buf.exhausted) return { ok: false, message: EOF_MESSAGE, line: lastOpenLine };
        if (buf.last - pos >= CONF_BUFFER) return { ok: false, message: TOO_LONG, line: startLine };
        // The module moves the unmatched rest to the front, reads on after it and never
        // counts its newlines.
        const skipped = buf.last;
        buf.last = Math.min(buf.size, pos + CONF_BUFFER);
        start = pos;
        pos = skipped;
        continue;
      }
      if (tok.kind === Kind.LongBracket) {
        line += countLines(text, pos, tok.start);
        pos = tok.start;
        const close = "]" + "=".repeat(tok.level) + "]";
        const at = text.indexOf(close, tok.openEnd);
        if (at === -1 || at + close.length > buf.last) {
          return {
            ok: false,
            message: `Lua code block missing the closing long bracket "${close}", the inlined Lua code may be too long`,
            line,
          };
        }
        tok.end = at + close.length;
      }
      line += countLines(text, pos, tok.end);
      pos = tok.end;
      break;
    }

    if (tok.kind === Kind.LeftCurly) {
      lastOpenLine = line;
      level++;
    } else if (tok.kind === Kind.RightCurly) {
      level--;
      if (level === 0) return { ok: true, end: pos, code: text.slice(bodyStart, pos - 1), line };
    }
  }
}
