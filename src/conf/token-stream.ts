// Turns moo's tokens into the tokens the nearley grammar reads (whole directives, block
// heads and block ends), applying the rules of ngx_conf_read_token that are not lexical:
// which punctuation is an error where, nginx's unescaping, when a `{` opens a Lua body,
// and the 4096-byte buffer. It also finds every syntax error nginx finds, with nginx's
// words and line; on an error it closes the open blocks and ends the stream, so the
// parser sees the well-formed part before the error (nginx has handled that part by then).

import type { Lexer as NearleyLexer, LexerState } from "nearley";
import type moo from "moo";
import { ConfBuffer } from "./conf-buffer.js";
import { createMooLexer, TokenKind } from "./lexer-rules.js";
import { scanLuaBlock } from "./lua-block-scanner.js";
import type { DirectiveNode } from "./grammar-actions.js";

/**
 * What the grammar reads: a directive ended by `;` or carrying its Lua body (`directive`),
 * the head of a block (`open`), or the `}` that closes it (`close`).
 */
export interface ConfToken {
  readonly type: "directive" | "open" | "close";
  /** The directive's name, `}`, or "" for a block the error left open. */
  readonly value: string;
  /** The directive (its block is attached by the grammar); absent on `close`. */
  readonly node?: DirectiveNode;
  readonly line: number;
}

export interface SyntaxFault {
  readonly message: string;
  readonly line: number;
}

export interface TokenStreamOptions {
  /** The file's name as messages give it (or "" for -g). */
  readonly file: string;
  /** False for the -g string: its errors differ and it cannot hold blocks. */
  readonly isFile: boolean;
  /** Whether a directive name opens a Lua body (`content_by_lua_block` ...). */
  readonly isLuaBlock: (name: string) => boolean;
}

type MooInternals = moo.Lexer & { index: number; line: number; col: number };

/**
 * nginx has no limit but its C stack; tsresty walks the tree recursively, so it refuses
 * nesting far beyond any real configuration instead of overflowing the JS stack.
 */
export const MAX_DEPTH = 512;

const ESCAPE = /\\([^])/g;

/** nginx's copy loop: `\"` `\'` `\\` lose the backslash, `\t` `\r` `\n` become controls. */
export function unescapeWord(raw: string): string {
  if (raw.indexOf("\\") === -1) return raw;
  return raw.replace(ESCAPE, (pair, c: string) => {
    switch (c) {
      case '"':
      case "'":
      case "\\":
        return c;
      case "t":
        return "\t";
      case "r":
        return "\r";
      case "n":
        return "\n";
      default:
        return pair;
    }
  });
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

export class ConfTokenStream implements NearleyLexer {
  /** The first syntax error, once met; the stream ends there. */
  fault: SyntaxFault | null = null;

  private readonly moo: MooInternals;
  private text = "";
  private buf = new ConfBuffer(0, true);
  private readonly out: ConfToken[] = [];
  private outPos = 0;
  private outLen = 0;
  // The pending words of the statement being read; reused, so as not to make garbage.
  private readonly wordValues: string[] = [];
  private readonly wordLines: number[] = [];
  private wordCount = 0;
  private depth = 0;
  private done = false;
  // Buffer bookkeeping: nginx's `start` (and its line) as of the end of the last token.
  private startAfter = 0;
  private startLineAfter = 1;
  private prevKind = "";

  constructor(private readonly options: TokenStreamOptions) {
    this.moo = createMooLexer() as MooInternals;
  }

  reset(text: string, _state?: LexerState): void {
    this.text = text;
    this.buf = new ConfBuffer(text.length, this.options.isFile);
    this.moo.reset(text);
    this.outLen = 0;
    this.outPos = 0;
    this.wordCount = 0;
    this.depth = 0;
    this.done = false;
    this.fault = null;
    this.startAfter = 0;
    this.startLineAfter = 1;
    this.prevKind = "";
  }

  next(): ConfToken | undefined {
    while (this.outPos >= this.outLen) {
      if (this.done) return undefined;
      this.outLen = 0;
      this.outPos = 0;
      this.pull();
    }
    return this.out[this.outPos++];
  }

  save(): LexerState {
    return { line: this.moo.line };
  }

  formatError(token: ConfToken, message: string): string {
    return `${message} at line ${token.line}`;
  }

  has(type: string): boolean {
    return type === "directive" || type === "open" || type === "close";
  }

  /** Reads moo tokens up to the end of one statement (or of a block) and queues its tokens. */
  private pull(): void {
    const isFile = this.options.isFile;
    for (;;) {
      const t = this.moo.next();
      if (t === undefined) return this.endOfInput(false);
      if (isFile && !this.keepInBuffer(t)) return;
      switch (t.type) {
        case TokenKind.ws:
        case TokenKind.blank:
          break;
        case TokenKind.word:
        case TokenKind.parenWord:
          this.word(unescapeWord(t.text), t.line);
          break;
        case TokenKind.dquoted:
        case TokenKind.squoted:
          this.word(unescapeWord(t.text.slice(1, -1)), t.line);
          break;
        case TokenKind.unclosed:
          return this.endOfInput(true);
        case TokenKind.stray:
          return this.fail(`unexpected "${t.text}"`, t.line);
        case TokenKind.semi:
          if (this.wordCount === 0) return this.fail('unexpected ";"', t.line);
          this.note(t);
          return this.emit("directive", this.head(t.line));
        case TokenKind.lbrace:
          if (this.wordCount === 0) return this.fail('unexpected "{"', t.line);
          this.note(t);
          if (!isFile) return this.fail("block directives are not supported in -g option", t.line);
          if (this.options.isLuaBlock(this.wordValues[0]!)) return this.luaBlock(t.offset + 1, t.line);
          if (this.depth >= MAX_DEPTH) return this.fail(`blocks nested more than ${MAX_DEPTH} deep`, t.line);
          this.depth++;
          return this.emit("open", this.head(t.line));
        case TokenKind.rbrace:
          if (this.wordCount !== 0 || this.depth === 0) return this.fail('unexpected "}"', t.line);
          this.note(t);
          this.depth--;
          this.push({ type: "close", value: "}", line: t.line });
          return;
      }
      this.note(t);
    }
  }

  private word(value: string, line: number): void {
    this.wordValues[this.wordCount] = value;
    this.wordLines[this.wordCount] = line;
    this.wordCount++;
  }

  /** The directive the pending words make, ended on line `endLine`. */
  private head(endLine: number): DirectiveNode {
    const n = this.wordCount;
    const args = new Array<string>(n - 1);
    for (let i = 1; i < n; i++) args[i - 1] = this.wordValues[i]!;
    this.wordCount = 0;
    return { name: this.wordValues[0]!, args, file: this.options.file, line: this.wordLines[0]!, endLine };
  }

  private push(token: ConfToken): void {
    this.out[this.outLen++] = token;
  }

  private emit(type: "directive" | "open", node: DirectiveNode): void {
    this.push({ type, value: node.name, node, line: node.endLine });
  }

  private luaBlock(bodyStart: number, line: number): void {
    const node = this.head(line);
    const r = scanLuaBlock(this.text, bodyStart, line, this.buf);
    if (!r.ok) {
      // The head is complete and nginx checks it before reading the body: keep it.
      node.luaFailed = true;
      this.emit("directive", node);
      return this.fail(r.message, r.line);
    }
    node.lua = { code: r.code, line, endLine: r.line };
    this.emit("directive", node);
    // moo has no seek: restart it and move its cursor past the body.
    const resume: moo.LexerState = { line: r.line, col: 1, state: "main" };
    this.moo.reset(this.text, resume);
    this.moo.index = r.end;
    this.startAfter = r.end;
    this.startLineAfter = r.line;
    this.prevKind = TokenKind.semi;
  }

  private endOfInput(inToken: boolean): void {
    // nginx's counter, which the Lua scan may have left behind the real line count.
    const line = this.moo.line;
    if (this.wordCount !== 0 || inToken) {
      return this.fail(
        this.options.isFile ? 'unexpected end of file, expecting ";" or "}"' : 'unexpected end of parameter, expecting ";"',
        line,
      );
    }
    if (this.depth !== 0) return this.fail('unexpected end of file, expecting "}"', line);
    this.done = true;
  }

  private fail(message: string, line: number): void {
    this.fault = { message, line };
    this.wordCount = 0;
    // Blocks closed here were never closed in the file: their directives mark that.
    for (; this.depth > 0; this.depth--) this.push({ type: "close", value: "", line });
    this.done = true;
  }

  // --- the 4096-byte buffer ------------------------------------------------------------

  /**
   * Before nginx reads the bytes of token `t` it may have to refill its buffer; a refill
   * fails when the token in progress already fills the buffer ("too long parameter").
   */
  private keepInBuffer(t: moo.Token): boolean {
    const end = t.offset + t.text.length;
    while (this.buf.last < end && !this.buf.exhausted) {
      const at = this.buf.last;
      const [start, startLine] = this.startBefore(t, at);
      if (!this.buf.refill(start)) {
        // Inside a quoted token nginx says which quote it is missing.
        const quoted =
          (t.type === TokenKind.dquoted || t.type === TokenKind.squoted || t.type === TokenKind.unclosed) && at > t.offset;
        const message = quoted
          ? `too long parameter, probably missing terminating "${t.text[0]}" character`
          : `too long parameter "${this.text.slice(start, start + 10)}..." started`;
        this.fail(message, startLine);
        return false;
      }
    }
    return true;
  }

  /** nginx's `start` (and start_line) just before it reads the byte at `at` of token `t`. */
  private startBefore(t: moo.Token, at: number): [number, number] {
    const a = t.offset;
    if (at === a) return [this.startAfter, this.startLineAfter];
    switch (t.type) {
      case TokenKind.ws:
      case TokenKind.blank:
        return this.blankStart(t, at);
      case TokenKind.dquoted:
      case TokenKind.squoted:
      case TokenKind.unclosed:
        return [a + 1, t.line];
      default:
        return [a, t.line];
    }
  }

  /**
   * `start` once nginx has read a blank token up to `at`: a comment keeps its `#` as the
   * start, a blank byte becomes the start itself, except the one that ends a word.
   */
  private blankStart(t: moo.Token, at: number): [number, number] {
    const text = this.text;
    const a = t.offset;
    const c = at - 1;
    // The line nginx is on after reading up to `to` (at the token's end, moo knows it).
    const lines = (to: number): number =>
      to === a + t.text.length ? t.line + t.lineBreaks : t.line + countLines(text.slice(a, to));
    if (text.charCodeAt(c) !== 10) {
      let i = Math.max(a, text.lastIndexOf("\n", c) + 1);
      while (i <= c && text.charCodeAt(i) !== 35 /* # */) i++;
      if (i <= c) return [i, lines(i)];
    }
    const endsWord = this.prevKind === TokenKind.word || this.prevKind === TokenKind.parenWord || this.prevKind === "quoted";
    if (c === a && endsWord) return [this.startAfter, this.startLineAfter];
    return [c, lines(at)];
  }

  /** Records nginx's `start` after token `t` has been read in full. */
  private note(t: moo.Token): void {
    const a = t.offset;
    const end = a + t.text.length;
    switch (t.type) {
      case TokenKind.ws:
      case TokenKind.blank:
        [this.startAfter, this.startLineAfter] = this.blankStart(t, end);
        this.prevKind = TokenKind.ws;
        return;
      case TokenKind.dquoted:
      case TokenKind.squoted:
        this.startAfter = a + 1;
        this.startLineAfter = t.line;
        this.prevKind = "quoted";
        return;
      case TokenKind.semi:
      case TokenKind.lbrace:
      case TokenKind.rbrace:
        // ngx_conf_read_token returns; the next call starts at the following byte.
        this.startAfter = end;
        this.startLineAfter = t.line;
        this.prevKind = t.type;
        return;
      default:
        this.startAfter = a;
        this.startLineAfter = t.line;
        this.prevKind = t.type ?? "";
    }
  }
}

