// The lexical grammar of nginx.conf as nginx 1.22's ngx_conf_read_token reads it, as moo
// states. The input is a byte string (one char per byte), so UTF-8 and any other bytes
// are ordinary word characters.
//
// State `main` is between tokens. A word ends only at space, tab, CR, LF, `;` or `{`;
// `}`, `#` and quotes are ordinary inside it; `\` keeps the next byte in the word, and
// `$` lets `{` continue it (`${var}`). A quote opens a string only at a token's start.
// State `afterQuote` is nginx's need_space: after a closing quote only blanks, `;`, `{`
// or `)` may follow (`if ($a = "x")`), and `)` then starts the next word.

import moo from "moo";

const WS = { match: /[ \t\r\n]+/, lineBreaks: true };
// One byte of an unquoted word after its first: an escape pair, `$` with the braces it
// lets through, or any byte but the terminators.
const WORD_REST = String.raw`(?:\\[^]?|\$\{*|[^ \t\r\n;{\\$])`;
const WORD_FIRST = String.raw`(?:\\[^]?|\$\{*|[^ \t\r\n;{}#"'\\$])`;

export const TokenKind = {
  /** Blanks after a closing quote. */
  ws: "ws",
  /** Blanks and `#` comments between tokens, as one token (fewer tokens, less garbage). */
  blank: "blank",
  semi: "semi",
  lbrace: "lbrace",
  rbrace: "rbrace",
  word: "word",
  /** `)` and the word it starts, right after a closing quote. */
  parenWord: "parenWord",
  dquoted: "dquoted",
  squoted: "squoted",
  /** A quote that is never closed: the rest of the file. */
  unclosed: "unclosed",
  /** A byte other than a blank, `;`, `{` or `)` right after a closing quote. */
  stray: "stray",
} as const;

export function createMooLexer(): moo.Lexer {
  return moo.states({
    main: {
      blank: { match: /(?:[ \t\r\n]+|#[^\n]*)+/, lineBreaks: true },
      semi: ";",
      lbrace: "{",
      rbrace: "}",
      dquoted: { match: /"(?:\\[^]|[^"\\])*"/, lineBreaks: true, next: "afterQuote" },
      squoted: { match: /'(?:\\[^]|[^'\\])*'/, lineBreaks: true, next: "afterQuote" },
      unclosed: { match: /["'][^]*/, lineBreaks: true },
      word: { match: new RegExp(WORD_FIRST + WORD_REST + "*"), lineBreaks: true },
    },
    afterQuote: {
      ws: { ...WS, next: "main" },
      semi: { match: ";", next: "main" },
      lbrace: { match: "{", next: "main" },
      parenWord: { match: new RegExp(String.raw`\)` + WORD_REST + "*"), lineBreaks: true, next: "main" },
      stray: { match: /[^]/, lineBreaks: true, next: "main" },
    },
  });
}
