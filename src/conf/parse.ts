// Parses one configuration text into its directive tree: the token stream reads and
// checks the syntax, the nearley grammar builds the blocks. On a syntax error the tree
// holds what came before it, which nginx would already have processed.

import nearley from "nearley";
import grammar from "./nginx.generated.js";
import type { DirectiveNode } from "./grammar-actions.js";
import { ConfTokenStream, type SyntaxFault, type TokenStreamOptions } from "./token-stream.js";

export interface ParsedText {
  readonly directives: DirectiveNode[];
  /** nginx's first syntax error in this text, if any. */
  readonly fault: SyntaxFault | null;
}

const compiled = nearley.Grammar.fromCompiled(grammar as unknown as nearley.CompiledRules);

export function parseText(text: string, options: TokenStreamOptions): ParsedText {
  const stream = new ConfTokenStream(options);
  const parser = new nearley.Parser(compiled, { lexer: stream });
  parser.feed(text);
  const results = parser.results as DirectiveNode[][];
  // The stream closes every block before it ends, so there is always exactly one parse.
  if (results.length !== 1) throw new Error(`nginx grammar: ${results.length} parses`);
  return { directives: results[0]!, fault: stream.fault };
}
