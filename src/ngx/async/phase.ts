// Phase checks: which phases may call which API, and nginx's wording when one may not.
import { luaError } from "../../lua/runtime/error.js";
import type { AsyncHost } from "./host.js";

/** Phases whose code may wait (cosockets, light threads, semaphore waits). */
export const YIELDABLE = new Set(["server_rewrite", "rewrite", "access", "content", "timer", "ssl_cert", "ssl_session_fetch", "ssl_client_hello", "preread"]);

/** "API disabled in the context of log_by_lua*" for the running phase. */
export function disabledMessage(host: AsyncHost): string {
  const ctx = host.contextName?.() ?? contextOf(host.phase());
  return `API disabled in the context of ${ctx}`;
}

function contextOf(phase: string | undefined): string {
  if (phase === undefined) return "init_by_lua*";
  if (phase === "timer") return "ngx.timer";
  return `${phase}_by_lua*`;
}

/** Raise nginx's error unless the running phase is in `allowed`. */
export function checkPhase(host: AsyncHost, allowed: ReadonlySet<string>): void {
  const p = host.phase();
  if (p === undefined || !allowed.has(p)) luaError(disabledMessage(host));
}

/** The same check, answered as a Lua failure (nil, msg) instead of an error; undefined when allowed. */
export function phaseFailure(host: AsyncHost, allowed: ReadonlySet<string>): string | undefined {
  const p = host.phase();
  return p === undefined || !allowed.has(p) ? disabledMessage(host) : undefined;
}

/** The error raised by a wait reached from a plain (non-suspendable) call. */
export function yieldAcrossC(): never {
  return luaError("attempt to yield across C-call boundary");
}
