// The Lua lexer, LuaJIT 2.1's lexer (lj_lex.c) reimplemented over a byte string: a JS string
// holding one char per byte, as the file was read (latin1). It scans with charCodeAt, one
// token at a time, keeping LuaJIT's state exactly where error messages depend on it:
// - `linenumber` is the line the scanner is on, i.e. where the current token ends (or the
//   lookahead token, once one was scanned); `lastline` is `linenumber` as it was when the
//   current token was taken. The parser reads both, as lj_parse.c reads ls->linenumber and
//   ls->lastline.
// - nearText() is what LuaJIT's token buffer holds when it reports "... near 'X'": a name or
//   number as written, a string with its delimiters and its escapes decoded.
import { LuaSyntaxError } from "./ast.js";
import { scanNumberLiteral, scanOut, SCAN_NUM, SCAN_CDATA } from "./strscan.js";

/**
 * Token kinds. A single-char token is its byte value (0-255), as in LuaJIT; the others follow
 * LuaJIT's TKDEF order so that TOKEN_NAMES[kind - FIRST_RESERVED] names them.
 */
export const Tok = {
  And: 257,
  Break: 258,
  Do: 259,
  Else: 260,
  ElseIf: 261,
  End: 262,
  False: 263,
  For: 264,
  Function: 265,
  Goto: 266,
  If: 267,
  In: 268,
  Local: 269,
  Nil: 270,
  Not: 271,
  Or: 272,
  Repeat: 273,
  Return: 274,
  Then: 275,
  True: 276,
  Until: 277,
  While: 278,
  Concat: 279,
  Dots: 280,
  Eq: 281,
  Ge: 282,
  Le: 283,
  Ne: 284,
  Label: 285,
  Number: 286,
  Name: 287,
  String: 288,
  Eof: 289,
} as const;

export const FIRST_RESERVED = Tok.And;

/** How LuaJIT spells each multi-char token in messages, in Tok order. */
export const TOKEN_NAMES: readonly string[] = [
  "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
  "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
  "..", "...", "==", ">=", "<=", "~=", "::", "<number>", "<name>", "<string>", "<eof>",
];

/** The reserved words: the first TOKEN_NAMES, each scanned as its own token kind. */
export const KEYWORDS: readonly string[] = TOKEN_NAMES.slice(0, Tok.While - FIRST_RESERVED + 1);


/** A token as LuaJIT's lj_lex_token2str shows it: `'=' expected`, `near 'char(7)'`. */
export function tokenToString(tok: number): string {
  if (tok >= FIRST_RESERVED) return TOKEN_NAMES[tok - FIRST_RESERVED]!;
  if (tok < 32 || tok === 127) return `char(${tok})`;
  return String.fromCharCode(tok);
}

// Character classes, as lj_char.c has them. Bytes >= 0x80 are identifier characters: LuaJIT
// accepts UTF-8 (or any high byte) in names.
const C_IDENT = 1;
const C_DIGIT = 2;
const C_SPACE = 4;
const CHAR_CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  let k = 0;
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128) k |= C_IDENT;
  if (c >= 48 && c <= 57) k |= C_DIGIT;
  if (c === 32 || (c >= 9 && c <= 13)) k |= C_SPACE;
  CHAR_CLASS[c] = k;
}

/** The hash the scanner computes while it reads a name. */
function nameHash(name: string): number {
  let h = name.charCodeAt(0);
  for (let i = 1; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return h;
}

const KEYWORD_HASHES: readonly number[] = KEYWORDS.map(nameHash);

function isIdentChar(c: number): boolean {
  // Out-of-range reads (NaN at the end of input, or chars > 255 in a non-latin1 string) are
  // not identifier chars.
  return (CHAR_CLASS[c]! & C_IDENT) !== 0;
}

function isDigitChar(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The first byte of a LuaJIT bytecode dump (LUA_SIGNATURE[0]). */
const BYTECODE_MARK = 0x1b;

export class Lexer {
  readonly src: string;
  private readonly len: number;
  /** Index of the next char to scan (LuaJIT's ls->c is src[pos]). */
  private pos: number;

  /** Line the scanner is on: where the current (or lookahead) token ends. */
  linenumber = 1;
  /** linenumber as it was when the current token was taken (ls->lastline). */
  lastline = 1;

  /** The first FFI cdata literal (1LL, 2i) seen, which tsresty cannot compile. */
  cdataLiteral: { readonly text: string; readonly line: number } | undefined = undefined;

  /** The current token. */
  tok = 0;
  /** Name (for Name), decoded byte string (for String). */
  tokStr = "";
  /** Value (for Number). */
  tokNum = 0;
  /** Source span of the current token (Number's near text). */
  private tokStart = 0;
  private tokEnd = 0;
  /** For String: the long-bracket level, or -1 - the quote's char code for a short string. */
  private tokSep = 0;

  // The lookahead token, when one was scanned (laTok !== Eof), as LuaJIT's ls->lookahead.
  private laTok: number = Tok.Eof;
  private laStr = "";
  private laNum = 0;
  private laStart = 0;
  private laEnd = 0;
  private laSep = 0;

  // Interned names: each distinct name is sliced out of the source once, and keywords sit in
  // the same table with their token kind. Open addressing, keyed by a hash of the chars.
  // Small at first: loadstring() of a short chunk should not pay for a big table.
  private nameSlots: (string | undefined)[] = new Array<string | undefined>(128);
  private nameHashes = new Int32Array(128);
  private nameKinds = new Int16Array(128);
  private nameCount = 0;

  /**
   * Set up for `src`. LuaJIT skips a UTF-8 byte order mark and, for every load (loadstring
   * included), a first line starting with `#`; `skipShebang: false` keeps that line.
   */
  constructor(src: string, skipShebang: boolean) {
    this.src = src;
    this.len = src.length;
    let pos = 0;
    if (src.charCodeAt(0) === 0xef && src.charCodeAt(1) === 0xbb && src.charCodeAt(2) === 0xbf) pos = 3;
    if (skipShebang && src.charCodeAt(pos) === 35) {
      while (pos < this.len) {
        const c = src.charCodeAt(pos);
        if (c === 10 || c === 13) break;
        pos++;
      }
      if (pos < this.len) pos = this.newline(pos);
    }
    if (src.charCodeAt(pos) === BYTECODE_MARK) {
      // LuaJIT would load this as a bytecode dump; tsresty compiles source only. Line 0: the
      // caller shows no line, as LuaJIT does for bytecode errors ("chunk: text").
      throw new LuaSyntaxError("cannot load incompatible bytecode", 0);
    }
    this.pos = pos;
    for (let i = 0; i < KEYWORDS.length; i++) this.addName(KEYWORDS[i]!, KEYWORD_HASHES[i]!, FIRST_RESERVED + i);
  }

  /** Take the next token (lj_lex_next). */
  next(): void {
    this.lastline = this.linenumber;
    if (this.laTok === Tok.Eof) {
      this.tok = this.scan();
    } else {
      this.tok = this.laTok;
      this.tokStr = this.laStr;
      this.tokNum = this.laNum;
      this.tokStart = this.laStart;
      this.tokEnd = this.laEnd;
      this.tokSep = this.laSep;
      this.laTok = Tok.Eof;
    }
  }

  /** Scan the token after the current one without taking it (lj_lex_lookahead). */
  lookahead(): number {
    const tok = this.tok;
    const str = this.tokStr;
    const num = this.tokNum;
    const start = this.tokStart;
    const end = this.tokEnd;
    const sep = this.tokSep;
    const la = this.scan();
    this.laTok = la;
    this.laStr = this.tokStr;
    this.laNum = this.tokNum;
    this.laStart = this.tokStart;
    this.laEnd = this.tokEnd;
    this.laSep = this.tokSep;
    this.tok = tok;
    this.tokStr = str;
    this.tokNum = num;
    this.tokStart = start;
    this.tokEnd = end;
    this.tokSep = sep;
    return la;
  }

  /**
   * The current token as LuaJIT shows it after "near", or null where LuaJIT shows none (a NUL
   * byte scans as token 0, which LuaJIT's error reporting takes for "no token").
   */
  nearText(): string | null {
    const tok = this.tok;
    if (tok === Tok.Name) return this.tokStr;
    if (tok === Tok.Number) return this.src.slice(this.tokStart, this.tokEnd);
    if (tok === Tok.String) {
      const sep = this.tokSep;
      let text: string;
      if (sep < 0) {
        const q = String.fromCharCode(-1 - sep);
        text = q + this.tokStr + q;
      } else {
        const eq = "=".repeat(sep);
        text = "[" + eq + "[" + this.tokStr + "]" + eq + "]";
      }
      return cutAtNul(text);
    }
    if (tok === 0) return null;
    return tokenToString(tok);
  }

  private error(msg: string, near: string | null): never {
    throw new LuaSyntaxError(near === null ? msg : `${msg} near '${cutAtNul(near)}'`, this.linenumber);
  }

  /** Skip the line break at `pos` ("\n", "\r", "\r\n" or "\n\r") and count the line. */
  private newline(pos: number): number {
    const c = this.src.charCodeAt(pos++);
    const d = this.src.charCodeAt(pos);
    if ((d === 10 || d === 13) && d !== c) pos++;
    this.linenumber++;
    return pos;
  }

  /** Scan one token from `pos` (lex_scan); sets the tok* fields it needs. */
  private scan(): number {
    const src = this.src;
    const len = this.len;
    let pos = this.pos;
    for (;;) {
      if (pos >= len) {
        this.pos = pos;
        return Tok.Eof;
      }
      const c = src.charCodeAt(pos);
      if ((CHAR_CLASS[c]! & C_IDENT) !== 0) {
        if (isDigitChar(c)) return this.scanNumber(pos, pos);
        const start = pos;
        let h = c;
        pos++;
        for (;;) {
          const d = src.charCodeAt(pos);
          if ((CHAR_CLASS[d]! & C_IDENT) === 0) break;
          h = (Math.imul(h, 31) + d) | 0;
          pos++;
        }
        this.pos = pos;
        return this.internName(start, pos, h);
      }
      switch (c) {
        case 10:
        case 13:
          pos = this.newline(pos);
          continue;
        case 32:
        case 9:
        case 11:
        case 12:
          // Indentation comes in runs: skip it without going round the whole switch.
          pos++;
          while (pos < len) {
            const d = src.charCodeAt(pos);
            if (d !== 32 && d !== 9) break;
            pos++;
          }
          continue;
        case 45: // '-'
          if (src.charCodeAt(pos + 1) !== 45) {
            this.pos = pos + 1;
            return 45;
          }
          pos += 2;
          if (src.charCodeAt(pos) === 91) {
            // "--[": a long comment if a long bracket follows, else a line comment.
            const sep = this.skipEq(pos);
            if (sep >= 0) {
              pos = this.longString(pos + sep + 2, sep, false);
              continue;
            }
          }
          while (pos < len) {
            const d = src.charCodeAt(pos);
            if (d === 10 || d === 13) break;
            pos++;
          }
          continue;
        case 91: {
          // '[': a long string, a plain '[', or "[=" without its second bracket.
          const sep = this.skipEq(pos);
          if (sep >= 0) {
            this.tokSep = sep;
            this.tokStart = pos;
            this.pos = this.longString(pos + sep + 2, sep, true);
            return Tok.String;
          }
          if (sep === -1) {
            this.pos = pos + 1;
            return 91;
          }
          this.pos = pos;
          this.error("invalid long string delimiter", "[" + "=".repeat(-sep - 1));
        }
        case 61: // '='
          if (src.charCodeAt(pos + 1) === 61) {
            this.pos = pos + 2;
            return Tok.Eq;
          }
          this.pos = pos + 1;
          return 61;
        case 60: // '<'
          if (src.charCodeAt(pos + 1) === 61) {
            this.pos = pos + 2;
            return Tok.Le;
          }
          this.pos = pos + 1;
          return 60;
        case 62: // '>'
          if (src.charCodeAt(pos + 1) === 61) {
            this.pos = pos + 2;
            return Tok.Ge;
          }
          this.pos = pos + 1;
          return 62;
        case 126: // '~'
          if (src.charCodeAt(pos + 1) === 61) {
            this.pos = pos + 2;
            return Tok.Ne;
          }
          this.pos = pos + 1;
          return 126;
        case 58: // ':'
          if (src.charCodeAt(pos + 1) === 58) {
            this.pos = pos + 2;
            return Tok.Label;
          }
          this.pos = pos + 1;
          return 58;
        case 34:
        case 39:
          return this.scanString(pos, c);
        case 46: {
          // '.', '..', '...' or a number like .5
          const d = src.charCodeAt(pos + 1);
          if (d === 46) {
            if (src.charCodeAt(pos + 2) === 46) {
              this.pos = pos + 3;
              return Tok.Dots;
            }
            this.pos = pos + 2;
            return Tok.Concat;
          }
          if (isDigitChar(d)) return this.scanNumber(pos, pos + 1);
          this.pos = pos + 1;
          return 46;
        }
        default:
          // Any other byte is a token by itself (unknown ones make "unexpected symbol").
          if (c > 255) throw new TypeError(`Lua source must be a byte string (latin1), found char ${c}`);
          this.pos = pos + 1;
          return c;
      }
    }
  }

  /** The token for the name src[start, end) with hash `h`: a keyword, or Name with tokStr. */
  private internName(start: number, end: number, h: number): number {
    const n = end - start;
    const slots = this.nameSlots;
    const mask = slots.length - 1;
    let i = h & mask;
    for (;;) {
      const s = slots[i];
      if (s === undefined) break;
      if (this.nameHashes[i] === h && s.length === n && this.src.startsWith(s, start)) {
        const kind = this.nameKinds[i]!;
        if (kind === Tok.Name) this.tokStr = s;
        return kind;
      }
      i = (i + 1) & mask;
    }
    const name = this.src.slice(start, end);
    this.addName(name, h, Tok.Name);
    this.tokStr = name;
    return Tok.Name;
  }

  private addName(name: string, h: number, kind: number): void {
    if (2 * (this.nameCount + 1) > this.nameSlots.length) this.growNames();
    const slots = this.nameSlots;
    const mask = slots.length - 1;
    let i = h & mask;
    while (slots[i] !== undefined) i = (i + 1) & mask;
    slots[i] = name;
    this.nameHashes[i] = h;
    this.nameKinds[i] = kind;
    this.nameCount++;
  }

  private growNames(): void {
    const oldSlots = this.nameSlots;
    const oldHashes = this.nameHashes;
    const oldKinds = this.nameKinds;
    const size = oldSlots.length * 2;
    this.nameSlots = new Array<string | undefined>(size);
    this.nameHashes = new Int32Array(size);
    this.nameKinds = new Int16Array(size);
    this.nameCount = 0;
    for (let i = 0; i < oldSlots.length; i++) {
      const s = oldSlots[i];
      if (s !== undefined) this.addName(s, oldHashes[i]!, oldKinds[i]!);
    }
  }

  /**
   * Count the '=' of a long bracket starting at `pos` ('[' or ']'), as lex_skipeq: the level
   * if the same bracket follows them, else -count-1.
   */
  private skipEq(pos: number): number {
    const src = this.src;
    const s = src.charCodeAt(pos);
    let p = pos + 1;
    while (src.charCodeAt(p) === 61) p++;
    const count = p - pos - 1;
    return src.charCodeAt(p) === s ? count : -count - 1;
  }

  /**
   * Scan a long string or comment whose content starts at `pos` (after `[==[`); returns the
   * position after the closing bracket. A first line break is dropped and every line break
   * ("\r\n" and the others) becomes "\n", as LuaJIT does.
   */
  private longString(pos: number, sep: number, isString: boolean): number {
    const src = this.src;
    const len = this.len;
    let c = src.charCodeAt(pos);
    if (c === 10 || c === 13) pos = this.newline(pos);
    const start = pos;
    let sawCR = false;
    for (;;) {
      if (pos >= len) {
        this.pos = pos;
        this.error(isString ? "unfinished long string" : "unfinished long comment", "<eof>");
      }
      c = src.charCodeAt(pos);
      if (c === 93) {
        // ']': the end if the same level of '=' and a second ']' follow.
        const level = this.skipEq(pos);
        if (level === sep) {
          if (isString) {
            let value = src.slice(start, pos);
            // Each "\r\n", "\n\r" or lone "\r" is one line break, a "\n" in the value.
            if (sawCR) value = value.replace(/\r\n|\n\r|\r/g, "\n");
            this.tokStr = value;
            this.tokEnd = pos + sep + 2;
          }
          return pos + sep + 2;
        }
        // Not the end: the ']' and '='s are content; rescan from the next char, which may
        // open another candidate.
        pos += level < 0 ? -level : level + 1;
      } else if (c === 10 || c === 13) {
        if (c === 13 || src.charCodeAt(pos + 1) === 13) sawCR = true;
        pos = this.newline(pos);
      } else {
        pos++;
      }
    }
  }

  /** Scan a quoted string starting at `start` (the quote `q`). */
  private scanString(start: number, q: number): number {
    const src = this.src;
    const len = this.len;
    let pos = start + 1;
    this.tokSep = -1 - q;
    this.tokStart = start;
    // Fast path: no escapes, the value is a slice of the source.
    for (;;) {
      if (pos >= len) break;
      const c = src.charCodeAt(pos);
      if (c === q) {
        this.tokStr = src.slice(start + 1, pos);
        this.pos = pos + 1;
        this.tokEnd = pos + 1;
        return Tok.String;
      }
      if (c === 92 || c === 10 || c === 13) break;
      pos++;
    }
    let value = src.slice(start + 1, pos);
    const quote = String.fromCharCode(q);
    for (;;) {
      if (pos >= len) {
        this.pos = pos;
        this.error("unfinished string", "<eof>");
      }
      let c = src.charCodeAt(pos);
      if (c === q) break;
      if (c === 10 || c === 13) {
        this.pos = pos;
        this.error("unfinished string", quote + value);
      }
      if (c !== 92) {
        // A run of plain chars.
        const runStart = pos;
        pos++;
        while (pos < len) {
          c = src.charCodeAt(pos);
          if (c === q || c === 92 || c === 10 || c === 13) break;
          pos++;
        }
        value += src.slice(runStart, pos);
        continue;
      }
      // A backslash escape.
      pos++;
      c = src.charCodeAt(pos);
      switch (c) {
        case 97: value += "\x07"; pos++; continue;
        case 98: value += "\b"; pos++; continue;
        case 102: value += "\f"; pos++; continue;
        case 110: value += "\n"; pos++; continue;
        case 114: value += "\r"; pos++; continue;
        case 116: value += "\t"; pos++; continue;
        case 118: value += "\v"; pos++; continue;
        case 92: case 34: case 39:
          value += String.fromCharCode(c);
          pos++;
          continue;
        case 10:
        case 13:
          // Backslash-newline: a newline in the value.
          value += "\n";
          pos = this.newline(pos);
          continue;
        case 120: {
          // \xXX: exactly two hex digits.
          const h1 = hexDigit(src.charCodeAt(pos + 1));
          const h2 = hexDigit(src.charCodeAt(pos + 2));
          if (h1 < 0 || h2 < 0) this.escapeError(pos, quote + value);
          value += String.fromCharCode(h1 * 16 + h2);
          pos += 3;
          continue;
        }
        case 122: {
          // \z: skip the following whitespace, line breaks included.
          pos++;
          while (pos < len) {
            const d = src.charCodeAt(pos);
            if ((CHAR_CLASS[d]! & C_SPACE) === 0) break;
            if (d === 10 || d === 13) pos = this.newline(pos);
            else pos++;
          }
          continue;
        }
        case 117: {
          // \u{XXX}: the UTF-8 bytes of a code point up to 10FFFF, surrogates excluded.
          if (src.charCodeAt(pos + 1) !== 123) this.escapeError(pos, quote + value);
          let p = pos + 2;
          let cp = 0;
          do {
            const h = hexDigit(src.charCodeAt(p));
            if (h < 0) this.escapeError(p, quote + value);
            cp = cp * 16 + h;
            if (cp >= 0x110000) this.escapeError(p, quote + value);
            p++;
          } while (src.charCodeAt(p) !== 125);
          if (cp >= 0xd800 && cp < 0xe000) this.escapeError(p, quote + value);
          value += utf8Bytes(cp);
          pos = p + 1;
          continue;
        }
        default: {
          if (pos >= len) continue; // backslash at the end: "unfinished string" next round
          if (!isDigitChar(c)) this.escapeError(pos, quote + value);
          // \ddd: up to three decimal digits, at most 255.
          let v = c - 48;
          pos++;
          let d = src.charCodeAt(pos);
          if (isDigitChar(d)) {
            v = v * 10 + (d - 48);
            pos++;
            d = src.charCodeAt(pos);
            if (isDigitChar(d)) {
              v = v * 10 + (d - 48);
              if (v > 255) this.escapeError(pos, quote + value);
              pos++;
            }
          }
          value += String.fromCharCode(v);
          continue;
        }
      }
    }
    this.tokStr = value;
    this.pos = pos + 1;
    this.tokEnd = pos + 1;
    return Tok.String;
  }

  private escapeError(pos: number, near: string): never {
    this.pos = pos;
    this.error("invalid escape sequence", near);
  }

  /** Scan a number from `start` (a digit, or the '.' of ".5"); `pos` is its first digit. */
  private scanNumber(start: number, pos: number): number {
    const src = this.src;
    let c = src.charCodeAt(pos);
    this.tokStart = start;
    if (start === pos && c !== 48) {
      // Fast path: a short decimal integer, the most common literal.
      let v = c - 48;
      let p = pos + 1;
      let d = src.charCodeAt(p);
      while (isDigitChar(d)) {
        v = v * 10 + (d - 48);
        d = src.charCodeAt(++p);
      }
      if (p - pos <= 15 && !isIdentChar(d) && d !== 46) {
        this.pos = p;
        this.tokEnd = p;
        this.tokNum = v;
        return Tok.Number;
      }
    }
    // Collect what LuaJIT's lex_number collects: identifier chars, dots, and a sign right
    // after an exponent letter ('e', or 'p' in hex).
    let xp = 101;
    if (c === 48) {
      pos++;
      if ((src.charCodeAt(pos) | 0x20) === 120) xp = 112;
    }
    for (;;) {
      const d = src.charCodeAt(pos);
      if (isIdentChar(d) || d === 46 || ((d === 45 || d === 43) && (c | 0x20) === xp)) {
        c = d;
        pos++;
      } else {
        break;
      }
    }
    this.pos = pos;
    this.tokEnd = pos;
    const text = src.slice(start, pos);
    const fmt = scanNumberLiteral(text);
    if (fmt === SCAN_NUM) {
      this.tokNum = scanOut.value;
      return Tok.Number;
    }
    if (fmt === SCAN_CDATA) {
      // LuaJIT makes an FFI cdata value (1LL, 2ULL, 3i); tsresty has no FFI. The parse goes
      // on, so that a program LuaJIT rejects gets LuaJIT's error; the parser reports this one
      // only for a program that is otherwise valid.
      if (this.cdataLiteral === undefined) this.cdataLiteral = { text, line: this.linenumber };
      this.tokNum = NaN;
      return Tok.Number;
    }
    this.error("malformed number", text);
  }
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

function utf8Bytes(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  if (cp < 0x10000) {
    return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return String.fromCharCode(
    0xf0 | (cp >> 18),
    0x80 | ((cp >> 12) & 0x3f),
    0x80 | ((cp >> 6) & 0x3f),
    0x80 | (cp & 0x3f),
  );
}

/** LuaJIT formats messages with C strings: a NUL byte ends the text shown. */
function cutAtNul(s: string): string {
  const i = s.indexOf("\0");
  return i < 0 ? s : s.slice(0, i);
}
