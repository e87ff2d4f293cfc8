// ngx.thread.spawn, wait and kill: light threads inside one request. A light thread is a
// Coroutine driven here: spawn runs it at once until it first waits, then it continues on
// the event loop while its parent goes on. The request's cleanup kills those still running,
// and the host awaits waitUserThreads(req) before it ends a handler, since ngx_lua ends a
// handler only when the entry thread and every light thread have ended.
import { Coroutine, running, setRunning } from "../../lua/runtime/coroutine.js";
import { LuaTable } from "../../lua/runtime/table.js";
import { luaError } from "../../lua/runtime/error.js";
import { errorValue } from "../../lua/runtime/ops.js";
import { many } from "../../lua/runtime/prims.js";
import { CoYield, type LuaFunction, type LuaResult, type LuaValue, type Suspension } from "../../lua/runtime/value.js";
import type { AsyncHost, AsyncRequest } from "./host.js";
import { userAbortText } from "../thread.js";
import { YIELDABLE, checkPhase, yieldAcrossC } from "./phase.js";

type Step = IteratorResult<Suspension, LuaResult>;

export class UserThread extends Coroutine {
  /** "running" until it ends, then "zombie" until waited for, then "dead" (waited or killed). */
  state: "running" | "zombie" | "dead" = "running";
  result: LuaValue[] = [];
  readonly parent: Coroutine | undefined;
  readonly listeners = new Set<(t: UserThread) => void>();
  constructor(fn: LuaFunction, readonly req: AsyncRequest | undefined) {
    super(fn);
    this.parent = running();
  }
}

/** An Error made where a coroutine waits in ngx.thread.wait (its frames, for tracebacks). */
const suspendedAt = new WeakMap<Coroutine, Error>();

interface ReqThreads {
  live: Set<UserThread>;
  idle: (() => void)[];
}
const byRequest = new WeakMap<AsyncRequest, ReqThreads>();

function track(t: UserThread): void {
  const req = t.req;
  if (req === undefined) return;
  let r = byRequest.get(req);
  if (r === undefined) {
    const rt: ReqThreads = { live: new Set(), idle: [] };
    r = rt;
    byRequest.set(req, rt);
    req.onCleanup(() => {
      for (const th of rt.live) kill(th);
      rt.live.clear();
      release(rt);
    });
  }
  r.live.add(t);
}

function release(rt: ReqThreads): void {
  if (rt.live.size > 0) return;
  const cbs = rt.idle;
  rt.idle = [];
  for (const cb of cbs) cb();
}

/** Resolves when every light thread of `req` has ended (the host awaits it after the entry thread). */
export function waitUserThreads(req: AsyncRequest): Promise<void> {
  const rt = byRequest.get(req);
  if (rt === undefined || rt.live.size === 0) return Promise.resolve();
  return new Promise((resolve) => rt.idle.push(resolve));
}

function ended(t: UserThread, result: LuaValue[], host: AsyncHost, err?: unknown): void {
  if (t.state !== "running") return;
  t.state = "zombie";
  // coroutine.status names an ended thread not yet waited for "zombie", as ngx_lua does.
  (t as { status: string }).status = "zombie";
  t.result = result;
  if (err !== undefined) host.log(4, userAbortText(err, t.parent === undefined ? undefined : suspendedAt.get(t.parent)));
  const req = t.req;
  if (req !== undefined) {
    const rt = byRequest.get(req);
    if (rt !== undefined) {
      rt.live.delete(t);
      release(rt);
    }
  }
  for (const l of [...t.listeners]) l(t);
}

function kill(t: UserThread): void {
  if (t.state === "running") {
    t.state = "dead";
    t.status = "dead";
    t.gen = undefined;
    const req = t.req;
    if (req !== undefined) {
      const rt = byRequest.get(req);
      if (rt !== undefined) {
        rt.live.delete(t);
        release(rt);
      }
    }
  } else {
    t.state = "dead";
  }
}

/** Run one step of `t` as the running coroutine, restoring the previous one after. */
function step(t: UserThread, args: LuaValue[] | undefined, input: unknown, host: AsyncHost): Step | undefined {
  const prev = running();
  if (prev !== undefined) prev.status = "normal";
  t.status = "running";
  setRunning(t);
  try {
    if (t.gen === undefined) {
      const g = t.fn.$g;
      if (g === undefined) {
        ended(t, [true, ...many(t.fn(...args!))], host);
        return undefined;
      }
      t.gen = g(...args!);
      return t.gen.next();
    }
    return t.gen.next(input);
  } catch (e) {
    ended(t, [false, errorValue(e)], host, e);
    return undefined;
  } finally {
    setRunning(prev);
    if (prev !== undefined) prev.status = "running";
    // A light thread waiting on I/O reports "running", as ngx_lua's do.
    if (t.state === "running") t.status = "running";
  }
}

function drive(t: UserThread, r: Step | undefined, host: AsyncHost): void {
  for (;;) {
    if (r === undefined) return;
    if (r.done === true) {
      ended(t, [true, ...many(r.value)], host);
      return;
    }
    if (r.value instanceof CoYield) {
      // coroutine.yield in a light thread gives the other threads a turn.
      setImmediate(() => {
        if (t.state === "running" && t.gen !== undefined) drive(t, step(t, undefined, [], host), host);
      });
      return;
    }
    r.value.then((x) => {
      if (t.state === "running" && t.gen !== undefined) drive(t, step(t, undefined, x, host), host);
    });
    return;
  }
}

export function threadTable(host: AsyncHost): LuaTable {
  const spawn = (...a: LuaValue[]): LuaResult => {
    checkPhase(host, YIELDABLE);
    const fn = a[0];
    if (typeof fn !== "function") luaError("bad argument #1 to '?' (Lua function expected)");
    const t = new UserThread(fn as LuaFunction, host.request());
    track(t);
    drive(t, step(t, a.slice(1), undefined, host), host);
    return t;
  };

  function threadsOf(a: LuaValue[]): UserThread[] | LuaValue[] {
    checkPhase(host, YIELDABLE);
    if (a.length === 0) luaError("at least one coroutine should be specified");
    const ts: UserThread[] = [];
    for (let i = 0; i < a.length; i++) {
      const t = a[i];
      if (!(t instanceof Coroutine)) luaError(`bad argument #${i + 1} to '?' (lua thread expected)`);
      if (!(t instanceof UserThread)) luaError("attempt to wait on a coroutine that is not a user thread");
      if (t.parent !== running()) luaError("only the parent coroutine can wait on the thread");
      if (t.state === "dead") return [undefined, "already waited or killed"];
      ts.push(t);
    }
    return ts;
  }

  function collect(t: UserThread): LuaValue[] {
    t.state = "dead";
    t.status = "dead";
    return t.result;
  }

  const ready = (ts: UserThread[]): UserThread | undefined => ts.find((t) => t.state === "zombie");

  const wait = ((...a: LuaValue[]): LuaResult => {
    const ts = threadsOf(a);
    if (!(ts[0] instanceof UserThread)) return ts as LuaValue[];
    const done = ready(ts as UserThread[]);
    if (done !== undefined) return collect(done);
    return yieldAcrossC();
  }) as LuaFunction;
  wait.$g = function* (...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
    const ts0 = threadsOf(a);
    if (!(ts0[0] instanceof UserThread)) return ts0 as LuaValue[];
    const ts = ts0 as UserThread[];
    const done = ready(ts);
    if (done !== undefined) return collect(done);
    // Where the parent waits, for the traceback of a thread that dies meanwhile (the frames
    // are taken now, formatted only if one does).
    const me = running();
    if (me !== undefined) suspendedAt.set(me, new Error());
    const first = (yield new Promise<UserThread>((resolve) => {
      const on = (t: UserThread): void => {
        for (const u of ts) u.listeners.delete(on);
        resolve(t);
      };
      for (const u of ts) u.listeners.add(on);
    })) as UserThread;
    if (me !== undefined) suspendedAt.delete(me);
    if (first.state === "dead") return [undefined, "already waited or killed"];
    return collect(first);
  };

  const killFn = (...a: LuaValue[]): LuaResult => {
    checkPhase(host, YIELDABLE);
    const t = a[0];
    if (!(t instanceof Coroutine)) luaError("bad argument #1 to '?' (lua thread expected)");
    if (!(t instanceof UserThread)) return [undefined, "not user thread"];
    if (t.parent !== running()) return [undefined, "killer not parent"];
    if (t.state === "dead") return [undefined, "already waited or killed"];
    kill(t);
    for (const l of [...t.listeners]) l(t);
    return 1;
  };

  const tbl = new LuaTable();
  const fns: Record<string, LuaFunction> = { spawn, wait, kill: killFn };
  for (const [k, f] of Object.entries(fns)) {
    f.$name = k;
    tbl.setStr(k, f);
  }
  return tbl;
}
