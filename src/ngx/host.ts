// What ngx.* finds about the Lua code that calls it: the request, the phase, the worker's
// Lua VM. A thread started for a phase carries one NgxHost as its Coroutine host; the
// coroutines user code creates inherit it, so ngx.* works from any of them.
import type { Request } from "../http/request.js";
import type { BodyChunk } from "../http/phases.js";
import { running } from "../lua/runtime/coroutine.js";
import { luaError } from "../lua/runtime/error.js";
import type { LuaTable } from "../lua/runtime/table.js";
import type { LuaFunction, LuaValue } from "../lua/runtime/value.js";
import { allowed, PHASE_CONTEXT, type LuaPhase } from "./phases.js";
import type { LuaVm } from "./vm.js";
import type { LogContext } from "../http/log/error-log.js";

/** Per-request Lua state, kept across phases (and, for ngx.ctx, not across internal redirects). */
export interface LuaRequestState {
  /** The body filter has seen (or set) eof: later data is dropped. */
  bodyEof: boolean;
  /** ngx.on_abort's handler. */
  onAbort: LuaFunction | undefined;
  /** Cleanups of the async API (light threads, sockets). */
  cleanups: (() => void)[] | undefined;
  /** The request as the async API sees it: one object per request, compared by identity. */
  asyncReq: unknown;
  /** The content phase has run (ngx.exit(ngx.OK) then ends the request). */
  enteredContent: boolean;
}

export class NgxHost {
  /** Set by ngx.exit (and exec, redirect): the thread stops and the handler acts on it. */
  exitCode: number | undefined = undefined;
  /** ngx.exec's target, run after the thread stops. */
  exec: { uri: string; args: string | undefined } | undefined = undefined;
  /** body_filter_by_lua: the chunk being filtered (ngx.arg[1], ngx.arg[2]). */
  chunk: BodyChunk | undefined = undefined;
  /** set_by_lua: the directive's extra arguments (ngx.arg[n]). */
  setArgs: readonly string[] | undefined = undefined;
  /** The request ended under this thread (a client abort): it never resumes. */
  killed = false;
  /** A timer thread's stand-in request (the async API binds threads and sockets to it). */
  timer: { onCleanup(cb: () => void): void } | undefined = undefined;

  /** The log context of a phase without a request (ssl_certificate_by_lua's connection and context). */
  logContext: LogContext | undefined = undefined;

  constructor(readonly phase: LuaPhase, readonly vm: LuaVm, readonly r: Request | undefined) {}

  get context(): string {
    return PHASE_CONTEXT[this.phase];
  }
}

/** The host of the running Lua thread, if it is one of ours. */
export function currentHost(): NgxHost | undefined {
  const h = running()?.host;
  return h instanceof NgxHost ? h : undefined;
}

/** The host, refusing the call as OpenResty does when `api` may not run here. */
export function hostFor(api: string): NgxHost {
  const h = currentHost();
  if (h === undefined) return luaError("no request found");
  if (!allowed(api, h.phase)) return luaError(`API disabled in the context of ${h.context}`);
  return h;
}

/** The host and its request, for the APIs that need one. */
export function requestFor(api: string): { h: NgxHost; r: Request } {
  const h = hostFor(api);
  if (h.r === undefined) return luaError("no request found");
  return { h, r: h.r };
}

const STATE_KEY = "lua";

export function requestState(r: Request): LuaRequestState {
  const m = r.main.notes;
  let s = m.get(STATE_KEY) as LuaRequestState | undefined;
  if (s === undefined) {
    s = { bodyEof: false, onAbort: undefined, cleanups: undefined, asyncReq: undefined, enteredContent: false };
    m.set(STATE_KEY, s);
  }
  return s;
}

/** ngx.ctx lives in r.ctx, which the server clears on internal redirects, as nginx does. */
export function ctxTable(r: Request, make: () => LuaTable): LuaTable {
  let t = r.ctx.get("lua.ctx") as LuaTable | undefined;
  if (t === undefined) r.ctx.set("lua.ctx", (t = make()));
  return t;
}

export function setCtxTable(r: Request, t: LuaValue): void {
  r.ctx.set("lua.ctx", t);
}
