// Pass 2 of the compiler (after parsing, before emitting): binds every identifier to a
// local or a global, names locals uniquely for JS, and computes the facts the emitter
// uses to pick fast code: which locals always hold numbers, and which functions may
// suspend (and so need a generator form). One walk plus a small fixed point.
import type * as A from "../syntax/ast.js";

export interface VarInfo {
  readonly name: string;
  /** Unique JS identifier within the chunk. */
  readonly js: string;
  readonly fn: FunctionInfo;
  /** Every value stored into the variable, for the number inference; "any" for unknown sources. */
  readonly sources: (A.Expression | "num" | "any")[];
  /** Assigned after its declaration (not only initialised). */
  reassigned: boolean;
  /** Read or written by a nested function. */
  captured: boolean;
  /** Always a number (set by the inference). */
  numeric: boolean;
  /** The declaration's initialiser when it is the only source (for aliases like `local sub = string.sub`). */
  init: A.Expression | undefined;
}

export interface FunctionInfo {
  readonly node: A.FunctionExpression | A.Chunk;
  readonly parent: FunctionInfo | undefined;
  /** Calls whose callee is not a known non-suspending builtin, or unknown iterators. */
  maySuspend: boolean;
  usesGoto: boolean;
  /** How many times the body names its environment (global reads and writes, closures made): a size heuristic. */
  envUses: number;
  /** Every return gives exactly one value and the end of the body is never reached. */
  singleResult: boolean;
}

/** Each identifier's local (kept on the identifier itself: a Map of every name would be the resolver's main cost). */
export interface VarMap {
  get(id: A.Identifier): VarInfo | undefined;
  has(id: A.Identifier): boolean;
}

const VARS: VarMap = {
  get: (id) => id.binding as VarInfo | undefined,
  has: (id) => id.binding !== undefined,
};

export interface Resolution {
  /** Identifier use or declaration -> its local; globals are absent. */
  readonly vars: VarMap;
  readonly functions: Map<A.FunctionExpression | A.Chunk, FunctionInfo>;
  /** Globals assigned anywhere in the chunk (they lose their builtin assumptions). */
  readonly assignedGlobals: Set<string>;
  isNumeric(e: A.Expression): boolean;
  /** The function a call expression site belongs to may treat this callee as non-suspending. */
  isSafeCallee(e: A.Expression): boolean;
  /** The function a callee names when it is a local function never reassigned (a direct call). */
  knownFunction(e: A.Expression): FunctionInfo | undefined;
}

// JS words a Lua name may not take as-is.
const RESERVED = new Set(
  ("arguments await break case catch class const continue debugger default delete do else enum eval export extends " +
    "false finally for function if implements import in instanceof interface let new null package private protected " +
    "public return static super switch this throw true try typeof undefined var void while with yield NaN Infinity " +
    "Object Array Math String Number Symbol Map Set Error JSON Reflect Promise globalThis").split(" "),
);

// Builtins known not to suspend (calls to them need no generator form). pcall, xpcall,
// coroutine.*, require, load, dofile and tostring (__tostring may yield) are absent on purpose.
const SAFE_GLOBAL_FUNCS = new Set([
  "type", "tonumber", "select", "rawget", "rawset", "rawequal", "rawlen", "setmetatable",
  "getmetatable", "assert", "error", "unpack", "next", "ipairs", "pairs", "print", "collectgarbage",
]);
const SAFE_LIBS = new Set(["string", "table", "math", "bit", "os", "io"]);

/**
 * A block's scope. Names resolve through one map of the innermost visible local per name
 * (a lookup costs one map read, not one per enclosing block); a scope records what its
 * declarations hid, and leaving it puts that back.
 */
interface Scope {
  readonly fn: FunctionInfo;
  /** Per declaration, in order: its name and the local it hid (undefined: none). */
  readonly hidden: (string | VarInfo | undefined)[];
}

export function resolve(chunk: A.Chunk): Resolution {
  const vars = VARS;
  const functions = new Map<A.FunctionExpression | A.Chunk, FunctionInfo>();
  const assignedGlobals = new Set<string>();
  const all: VarInfo[] = [];
  const usedJs = new Map<string, number>();
  const callsites: { fn: FunctionInfo; callee: A.Expression | undefined }[] = [];
  const arithSites: { fn: FunctionInfo; e: A.Expression }[] = [];
  const visible = new Map<string, VarInfo>();

  function enter(fn: FunctionInfo): Scope {
    return { fn, hidden: [] };
  }

  function leave(scope: Scope): void {
    const h = scope.hidden;
    for (let i = h.length - 2; i >= 0; i -= 2) {
      const name = h[i] as string;
      const prev = h[i + 1] as VarInfo | undefined;
      if (prev === undefined) visible.delete(name);
      else visible.set(name, prev);
    }
  }

  function jsName(name: string): string {
    const base = RESERVED.has(name) ? name + "_" : name;
    const n = usedJs.get(base) ?? 0;
    usedJs.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  }

  function declare(scope: Scope, id: A.Identifier, source: A.Expression | "num" | "any"): VarInfo {
    const v: VarInfo = {
      name: id.name, js: jsName(id.name), fn: scope.fn, sources: [source],
      reassigned: false, captured: false, numeric: false,
      init: source === "num" || source === "any" ? undefined : source,
    };
    scope.hidden.push(id.name, visible.get(id.name));
    visible.set(id.name, v);
    id.binding = v;
    all.push(v);
    return v;
  }

  function lookup(scope: Scope, id: A.Identifier): VarInfo | undefined {
    const v = visible.get(id.name);
    if (v === undefined) {
      scope.fn.envUses++;
      return undefined;
    }
    if (v.fn !== scope.fn) v.captured = true;
    id.binding = v;
    return v;
  }

  function block(body: A.Block, parent: Scope): void {
    const scope = enter(parent.fn);
    for (const st of body) statement(st, scope);
    leave(scope);
  }

  function func(node: A.FunctionExpression, parent: Scope): void {
    const info: FunctionInfo = { node, parent: parent.fn, maySuspend: false, usesGoto: false, singleResult: returnsOne(node.body), envUses: 0 };
    parent.fn.envUses++; // the closure inherits its creator's environment
    functions.set(node, info);
    const scope = enter(info);
    for (const p of node.params) declare(scope, p, "any");
    block(node.body, scope);
    leave(scope);
  }

  function assignTarget(t: A.Identifier | A.IndexExpression, value: A.Expression | "any", scope: Scope): void {
    if (t.kind === "Identifier") {
      const v = lookup(scope, t);
      if (v === undefined) assignedGlobals.add(t.name);
      else {
        v.reassigned = true;
        v.sources.push(value);
      }
    } else {
      scope.fn.maySuspend = true; // __newindex
      expr(t.obj, scope);
      expr(t.key, scope);
    }
  }

  /** Values of an explist spread over n targets: the last expression fills the rest when multi-valued. */
  function sourcesFor(exprs: A.Expression[], n: number): (A.Expression | "any")[] {
    const out: (A.Expression | "any")[] = [];
    for (let i = 0; i < n; i++) {
      const e = exprs[i];
      if (e !== undefined) {
        out.push(i === exprs.length - 1 || !isMulti(e) ? e : "any");
      } else {
        const last = exprs[exprs.length - 1];
        out.push(last !== undefined && isMulti(last) ? "any" : NIL);
      }
    }
    return out;
  }

  function statement(st: A.Statement, scope: Scope): void {
    switch (st.kind) {
      case "Local": {
        for (const e of st.init) expr(e, scope);
        const src = sourcesFor(st.init, st.names.length);
        st.names.forEach((id, i) => declare(scope, id, src[i]!));
        return;
      }
      case "Assign": {
        for (const e of st.init) expr(e, scope);
        const src = sourcesFor(st.init, st.targets.length);
        st.targets.forEach((t, i) => assignTarget(t, src[i]!, scope));
        return;
      }
      case "CallStatement":
        expr(st.call, scope);
        return;
      case "Do":
        block(st.body, scope);
        return;
      case "While":
        expr(st.cond, scope);
        block(st.body, scope);
        return;
      case "Repeat": {
        // The condition sees the body's locals.
        const inner = enter(scope.fn);
        for (const s of st.body) statement(s, inner);
        expr(st.cond, inner);
        leave(inner);
        return;
      }
      case "If":
        for (const c of st.clauses) {
          expr(c.cond, scope);
          block(c.body, scope);
        }
        if (st.orelse !== undefined) block(st.orelse, scope);
        return;
      case "NumericFor": {
        expr(st.start, scope);
        expr(st.limit, scope);
        if (st.step !== undefined) expr(st.step, scope);
        const inner = enter(scope.fn);
        declare(inner, st.var, "num");
        block(st.body, inner);
        leave(inner);
        return;
      }
      case "GenericFor": {
        for (const e of st.exprs) expr(e, scope);
        if (!safeIterator(st.exprs)) scope.fn.maySuspend = true;
        const inner = enter(scope.fn);
        for (const id of st.names) declare(inner, id, "any");
        block(st.body, inner);
        leave(inner);
        return;
      }
      case "FunctionDecl":
        assignTarget(st.target, "any", scope);
        func(st.func, scope);
        return;
      case "LocalFunction": {
        // The name is in scope inside the body (recursion).
        const v = declare(scope, st.name, "any");
        v.init = st.func;
        func(st.func, scope);
        return;
      }
      case "Return":
        for (const e of st.args) expr(e, scope);
        return;
      case "Goto":
      case "Label":
        scope.fn.usesGoto = true;
        return;
      case "Break":
        return;
    }
  }

  function safeIterator(exprs: A.Expression[]): boolean {
    // `for k, v in pairs(t)` / `ipairs(t)` / `next, t`: the iterator is a builtin.
    const e = exprs[0];
    if (e === undefined) return true;
    if (e.kind === "Call" && e.callee.kind === "Identifier" && (e.callee.name === "pairs" || e.callee.name === "ipairs")) {
      return lookupQuiet(e.callee) === undefined;
    }
    if (e.kind === "Identifier" && e.name === "next") return lookupQuiet(e) === undefined;
    return false;
  }

  function lookupQuiet(id: A.Identifier): VarInfo | undefined {
    return visible.get(id.name);
  }

  function expr(e: A.Expression, scope: Scope): void {
    switch (e.kind) {
      case "Identifier":
        lookup(scope, e);
        return;
      case "Index":
        // __index may be a function that yields (LuaJIT allows it).
        scope.fn.maySuspend = true;
        expr(e.obj, scope);
        expr(e.key, scope);
        return;
      case "Call":
        expr(e.callee, scope);
        for (const a of e.args) expr(a, scope);
        callsites.push({ fn: scope.fn, callee: e.callee });
        return;
      case "MethodCall":
        expr(e.obj, scope);
        for (const a of e.args) expr(a, scope);
        callsites.push({ fn: scope.fn, callee: undefined });
        return;
      case "Function":
        func(e, scope);
        return;
      case "Table":
        for (const it of e.items) {
          if (it.kind === "Keyed") expr(it.key, scope);
          expr(it.value, scope);
        }
        return;
      case "Binary":
        // Arithmetic and concatenation may run a metamethod that yields; arithmetic on
        // proven numbers cannot (decided after the number inference).
        if (e.op === "..") scope.fn.maySuspend = true;
        else if (ARITH_OPS.has(e.op)) arithSites.push({ fn: scope.fn, e });
        expr(e.left, scope);
        expr(e.right, scope);
        return;
      case "Logical":
        expr(e.left, scope);
        expr(e.right, scope);
        return;
      case "Unary":
        if (e.op === "#") scope.fn.maySuspend = true;
        else if (e.op === "-") arithSites.push({ fn: scope.fn, e });
        expr(e.arg, scope);
        return;
      case "Paren":
        expr(e.expr, scope);
        return;
      default:
        return;
    }
  }

  const chunkInfo: FunctionInfo = { node: chunk, parent: undefined, maySuspend: false, usesGoto: false, singleResult: false, envUses: 0 };
  functions.set(chunk, chunkInfo);
  block(chunk.body, enter(chunkInfo));

  // Number inference: start optimistic, drop any variable with a non-number source until stable.
  for (const v of all) v.numeric = true;
  const isNumeric = (e: A.Expression): boolean => {
    switch (e.kind) {
      case "Number":
        return true;
      case "Identifier": {
        const v = vars.get(e);
        return v !== undefined && v.numeric;
      }
      case "Binary":
        return ARITH_OPS.has(e.op) && isNumeric(e.left) && isNumeric(e.right);
      case "Unary":
        return e.op === "-" && isNumeric(e.arg);
      case "Paren":
        return isNumeric(e.expr);
      default:
        return false;
    }
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const v of all) {
      if (!v.numeric) continue;
      for (const s of v.sources) {
        if (s === "num") continue;
        if (s === "any" || !isNumeric(s)) {
          v.numeric = false;
          changed = true;
          break;
        }
      }
    }
  }

  for (const a of arithSites) if (!isNumeric(a.e)) a.fn.maySuspend = true;

  const isSafeCallee = (c: A.Expression): boolean => {
    if (c.kind === "Identifier") {
      const v = vars.get(c);
      if (v === undefined) return SAFE_GLOBAL_FUNCS.has(c.name) && !assignedGlobals.has(c.name);
      if (v.reassigned || v.init === undefined) return false;
      // A local function that cannot suspend, or a local alias of a safe builtin (`local sub = string.sub`).
      if (v.init.kind === "Function") return functions.get(v.init)?.maySuspend === false;
      return isSafeCallee(v.init);
    }
    if (c.kind === "Index" && c.dot && c.obj.kind === "Identifier" && c.key.kind === "String") {
      const lib = c.obj;
      const v = vars.get(lib);
      if (v === undefined) return SAFE_LIBS.has(lib.name) && !assignedGlobals.has(lib.name);
      // A local alias of a library table: `local string = string`.
      return !v.reassigned && v.init !== undefined && v.init.kind === "Identifier" && !vars.has(v.init) && SAFE_LIBS.has(v.init.name);
    }
    return false;
  };
  // Optimistic fixed point: a function may suspend when one of its calls may; calls to local
  // functions depend on those functions' own answers (recursion included).
  for (let changed = true; changed; ) {
    changed = false;
    for (const cs of callsites) {
      if (cs.fn.maySuspend) continue;
      if (cs.callee === undefined || !isSafeCallee(cs.callee)) {
        cs.fn.maySuspend = true;
        changed = true;
      }
    }
  }

  const knownFunction = (c: A.Expression): FunctionInfo | undefined => {
    if (c.kind !== "Identifier") return undefined;
    const v = vars.get(c);
    if (v === undefined || v.reassigned || v.init === undefined || v.init.kind !== "Function") return undefined;
    return functions.get(v.init);
  };

  return { vars, functions, assignedGlobals, isNumeric, isSafeCallee, knownFunction };
}

const ARITH_OPS = new Set(["+", "-", "*", "/", "%", "^"]);
const NIL: A.Expression = { kind: "Nil", line: 0 };

/** Every return statement in the body (not in nested functions) returns exactly one plain value, and control never falls off the end. */
function returnsOne(body: A.Block): boolean {
  const last = body[body.length - 1];
  if (last === undefined || last.kind !== "Return") return false;
  let ok = true;
  const visit = (b: A.Block): void => {
    for (const st of b) {
      if (!ok) return;
      switch (st.kind) {
        case "Return":
          if (st.args.length !== 1 || isMulti(st.args[0]!)) ok = false;
          break;
        case "Do": case "While": case "Repeat": case "NumericFor": case "GenericFor":
          visit(st.body);
          break;
        case "If":
          for (const c of st.clauses) visit(c.body);
          if (st.orelse !== undefined) visit(st.orelse);
          break;
        default:
          break;
      }
    }
  };
  visit(body);
  return ok;
}

export function isMulti(e: A.Expression): boolean {
  return e.kind === "Call" || e.kind === "MethodCall" || e.kind === "Vararg";
}
