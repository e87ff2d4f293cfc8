// The Lua (5.1 + LuaJIT 2.1) syntax tree, produced by parser.ts and consumed by the compiler.
// Every node has `line`: the line LuaJIT attributes the operation to (the operator or
// call's token line), used in error messages and in the compiled code's line table.
// Strings are byte strings: one JS char per byte (latin1), escapes already decoded.

export interface Chunk {
  readonly kind: "Chunk";
  readonly body: Block;
  /** Line of the last token (<eof>), for "in main chunk" positions. */
  readonly lastLine: number;
}

export type Block = Statement[];

export type Statement =
  | LocalStatement
  | AssignmentStatement
  | CallStatement
  | DoStatement
  | WhileStatement
  | RepeatStatement
  | IfStatement
  | NumericForStatement
  | GenericForStatement
  | FunctionDeclaration
  | LocalFunctionStatement
  | ReturnStatement
  | BreakStatement
  | GotoStatement
  | LabelStatement;

export interface LocalStatement { readonly kind: "Local"; readonly line: number; readonly names: Identifier[]; readonly init: Expression[]; }
export interface AssignmentStatement { readonly kind: "Assign"; readonly line: number; readonly targets: (Identifier | IndexExpression)[]; readonly init: Expression[]; }
export interface CallStatement { readonly kind: "CallStatement"; readonly line: number; readonly call: CallExpression | MethodCallExpression; }
export interface DoStatement { readonly kind: "Do"; readonly line: number; readonly body: Block; }
export interface WhileStatement { readonly kind: "While"; readonly line: number; readonly cond: Expression; readonly body: Block; }
export interface RepeatStatement { readonly kind: "Repeat"; readonly line: number; readonly body: Block; readonly cond: Expression; }
export interface IfStatement {
  readonly kind: "If";
  readonly line: number;
  /** if/elseif arms in order. */
  readonly clauses: { readonly cond: Expression; readonly body: Block; readonly line: number }[];
  readonly orelse: Block | undefined;
}
export interface NumericForStatement { readonly kind: "NumericFor"; readonly line: number; readonly var: Identifier; readonly start: Expression; readonly limit: Expression; readonly step: Expression | undefined; readonly body: Block; }
export interface GenericForStatement { readonly kind: "GenericFor"; readonly line: number; readonly names: Identifier[]; readonly exprs: Expression[]; readonly body: Block; }
/** `function a.b.c:m() end` / `function f() end`. `name` is the target being assigned. */
export interface FunctionDeclaration { readonly kind: "FunctionDecl"; readonly line: number; readonly target: Identifier | IndexExpression; readonly isMethod: boolean; readonly func: FunctionExpression; }
export interface LocalFunctionStatement { readonly kind: "LocalFunction"; readonly line: number; readonly name: Identifier; readonly func: FunctionExpression; }
export interface ReturnStatement { readonly kind: "Return"; readonly line: number; readonly args: Expression[]; }
export interface BreakStatement { readonly kind: "Break"; readonly line: number; }
export interface GotoStatement { readonly kind: "Goto"; readonly line: number; readonly label: string; }
export interface LabelStatement { readonly kind: "Label"; readonly line: number; readonly name: string; }

export type Expression =
  | NilLiteral
  | BooleanLiteral
  | NumberLiteral
  | StringLiteral
  | VarargLiteral
  | FunctionExpression
  | TableConstructor
  | BinaryExpression
  | LogicalExpression
  | UnaryExpression
  | Identifier
  | IndexExpression
  | CallExpression
  | MethodCallExpression
  | ParenExpression;

export interface NilLiteral { readonly kind: "Nil"; readonly line: number; }
export interface BooleanLiteral { readonly kind: "Boolean"; readonly line: number; readonly value: boolean; }
export interface NumberLiteral { readonly kind: "Number"; readonly line: number; readonly value: number; }
/** value: the decoded byte string (latin1). */
export interface StringLiteral { readonly kind: "String"; readonly line: number; readonly value: string; }
export interface VarargLiteral { readonly kind: "Vararg"; readonly line: number; }
export interface FunctionExpression {
  readonly kind: "Function";
  /** Line of the `function` keyword (linedefined). */
  readonly line: number;
  /** Line of the closing `end` (lastlinedefined). */
  readonly endLine: number;
  /** Parameters; for a method (`function a:m()`), the parser puts `self` first. */
  readonly params: Identifier[];
  readonly isVararg: boolean;
  readonly body: Block;
  /** Name for messages and tracebacks, from the declaration when there is one ("f", "a.b", "a:m"). */
  readonly name: string | undefined;
}
export interface TableConstructor { readonly kind: "Table"; readonly line: number; readonly items: TableItem[]; }
export type TableItem =
  | { readonly kind: "Positional"; readonly value: Expression }
  | { readonly kind: "Keyed"; readonly key: Expression; readonly value: Expression }
  | { readonly kind: "Named"; readonly name: string; readonly value: Expression };

export type BinaryOperator = "+" | "-" | "*" | "/" | "%" | "^" | ".." | "==" | "~=" | "<" | "<=" | ">" | ">=";
export interface BinaryExpression { readonly kind: "Binary"; readonly line: number; readonly op: BinaryOperator; readonly left: Expression; readonly right: Expression; }
export interface LogicalExpression { readonly kind: "Logical"; readonly line: number; readonly op: "and" | "or"; readonly left: Expression; readonly right: Expression; }
export interface UnaryExpression { readonly kind: "Unary"; readonly line: number; readonly op: "-" | "not" | "#"; readonly arg: Expression; }
export interface Identifier {
  readonly kind: "Identifier";
  readonly line: number;
  readonly name: string;
  /** The local this name denotes, set by the resolver (a VarInfo of compiler/resolve.ts); undefined for a global. */
  binding?: unknown;
}
/** `obj[key]`; `obj.name` is an IndexExpression whose key is a StringLiteral and `dot` true. */
export interface IndexExpression { readonly kind: "Index"; readonly line: number; readonly obj: Expression; readonly key: Expression; readonly dot: boolean; }
export interface CallExpression { readonly kind: "Call"; readonly line: number; readonly callee: Expression; readonly args: Expression[]; }
export interface MethodCallExpression {
  readonly kind: "MethodCall";
  /** The call's line, as CallExpression's. */
  readonly line: number;
  readonly obj: Expression;
  readonly method: string;
  readonly args: Expression[];
  /**
   * Where LuaJIT looks the method up ("attempt to index local 'x'"): the method name's line.
   * It differs from `line` when the arguments start on a later line, or in a multi-line tail call.
   */
  readonly nameLine: number;
}
/** `(expr)`: truncates a multi-value expression to one value. */
export interface ParenExpression { readonly kind: "Paren"; readonly line: number; readonly expr: Expression; }

/** A syntax error, worded as LuaJIT words it ("'=' expected near 'x'"), without the chunk prefix. */
export class LuaSyntaxError extends Error {
  constructor(readonly text: string, readonly line: number) {
    super(text);
  }
}
