// Pass 3 of the compiler: Lua AST -> JavaScript source.
//
// Every Lua function becomes a plain JS function, and also a generator function when it
// may suspend (see resolve.ts); both are attached by $mkfn. Plain bodies call plain forms;
// generator bodies call `yield* f.$g(...)` when the callee has one. Locals are JS `let`s,
// numbers JS doubles; operators inline their number/string fast path and call the
// runtime (ops.ts, prims.ts) otherwise. The output carries line markers that the writer
// turns into line breaks, so that a JS stack line maps back to the Lua line.
import type * as A from "../syntax/ast.js";
import { isMulti, type FunctionInfo, type Resolution, type VarInfo } from "./resolve.js";
import { CodeWriter, hasMarker, marker, siteMarker } from "./writer.js";

/** Lua names usable after a JS `.` (every Lua name is; the check keeps the emitter honest). */
const JS_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Expressions whose value is never nil (a table field they give is always a key). */
const NEVER_NIL: ReadonlySet<string> = new Set(["Number", "String", "Boolean", "Function", "Table"]);

/** The runtime names the generated module binds (exported by runtime/prims.ts and ops.ts). */
export const RUNTIME_NAMES = [
  "getS", "get", "setS", "set", "fn", "one", "many", "NONE", "truthy", "tbl", "tblk", "tbls", "SPC", "forNum", "iter", "mkfn",
  "add", "sub", "mul", "div", "mod", "pow", "unm", "concat", "eq", "lt", "le", "len", "luaMod", "PENDING", "runPending", "noPlain",
  "coYield", "yieldValues",
] as const;

/**
 * The generated module's names for the runtime's bindings: `$name`, or shorter for those
 * repeated at every suspension check of a generator body.
 */
const LOCAL_NAME: Readonly<Partial<Record<(typeof RUNTIME_NAMES)[number], string>>> = { PENDING: "$Pd", runPending: "$rp" };

interface FnCtx {
  readonly info: FunctionInfo;
  readonly gen: boolean;
  /** Temps in use ($1..$temps): a statement's are free again once it is emitted. */
  temps: number;
  /** The most temps in use at once: the body declares that many. */
  maxTemps: number;
  /** Enclosing Lua loops' JS labels (innermost last); a label is only named when goto wrappers intervene. */
  readonly loops: { label: string }[];
  /** Visible goto labels, innermost block last. */
  readonly labels: LabelScope[];
  hasVararg: boolean;
  /** JS expression for the running Lua function (its plain form), which holds its environment. */
  readonly self: string;
  /** The body starts with `const $F = self` (when it names its environment often enough to gain). */
  readonly alias: boolean;
  /** The body reads its environment through $F. */
  usesEnv: boolean;
  /** The body checks an operator helper's result for PENDING (through the temp `$t`). */
  usesT: boolean;
}

interface LabelScope {
  /** Label name -> the JS statement that jumps to it. */
  readonly names: Map<string, { index: number; jump: string }>;
  current: number;
}

/**
 * Which forms the main chunk gets. Where a chunk runs fixes how it is called: `tsresty run`,
 * require and dofile call it plain (a require is a C-call boundary in LuaJIT too), a request
 * handler always runs it suspendable, and only load()/loadstring() results may be called
 * either way. Every nested function sits inside the main chunk, so one form halves the code.
 */
export type MainForms = "plain" | "suspendable" | "both";

export interface EmitOptions {
  /** Chunk name for the generated function's comments. */
  readonly chunkname: string;
  readonly main?: MainForms;
}

export function emitChunk(chunk: A.Chunk, res: Resolution, opts: EmitOptions): { code: string; luaLine: Int32Array; methodSites: Set<number> } {
  return new Emitter(res, opts.main ?? "both").chunk(chunk);
}

const LIT = new Set(["Nil", "Boolean", "Number", "String"]);

class Emitter {
  private protos: string[] = [];
  private protoIndex = new Map<A.FunctionExpression | A.Chunk, number>();
  /** Each body's reference (see CodeWriter.body), by proto and form. */
  private bodyCache = new Map<string, string>();
  private readonly writer = new CodeWriter();
  /** Operand descriptions (quoted JS strings) -> the constants that hold them: `$D3`. */
  private descs = new Map<string, string>();
  private labelCounter = 0;
  /** Line of the statement being emitted: operations on it need no marker of their own. */
  private stmtLine = 0;

  /**
   * An operator helper call `$name(args)`; in a suspendable body it passes g=1 and runs a
   * metamethod that must suspend (see ops.ts, PENDING).
   */
  private op(ctx: FnCtx, m: string, name: string, args: string, ...descs: string[]): string {
    if (!ctx.gen) return `${m}$${name}(${args}${trailing(descs)})`;
    // One temp serves every such check of the body: it is read right after it is set.
    ctx.usesT = true;
    return `(($t = ${m}$${name}(${args}, ${descs.join(", ")}, 1)) === $Pd ? yield* $rp() : $t)`;
  }

  /** A line marker for an operation, unless it is on its statement's line. */
  private mk(line: number): string {
    return line === this.stmtLine ? "" : marker(line);
  }

  constructor(private readonly res: Resolution, private readonly mainForms: MainForms) {}

  chunk(chunk: A.Chunk): { code: string; luaLine: Int32Array; methodSites: Set<number> } {
    const info = this.res.functions.get(chunk)!;
    const main = this.functionValue(chunk, info, [], true, "$main", chunk.lastLine, "$env");
    const head =
      `(function ($rt, $env, $meta) {\n"use strict";\n` +
      `const { ${RUNTIME_NAMES.map((n) => `${n}: ${LOCAL_NAME[n] ?? "$" + n}`).join(", ")} } = $rt;\n` +
      `const $C = { source: $meta.source, shortSrc: $meta.shortSrc };\n` +
      this.protos.map((p, i) => `const $P${i} = ${p};\n`).join("") +
      (this.descs.size > 0 ? `const ${[...this.descs].map(([text, name]) => `${name} = ${text}`).join(", ")};\n` : "") +
      `$meta.protos = [${this.protos.map((_, i) => `$P${i}`).join(", ")}];\n` +
      `return `;
    const w = this.writer;
    w.raw(head);
    w.text(main);
    w.raw(";\n})");
    return w.finish();
  }

  // ------------------------------------------------------------------ functions

  private proto(node: A.FunctionExpression | A.Chunk, nparams: number, isVararg: boolean, endLine: number): number {
    let i = this.protoIndex.get(node);
    if (i === undefined) {
      i = this.protos.length;
      const name = node.kind === "Function" ? node.name : undefined;
      const line = node.kind === "Function" ? node.line : 0;
      this.protos.push(
        `{ name: ${name === undefined ? "undefined" : JSON.stringify(name)}, line: ${line}, endLine: ${endLine}, ` +
          `nparams: ${nparams}, isVararg: ${isVararg}, chunk: $C }`,
      );
      this.protoIndex.set(node, i);
    }
    return i;
  }

  /** `$mkfn(function name(params) {...}, function* name$g(params) {...} | undefined, $Pn)` */
  private functionValue(
    node: A.FunctionExpression | A.Chunk,
    info: FunctionInfo,
    params: A.Identifier[],
    isVararg: boolean,
    jsName: string,
    endLine: number,
    creatorEnv: string,
  ): string {
    const p = this.proto(node, params.length, isVararg, endLine);
    // The proto index in the JS name lets a stack frame find its function (callstack.ts).
    jsName = `${jsName}$${p}`;
    const body = node.kind === "Chunk" ? node.body : node.body;
    const paramList = params.map((id) => this.res.vars.get(id)!.js);
    if (isVararg) paramList.push("...$va");
    const plist = paramList.join(", ");
    // Each closure has its own environment (setfenv), inherited from its creator as in Lua
    // 5.1; a body reads it through its own function (`$F`: the generator form's is its $f).
    const main = node.kind === "Chunk";
    const wantPlain = !main || this.mainForms !== "suspendable";
    const wantGen = info.maySuspend && (!main || this.mainForms !== "plain");
    const plain = wantPlain
      ? `function ${jsName}(${plist}) {${this.functionBody(node, info, body, false, jsName)}}`
      : // A suspendable-only main chunk: its plain form only reports that it cannot run plain.
        `function ${jsName}() { return $noPlain(); }`;
    const gen = wantGen
      ? `function* ${jsName}$g(${plist}) {${this.functionBody(node, info, body, true, `${jsName}$g.$f`)}}`
      : main && this.mainForms === "suspendable"
        ? `function* ${jsName}$g(${plist}) {${this.functionBody(node, info, body, false, `${jsName}$g.$f`)}}`
        : "undefined";
    return `$mkfn(${plain}, ${gen}, $P${p}, ${creatorEnv})`;
  }

  private functionBody(node: A.FunctionExpression | A.Chunk, info: FunctionInfo, body: A.Block, gen: boolean, self: string): string {
    const key = `${this.protoIndex.get(node)}:${gen}`;
    const cached = this.bodyCache.get(key);
    if (cached !== undefined) return cached;
    const ctx: FnCtx = { info, gen, temps: 0, maxTemps: 0, loops: [], labels: [], hasVararg: node.kind === "Chunk" || node.isVararg, self, alias: info.envUses * (self.length - 2) > self.length + 12, usesEnv: false, usesT: false };
    const code = this.block(body, ctx);
    let temps = ctx.usesT ? "$t" : "";
    for (let i = 1; i <= ctx.maxTemps; i++) temps += temps === "" ? `$${i}` : `, $${i}`;
    if (temps !== "") temps = `let ${temps};`;
    const last = body[body.length - 1];
    const tail = last !== undefined && last.kind === "Return" ? "" : "return $NONE;";
    // The function in a const when the body names its environment often: globals read
    // `$F.$env` each time (setfenv may change it), a shorter text than the function's name.
    // The writer keeps the text; the parent's holds a reference to it.
    const out = this.writer.body(`${ctx.usesEnv ? `const $F = ${self};` : ""}${temps}${code}${tail}`);
    this.bodyCache.set(key, out);
    return out;
  }

  /** The running function's environment (its globals table). */
  private env(ctx: FnCtx): string {
    if (!ctx.alias) return `${ctx.self}.$env`;
    ctx.usesEnv = true;
    return "$F.$env";
  }

  private temp(ctx: FnCtx): string {
    if (++ctx.temps > ctx.maxTemps) ctx.maxTemps = ctx.temps;
    return `$${ctx.temps}`;
  }

  /**
   * The body's one scratch temp, `$t`, for a value that is read right after it is set, with
   * nothing evaluated in between (a global's environment, a field's object, a metatable's
   * __index, a logical operand, an operator's result). Nesting is safe: an inner use is over
   * before the outer assignment. Fewer temps make shorter text and smaller frames.
   */
  private scratch(ctx: FnCtx): string {
    ctx.usesT = true;
    return "$t";
  }

  // ------------------------------------------------------------------ statements

  private block(body: A.Block, ctx: FnCtx): string {
    const labelled = body.some((s) => s.kind === "Label");
    if (!labelled) {
      // Concatenation, not join: V8 keeps the pieces as a rope, flattened once by the writer
      // (a join would copy the text again at every level of nesting).
      let out = "";
      for (const s of body) out += this.statement(s, ctx);
      return out;
    }
    return this.labelledBlock(body, ctx);
  }

  /**
   * A block with goto labels. The common case, one label at the end of the block (the
   * `goto continue` idiom), becomes `$fN: { ... }` and each goto `break $fN`. Any other
   * shape becomes a state machine: `for (;;) { switch (st) { case 0: ... case 1: ... } break; }`
   * where each label starts a case and a goto sets the state and continues the loop.
   * Locals declared at this level are hoisted above it, so later statements still see them.
   */
  private labelledBlock(body: A.Block, ctx: FnCtx): string {
    const scope: LabelScope = { names: new Map(), current: 0 };
    const labels = body.flatMap((s, i) => (s.kind === "Label" ? [{ name: s.name, index: i }] : []));
    const n = this.labelCounter++;
    const only = labels.length === 1 ? labels[0]! : undefined;
    const trailing = only !== undefined && body.slice(only.index + 1).every((s) => s.kind === "Label");
    // Segments are the statements between labels. A local declared in one segment and used
    // in a later one is hoisted above the construct; the others stay `let` inside their
    // case block, fresh each time a backward goto re-enters it (closures see new locals).
    const bounds = [0, ...labels.map((l) => l.index), body.length];
    const hoist = new Set<VarInfo>();
    if (!trailing) {
      for (let k = 0; k + 1 < bounds.length; k++) {
        const later = referencedVars(body.slice(bounds[k + 1]), this.res);
        for (const st of body.slice(bounds[k], bounds[k + 1])) {
          const ids = st.kind === "Local" ? st.names : st.kind === "LocalFunction" ? [st.name] : [];
          for (const id of ids) {
            const v = this.res.vars.get(id)!;
            if (later.has(v)) hoist.add(v);
          }
        }
      }
    }
    const emitRange = (from: number, to: number): string => {
      let out = "";
      for (let i = from; i < to; i++) {
        scope.current = i;
        const s = body[i]!;
        if (s.kind === "Label") continue;
        if (s.kind === "Local" || s.kind === "LocalFunction") {
          const ids = s.kind === "Local" ? s.names : [s.name];
          out += this.statement(s, ctx, ids.some((id) => hoist.has(this.res.vars.get(id)!)));
        } else {
          out += this.statement(s, ctx);
        }
      }
      return out;
    };
    let code: string;
    ctx.labels.push(scope);
    if (only !== undefined && trailing) {
      const lbl = `$f${n}`;
      scope.names.set(only.name, { index: only.index, jump: `break ${lbl};` });
      code = `${lbl}: {${emitRange(0, only.index)}}`;
    } else {
      const st = this.temp(ctx);
      const top = `$d${n}`;
      labels.forEach((l, k) => scope.names.set(l.name, { index: l.index, jump: `{${st} = ${k + 1}; continue ${top};}` }));
      let cases = `case 0: {${emitRange(0, labels[0]!.index)}}`;
      labels.forEach((l, k) => {
        const next = labels[k + 1];
        cases += `case ${k + 1}: {${emitRange(l.index + 1, next === undefined ? body.length : next.index)}}`;
      });
      code = `${st} = 0; ${top}: for (;;) { switch (${st}) { ${cases} } break; }`;
    }
    ctx.labels.pop();
    // A declaration that mixes hoisted and local names is hoisted whole.
    const names = new Set<string>();
    for (const st of body) {
      if (st.kind !== "Local" && st.kind !== "LocalFunction") continue;
      const ids = st.kind === "Local" ? st.names : [st.name];
      if (ids.some((id) => hoist.has(this.res.vars.get(id)!))) for (const id of ids) names.add(this.res.vars.get(id)!.js);
    }
    return (names.size > 0 ? `let ${[...names].join(", ")};` : "") + code;
  }

  /**
   * A statement. Its temps are dead once it has run, so the next statement reuses them; the
   * temps of a loop or goto block are taken before its body's statements, which take theirs
   * above them.
   */
  private statement(s: A.Statement, ctx: FnCtx, hoisted = false): string {
    const base = ctx.temps;
    const out = this.statementAt(s, ctx, hoisted);
    ctx.temps = base;
    return out;
  }

  private statementAt(s: A.Statement, ctx: FnCtx, hoisted: boolean): string {
    const m = marker(s.line);
    this.stmtLine = s.line;
    switch (s.kind) {
      case "Local":
        return m + this.local(s, ctx, hoisted);
      case "Assign":
        return m + this.assign(s, ctx);
      case "CallStatement":
        return m + this.callExpr(s.call, ctx) + ";";
      case "Do":
        return `${m}{${this.block(s.body, ctx)}}`;
      case "While":
        return this.loop(ctx, (label) => `${m}${label}while (${this.cond(s.cond, ctx)}) {${this.block(s.body, ctx)}}`);
      case "Repeat":
        return this.loop(ctx, (label) => `${m}${label}for (;;) {${this.block(s.body, ctx)}${marker(s.cond.line)}if (${this.cond(s.cond, ctx)}) break;}`);
      case "If": {
        let out = "";
        s.clauses.forEach((c, i) => {
          out += `${i === 0 ? m + "if" : " else " + marker(c.line) + "if"} (${this.cond(c.cond, ctx)}) {${this.block(c.body, ctx)}}`;
        });
        if (s.orelse !== undefined) out += ` else {${this.block(s.orelse, ctx)}}`;
        return out;
      }
      case "NumericFor":
        return m + this.numericFor(s, ctx);
      case "GenericFor":
        return m + this.genericFor(s, ctx);
      case "FunctionDecl": {
        const f = this.func(s.func, ctx);
        return m + this.store(s.target, f, ctx) + ";";
      }
      case "LocalFunction": {
        const v = this.res.vars.get(s.name)!;
        const f = this.func(s.func, ctx);
        return hoisted ? `${m}${v.js} = ${f};` : `${m}let ${v.js} = ${f};`;
      }
      case "Return":
        return m + this.ret(s, ctx);
      case "Break": {
        const loop = ctx.loops[ctx.loops.length - 1];
        return `${m}break${loop !== undefined && loop.label !== "" ? " " + loop.label : ""};`;
      }
      case "Goto":
        return m + this.goto(s, ctx);
      case "Label":
        return "";
    }
  }

  /** Loops get a JS label when the function uses goto, since goto wrappers are JS loops too. */
  private loop(ctx: FnCtx, emit: (label: string) => string): string {
    const label = ctx.info.usesGoto ? `$l${this.labelCounter++}` : "";
    ctx.loops.push({ label });
    const out = emit(label === "" ? "" : label + ": ");
    ctx.loops.pop();
    return out;
  }

  private goto(s: A.GotoStatement, ctx: FnCtx): string {
    for (let i = ctx.labels.length - 1; i >= 0; i--) {
      const l = ctx.labels[i]!.names.get(s.label);
      if (l !== undefined) return l.jump;
    }
    // The parser rejects undefined labels; reaching here is a compiler bug.
    throw new Error(`goto without a visible label '${s.label}'`);
  }

  private local(s: A.LocalStatement, ctx: FnCtx, hoisted: boolean): string {
    const names = s.names.map((id) => this.res.vars.get(id)!.js);
    const decl = hoisted ? "" : "let ";
    const { values, pre } = this.explist(s.init, names.length, ctx);
    if (names.length === 1) return `${pre}${decl}${names[0]} = ${values[0]};`;
    return `${pre}${decl}${names.map((n, i) => `${n} = ${values[i]}`).join(", ")};`;
  }

  /**
   * An explist adjusted to n values. Returns one JS expression per value, plus statements
   * to run first (a multi-valued last expression is spread from a temp; surplus
   * expressions are evaluated for their effects).
   */
  private explist(exprs: A.Expression[], n: number, ctx: FnCtx): { values: string[]; pre: string } {
    const values: string[] = [];
    let pre = "";
    exprs.forEach((e, i) => {
      const last = i === exprs.length - 1;
      if (last && isMulti(e) && n > i + 1) {
        if (e.kind === "Vararg") {
          for (let j = i; j < n; j++) values.push(`$va[${j - i}]`);
        } else {
          const t = this.temp(ctx);
          pre += `${t} = $many(${this.multi(e, ctx)});`;
          for (let j = i; j < n; j++) values.push(`${t}[${j - i}]`);
        }
      } else if (i < n) {
        values.push(this.expr(e, ctx));
      } else {
        pre += `${isMulti(e) ? this.multi(e, ctx) : this.expr(e, ctx)};`;
      }
    });
    while (values.length < n) values.push("undefined");
    // Surplus expressions must run after the kept ones, in source order: move them after.
    if (exprs.length > n && n > 0) {
      const kept: string[] = [];
      let post = "";
      values.forEach((v, i) => {
        if (i < exprs.length) {
          const t = this.temp(ctx);
          post += `${t} = ${v};`;
          kept.push(t);
        } else kept.push(v);
      });
      let extra = "";
      for (let i = n; i < exprs.length; i++) {
        const e = exprs[i]!;
        extra += `${isMulti(e) ? this.multi(e, ctx) : this.expr(e, ctx)};`;
      }
      return { values: kept, pre: post + extra };
    }
    return { values, pre };
  }

  private assign(s: A.AssignmentStatement, ctx: FnCtx): string {
    if (s.targets.length === 1 && s.init.length === 1) {
      const init = s.init[0]!;
      return this.store(s.targets[0]!, isMulti(init) ? `$one(${this.multi(init, ctx)})` : this.expr(init, ctx), ctx) + ";";
    }
    // Evaluate target objects and keys, then all values, then store left to right.
    let pre = "";
    const targets = s.targets.map((t) => {
      if (t.kind === "Identifier") return t;
      const o = this.temp(ctx);
      pre += `${o} = ${this.expr(t.obj, ctx)};`;
      let k: string;
      if (t.key.kind === "String" || t.key.kind === "Number") k = this.expr(t.key, ctx);
      else {
        k = this.temp(ctx);
        pre += `${k} = ${this.expr(t.key, ctx)};`;
      }
      return { t, o, k };
    });
    const { values, pre: vpre } = this.explist(s.init, s.targets.length, ctx);
    pre += vpre;
    const held = values.map((v) => {
      if (/^\$\d+(\[\d+\])?$/.test(v) || v === "undefined") return v;
      const t = this.temp(ctx);
      pre += `${t} = ${v};`;
      return t;
    });
    let out = pre;
    targets.forEach((tg, i) => {
      if ("kind" in tg) out += this.store(tg, held[i]!, ctx) + ";";
      else {
        const desc = this.desc(tg.t.obj, ctx);
        out += this.op(ctx, "", tg.t.key.kind === "String" ? "setS" : "set", `${tg.o}, ${tg.k}, ${held[i]}`, desc) + ";";
      }
    });
    return out;
  }

  private store(t: A.Identifier | A.IndexExpression, value: string, ctx: FnCtx): string {
    if (t.kind === "Identifier") {
      const v = this.res.vars.get(t);
      if (v !== undefined) return `${v.js} = ${value}`;
      return `$setS(${this.env(ctx)}, ${JSON.stringify(t.name)}, ${value})`;
    }
    const desc = this.desc(t.obj, ctx);
    const obj = this.expr(t.obj, ctx);
    if (t.key.kind === "String") {
      const k = t.key.value;
      if (!JS_NAME.test(k) || k === "__proto__") return this.op(ctx, this.mk(t.line), "setS", `${obj}, ${JSON.stringify(k)}, ${value}`, desc);
      // A key the table already holds is stored in place (no __newindex, no new key: a raw
      // set), inline so that V8 caches the store per site; anything else through setS.
      const o = this.temp(ctx);
      const v = this.temp(ctx);
      const slow = this.op(ctx, this.mk(t.line), "setS", `${o}, "${k}", ${v}`, desc);
      return `(${o} = ${obj}, ${v} = ${value}, ${o}?.strs?.${k} !== undefined && ${v} !== undefined ? (${o}.strs.${k} = ${v}) : ${slow})`;
    }
    return this.op(ctx, this.mk(t.line), "set", `${obj}, ${this.expr(t.key, ctx)}, ${value}`, desc);
  }

  private ret(s: A.ReturnStatement, ctx: FnCtx): string {
    const args = s.args;
    if (args.length === 0) return "return $NONE;";
    if (args.length === 1) {
      const a = args[0]!;
      if (isMulti(a)) return `return ${this.multi(a, ctx)};`;
      return `return ${this.expr(a, ctx)};`;
    }
    return `return ${this.list(args, ctx)};`;
  }

  private numericFor(s: A.NumericForStatement, ctx: FnCtx): string {
    const v = this.res.vars.get(s.var)!;
    const num = (e: A.Expression, what: string): string =>
      this.res.isNumeric(e) ? this.expr(e, ctx) : `$forNum(${this.expr(e, ctx)}, "${what}")`;
    const start = num(s.start, "initial value");
    const limit = num(s.limit, "limit");
    const stepExpr = s.step;
    const lim = this.temp(ctx);
    let step: string, test: (i: string) => string, init = "";
    if (stepExpr === undefined || (stepExpr.kind === "Number" && stepExpr.value > 0)) {
      step = stepExpr === undefined ? "1" : String(stepExpr.value);
      test = (i) => `${i} <= ${lim}`;
    } else if (stepExpr.kind === "Unary" && stepExpr.op === "-" && stepExpr.arg.kind === "Number" && stepExpr.arg.value > 0) {
      step = `-${stepExpr.arg.value}`;
      test = (i) => `${i} >= ${lim}`;
    } else {
      const st = this.temp(ctx);
      init = `, ${st} = ${num(stepExpr, "step")}`;
      step = st;
      test = (i) => `(${st} > 0 ? ${i} <= ${lim} : ${i} >= ${lim})`;
    }
    return this.loop(ctx, (label) => {
      if (!v.reassigned) {
        // The body never assigns the variable: let JS give each iteration its own binding.
        return `${label}for (let ${v.js} = ${start}, ${lim} = ${limit}${init}; ${test(v.js)}; ${v.js} += ${step}) {${this.block(s.body, ctx)}}`;
      }
      const i = this.temp(ctx);
      return `${label}for (${i} = ${start}, ${lim} = ${limit}${init}; ${test(i)}; ${i} += ${step}) {let ${v.js} = ${i};${this.block(s.body, ctx)}}`;
    });
  }

  private genericFor(s: A.GenericForStatement, ctx: FnCtx): string {
    const it = this.temp(ctx);
    const explist = s.exprs.length === 1 && isMulti(s.exprs[0]!) ? this.multi(s.exprs[0]!, ctx) : this.list(s.exprs, ctx);
    const names = s.names.map((id) => this.res.vars.get(id)!.js);
    const decl = names
      .map((n, i) => `${n} = ${i === 0 ? `${it}.k` : i === 1 ? `${it}.v` : `${it}.rest[${i}]`}`)
      .join(", ");
    const step = ctx.gen ? `(${it}.gen ? yield* ${it}.stepG() : ${it}.step())` : `${it}.step()`;
    return this.loop(ctx, (label) => `${it} = $iter(${explist}); ${label}while (${step}) {let ${decl};${this.block(s.body, ctx)}}`);
  }

  // ------------------------------------------------------------------ expressions

  /** A JS array expression of all values of an explist (the last one spread when multi-valued). */
  private list(exprs: A.Expression[], ctx: FnCtx): string {
    return `[${this.args(exprs, ctx)}]`;
  }

  /** Comma-separated JS arguments; a multi-valued last expression is spread. */
  private args(exprs: A.Expression[], ctx: FnCtx): string {
    let out = "";
    for (let i = 0; i < exprs.length; i++) {
      const e = exprs[i]!;
      if (i > 0) out += ", ";
      out += i === exprs.length - 1 && isMulti(e) ? (e.kind === "Vararg" ? "...$va" : `...$many(${this.multi(e, ctx)})`) : this.expr(e, ctx);
    }
    return out;
  }

  /** A multi-valued expression (call or vararg) as a LuaResult. */
  private multi(e: A.Expression, ctx: FnCtx): string {
    if (e.kind === "Vararg") return "$va";
    return this.callExpr(e as A.CallExpression | A.MethodCallExpression, ctx);
  }

  /** An expression's single value. */
  expr(e: A.Expression, ctx: FnCtx): string {
    switch (e.kind) {
      case "Nil":
        return "undefined";
      case "Boolean":
        return e.value ? "true" : "false";
      case "Number":
        return numberLiteral(e.value);
      case "String":
        return JSON.stringify(e.value);
      case "Vararg":
        return "$va[0]";
      case "Function":
        return this.func(e, ctx);
      case "Identifier": {
        const v = this.res.vars.get(e);
        if (v !== undefined) return v.js;
        if (!JS_NAME.test(e.name)) return `$getS(${this.env(ctx)}, ${JSON.stringify(e.name)})`;
        // The global inline, as a field (an inline cache per site), then getS.
        const g = this.scratch(ctx);
        return `((${g} = ${this.env(ctx)}).strs?.${e.name} ?? $getS(${g}, "${e.name}"))`;
      }
      case "Index": {
        const obj = this.expr(e.obj, ctx);
        const desc = this.desc(e.obj, ctx);
        if (e.key.kind === "String") {
          const name = e.key.value;
          if (!JS_NAME.test(name)) return this.op(ctx, this.mk(e.line), "getS", `${obj}, ${JSON.stringify(name)}`, desc);
          // The own field inline, so that V8 caches the lookup per site (a table's string
          // part is an object with hidden classes); anything else through getS.
          const t = this.scratch(ctx);
          return `((${t} = ${obj})?.strs?.${name} ?? ${this.op(ctx, this.mk(e.line), "getS", `${t}, "${name}"`, desc)})`;
        }
        return this.op(ctx, this.mk(e.line), "get", `${obj}, ${this.expr(e.key, ctx)}`, desc);
      }
      case "Call":
        if (this.res.knownFunction(e.callee)?.singleResult === true) return this.callExpr(e, ctx);
        return `$one(${this.callExpr(e, ctx)})`;
      case "MethodCall":
        return `$one(${this.callExpr(e, ctx)})`;
      case "Paren":
        return isMulti(e.expr) ? this.expr(e.expr, ctx) : `(${this.expr(e.expr, ctx)})`;
      case "Table":
        return this.table(e, ctx);
      case "Logical":
        return this.logical(e, ctx);
      case "Unary":
        return this.unary(e, ctx);
      case "Binary":
        return this.binary(e, ctx);
    }
  }

  private func(e: A.FunctionExpression, ctx: FnCtx): string {
    const info = this.res.functions.get(e)!;
    return this.functionValue(e, info, e.params, e.isVararg, jsFunctionName(e.name), e.endLine, this.env(ctx));
  }

  /** A condition: a JS boolean. */
  private cond(e: A.Expression, ctx: FnCtx): string {
    if (isBoolean(e)) return this.expr(e, ctx);
    if (e.kind === "Logical") {
      const op = e.op === "and" ? "&&" : "||";
      return `(${this.cond(e.left, ctx)} ${op} ${this.cond(e.right, ctx)})`;
    }
    if (e.kind === "Unary" && e.op === "not") return `!${this.cond(e.arg, ctx)}`;
    if (e.kind === "Identifier" && this.res.vars.has(e)) {
      const js = this.res.vars.get(e)!.js;
      return `(${js} !== undefined && ${js} !== false)`;
    }
    return `$truthy(${this.expr(e, ctx)})`;
  }

  private logical(e: A.LogicalExpression, ctx: FnCtx): string {
    if (isBoolean(e.left) && isBoolean(e.right)) {
      return `(${this.expr(e.left, ctx)} ${e.op === "and" ? "&&" : "||"} ${this.expr(e.right, ctx)})`;
    }
    const t = this.scratch(ctx);
    const l = this.expr(e.left, ctx);
    const r = this.expr(e.right, ctx);
    return e.op === "and"
      ? `((${t} = ${l}) === undefined || ${t} === false ? ${t} : ${r})`
      : `((${t} = ${l}) !== undefined && ${t} !== false ? ${t} : ${r})`;
  }

  private unary(e: A.UnaryExpression, ctx: FnCtx): string {
    switch (e.op) {
      case "not":
        return `!${this.cond(e.arg, ctx)}`;
      case "#":
        return this.op(ctx, this.mk(e.line), "len", this.expr(e.arg, ctx), this.desc(e.arg, ctx));
      case "-": {
        if (e.arg.kind === "Number") return numberLiteral(-e.arg.value);
        if (this.res.isNumeric(e.arg)) return `(-${this.expr(e.arg, ctx)})`;
        return this.op(ctx, this.mk(e.line), "unm", this.expr(e.arg, ctx), this.desc(e.arg, ctx));
      }
    }
  }


  private binary(e: A.BinaryExpression, ctx: FnCtx): string {
    const op = e.op;
    const m = this.mk(e.line);
    switch (op) {
      case "+": case "-": case "*": case "/": case "%": case "^": {
        if (this.res.isNumeric(e.left) && this.res.isNumeric(e.right)) {
          return numericOp(op, this.expr(e.left, ctx), this.expr(e.right, ctx), isSimple(e.left, this.res) && isSimple(e.right, this.res));
        }
        // The helpers test for numbers first; V8 inlines them at hot sites.
        return this.op(ctx, m, HELPER[op], `${this.expr(e.left, ctx)}, ${this.expr(e.right, ctx)}`, this.desc(e.left, ctx), this.desc(e.right, ctx));
      }
      case "..":
        return this.op(ctx, m, "concat", `${this.expr(e.left, ctx)}, ${this.expr(e.right, ctx)}`, this.desc(e.left, ctx), this.desc(e.right, ctx));
      case "==":
      case "~=": {
        const l = this.expr(e.left, ctx), r = this.expr(e.right, ctx);
        const neg = op === "~=";
        if (LIT.has(e.left.kind) || LIT.has(e.right.kind)) return `(${l} ${neg ? "!==" : "==="} ${r})`;
        return `${neg ? "!" : ""}${m}$eq(${l}, ${r})`;
      }
      case "<": case "<=": case ">": case ">=": {
        if (this.res.isNumeric(e.left) && this.res.isNumeric(e.right)) return `(${this.expr(e.left, ctx)} ${op} ${this.expr(e.right, ctx)})`;
        const l = this.expr(e.left, ctx), r = this.expr(e.right, ctx);
        if (op === "<" || op === "<=") return `${m}$${op === "<" ? "lt" : "le"}(${l}, ${r})`;
        // a > b is b < a (Lua swaps the operands, which shows in messages); keep evaluation order.
        if (isSimple(e.left, this.res) || isSimple(e.right, this.res)) return `${m}$${op === ">" ? "lt" : "le"}(${r}, ${l})`;
        const t = this.temp(ctx);
        return `(${t} = ${l}, ${m}$${op === ">" ? "lt" : "le"}(${r}, ${t}))`;
      }
    }
  }

  private table(e: A.TableConstructor, ctx: FnCtx): string {
    const pos: A.Expression[] = [];
    const kv: string[] = [];
    const names = e.items.flatMap((it) => (it.kind === "Named" ? [it.name] : []));
    // Named fields (no duplicate: the last would win) after positional ones: no key can collide.
    const allNamed = e.items.every((it) => it.kind !== "Keyed") && new Set(names).size === names.length;
    // Only the last item of the constructor spreads its values; a call that is positional
    // but not last gives one value.
    const lastItem = e.items[e.items.length - 1];
    const spreadLast = lastItem !== undefined && lastItem.kind === "Positional" && isMulti(lastItem.value);
    const late: string[] = [];
    const posAt = e.items.flatMap((it, i) => (it.kind === "Positional" ? [i] : []));
    for (let i = 0; i < e.items.length; i++) {
      const it = e.items[i]!;
      if (it.kind === "Positional") pos.push(it.value);
      else if (allNamed) continue;
      else if (it.kind === "Named") kv.push(JSON.stringify(it.name), this.expr(it.value, ctx));
      else (keyedAfterPositional(it, i, e.items, posAt, spreadLast) ? late : kv).push(this.expr(it.key, ctx), this.expr(it.value, ctx));
    }
    const arr = pos
      .map((p, i) => (i === pos.length - 1 && spreadLast ? (p.kind === "Vararg" ? "...$va" : `...$many(${this.multi(p, ctx)})`) : this.expr(p, ctx)))
      .join(", ");
    if (pos.length === e.items.length) return `$tbl([${arr}])`;
    if (allNamed) {
      // The string part built in place: `new` gives V8 one hidden class per site, and a
      // field whose value may be nil is stored only when it is not.
      const t = this.temp(ctx);
      const parts = [`${t} = new $SPC()`];
      for (const it of e.items) {
        if (it.kind !== "Named") continue;
        const k = it.name === "__proto__" || !JS_NAME.test(it.name) ? `[${JSON.stringify(it.name)}]` : `.${it.name}`;
        const v = this.expr(it.value, ctx);
        if (NEVER_NIL.has(it.value.kind)) parts.push(`${t}${k} = ${v}`);
        else {
          const tv = this.scratch(ctx);
          parts.push(`(${tv} = ${v}) !== undefined && (${t}${k} = ${tv})`);
        }
      }
      return `$tbls([${arr}], (${parts.join(", ")}, ${t}), ${names.length})`;
    }
    return late.length === 0 ? `$tblk([${arr}], [${kv.join(", ")}])` : `$tblk([${arr}], [${kv.join(", ")}], [${late.join(", ")}])`;
  }

  /** A call as a LuaResult. */
  private callExpr(e: A.CallExpression | A.MethodCallExpression, ctx: FnCtx): string {
    // LuaJIT looks a method up at its name's line and calls at the arguments' line: when
    // the two differ (`x\n:foo(1,\n2)`), the lookup gets its own marker and the call
    // names its line again right before its `(`.
    const split = e.kind === "MethodCall" && e.nameLine !== e.line;
    const m = split ? marker(e.line) : this.mk(e.line);
    const back = split ? m : "";
    let callee: string, self: string | undefined, pre = "";
    if (e.kind === "MethodCall") {
      const o = this.temp(ctx);
      pre = `${o} = ${this.expr(e.obj, ctx)}, `;
      self = o;
      const look = `${split ? marker(e.nameLine) : m}$getS(${o}, ${JSON.stringify(e.method)}${trailing([this.desc(e.obj, ctx)])})`;
      // The method inline when it is the object's own field, its class's (metatable.__index a
      // table) or its class's parent's: per-site inline caches; anything else through getS.
      // A table past MAX_OBJECT_KEYS (bigStr) keeps its string keys in a Map that these reads
      // do not see, so the walk goes up only from tables that are not.
      let fast = "";
      if (JS_NAME.test(e.method)) {
        const c = this.scratch(ctx), k = e.method;
        fast = `${o}?.strs?.${k} ?? (${o}?.bigStr === false && (${c} = ${o}.mt?.strs?.__index) ? ${c}.strs?.${k} ?? (${c}.bigStr === false ? ${c}.mt?.strs?.__index?.strs?.${k} : undefined) : undefined) ?? `;
      }
      callee = `$fn(${fast}${look}, ${this.descConst(JSON.stringify(`method '${e.method}'`))})`;
    } else {
      const known = this.res.knownFunction(e.callee);
      if (known !== undefined) {
        // A local function never reassigned: call it directly, in the form the context needs.
        const name = this.expr(e.callee, ctx);
        const last = e.args[e.args.length - 1];
        const direct = !(ctx.gen && known.maySuspend);
        if (direct && last !== undefined && last.kind !== "Vararg" && isMulti(last)) return this.spreadCall(e, ctx, name, undefined, "", "", last);
        const args = this.args(e.args, ctx);
        if (!direct) return `(yield* ${m}${name}.$g(${args}))`;
        return `${m}${name}(${args})`;
      }
      callee = `$fn(${this.expr(e.callee, ctx)}${trailing([this.desc(e.callee, ctx)])})`;
    }
    const suspends = ctx.gen && !(e.kind === "Call" && this.res.isSafeCallee(e.callee));
    // Method call sites are recorded so that argument errors number as LuaJIT does (self is not #1).
    const site = e.kind === "MethodCall" ? siteMarker("m") : "";
    if (!suspends) {
      const last = e.args[e.args.length - 1];
      if (last !== undefined && last.kind !== "Vararg" && isMulti(last)) return this.spreadCall(e, ctx, back + callee, self, pre, site, last);
      const args = this.args(e.args, ctx);
      const all = self === undefined ? args : args === "" ? self : `${self}, ${args}`;
      return pre === "" ? `${m}${callee}${site}(${all})` : `(${pre}${m}${callee}${back}${site}(${all}))`;
    }
    // Suspendable context: evaluate callee and arguments once, then pick the callee's form.
    // Arguments go through temps rather than an array to spread (an allocation per call),
    // unless the last one is multi-valued; literals and locals are read in place when no
    // argument can run code that changes them.
    const f = this.temp(ctx);
    pre += `${f} = ${back}${callee}, `;
    const last = e.args[e.args.length - 1];
    const spread = last !== undefined && isMulti(last);
    let all: string;
    if (spread) {
      const a = this.temp(ctx);
      pre += `${a} = [${self === undefined ? "" : self + ", "}${this.args(e.args, ctx)}], `;
      all = `...${a}`;
    } else {
      const inPlace = e.args.every((x) => isSimple(x, this.res));
      const vals = e.args.map((x) => {
        const v = this.expr(x, ctx);
        if (inPlace) return v;
        const t = this.temp(ctx);
        pre += `${t} = ${v}, `;
        return t;
      });
      if (self !== undefined) vals.unshift(self);
      all = vals.join(", ");
    }
    // A function literal among the arguments (or the split lookup) moved the line mapping:
    // the call names its line again, before `yield*` (a break right after it is dropped).
    const again = back !== "" || (m === "" && hasMarker(pre)) ? marker(e.line) : "";
    const call = `${f}.$g ? ${again}(yield* ${m}${f}.$g${site}(${all})) : ${again}${m}${f}${site}(${all})`;
    if (e.kind === "Call" && this.isCoroutineYield(e.callee)) {
      // coroutine.yield itself: yield here, without a generator for the builtin's own form.
      const vals = spread ? `[true, ${all}]` : `[true${all === "" ? "" : ", " + all}]`;
      return `(${pre}${f} === $coYield ? (yield ${m}$yieldValues(${vals})) : ${call})`;
    }
    return `(${pre}${call})`;
  }

  /**
   * A plain call whose last argument is a call: most such calls give one value, so the
   * callee and the other arguments go to temps (kept in Lua's order) and the call is made
   * directly with that value, spreading only a multi-valued result (no array per call).
   */
  private spreadCall(e: A.CallExpression | A.MethodCallExpression, ctx: FnCtx, callee: string, self: string | undefined, pre: string, site: string, last: A.Expression): string {
    const f = this.temp(ctx);
    pre += `${f} = ${callee}, `;
    const vals: string[] = self === undefined ? [] : [self];
    for (let i = 0; i < e.args.length - 1; i++) {
      const x = e.args[i]!;
      const v = this.expr(x, ctx);
      if (LIT.has(x.kind)) vals.push(v);
      else {
        const t = this.temp(ctx);
        pre += `${t} = ${v}, `;
        vals.push(t);
      }
    }
    const r = this.temp(ctx);
    pre += `${r} = ${this.multi(last, ctx)}, `;
    // The inner call may have moved the line mapping: the outer call names its own line again.
    const at = marker(e.line);
    const head = vals.length === 0 ? "" : vals.join(", ") + ", ";
    return `(${pre}Array.isArray(${r}) ? ${at}${f}${site}(${head}...${r}) : ${at}${f}${site}(${head}${r}))`;
  }

  /** `coroutine.yield`, or a local alias of it (`local yield = coroutine.yield`). */
  private isCoroutineYield(c: A.Expression): boolean {
    if (c.kind === "Identifier") {
      const v = this.res.vars.get(c);
      return v !== undefined && !v.reassigned && v.init !== undefined && v.init !== c && this.isCoroutineYield(v.init);
    }
    return c.kind === "Index" && c.key.kind === "String" && c.key.value === "yield" && c.obj.kind === "Identifier" && c.obj.name === "coroutine";
  }

  /** The description of an operand in error messages: "local 'x'", "global 'x'", "field 'k'". */
  private desc(e: A.Expression, ctx: FnCtx): string {
    // Lua names and the keys quoted here are plain identifiers: no escaping needed.
    let text: string;
    switch (e.kind) {
      case "Identifier": {
        const v = this.res.vars.get(e);
        text = v === undefined ? `"global '${e.name}'"` : `"${v.fn === ctx.info ? "local" : "upvalue"} '${e.name}'"`;
        break;
      }
      case "Index":
        if (e.key.kind !== "String") return "undefined";
        text = JS_NAME.test(e.key.value) ? `"field '${e.key.value}'"` : JSON.stringify(`field '${e.key.value}'`);
        break;
      default:
        return "undefined";
    }
    return this.descConst(text);
  }

  /** Each description once, as a constant of the chunk (`$D3`): the code stays short. */
  private descConst(text: string): string {
    let name = this.descs.get(text);
    if (name === undefined) {
      name = `$D${this.descs.size}`;
      this.descs.set(text, name);
    }
    return name;
  }
}

/** Trailing arguments, without the `undefined`s at the end (missing arguments are undefined). */
function trailing(args: readonly string[]): string {
  let n = args.length;
  while (n > 0 && args[n - 1] === "undefined") n--;
  let out = "";
  for (let i = 0; i < n; i++) out += ", " + args[i];
  return out;
}

const HELPER: Record<"+" | "-" | "*" | "/" | "%" | "^", string> = { "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "^": "pow" };

function numericOp(op: "+" | "-" | "*" | "/" | "%" | "^", a: string, b: string, simple: boolean): string {
  switch (op) {
    case "%":
      return simple ? `(${a} - Math.floor(${a} / ${b}) * ${b})` : `$luaMod(${a}, ${b})`;
    case "^":
      return `Math.pow(${a}, ${b})`;
    default:
      return `(${a} ${op} ${b})`;
  }
}

function isBoolean(e: A.Expression): boolean {
  if (e.kind === "Boolean") return true;
  if (e.kind === "Binary") return e.op === "==" || e.op === "~=" || e.op === "<" || e.op === "<=" || e.op === ">" || e.op === ">=";
  if (e.kind === "Unary") return e.op === "not";
  if (e.kind === "Logical") return isBoolean(e.left) && isBoolean(e.right);
  if (e.kind === "Paren") return isBoolean(e.expr);
  return false;
}

/** Cheap and free of effects: may be read twice. */
function isSimple(e: A.Expression, res: Resolution): boolean {
  if (LIT.has(e.kind)) return true;
  return e.kind === "Identifier" && res.vars.has(e);
}

function numberLiteral(n: number): string {
  if (n !== n) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  if (n === 0 && 1 / n < 0) return "-0";
  return n < 0 ? `(${String(n)})` : String(n);
}


/** A JS function name for a Lua function ("a.b:m" -> "a_b_m"), for readable stacks. */
function jsFunctionName(name: string | undefined): string {
  if (name === undefined) return "$anon";
  const s = name.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[0-9]/.test(s) ? "_" + s : s;
}


/** The locals that the statements read or write (nested functions included). */
function referencedVars(stmts: A.Block, res: Resolution): Set<VarInfo> {
  const out = new Set<VarInfo>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    const n = node as { kind?: string };
    if (n.kind === "Identifier") {
      const v = res.vars.get(node as A.Identifier);
      if (v !== undefined) out.add(v);
      return;
    }
    for (const k of Object.keys(node)) if (k !== "line" && k !== "endLine") visit((node as Record<string, unknown>)[k]);
  };
  visit(stmts);
  return out;
}

// LuaJIT builds a constructor from a template holding its constant items (constant key and
// value), then stores the other items in source order. So `[k] = v` against the positional
// item k: between two constants or two non-constants the later one wins, otherwise the
// non-constant one. True when the keyed item must be stored after the positional ones.
function keyedAfterPositional(it: { key: A.Expression; value: A.Expression }, i: number, items: readonly A.TableItem[], posAt: readonly number[], spreadLast: boolean): boolean {
  const k = constNumber(it.key);
  const fixed = spreadLast ? posAt.length - 1 : posAt.length;
  if (k === undefined || !Number.isInteger(k) || k < 1 || k > fixed) return false;
  const j = posAt[k - 1]!;
  const p = items[j] as { value: A.Expression };
  const kc = isConstant(it.value), pc = isConstant(p.value);
  return kc === pc ? i > j : pc;
}

/** A number LuaJIT folds at parse time (a literal, negated, or + - * of such), else undefined. */
function constNumber(e: A.Expression): number | undefined {
  if (e.kind === "Number") return e.value;
  if (e.kind === "Paren") return constNumber(e.expr);
  if (e.kind === "Binary" && (e.op === "+" || e.op === "-" || e.op === "*")) {
    const a = constNumber(e.left), b = constNumber(e.right);
    if (a === undefined || b === undefined) return undefined;
    return e.op === "+" ? a + b : e.op === "-" ? a - b : a * b;
  }
  if (e.kind === "Unary" && e.op === "-") {
    const v = constNumber(e.arg);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

function isConstant(e: A.Expression): boolean {
  if (e.kind === "Paren") return isConstant(e.expr);
  return e.kind === "Nil" || e.kind === "Boolean" || e.kind === "String" || constNumber(e) !== undefined;
}
