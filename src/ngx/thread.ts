// Running Lua for a phase: an entry thread on a Coroutine whose host is the NgxHost, driven
// synchronously for as long as it does not wait (a plain request costs no Promise), then on
// the event loop. ngx.exit, ngx.exec and ngx.redirect stop the thread: their suspendable
// form yields EXIT, which the driver answers by abandoning the generator (so that a pcall
// on the way cannot catch it, as in OpenResty where they are yields too).
import { Coroutine, running, setRunning } from "../lua/runtime/coroutine.js";
import { CoYield, type LuaFunction, type LuaResult, type LuaValue, type Suspension } from "../lua/runtime/value.js";
import { LuaError } from "../lua/runtime/error.js";
import { calleeOfError, traceFrames, traceSections, isBuiltinFrame, keepStack, metamethodHelperOfError, type LuaFrame, type TraceFrame } from "../lua/runtime/callstack.js";
import { errorValue, tostring } from "../lua/runtime/ops.js";
import type { Proto } from "../lua/runtime/prims.js";
import type { NgxHost } from "./host.js";
import type { TimerOrigin } from "./async/host.js";
import type { LogContext } from "../http/log/error-log.js";
import { nextConnectionNumber } from "../http/transport/connection-counter.js";

/** Yielded by the suspendable forms of ngx.exit/exec/redirect: stop the thread. */
export const EXIT: Promise<unknown> = new Promise(() => {});

/** Thrown by their plain forms (called where a yield cannot happen). */
export class NgxExitSignal extends Error {}

export interface ThreadEnd {
  /** The thread raised this (a Lua error or a JS exception); undefined when it ended. */
  readonly error: unknown;
  readonly value: LuaResult;
}

const ENDED: ThreadEnd = { error: undefined, value: [] };

type Gen = Generator<Suspension, LuaResult, unknown>;

/** Run `fn(...args)` as an entry thread for `host`. Synchronous until it first waits. */
export function runEntry(fn: LuaFunction, host: NgxHost, args: LuaValue[] = []): ThreadEnd | Promise<ThreadEnd> {
  const co = new Coroutine(fn, host);
  const prev = running();
  setRunning(co);
  co.status = "running";
  try {
    const g = fn.$g;
    if (g === undefined) {
      const v = fn(...args);
      co.status = "dead";
      return { error: undefined, value: v };
    }
    const gen = g(...args);
    co.gen = gen;
    return drive(co, gen, gen.next());
  } catch (e) {
    co.status = "dead";
    return failed(e);
  } finally {
    setRunning(prev);
  }
}

function failed(e: unknown): ThreadEnd {
  if (e instanceof NgxExitSignal) return ENDED;
  if (e instanceof Error) keepStack(e);
  return { error: e, value: undefined };
}

/** Step the generator until it ends or waits; `co` is the running coroutine. */
function drive(co: Coroutine, gen: Gen, r: IteratorResult<Suspension, LuaResult>): ThreadEnd | Promise<ThreadEnd> {
  for (;;) {
    if (r.done === true) {
      co.status = "dead";
      return { error: undefined, value: r.value };
    }
    const v = r.value;
    if (v instanceof CoYield) {
      // A yield at the top of an entry thread resumes it at once, as ngx_lua does.
      r = gen.next([]);
      continue;
    }
    if (v === EXIT) {
      co.status = "dead";
      gen.return([]);
      return ENDED;
    }
    co.status = "suspended";
    return resumeLater(co, gen, v);
  }
}

async function resumeLater(co: Coroutine, gen: Gen, p: Promise<unknown>): Promise<ThreadEnd> {
  let x: unknown;
  try {
    x = await p;
  } catch (e) {
    x = undefined;
    void e;
  }
  if ((co.host as NgxHost | undefined)?.killed === true) {
    // Its request ended while it waited (see on-abort.ts).
    co.status = "dead";
    gen.return([]);
    return ENDED;
  }
  const prev = running();
  setRunning(co);
  co.status = "running";
  try {
    return drive(co, gen, gen.next(x));
  } catch (e) {
    co.status = "dead";
    return failed(e);
  } finally {
    setRunning(prev);
  }
}

// ---------------------------------------------------------------- error texts

/** The message OpenResty shows for an error value ("unknown reason" for non-strings). */
export function errorMessage(e: unknown): string {
  if (e instanceof LuaError) {
    const v = e.value;
    if (typeof v === "string") return v;
    if (typeof v === "number") return tostring(v);
    return "unknown reason";
  }
  const v = errorValue(e);
  return typeof v === "string" ? v : "unknown reason";
}

function protoOf(f: unknown): Proto | undefined {
  return typeof f === "function" ? (f as { $p?: Proto }).$p : undefined;
}

/** `byBuiltin`: called by pcall, xpcall or require, whose callee LuaJIT cannot name. */
function label(f: LuaFrame, byBuiltin: boolean): string {
  const p = protoOf(f.func);
  if (p === undefined || p.line === 0) return "in main chunk";
  if (p.name !== undefined && !byBuiltin) return `in function '${p.name.replace(/^.*[.:]/, "")}'`;
  return `in function <${f.chunk.shortSrc}:${p.line}>`;
}

/** The metamethod event behind each runtime helper the compiled code calls. */
const HELPER_EVENT: Readonly<Record<string, string>> = {
  index: "__index", setIndex: "__newindex", call: "__call",
  add: "__add", sub: "__sub", mul: "__mul", div: "__div", mod: "__mod", pow: "__pow", unm: "__unm",
  len: "__len", concat: "__concat", eq: "__eq", lt: "__lt", le: "__le",
};

/**
 * The traceback lines of error `e` (each "\t..."): `[C]: in function 'NAME'` when a builtin
 * raised it, then the Lua frames. `dead` is for an entry thread that died: LuaJIT then has
 * no current line for the innermost Lua frame when the VM itself raised the error.
 */
export function tracebackLines(e: unknown, dead: boolean): string[] {
  if (!(e instanceof Error)) return [];
  const frames = traceFrames(e);
  const callee = calleeOfError(e);
  const out: string[] = [];
  let builtin = callee !== undefined && !/\/lua\/runtime\//.test(callee.file) && callee.name !== "?";
  if (callee !== undefined && builtin) out.push(`\t[C]: in function '${callee.name.replace(/^.*\./, "").replace(/\$g$/, "")}'`);
  else if (callee !== undefined) {
    // A builtin called as a metamethod raised it: LuaJIT names the metamethod and keeps the line.
    const meta = HELPER_EVENT[metamethodHelperOfError(e) ?? ""];
    if (meta !== undefined) {
      out.push(`\t[C]: in function '${meta}'`);
      builtin = true;
    }
  }
  return out.concat(frameLines(frames, dead && !builtin));
}

/** A traceback's lines for `frames`; `noLine`: the innermost Lua frame has no current line. */
function frameLines(frames: readonly TraceFrame[], noLine: boolean): string[] {
  return frames.map((f, i) => {
    if (isBuiltinFrame(f)) return `\t[C]: in function '${f.builtin}'`;
    // The thread's entry function is called by C (ngx_lua), as one called by pcall: no name.
    const outer = frames[i + 1];
    return `\t${f.chunk.shortSrc}${(noLine && i === 0) || f.line <= 0 ? "" : ":" + f.line}: ${label(f, outer === undefined || isBuiltinFrame(outer))}`;
  });
}

/**
 * "lua user thread aborted: runtime error: MSG\nstack traceback:\ncoroutine 0:\n...": the
 * light thread's frames, then ("coroutine 1:", ...) those of the coroutines it was spawned
 * from: still on the stack when it died at once, else as `parentAt` (an Error made where its
 * parent last suspended) recorded them; none when neither is known.
 */
export function userAbortText(e: unknown, parentAt?: Error): string {
  if (e instanceof Error) keepStack(e);
  let text = `lua user thread aborted: runtime error: ${errorMessage(e)}\nstack traceback:\ncoroutine 0:`;
  const own = tracebackLines(e, true);
  if (own.length > 0) text += "\n" + own.join("\n");
  let parents = e instanceof Error ? traceSections(e).slice(1) : [];
  if (parents.length === 0 && parentAt !== undefined) parents = traceSections(parentAt);
  let n = 1;
  for (const frames of parents) {
    if (frames.length === 0) continue;
    text += `\ncoroutine ${n++}:\n` + frameLines(frames, false).join("\n");
  }
  return text;
}

/** "lua entry thread aborted: runtime error: MSG\nstack traceback:\ncoroutine 0:\n..." */
export function entryAbortText(e: unknown): string {
  const lines = tracebackLines(e, true);
  return `lua entry thread aborted: runtime error: ${errorMessage(e)}\nstack traceback:\ncoroutine 0:${lines.length ? "\n" + lines.join("\n") : ""}`;
}

/** "failed to run log_by_lua*: MSG\nstack traceback:\n..." (phases run through a pcall). */
export function failedToRunText(context: string, e: unknown): string {
  const lines = tracebackLines(e, false);
  return `failed to run ${context}: ${errorMessage(e)}\nstack traceback:${lines.length ? "\n" + lines.join("\n") : ""}`;
}

// ---------------------------------------------------------------- timers' log context

/** Kept per timer host, so that a timer created by a timer names the same connection. */
const origins = new WeakMap<NgxHost, TimerOrigin>();

/**
 * What ngx_lua copies from the creating connection into a timer's: the client's address and
 * the listening address ("127.0.0.1:8080"); nothing without a request (init_worker_by_lua).
 */
export function timerOriginOf(h: NgxHost | undefined): TimerOrigin {
  if (h === undefined) return {};
  const r = h.r;
  if (r !== undefined) {
    const c = r.conn;
    const local = c.localAddress.includes(":") ? `[${c.localAddress}]` : c.localAddress;
    return { client: c.remoteAddress, server: `${local}:${c.localPort}` };
  }
  return origins.get(h) ?? {};
}

/**
 * A timer's log context: a fake connection of its own (a new `*N`, as every timer run takes
 * one in nginx) and ngx_lua's suffix ", context: ngx.timer[, client: C, server: S]".
 */
export function timerLogContext(origin: TimerOrigin | undefined, h?: NgxHost): LogContext {
  const o = origin ?? {};
  if (h !== undefined) origins.set(h, o);
  let suffix = ", context: ngx.timer";
  if (o.client !== undefined) suffix += `, client: ${o.client}`;
  if (o.server !== undefined) suffix += `, server: ${o.server}`;
  return { conn: nextConnectionNumber(), suffix: () => suffix };
}
