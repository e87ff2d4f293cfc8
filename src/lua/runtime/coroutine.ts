// Coroutines on generators. A coroutine runs its function's suspendable form ($g); a
// coroutine.yield inside yields a CoYield up to resume(). An asynchronous operation yields
// a Promise, which resume's suspendable form passes further up, so that the whole chain of
// coroutines waits for it; the request driver at the bottom awaits it. Such a Promise must
// resolve (never reject): I/O failures are Lua return values (nil, err).
import { CoYield, type LuaFunction, type LuaResult, type LuaValue, type Suspension } from "./value.js";
import { errorValue } from "./ops.js";
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

/** Start or continue the coroutine's generator. Returns undefined when it ran to the end synchronously (plain function). */
function step(co: Coroutine, args: LuaValue[]): Step {
  if (co.gen === undefined) {
    const g = co.fn.$g;
    if (g === undefined) return { done: true, value: co.fn(...args) };
    co.gen = g(...args);
    return co.gen.next();
  }
  return co.gen.next(args);
}

function finish(co: Coroutine, r: Step): LuaValue[] {
  if (r.done === true) {
    co.status = "dead";
    return [true, ...many(r.value)];
  }
  co.status = "suspended";
  return [true, ...(r.value as CoYield).values];
}

function check(co: Coroutine): LuaValue[] | undefined {
  if (co.status === "dead") return [false, "cannot resume dead coroutine"];
  if (co.status === "running") return [false, "cannot resume running coroutine"];
  if (co.status !== "suspended") return [false, "cannot resume non-suspended coroutine"];
  return undefined;
}

/** coroutine.resume from code that cannot wait: an asynchronous operation inside fails. */
export function resume(co: Coroutine, args: LuaValue[]): LuaValue[] {
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

/** coroutine.resume from suspendable code: asynchronous operations inside are passed up. */
export function* resumeG(co: Coroutine, args: LuaValue[]): Generator<Suspension, LuaValue[], unknown> {
  const bad = check(co);
  if (bad !== undefined) return bad;
  let prev = enter(co);
  try {
    let r = step(co, args);
    while (r.done !== true && !(r.value instanceof CoYield)) {
      leave(prev);
      const x: unknown = yield r.value;
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
