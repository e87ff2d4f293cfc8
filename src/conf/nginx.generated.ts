// Generated automatically by nearley, version 2.20.1
// http://github.com/Hardmath123/nearley
// Bypasses TS6133. Allow declared but unused functions.
// @ts-ignore
function id(d: any[]): any { return d[0]; }
declare var directive: any;
declare var open: any;
declare var close: any;

import { grammarLexer, tokenNode, blockNode, appendTo } from "./grammar-actions.js";

const lexer = grammarLexer;

interface NearleyToken {
  value: any;
  [key: string]: any;
};

interface NearleyLexer {
  reset: (chunk: string, info: any) => void;
  next: () => NearleyToken | undefined;
  save: () => any;
  formatError: (token: never) => string;
  has: (tokenType: string) => boolean;
};

interface NearleyRule {
  name: string;
  symbols: NearleySymbol[];
  postprocess?: (d: any[], loc?: number, reject?: {}) => any;
};

type NearleySymbol = string | { literal: any } | { test: (token: any) => boolean };

interface Grammar {
  Lexer: NearleyLexer | undefined;
  ParserRules: NearleyRule[];
  ParserStart: string;
};

const grammar: Grammar = {
  Lexer: lexer,
  ParserRules: [
    {"name": "config", "symbols": ["statements"], "postprocess": id},
    {"name": "statements", "symbols": [], "postprocess": () => []},
    {"name": "statements", "symbols": ["statements", "statement"], "postprocess": appendTo},
    {"name": "statement", "symbols": [(lexer.has("directive") ? {type: "directive"} : directive)], "postprocess": tokenNode},
    {"name": "statement", "symbols": [(lexer.has("open") ? {type: "open"} : open), "statements", (lexer.has("close") ? {type: "close"} : close)], "postprocess": blockNode}
  ],
  ParserStart: "config",
};

export default grammar;
