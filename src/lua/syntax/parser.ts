// The Lua parser: LuaJIT 2.1's recursive-descent parser (lj_parse.c), in its default Lua 5.1
// mode (no LUAJIT_ENABLE_LUA52COMPAT, as the luajit we test against is built), producing the
// AST of ast.ts instead of bytecode.
//
// It follows lj_parse.c function by function wherever that decides an error message, its
// line or the order in which errors are found:
// - syntax errors are worded as LuaJIT words them, with the same line and "near" text;
// - `goto`/labels and `break` are checked as LuaJIT checks them, at the end of a function
//   (undefined label, no loop to break) and when a label is seen (duplicate label, jump into
//   the scope of a local), so these errors come out in LuaJIT's order too;
// - the limits that are cheap to track: 200 syntax levels, 200 active locals and 120
//   upvalues per function (the OpenResty build's), LuaJIT's variable stack, and 200
//   assignment targets less the nesting level. Not replicated: the register limit
//   ("function or expression too complex", e.g. a call with ~250 arguments) and the constant
//   and jump limits, which depend on code generation.
// - 5.1 rules: `return` and `break` end a block; `;` is a separator only (no empty statement);
//   `goto` is an ordinary name unless a name follows it; a call's `(` on a new line is
//   "ambiguous syntax".
//
// Where tsresty differs from LuaJIT on purpose:
// - FFI cdata literals (`1LL`, `2ULL`, `3i`) are a syntax error, "FFI cdata literal not
//   supported by tsresty near '1LL'" (tsresty has no FFI). It is reported only when the rest
//   of the chunk is valid, so a chunk LuaJIT rejects still gets LuaJIT's error.
// - A bytecode dump (first byte 0x1b) is refused: LuaSyntaxError("cannot load incompatible
//   bytecode", 0), line 0 meaning no position (LuaJIT shows "chunk: message").
// - The register, constant and jump-distance limits are not replicated (see above).
//
// Node lines. `line` is the line LuaJIT's bytecode has for the operation, which is what its
// runtime errors report. LuaJIT records ls->lastline (the line of the last token consumed)
// when it emits an instruction, so:
// - Binary, Logical, Unary: the line of the last token of the (right) operand;
// - Call, MethodCall: the line of the `(`, string or `{` that starts the arguments; for a
//   tail call (`return f(x)`), the line of the call's last token. A MethodCall's nameLine is
//   where LuaJIT looks the method up: the method name's line;
// - Index read: the line when LuaJIT loads it, which depends on what uses it: its own last
//   token in most places, but the operator's line for a binary operator's left operand, the
//   `)` for a parenthesized expression or a call's last argument, the `,` in expression lists,
//   and the method name for `a.b:m()`;
// - Index as an assignment target: the store's line, the last token of the right-hand side;
//   for `function a.b()`, the `function` keyword's line;
// - Assign: the stores' line (as its Index targets); CallStatement: its call's line;
// - NumericFor: the `do` line, where LuaJIT checks "'for' initial value must be a number";
//   GenericFor: the line of the first token after `in`, where it calls the iterator;
// - FunctionExpression: `line` is linedefined (the `function` keyword of a statement, else the
//   token after `function` or after the local function's name), `endLine` the `end`;
// - other statements: their first token; Identifier and literals: their token.
import type {
  Block,
  Chunk,
  Expression,
  FunctionExpression,
  Identifier,
  IndexExpression,
  Statement,
  StringLiteral,
  TableItem,
  BinaryOperator,
  CallExpression,
  MethodCallExpression,
} from "./ast.js";
import { LuaSyntaxError } from "./ast.js";
import { Lexer, Tok, tokenToString } from "./lexer.js";

export interface ParseOptions {
  /**
   * Skip a first line starting with `#`. LuaJIT does so for every chunk it loads (loadstring
   * included), so this defaults to true; pass false to parse such a line as code.
   */
  skipShebang?: boolean;
}

/**
 * Parse a Lua chunk. `source` is a byte string (one char per byte, latin1). Throws
 * LuaSyntaxError(text, line) with LuaJIT's message for the first error LuaJIT would report.
 */
export function parse(source: string, options?: ParseOptions): Chunk {
  return new Parser(source, options?.skipShebang !== false).parseMain();
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** LuaJIT's LJ_MAX_XLEVEL: nesting of blocks and expressions, and assignment targets. */
const MAX_LEVEL = 200;
/** LJ_MAX_LOCVAR: active local variables in one function. */
const MAX_LOCVAR = 200;
/** LJ_MAX_UPVAL of the OpenResty build: upvalues of one function. */
const MAX_UPVAL = 120;
/** LJ_MAX_VSTACK of the OpenResty build (65536 - LJ_MAX_UPVAL): locals, gotos and labels. */
const MAX_VSTACK = 65536 - MAX_UPVAL;

// Scope flags (FSCOPE_*).
const SCOPE_LOOP = 1;
const SCOPE_BREAK = 2;
const SCOPE_GOLA = 4;
/** A local of the scope is an upvalue of an inner function: LuaJIT closes it at scope end. */
const SCOPE_UPVAL = 8;

/** The name a `break` is recorded under, as LuaJIT's NAME_BREAK: never an identifier. */
const BREAK_NAME = "";

/** A pending goto or break, or a label, in LuaJIT's variable stack. */
interface GotoLabel {
  /** Label or goto name; null once resolved (or out of scope, for a label). */
  name: string | null;
  readonly isGoto: boolean;
  /** Active locals at the goto/label (raised to the enclosing scope's as a goto leaves it). */
  slot: number;
  /** Where LuaJIT reports it: the line of the goto's label name, or of `break`. */
  readonly line: number;
}

interface FuncScope {
  readonly prev: FuncScope | null;
  /** Active locals outside the scope. */
  readonly nactvar: number;
  flags: number;
  /** First goto/label entry of the scope. */
  readonly vstart: number;
}

class FuncState {
  bl: FuncScope | null = null;
  nactvar = 0;
  /** Local names by slot; entries at and above nactvar are declared but not active yet. */
  readonly actvars: string[] = [];
  /** Variable stack index of each slot's local: a local's identity, for upvalues. */
  readonly varmap: number[] = [];
  /** The locals of enclosing functions this one uses, by variable stack index. */
  readonly upvalues: number[] = [];
  readonly gola: GotoLabel[] = [];
  isVararg = false;
  /**
   * When the last instruction LuaJIT emitted is the UCLO (close upvalues) that ends a block,
   * that instruction's line, else 0. A break or goto right after it reuses the UCLO
   * (bcemit_jmp), and so reports errors at its line.
   */
  ucloLine = 0;
  constructor(
    readonly prev: FuncState | null,
    /** 0 for the main chunk. */
    readonly linedefined: number,
    /** Variable stack height when the function started. */
    readonly vbase: number,
  ) {}
}

// Binary operators, indexed as LuaJIT's BinOpr, with its priorities.
const BINOP_OPS: readonly BinaryOperator[] = ["+", "-", "*", "/", "%", "^", "..", "~=", "==", "<", ">=", "<=", ">"];
const OPR_AND = 13;
const OPR_OR = 14;
const LEFT_PRIORITY = [6, 6, 7, 7, 7, 10, 5, 3, 3, 3, 3, 3, 3, 2, 1];
const RIGHT_PRIORITY = [6, 6, 7, 7, 7, 9, 4, 3, 3, 3, 3, 3, 3, 2, 1];
const UNARY_PRIORITY = 8;

/** Token kind -> BinOpr index, -1 for tokens that are no binary operator. */
const TOKEN_BINOP = new Int8Array(Tok.Eof + 1).fill(-1);
TOKEN_BINOP[43] = 0; // +
TOKEN_BINOP[45] = 1; // -
TOKEN_BINOP[42] = 2; // *
TOKEN_BINOP[47] = 3; // /
TOKEN_BINOP[37] = 4; // %
TOKEN_BINOP[94] = 5; // ^
TOKEN_BINOP[Tok.Concat] = 6;
TOKEN_BINOP[Tok.Ne] = 7;
TOKEN_BINOP[Tok.Eq] = 8;
TOKEN_BINOP[60] = 9; // <
TOKEN_BINOP[Tok.Ge] = 10;
TOKEN_BINOP[Tok.Le] = 11;
TOKEN_BINOP[62] = 12; // >
TOKEN_BINOP[Tok.And] = OPR_AND;
TOKEN_BINOP[Tok.Or] = OPR_OR;

/**
 * A stack that lists are collected on, then copied out at their exact size: arrays grown by
 * push() keep spare capacity, and the AST's memory is most of a parse's cost (GC). Lists
 * nest (a call inside an argument list), so each one takes its part off the top.
 */
class Scratch<T> {
  private readonly items: T[] = [];
  top = 0;
  push(x: T): void {
    this.items[this.top++] = x;
  }
  /** The items pushed since `base`, as a new array; pops them. */
  take(base: number): T[] {
    const list = this.items.slice(base, this.top);
    this.top = base;
    return list;
  }
}

type IfClause = { readonly cond: Expression; readonly body: Block; readonly line: number };

/** Tokens that end a block (parse_isend). */
function isBlockEnd(tok: number): boolean {
  return tok === Tok.Else || tok === Tok.ElseIf || tok === Tok.End || tok === Tok.Until || tok === Tok.Eof;
}

class Parser {
  private readonly lx: Lexer;
  private fs: FuncState;
  /** Syntax nesting level (ls->level). */
  private level = 0;
  /** Height of LuaJIT's variable stack: locals, gotos and labels of the open functions. */
  private vtop = 0;
  /** Set by statement() when the statement must end its block (return; break in 5.1). */
  private isLast = false;
  private readonly stmts = new Scratch<Statement>();
  private readonly exprs = new Scratch<Expression>();
  private readonly items = new Scratch<TableItem>();
  private readonly idents = new Scratch<Identifier>();
  private readonly targets = new Scratch<Identifier | IndexExpression>();
  private readonly clauses = new Scratch<IfClause>();

  constructor(source: string, skipShebang: boolean) {
    this.lx = new Lexer(source, skipShebang);
    this.fs = new FuncState(null, 0, 0);
  }

  parseMain(): Chunk {
    const lx = this.lx;
    const fs = this.fs;
    fs.isVararg = true; // The main chunk is always a vararg function.
    this.scopeBegin(0);
    lx.next();
    const body = this.chunk();
    if (lx.tok !== Tok.Eof) this.errorExpected(Tok.Eof);
    const lastLine = lx.linenumber;
    this.scopeEnd(); // resolves the main chunk's gotos and breaks
    const cdata = lx.cdataLiteral;
    if (cdata !== undefined) {
      // Valid LuaJIT, but tsresty has no FFI to make the cdata value with.
      throw new LuaSyntaxError(`FFI cdata literal not supported by tsresty near '${cdata.text}'`, cdata.line);
    }
    return { kind: "Chunk", body, lastLine };
  }

  // -- Errors ----------------------------------------------------------------------------

  /** An error about the current token: "msg near 'tok'" at the scanner's line (err_syntax). */
  private error(msg: string): never {
    const near = this.lx.nearText();
    throw new LuaSyntaxError(near === null ? msg : `${msg} near '${near}'`, this.lx.linenumber);
  }

  /** "'x' expected near ..." (err_token). */
  private errorExpected(tok: number): never {
    this.error(`'${tokenToString(tok)}' expected`);
  }

  /** An error LuaJIT reports without a token (lj_lex_error with token 0). */
  private errorAt(msg: string, line: number): never {
    throw new LuaSyntaxError(msg, line);
  }

  private errorLimit(limit: number, what: string, fs: FuncState = this.fs): never {
    const msg =
      fs.linedefined === 0
        ? `main function has more than ${limit} ${what}`
        : `function at line ${fs.linedefined} has more than ${limit} ${what}`;
    this.errorAt(msg, this.lx.linenumber);
  }

  // -- Token helpers ---------------------------------------------------------------------

  private check(tok: number): void {
    if (this.lx.tok !== tok) this.errorExpected(tok);
    this.lx.next();
  }

  private opt(tok: number): boolean {
    if (this.lx.tok === tok) {
      this.lx.next();
      return true;
    }
    return false;
  }

  /** Check for the closing token of a construct opened at `line` (lex_match). */
  private match(what: number, who: number, line: number): void {
    const lx = this.lx;
    if (lx.tok === what) {
      lx.next();
      return;
    }
    if (line === lx.linenumber) this.errorExpected(what);
    this.error(`'${tokenToString(what)}' expected (to close '${tokenToString(who)}' at line ${line})`);
  }

  /** A name (lex_str); `goto` is a name too in 5.1 mode. */
  private name(): string {
    const lx = this.lx;
    let s: string;
    if (lx.tok === Tok.Name) s = lx.tokStr;
    else if (lx.tok === Tok.Goto) s = "goto";
    else this.errorExpected(Tok.Name);
    lx.next();
    return s;
  }

  private identifier(): Identifier {
    const line = this.lx.linenumber;
    return { kind: "Identifier", line, name: this.name(), binding: undefined };
  }

  private stringKey(): StringLiteral {
    const line = this.lx.linenumber;
    return { kind: "String", line, value: this.name() };
  }

  private synBegin(): void {
    if (++this.level >= MAX_LEVEL) this.errorAt("chunk has too many syntax levels", this.lx.linenumber);
  }

  /**
   * The point where LuaJIT loads an expression's value into a register (expr_discharge): an
   * index read gets its line here, the line of the last token consumed so far.
   */
  private discharge(e: Expression): void {
    if (e.kind === "Index" && e.line === 0) (e as Mutable<IndexExpression>).line = this.lx.lastline;
  }

  // -- Variables, scopes, gotos (as lj_parse.c's var_*, fscope_*, gola_*) -------------

  /** Declare local `n` of a group being defined (var_new). */
  private varNew(n: number, name: string): void {
    const fs = this.fs;
    if (fs.nactvar + n >= MAX_LOCVAR) this.errorLimit(MAX_LOCVAR, "local variables");
    fs.varmap[fs.nactvar + n] = this.vtop;
    this.vstackPush();
    fs.actvars[fs.nactvar + n] = name;
  }

  /**
   * Resolve a name used in `fs` (var_lookup_): its variable stack index, or -1 for a global.
   * A local of an enclosing function becomes an upvalue of every function in between, which
   * is where LuaJIT's upvalue limit applies.
   */
  private varLookup(fs: FuncState, name: string): number {
    const actvars = fs.actvars;
    for (let i = fs.nactvar - 1; i >= 0; i--) {
      if (actvars[i] === name) {
        if (fs !== this.fs) {
          // An upvalue of an inner function: the scope declaring it must close it
          // (fscope_uvmark).
          let bl = fs.bl;
          while (bl !== null && bl.nactvar > i) bl = bl.prev;
          if (bl !== null) bl.flags |= SCOPE_UPVAL;
        }
        return fs.varmap[i]!;
      }
    }
    const prev = fs.prev;
    if (prev === null) return -1;
    const vidx = this.varLookup(prev, name);
    if (vidx >= 0) {
      const upvalues = fs.upvalues;
      if (!upvalues.includes(vidx)) {
        if (upvalues.length >= MAX_UPVAL) this.errorLimit(MAX_UPVAL, "upvalues", fs);
        upvalues.push(vidx);
      }
    }
    return vidx;
  }

  /** A name used as a variable (not declared): resolved as LuaJIT resolves it. */
  private variable(): Identifier {
    const id = this.identifier();
    this.varLookup(this.fs, id.name);
    return id;
  }

  /** Activate the next `n` declared locals (var_add). */
  private varAdd(n: number): void {
    this.fs.nactvar += n;
  }

  private vstackPush(): void {
    if (this.vtop >= MAX_VSTACK) this.errorAt(`chunk has more than ${MAX_VSTACK} local variables`, this.lx.linenumber);
    this.vtop++;
  }

  private golaNew(name: string, isGoto: boolean, line: number): number {
    const fs = this.fs;
    this.vstackPush();
    fs.gola.push({ name, isGoto, slot: fs.nactvar, line });
    return fs.gola.length - 1;
  }

  private scopeBegin(flags: number): void {
    const fs = this.fs;
    fs.bl = { prev: fs.bl, nactvar: fs.nactvar, flags, vstart: fs.gola.length };
  }

  /** End the current scope (fscope_end): resolve breaks of a loop, move gotos outwards. */
  private scopeEnd(): void {
    const fs = this.fs;
    const bl = fs.bl!;
    fs.bl = bl.prev;
    fs.nactvar = bl.nactvar;
    if ((bl.flags & SCOPE_UPVAL) !== 0) fs.ucloLine = this.lx.lastline;
    if ((bl.flags & SCOPE_BREAK) !== 0) {
      if ((bl.flags & SCOPE_LOOP) !== 0) {
        // The loop's exit is a label for the breaks; LuaJIT pushes it (and checks the stack
        // limit) and drops it at once.
        this.vstackPush();
        this.vtop--;
        const gola = fs.gola;
        for (let i = bl.vstart; i < gola.length; i++) {
          const g = gola[i]!;
          if (g.isGoto && g.name === BREAK_NAME) g.name = null;
        }
      } else {
        this.golaFixup(bl);
        return;
      }
    }
    if ((bl.flags & SCOPE_GOLA) !== 0) this.golaFixup(bl);
  }

  /** Resolve the pending forward gotos to the label at `idx` (gola_resolve). */
  private golaResolve(bl: FuncScope, idx: number): void {
    const fs = this.fs;
    const gola = fs.gola;
    const label = gola[idx]!;
    for (let i = bl.vstart; i < idx; i++) {
      const g = gola[i]!;
      if (g.isGoto && g.name === label.name) {
        if (g.slot < label.slot) {
          this.errorAt(`<goto ${g.name}> jumps into the scope of local '${fs.actvars[g.slot]}'`, g.line);
        }
        g.name = null;
      }
    }
  }

  /** At the end of a scope: close its labels, pass its pending gotos outwards (gola_fixup). */
  private golaFixup(bl: FuncScope): void {
    const gola = this.fs.gola;
    const end = gola.length;
    for (let i = bl.vstart; i < end; i++) {
      const v = gola[i]!;
      const name = v.name;
      if (name === null) continue;
      if (!v.isGoto) {
        v.name = null; // the label goes out of scope
        for (let j = i + 1; j < end; j++) {
          const g = gola[j]!;
          if (g.isGoto && g.name === name) g.name = null; // a backward goto to it
        }
      } else if (bl.prev !== null) {
        bl.prev.flags |= name === BREAK_NAME ? SCOPE_BREAK : SCOPE_GOLA;
        v.slot = bl.nactvar;
      } else if (name === BREAK_NAME) {
        this.errorAt("no loop to break", v.line);
      } else {
        this.errorAt(`undefined label '${name}'`, v.line);
      }
    }
  }

  /** A label of the current scope (gola_findlabel). */
  private findLabel(name: string): boolean {
    const fs = this.fs;
    const gola = fs.gola;
    for (let i = fs.bl!.vstart; i < gola.length; i++) {
      const g = gola[i]!;
      if (!g.isGoto && g.name === name) return true;
    }
    return false;
  }

  // -- Blocks and statements ---------------------------------------------------------

  /** Statements up to the end of a block (parse_chunk). */
  private chunk(): Block {
    const lx = this.lx;
    this.synBegin();
    const base = this.stmts.top;
    this.isLast = false;
    while (!isBlockEnd(lx.tok)) {
      this.statement();
      if (lx.tok === 59) lx.next(); // ';'
      if (this.isLast) break;
    }
    this.isLast = false;
    this.level--;
    return this.stmts.take(base);
  }

  private block(): Block {
    this.scopeBegin(0);
    const body = this.chunk();
    this.scopeEnd();
    return body;
  }

  private push(stmt: Statement): void {
    this.stmts.push(stmt);
  }

  /** One statement (parse_stmt), pushed on the statement stack; labels may push several. */
  private statement(): void {
    // Every statement but `do` emits an instruction (or makes a jump target) first and last,
    // so only a `do` block can leave a UCLO last for the next statement (see ucloLine).
    const fs = this.fs;
    const ucloLine = fs.ucloLine;
    if (this.lx.tok === Tok.Do) {
      this.dispatch(ucloLine);
    } else {
      fs.ucloLine = 0;
      this.dispatch(ucloLine);
      fs.ucloLine = 0;
    }
  }

  private dispatch(ucloLine: number): void {
    const lx = this.lx;
    const fs = this.fs;
    const line = lx.linenumber;
    switch (lx.tok) {
      case Tok.If:
        this.push(this.ifStatement(line));
        return;
      case Tok.While:
        this.push(this.whileStatement(line));
        return;
      case Tok.Do: {
        lx.next();
        const block = this.block();
        this.match(Tok.End, Tok.Do, line);
        this.push({ kind: "Do", line, body: block });
        return;
      }
      case Tok.For:
        this.push(this.forStatement(line));
        return;
      case Tok.Repeat:
        this.push(this.repeatStatement(line));
        return;
      case Tok.Function:
        this.push(this.functionStatement(line));
        return;
      case Tok.Local:
        lx.next();
        this.push(this.localStatement(line));
        return;
      case Tok.Return:
        this.push(this.returnStatement(line));
        this.isLast = true;
        return;
      case Tok.Break: {
        lx.next();
        fs.bl!.flags |= SCOPE_BREAK;
        this.golaNew(BREAK_NAME, true, ucloLine !== 0 ? ucloLine : lx.lastline);
        this.push({ kind: "Break", line });
        this.isLast = true; // Lua 5.1: break must be the last statement of its block
        return;
      }
      case Tok.Label:
        this.labelStatement();
        return;
      case Tok.Goto:
        if (lx.lookahead() === Tok.Name) {
          lx.next();
          const label = this.name();
          // A goto back to a label of its block emits a LOOP first, so it reuses no UCLO.
          const jumpLine = ucloLine !== 0 && !this.findLabel(label) ? ucloLine : lx.lastline;
          fs.bl!.flags |= SCOPE_GOLA;
          this.golaNew(label, true, jumpLine);
          this.push({ kind: "Goto", line, label });
          return;
        }
        break; // `goto` used as a name
      default:
        break;
    }
    this.push(this.callOrAssignment());
  }

  private ifStatement(line: number): Statement {
    const lx = this.lx;
    const clauses = this.clauses;
    const base = clauses.top;
    let clauseLine = line;
    for (;;) {
      lx.next(); // skip 'if' or 'elseif'
      const cond = this.expr();
      this.discharge(cond);
      this.check(Tok.Then);
      const body = this.block();
      clauses.push({ cond, body, line: clauseLine });
      if (lx.tok !== Tok.ElseIf) break;
      clauseLine = lx.linenumber;
    }
    let orelse: Block | undefined;
    if (lx.tok === Tok.Else) {
      lx.next();
      orelse = this.block();
    }
    this.match(Tok.End, Tok.If, line);
    return { kind: "If", line, clauses: clauses.take(base), orelse };
  }

  private whileStatement(line: number): Statement {
    const lx = this.lx;
    lx.next();
    const cond = this.expr();
    this.discharge(cond);
    this.scopeBegin(SCOPE_LOOP);
    this.check(Tok.Do);
    const body = this.block();
    this.match(Tok.End, Tok.While, line);
    this.scopeEnd();
    return { kind: "While", line, cond, body };
  }

  private repeatStatement(line: number): Statement {
    const lx = this.lx;
    this.scopeBegin(SCOPE_LOOP); // breakable loop scope
    this.scopeBegin(0); // inner scope: the condition sees the body's locals
    lx.next();
    const body = this.chunk();
    this.match(Tok.Until, Tok.Repeat, line);
    const cond = this.expr();
    this.discharge(cond);
    this.scopeEnd();
    this.scopeEnd();
    return { kind: "Repeat", line, body, cond };
  }

  private forStatement(line: number): Statement {
    const lx = this.lx;
    this.scopeBegin(SCOPE_LOOP);
    lx.next();
    const first = this.identifier();
    let stmt: Statement;
    if (lx.tok === 61) {
      stmt = this.numericFor(first);
    } else if (lx.tok === 44 || lx.tok === Tok.In) {
      stmt = this.genericFor(first);
    } else {
      this.error("'=' or 'in' expected");
    }
    this.match(Tok.End, Tok.For, line);
    this.scopeEnd();
    return stmt;
  }

  private numericFor(v: Identifier): Statement {
    // Three hidden control variables, then the visible one, as LuaJIT allocates them.
    this.varNew(0, "(for index)");
    this.varNew(1, "(for limit)");
    this.varNew(2, "(for step)");
    this.varNew(3, v.name);
    this.check(61);
    const start = this.expr();
    this.discharge(start);
    this.check(44);
    const limit = this.expr();
    this.discharge(limit);
    let step: Expression | undefined;
    if (this.opt(44)) {
      step = this.expr();
      this.discharge(step);
    }
    this.varAdd(3);
    this.check(Tok.Do);
    const line = this.lx.lastline; // FORI: where the loop values are checked
    this.scopeBegin(0);
    this.varAdd(1);
    const body = this.block();
    this.scopeEnd();
    return { kind: "NumericFor", line, var: v, start, limit, step, body };
  }

  private genericFor(first: Identifier): Statement {
    const lx = this.lx;
    this.varNew(0, "(for generator)");
    this.varNew(1, "(for state)");
    this.varNew(2, "(for control)");
    this.varNew(3, first.name);
    const idents = this.idents;
    const base = idents.top;
    idents.push(first);
    let nvars = 4;
    while (this.opt(44)) {
      const id = this.identifier();
      this.varNew(nvars++, id.name);
      idents.push(id);
    }
    const names = idents.take(base);
    this.check(Tok.In);
    const line = lx.linenumber; // the iterator call's line
    const exprs = this.exprList();
    this.discharge(exprs[exprs.length - 1]!);
    this.varAdd(3);
    this.check(Tok.Do);
    this.scopeBegin(0);
    this.varAdd(nvars - 3);
    const body = this.block();
    this.scopeEnd();
    return { kind: "GenericFor", line, names, exprs, body };
  }

  private functionStatement(line: number): Statement {
    const lx = this.lx;
    lx.next(); // skip 'function'
    const base = this.variable();
    let target: Identifier | IndexExpression = base;
    let name = base.name;
    while (lx.tok === 46) {
      this.discharge(target);
      lx.next();
      const key = this.stringKey();
      name += "." + key.value;
      target = { kind: "Index", line: 0, obj: target, key, dot: true };
    }
    let isMethod = false;
    if (lx.tok === 58) {
      isMethod = true;
      this.discharge(target);
      lx.next();
      const key = this.stringKey();
      name += ":" + key.value;
      target = { kind: "Index", line: 0, obj: target, key, dot: true };
    }
    const func = this.functionBody(isMethod, line, name);
    // LuaJIT gives the store the `function` keyword's line.
    if (target.kind === "Index") (target as Mutable<IndexExpression>).line = line;
    return { kind: "FunctionDecl", line, target, isMethod, func };
  }

  private localStatement(line: number): Statement {
    const lx = this.lx;
    if (this.opt(Tok.Function)) {
      const id = this.identifier();
      this.varNew(0, id.name);
      this.varAdd(1); // the function can see itself
      const func = this.functionBody(false, lx.linenumber, id.name);
      return { kind: "LocalFunction", line, name: id, func };
    }
    const idents = this.idents;
    const base = idents.top;
    let nvars = 0;
    do {
      const id = this.identifier();
      this.varNew(nvars++, id.name);
      idents.push(id);
    } while (this.opt(44));
    const names = idents.take(base);
    let init: Expression[];
    if (this.opt(61)) {
      init = this.exprList();
      this.discharge(init[init.length - 1]!);
    } else {
      init = [];
    }
    this.varAdd(nvars);
    return { kind: "Local", line, names, init };
  }

  private returnStatement(line: number): Statement {
    const lx = this.lx;
    lx.next();
    let args: Expression[];
    if (isBlockEnd(lx.tok) || lx.tok === 59) {
      args = [];
    } else {
      args = this.exprList();
      const last = args[args.length - 1]!;
      this.discharge(last);
      if (args.length === 1 && (last.kind === "Call" || last.kind === "MethodCall")) {
        // A tail call: LuaJIT re-emits it here, at the line of its last token.
        (last as Mutable<CallExpression | MethodCallExpression>).line = lx.lastline;
      }
    }
    return { kind: "Return", line, args };
  }

  /** `::name::` and the labels right after it (parse_label). */
  private labelStatement(): void {
    const lx = this.lx;
    const fs = this.fs;
    const line = lx.linenumber;
    fs.bl!.flags |= SCOPE_GOLA;
    lx.next(); // skip '::'
    const name = this.name();
    if (this.findLabel(name)) this.errorAt(`duplicate label '${name}'`, lx.linenumber);
    const idx = this.golaNew(name, false, line);
    this.check(Tok.Label);
    this.push({ kind: "Label", line, name });
    while (lx.tok === Tok.Label) {
      this.synBegin();
      this.labelStatement();
      this.level--;
    }
    // A label at the end of its block is outside the scope of the block's locals (but the
    // condition of repeat-until still sees them).
    if (isBlockEnd(lx.tok) && lx.tok !== Tok.Until) fs.gola[idx]!.slot = fs.bl!.nactvar;
    this.golaResolve(fs.bl!, idx);
  }

  /** A call statement or an assignment (parse_call_assign, parse_assignment). */
  private callOrAssignment(): Statement {
    const lx = this.lx;
    const first = this.primaryExpr();
    if (first.kind === "Call" || first.kind === "MethodCall") {
      return { kind: "CallStatement", line: first.line, call: first };
    }
    const stack = this.targets;
    const base = stack.top;
    let target: Expression = first;
    let nvars = 1;
    for (;;) {
      if (target.kind !== "Identifier" && target.kind !== "Index") this.error("syntax error");
      stack.push(target);
      if (!this.opt(44)) break;
      target = this.primaryExpr();
      if (this.level + nvars >= MAX_LEVEL) this.errorLimit(MAX_LEVEL, "variable names");
      nvars++;
    }
    const targets = stack.take(base);
    this.check(61);
    const init = this.exprList();
    this.discharge(init[init.length - 1]!);
    // The stores come after the whole right-hand side.
    const storeLine = lx.lastline;
    for (const t of targets) {
      if (t.kind === "Index") (t as Mutable<IndexExpression>).line = storeLine;
    }
    return { kind: "Assign", line: storeLine, targets, init };
  }

  // -- Functions ---------------------------------------------------------------------

  /** Parameters and body of a function (parse_body); `line` is its linedefined. */
  private functionBody(needSelf: boolean, line: number, name: string | undefined): FunctionExpression {
    const lx = this.lx;
    const pfs = this.fs;
    const fs = new FuncState(pfs, line, this.vtop);
    this.fs = fs;
    this.scopeBegin(0);
    const params = this.parameters(needSelf);
    const body = this.chunk();
    if (lx.tok !== Tok.End) this.match(Tok.End, Tok.Function, line);
    const endLine = lx.linenumber;
    this.scopeEnd(); // pending gotos and breaks are errors now
    this.vtop = fs.vbase;
    this.fs = pfs;
    lx.next();
    return { kind: "Function", line, endLine, params, isVararg: fs.isVararg, body, name };
  }

  private parameters(needSelf: boolean): Identifier[] {
    const lx = this.lx;
    const fs = this.fs;
    this.check(40);
    const idents = this.idents;
    const base = idents.top;
    let n = 0;
    if (needSelf) {
      this.varNew(n++, "self");
      idents.push({ kind: "Identifier", line: lx.linenumber, name: "self", binding: undefined });
    }
    if (lx.tok !== 41) {
      do {
        if (lx.tok === Tok.Name || lx.tok === Tok.Goto) {
          const id = this.identifier();
          this.varNew(n++, id.name);
          idents.push(id);
        } else if (lx.tok === Tok.Dots) {
          lx.next();
          fs.isVararg = true;
          break;
        } else {
          this.error("<name> or '...' expected");
        }
      } while (this.opt(44));
    }
    this.varAdd(n);
    this.check(41);
    return idents.take(base);
  }

  // -- Expressions -------------------------------------------------------------------

  private expr(): Expression {
    return this.binaryExpr(0);
  }

  /** expr, expr, ...; each but the last is loaded when the `,` after it is consumed. */
  private exprList(): Expression[] {
    const lx = this.lx;
    let e = this.expr();
    if (lx.tok !== 44) return [e];
    const exprs = this.exprs;
    const base = exprs.top;
    exprs.push(e);
    while (lx.tok === 44) {
      lx.next();
      this.discharge(e);
      e = this.expr();
      exprs.push(e);
    }
    return exprs.take(base);
  }

  /** Binary operators of priority above `limit` (expr_binop). */
  private binaryExpr(limit: number): Expression {
    const lx = this.lx;
    this.synBegin();
    let left = this.unaryExpr();
    let op = TOKEN_BINOP[lx.tok]!;
    while (op >= 0 && LEFT_PRIORITY[op]! > limit) {
      lx.next();
      this.discharge(left);
      const right = this.binaryExpr(RIGHT_PRIORITY[op]!);
      this.discharge(right);
      const line = lx.lastline;
      if (op >= OPR_AND) {
        left = { kind: "Logical", line, op: op === OPR_AND ? "and" : "or", left, right };
      } else {
        left = { kind: "Binary", line, op: BINOP_OPS[op]!, left, right };
      }
      op = TOKEN_BINOP[lx.tok]!;
    }
    this.level--;
    return left;
  }

  private unaryExpr(): Expression {
    const lx = this.lx;
    const tok = lx.tok;
    let op: "not" | "-" | "#";
    if (tok === Tok.Not) op = "not";
    else if (tok === 45) op = "-";
    else if (tok === 35) op = "#";
    else return this.simpleExpr();
    lx.next();
    const arg = this.binaryExpr(UNARY_PRIORITY);
    this.discharge(arg);
    return { kind: "Unary", line: lx.lastline, op, arg };
  }

  private simpleExpr(): Expression {
    const lx = this.lx;
    const line = lx.linenumber;
    let e: Expression;
    switch (lx.tok) {
      case Tok.Number:
        e = { kind: "Number", line, value: lx.tokNum };
        break;
      case Tok.String:
        e = { kind: "String", line, value: lx.tokStr };
        break;
      case Tok.Nil:
        e = { kind: "Nil", line };
        break;
      case Tok.True:
        e = { kind: "Boolean", line, value: true };
        break;
      case Tok.False:
        e = { kind: "Boolean", line, value: false };
        break;
      case Tok.Dots:
        if (!this.fs.isVararg) this.error("cannot use '...' outside a vararg function");
        e = { kind: "Vararg", line };
        break;
      case 123:
        return this.tableConstructor();
      case Tok.Function:
        lx.next();
        return this.functionBody(false, lx.linenumber, undefined);
      default:
        return this.primaryExpr();
    }
    lx.next();
    return e;
  }

  /** A name or parenthesized expression with its suffixes (expr_primary). */
  private primaryExpr(): Expression {
    const lx = this.lx;
    let e: Expression;
    if (lx.tok === 40) {
      const line = lx.linenumber;
      lx.next();
      const inner = this.expr();
      this.match(41, 40, line);
      this.discharge(inner);
      e = { kind: "Paren", line, expr: inner };
    } else if (lx.tok === Tok.Name || lx.tok === Tok.Goto) {
      e = this.variable();
    } else {
      this.error("unexpected symbol");
    }
    for (;;) {
      // (A cast: TS would keep lx.tok narrowed from the tests above across the calls.)
      switch (lx.tok as number) {
        case 46: {
          // .name
          this.discharge(e);
          lx.next();
          const key = this.stringKey();
          e = { kind: "Index", line: 0, obj: e, key, dot: true };
          break;
        }
        case 91: {
          // [expr]
          this.discharge(e);
          const key = this.bracketKey();
          e = { kind: "Index", line: 0, obj: e, key, dot: false };
          break;
        }
        case 58: {
          // :name args
          lx.next();
          const method = this.name();
          this.discharge(e); // LuaJIT looks the method up here
          const nameLine = lx.lastline;
          const line = lx.linenumber;
          const args = this.callArgs(line);
          e = { kind: "MethodCall", line, obj: e, method, args, nameLine };
          break;
        }
        case 40:
        case Tok.String:
        case 123: {
          this.discharge(e);
          const line = lx.linenumber;
          const args = this.callArgs(line);
          e = { kind: "Call", line, callee: e, args };
          break;
        }
        default:
          return e;
      }
    }
  }

  /** `[expr]`, for an index or a table key (expr_bracket). */
  private bracketKey(): Expression {
    this.lx.next();
    const key = this.expr();
    this.discharge(key);
    this.check(93);
    return key;
  }

  /** Call arguments: `(...)`, a string or a table (parse_args). */
  private callArgs(line: number): Expression[] {
    const lx = this.lx;
    switch (lx.tok) {
      case 40: {
        if (line !== lx.lastline) this.error("ambiguous syntax (function call x new statement)");
        lx.next();
        let args: Expression[];
        if ((lx.tok as number) === 41) {
          args = [];
        } else {
          args = this.exprList();
        }
        this.match(41, 40, line);
        if (args.length !== 0) this.discharge(args[args.length - 1]!);
        return args;
      }
      case 123:
        return [this.tableConstructor()];
      case Tok.String: {
        const arg: StringLiteral = { kind: "String", line: lx.linenumber, value: lx.tokStr };
        lx.next();
        return [arg];
      }
      default:
        this.error("function arguments expected");
    }
  }

  /** `{ ... }` (expr_table). */
  private tableConstructor(): Expression {
    const lx = this.lx;
    const line = lx.linenumber;
    this.check(123);
    const items = this.items;
    const base = items.top;
    while (lx.tok !== 125) {
      if (lx.tok === 91) {
        const key = this.bracketKey();
        this.check(61);
        const value = this.expr();
        this.discharge(value);
        items.push({ kind: "Keyed", key, value });
      } else if ((lx.tok === Tok.Name || lx.tok === Tok.Goto) && lx.lookahead() === 61) {
        const name = this.name();
        this.check(61);
        const value = this.expr();
        this.discharge(value);
        items.push({ kind: "Named", name, value });
      } else {
        const value = this.expr();
        this.discharge(value);
        items.push({ kind: "Positional", value });
      }
      if (lx.tok === 44 || lx.tok === 59) lx.next();
      else break;
    }
    this.match(125, 123, line);
    return { kind: "Table", line, items: items.take(base) };
  }
}
