// The postprocessors of grammar/nginx.ne: they attach blocks to the directives the token
// stream made, as nearley completes each rule. Lists grow in place, which is safe because
// the grammar is unambiguous: a completed list is extended by exactly one parse.

import type { LuaBlock } from "./ast.js";
import type { ConfToken } from "./token-stream.js";

export const tokenTypes: ReadonlySet<string> = new Set(["directive", "open", "close"]);

/** A directive while the tree is built; Directive is its read-only view. */
export interface DirectiveNode {
  name: string;
  args: string[];
  file: string;
  line: number;
  endLine: number;
  block?: DirectiveNode[];
  lua?: LuaBlock;
  includes?: number[];
  /** Set when the Lua body could not be read (the file's syntax error follows it). */
  luaFailed?: boolean;
  /** Set on a block that a syntax error inside it left unclosed. */
  truncated?: boolean;
}

// nearley hands each postprocessor the matched symbols as an untyped array.
type Matched = unknown[];

export function appendTo(d: Matched): unknown[] {
  const list = d[0] as unknown[];
  list.push(d[1]);
  return list;
}

export function tokenNode(d: Matched): DirectiveNode {
  return (d[0] as ConfToken).node!;
}

export function blockNode(d: Matched): DirectiveNode {
  const node = (d[0] as ConfToken).node!;
  node.block = d[1] as DirectiveNode[];
  if ((d[2] as ConfToken).value === "") node.truncated = true;
  return node;
}

/** The grammar declares a lexer for its `%token` tests; parse.ts supplies the real one. */
export const grammarLexer = {
  has: (type: string): boolean => tokenTypes.has(type),
  reset(): void {
    throw new Error("the nginx grammar needs a ConfTokenStream");
  },
  next(): undefined {
    return undefined;
  },
  save(): Record<string, never> {
    return {};
  },
  formatError(): string {
    return "";
  },
};
