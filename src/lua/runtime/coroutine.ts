// Coroutines on generators. A coroutine runs its function's suspendable form ($g); a
// coroutine.yield inside yields a CoYield up to resume(). An asynchronous operation yields
// a Promise, which resume's suspendable form passes further up, so that the whole chain of
// coroutines waits for it; the request driver at the bottom awaits it. Such a Promise must
// resolve (never reject): I/O failures are Lua return values (nil, err).
import { CoYield, type LuaFunction, type LuaResult, type LuaValue, type Suspension } from "./value.js";
import { errorValue } from "./ops.js";
import { luaError } from "./error.js";
import { many } from "./prims.js";

export type CoStatus = "suspended" | "running" | "normal" | "dead";

export class Coroutine {
  readonly luaType = "thread";
  readonly mt = undefined;
  status: CoStatus = "suspended";
  gen: Generator<Suspension, LuaResult, unknown> | undefined;
  /**
   * What the host attaches to a thread (the server: its request), inherited by the
   * coroutines created while it runs, so that ngx.* finds its request in any of them.
   */
  readonly host: unknown;
  constructor(readonly fn: LuaFunction, host?: unknown) {
    this.host = host !== undefined ? host : current?.host;
  }
}

let current: Coroutine | undefined;

/** The running coroutine, or undefined on the main thread. */
export function running(): Coroutine | undefined {
  return current;
}

/** Make `co` the running coroutine (the request driver does this for its entry thread). */
export function setRunning(co: Coroutine | undefined): void {
  current = co;
}

type Step = IteratorResult<Suspension, LuaResult>;

function enter(co: Coroutine): Coroutine | undefined {
  const prev = current;
  if (prev !== undefined) prev.status = "normal";
  co.status = "running";
  current = co;
  return prev;
}

function leave(prev: Coroutine | undefined): void {
  current = prev;
  if (prev !== undefined) prev.status = "running";
}

// A yield is consumed at once by whoever resumed the coroutine, before any other Lua code
// runs, so one CoYield object serves every yield: no allocation per switch.
const YIELD = new CoYield([]);

/** What a coroutine.yield yields: `ret` is resume's result, `true` followed by the values. */
export function yieldValues(ret: LuaValue[]): CoYield {
  if (current === undefined) return luaError("attempt to yield from outside a coroutine");
  YIELD.ret = ret;
  return YIELD;
}

/**
 * coroutine.yield. Its plain form is reached only from code that cannot suspend: a
 * builtin's callback, or a main chunk run plain, which LuaJIT's command line also runs
 * behind a C call. Compiled code calls it without its generator (see emit.ts, $coYield).
 */
export function coYield(..._a: LuaValue[]): LuaResult {
  return luaError("attempt to yield across C-call boundary");
}
coYield.$g = function* (...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
  return (yield yieldValues([true, ...a])) as LuaResult;
};

/**
 * Start or continue the coroutine's generator; `send` becomes the values of the pending
 * coroutine.yield (a LuaResult: one value as itself). A function without a suspendable form
 * runs to its end at once.
 */
function step(co: Coroutine, send: LuaResult): Step {
  if (co.gen === undefined) {
    const g = co.fn.$g;
    const args = many(send);
    if (g === undefined) return { done: true, value: co.fn(...args) };
    co.gen = g(...args);
    return co.gen.next();
  }
  return co.gen.next(send);
}

/** resume's values for a step that ended or yielded (the caller has checked which). */
function finish(co: Coroutine, r: Step): LuaValue[] {
  if (r.done === true) {
    co.status = "dead";
    const v = r.value;
    return Array.isArray(v) ? [true, ...v] : [true, v];
  }
  co.status = "suspended";
  return (r.value as CoYield).ret;
}

function check(co: Coroutine): LuaValue[] | undefined {
  if (co.status === "suspended") return undefined;
  if (co.status === "dead") return [false, "cannot resume dead coroutine"];
  // LuaJIT says "running" for any coroutine with an active frame: running or normal.
  return [false, "cannot resume running coroutine"];
}

/** coroutine.resume from code that cannot wait: an asynchronous operation inside fails. */
export function resume(co: Coroutine, args: LuaResult): LuaValue[] {
  const bad = check(co);
  if (bad !== undefined) return bad;
  const prev = enter(co);
  try {
    const r = step(co, args);
    if (r.done !== true && !(r.value instanceof CoYield)) {
      co.status = "dead";
      return [false, "attempt to yield across C-call boundary"];
    }
    return finish(co, r);
  } catch (e) {
    co.status = "dead";
    return [false, errorValue(e)];
  } finally {
    leave(prev);
  }
}

/**
 * The suspendable form of resume without a generator when nothing asynchronous happens:
 * `yield*` over the result gives resume's values. Most resumes end in a coroutine.yield or
 * the coroutine's end, so they cost a plain call; only a resume that meets a Promise
 * continues in a generator (waitG).
 */
export function resumeIter(co: Coroutine, args: LuaResult): Generator<Suspension, LuaValue[], unknown> {
  const bad = check(co);
  if (bad !== undefined) return done(bad);
  const prev = enter(co);
  let r: Step;
  try {
    r = step(co, args);
  } catch (e) {
    co.status = "dead";
    leave(prev);
    return done([false, errorValue(e)]);
  }
  leave(prev);
  if (r.done === true || r.value instanceof CoYield) return done(finish(co, r));
  return waitG(co, r.value);
}

/** resumeIter's continuation once the first step met Promise p: pass Promises up until a yield or the end. */
function* waitG(co: Coroutine, p: Promise<unknown>): Generator<Suspension, LuaValue[], unknown> {
  let x: unknown = yield p;
  let prev = enter(co);
  try {
    let r = co.gen!.next(x);
    while (r.done !== true && !(r.value instanceof CoYield)) {
      leave(prev);
      x = yield r.value;
      prev = enter(co);
      r = co.gen!.next(x);
    }
    return finish(co, r);
  } catch (e) {
    co.status = "dead";
    return [false, errorValue(e)];
  } finally {
    leave(prev);
  }
}

// An iterator that is done at once with a given value: `yield* done(v)` is v, at the cost of
// a call (a generator object costs about three times more). One object serves all: yield*
// reads the value before any other code runs.
const DONE_RESULT: { done: true; value: unknown } = { done: true, value: undefined };
const DONE = {
  [Symbol.iterator]() {
    return DONE;
  },
  next(): IteratorResult<Suspension, unknown> {
    return DONE_RESULT as IteratorResult<Suspension, unknown>;
  },
};

/** An iterable whose `yield*` gives v without suspending (for suspendable forms of builtins). */
export function done<T>(v: T): Generator<Suspension, T, unknown> {
  DONE_RESULT.value = v;
  // Not a generator (no return/throw), but yield* only ever calls its next() once.
  return DONE as unknown as Generator<Suspension, T, unknown>;
}

/** True when a suspendable form's result is done() (its value is then doneValue()). */
export function isDone(it: unknown): boolean {
  return it === DONE;
}

export function doneValue(): unknown {
  return DONE_RESULT.value;
}

/**
 * Run a function as an entry thread to completion on the event loop (a request handler,
 * a timer): the driver awaits every Promise it yields. A coroutine.yield at the top level
 * of the thread resumes it at once with no values, as ngx_lua does for its entry threads.
 */
export async function runThread(co: Coroutine, args: LuaValue[]): Promise<LuaResult> {
  // `outer` is whatever was running when this driver took over: the caller at the start,
  // and after each await whatever the event loop had running then (usually nothing).
  let outer = enter(co);
  try {
    let r = step(co, args);
    for (;;) {
      if (r.done === true) {
        co.status = "dead";
        return r.value;
      }
      if (r.value instanceof CoYield) {
        r = co.gen!.next([]);
        continue;
      }
      leave(outer);
      const x: unknown = await r.value;
      outer = enter(co);
      r = co.gen!.next(x);
    }
  } catch (e) {
    co.status = "dead";
    throw e;
  } finally {
    leave(outer);
  }
}
