// The primitives compiled Lua code calls (bound as locals of every generated module).
// Each is small so that V8 inlines it at hot call sites: the fast path is a plain table
// without a metatable, everything else goes to ops.ts.
import { LuaTable, MAX_OBJECT_KEYS, type StrPart } from "./table.js";
import { luaError } from "./error.js";
import { callable, index, indexString, setIndex, rawSet } from "./ops.js";
import { stringToNumber } from "./convert.js";
import { done, doneValue, isDone } from "./coroutine.js";
import type { LuaFunction, LuaGenFunction, LuaResult, LuaValue, Suspension } from "./value.js";

/** Static facts about a compiled Lua function (one object per function in the source). */
export interface Proto {
  /** The latest closure made from this proto (for stack frames, which only know the proto). */
  last?: CompiledFunction;
  readonly name: string | undefined;
  readonly line: number;
  readonly endLine: number;
  readonly nparams: number;
  readonly isVararg: boolean;
  readonly chunk: ChunkHandle;
}

/** The chunk a function comes from, for debug.getinfo. */
export interface ChunkHandle {
  readonly source: string;
  readonly shortSrc: string;
}

export interface CompiledFunction extends LuaFunction {
  $p?: Proto;
  /** The function's environment: the table its global names read and write (setfenv). */
  $env?: LuaTable;
}

/** Attach the suspendable form, the proto and the environment to a freshly created closure. */
export function mkfn(f: CompiledFunction, g: LuaGenFunction | undefined, p: Proto, env: LuaTable): LuaFunction {
  f.$env = env;
  p.last = f;
  if (g !== undefined) {
    f.$g = g;
    // Stack frames of the generator form lead back to the function value (debug.getinfo).
    (g as GenForm).$f = f;
  }
  f.$p = p;
  return f;
}

/** The generator form of a compiled function points back at its plain form. */
export interface GenForm extends LuaGenFunction {
  $f?: CompiledFunction;
}

/** The plain form of a chunk compiled to run suspendable only (a request handler's). */
export function noPlain(): never {
  return luaError("attempt to yield across C-call boundary");
}

/** t.name (a constant string key). */
export function getS(o: LuaValue, k: string, desc?: string, g?: 1): LuaValue {
  // Walk table -> metatable.__index (a table) chains here, the shape of every method call
  // on an object of a class; anything else (functions, non-tables) goes to index().
  if (typeof o === "string") return indexString(o, k, desc, g);
  let t = o;
  for (let depth = 0; t instanceof LuaTable && depth < 100; depth++) {
    const v = t.getStr(k);
    if (v !== undefined) return v;
    const mt = t.mt;
    if (mt === undefined) return undefined;
    const idx = mt.getStr("__index");
    if (idx === undefined) return undefined;
    if (!(idx instanceof LuaTable)) return index(t, k, t === o ? desc : undefined, g);
    t = idx;
  }
  return index(t, k, t === o ? desc : undefined, g);
}

/** t[k] (any key). */
export function get(o: LuaValue, k: LuaValue, desc?: string, g?: 1): LuaValue {
  if (o instanceof LuaTable) {
    const v = o.get(k);
    if (v !== undefined || o.mt === undefined) return v;
  }
  return index(o, k, desc, g);
}

/** t.name = v */
export function setS(o: LuaValue, k: string, v: LuaValue, desc?: string, g?: 1): LuaValue {
  if (o instanceof LuaTable && o.mt === undefined) {
    o.setStr(k, v);
    return undefined;
  }
  return setIndex(o, k, v, desc, g);
}

/** t[k] = v */
export function set(o: LuaValue, k: LuaValue, v: LuaValue, desc?: string, g?: 1): LuaValue {
  if (o instanceof LuaTable && o.mt === undefined) {
    if (typeof k === "number") {
      if (k !== k) luaError("table index is NaN");
    } else if (k === undefined) {
      luaError("table index is nil");
    }
    o.set(k, v);
    return undefined;
  }
  return setIndex(o, k, v, desc, g);
}

/** The JS function to call for callee value f (with __call), or Lua's "attempt to call". */
export function fn(f: LuaValue, desc?: string): LuaFunction {
  return typeof f === "function" ? (f as LuaFunction) : callable(f, desc);
}

/** First value of a call result. */
export function one(r: LuaResult): LuaValue {
  return Array.isArray(r) ? r[0] : r;
}

/** All values of a call result, as an array (for spreading). */
export function many(r: LuaResult): LuaValue[] {
  return Array.isArray(r) ? r : [r];
}

export const NONE: LuaValue[] = [];

export function truthy(v: LuaValue): boolean {
  return v !== undefined && v !== false;
}

/** Table constructor with positional items only. The array is owned by the table. */
export function tbl(arr: LuaValue[]): LuaTable {
  return new LuaTable(arr);
}

/**
 * Table constructor with named fields only (`{ x = 1, y = 2 }`): the compiled code builds the
 * string part (see emit.ts) and passes an upper bound of its key count.
 */
export function tbls(arr: LuaValue[], strs: StrPart, n: number): LuaTable {
  const t = new LuaTable(arr, strs, n);
  if (n > MAX_OBJECT_KEYS) t.rebalance();
  return t;
}

/** The constructor of tables' string parts, for the compiled table constructors. */
export const SPC: new () => StrPart = LuaTable.StrParts;

/** Table constructor with keyed items: kv holds key, value, key, value... in source order. */
export function tblk(arr: LuaValue[], kv: LuaValue[], late?: LuaValue[]): LuaTable {
  // Keyed items first: positional ones are stored after them and win (`{[1]="a", "b"}` has
  // t[1] == "b"), except the keyed items `late` holds, which LuaJIT stores after the
  // positional item of the same key (`{"b", [1]="a"}`: see emit.ts).
  const t = new LuaTable();
  for (let i = 0; i < kv.length; i += 2) rawSet(t, kv[i], kv[i + 1]);
  for (let i = 0; i < arr.length; i++) t.set(i + 1, arr[i]);
  if (late !== undefined) for (let i = 0; i < late.length; i += 2) rawSet(t, late[i], late[i + 1]);
  return t;
}

/** A numeric for's control value: a number or a string that converts. */
export function forNum(v: LuaValue, what: "initial value" | "limit" | "step"): number {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const n = stringToNumber(v);
    if (n !== undefined) return n;
  }
  return luaError(`'for' ${what} must be a number`);
}

// ------------------------------------------------------------ generic for

/** The state of a generic for: iterator function, invariant state, control value. */
export abstract class ForIter {
  /** The loop variables of the current step (k, v, and any beyond two in `rest`). */
  k: LuaValue = undefined;
  v: LuaValue = undefined;
  rest: LuaValue[] = NONE;
  /** True when a step may suspend (the iterator function has a suspendable form). */
  gen = false;
  abstract step(): boolean;
  *stepG(): Generator<Suspension, boolean, unknown> {
    return this.step();
  }
}

class PairsIter extends ForIter {
  private i = 0;
  // The string keys as they were when the array part ended (keys set to nil meanwhile are
  // skipped, keys added are not visited: Lua leaves that undefined), then the Map.
  private keys: string[] | undefined;
  private j = 0;
  private it: Iterator<[LuaValue, LuaValue]> | undefined;
  constructor(private readonly t: LuaTable) {
    super();
  }
  step(): boolean {
    const t = this.t;
    const a = t.arr;
    while (this.i < a.length) {
      const v = a[this.i++];
      if (v !== undefined) {
        this.k = this.i;
        this.v = v;
        return true;
      }
    }
    if (this.it === undefined) {
      const s = t.strs;
      if (s !== undefined) {
        const keys = (this.keys ??= Object.keys(s));
        while (this.j < keys.length) {
          const k = keys[this.j++]!;
          const v = s[k];
          if (v !== undefined) {
            this.k = k;
            this.v = v;
            return true;
          }
        }
      }
      const h = t.other;
      if (h === undefined) return false;
      this.it = h.entries();
    }
    for (;;) {
      const r = this.it.next();
      if (r.done) return false;
      if (r.value[1] !== undefined) {
        this.k = r.value[0];
        this.v = r.value[1];
        return true;
      }
    }
  }
}

class IpairsIter extends ForIter {
  private i = 0;
  constructor(private readonly t: LuaTable) {
    super();
  }
  step(): boolean {
    // The array part read in place; past it (keys in the hash) through getNum.
    const i = this.i;
    const a = this.t.arr;
    const v = i < a.length ? a[i] : this.t.getNum(i + 1);
    if (v === undefined) return false;
    this.i = this.k = i + 1;
    this.v = v;
    return true;
  }
}

class CallIter extends ForIter {
  constructor(private readonly f: LuaFunction, private readonly s: LuaValue, private c: LuaValue) {
    super();
    this.gen = f.$g !== undefined;
  }
  private take(r: LuaResult): boolean {
    if (Array.isArray(r)) {
      this.k = r[0];
      this.v = r[1];
      if (r.length > 2) this.rest = r;
    } else {
      this.k = r;
      this.v = undefined;
    }
    if (this.k === undefined) return false;
    this.c = this.k;
    return true;
  }
  step(): boolean {
    return this.take(this.f(this.s, this.c));
  }
  override stepG(): Generator<Suspension, boolean, unknown> {
    const it = this.f.$g!(this.s, this.c);
    // A builtin's suspendable form that finished at once (a coroutine.wrap iterator that
    // yielded) needs no generator here either.
    return isDone(it) ? done(this.take(doneValue() as LuaResult)) : this.waitG(it);
  }
  private *waitG(it: Generator<Suspension, LuaResult, unknown>): Generator<Suspension, boolean, unknown> {
    return this.take(yield* it);
  }
}

let nextBuiltin: LuaFunction | undefined;
let ipairsAux: LuaFunction | undefined;
/** The base library registers `next` and ipairs' iterator so that loops over them skip the calls. */
export function registerIterators(next: LuaFunction, ipairsIter: LuaFunction): void {
  nextBuiltin = next;
  ipairsAux = ipairsIter;
}

/** Start a generic for over the values of its explist (f, s, c). */
export function iter(r: LuaResult): ForIter {
  let f: LuaValue, s: LuaValue, c: LuaValue;
  if (Array.isArray(r)) {
    f = r[0];
    s = r[1];
    c = r[2];
  } else {
    f = r;
  }
  if (s instanceof LuaTable) {
    if (f === nextBuiltin && c === undefined) return new PairsIter(s);
    if (f === ipairsAux && c === 0 && s.mt === undefined) return new IpairsIter(s);
  }
  return new CallIter(fn(f), s, c);
}

export function iter3(f: LuaValue, s: LuaValue, c: LuaValue): ForIter {
  return iter([f, s, c]);
}
