// The coroutine library over runtime/coroutine.ts.
import { LuaTable } from "../runtime/table.js";
import { LuaError, luaError } from "../runtime/error.js";
import { argError } from "../runtime/error.js";
import { Coroutine, done, doneValue, isDone, resume, resumeIter, running, coYield } from "../runtime/coroutine.js";
import { builtin, checkFunction } from "./args.js";
import { NONE, type LuaFunction, type LuaResult, type LuaValue, type Suspension } from "../runtime/value.js";

function checkCo(v: LuaValue, fname: string): Coroutine {
  if (v instanceof Coroutine) return v;
  return argError(1, fname, "coroutine expected");
}

function create(...a: LuaValue[]): LuaValue {
  return new Coroutine(checkFunction(a, 0, "create")) as unknown as LuaValue;
}

// What resume sends: the arguments after the coroutine, one as itself, so that the common
// one-value resume and yield allocate no array. `arguments` is read in place (never passed
// on), which V8 compiles without materialising it.
function resumeB(co: LuaValue, v: LuaValue): LuaResult {
  const n = arguments.length;
  // eslint-disable-next-line prefer-rest-params
  const send = n <= 1 ? NONE : n === 2 ? v : (Array.prototype.slice.call(arguments, 1) as LuaValue[]);
  return resume(checkCo(co, "resume"), send);
}
resumeB.$g = function (co: LuaValue, v: LuaValue): Generator<Suspension, LuaResult, unknown> {
  const n = arguments.length;
  // eslint-disable-next-line prefer-rest-params
  const send = n <= 1 ? NONE : n === 2 ? v : (Array.prototype.slice.call(arguments, 1) as LuaValue[]);
  return resumeIter(checkCo(co, "resume"), send);
};

function status(...a: LuaValue[]): string {
  const co = checkCo(a[0], "status");
  return co === running() ? "running" : co.status;
}

function runningB(): LuaValue {
  return running() as unknown as LuaValue;
}

function isyieldable(): boolean {
  return running() !== undefined;
}

/** wrap's error: a string error gains the position of the wrap call, as in LuaJIT. */
function rethrow(r: LuaValue[]): never {
  const v = r[1];
  if (typeof v === "string") return luaError(v);
  throw new LuaError(v);
}

/** A wrap's values from resume's: the values after `true` (one as itself), or the error raised. */
function unwrap(r: LuaValue[]): LuaResult {
  if (r[0] !== true) return rethrow(r);
  return r.length === 2 ? r[1] : r.slice(1);
}

function wrap(...a: LuaValue[]): LuaValue {
  const co = new Coroutine(checkFunction(a, 0, "wrap"));
  // Two arguments are what a generic for passes its iterator (state, control): a literal
  // array for them costs less than slice().
  const w: LuaFunction = function (v: LuaValue, c: LuaValue): LuaResult {
    const n = arguments.length;
    // eslint-disable-next-line prefer-rest-params
    return unwrap(resume(co, n === 0 ? NONE : n === 1 ? v : n === 2 ? [v, c] : (Array.prototype.slice.call(arguments) as LuaValue[])));
  };
  w.$g = function (v: LuaValue, c: LuaValue): Generator<Suspension, LuaResult, unknown> {
    const n = arguments.length;
    // eslint-disable-next-line prefer-rest-params
    const it = resumeIter(co, n === 0 ? NONE : n === 1 ? v : n === 2 ? [v, c] : (Array.prototype.slice.call(arguments) as LuaValue[]));
    return isDone(it) ? done(unwrap(doneValue() as LuaValue[])) : unwrapG(it);
  };
  return builtin("wrap", w);
}

function* unwrapG(it: Generator<Suspension, LuaValue[], unknown>): Generator<Suspension, LuaResult, unknown> {
  return unwrap(yield* it);
}

export function openCoroutine(G: LuaTable): void {
  const t = new LuaTable();
  const fns: Record<string, LuaFunction> = {
    create, resume: resumeB as LuaFunction, yield: coYield as LuaFunction, status, running: runningB, isyieldable, wrap,
  };
  for (const k of Object.keys(fns)) t.setStr(k, builtin(k, fns[k]!));
  G.setStr("coroutine", t);
}

