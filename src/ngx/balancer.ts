// `require "ngx.balancer"` (lua-resty-core's API for balancer_by_lua): set_current_peer,
// set_more_tries, get_last_failure, set_timeouts, recreate_request. The functions act on the
// BalancerTry of the running balancer thread; anywhere else they answer as the reference does
// ("no upstream found" in a request without one, "no request found" outside requests).
import * as net from "node:net";
import type { LuaFunction, LuaResult, LuaValue } from "../lua/runtime/value.js";
import { LuaError, luaError } from "../lua/runtime/error.js";
import { calledDirectly } from "../lua/runtime/callstack.js";
import { toNumber } from "../lua/runtime/convert.js";
import { moduleTable } from "../lib/util.js";
import { currentHost, type NgxHost } from "./host.js";

/** What one run of balancer_by_lua may set, read by the upstream's picker after the run. */
export interface BalancerTry {
  /** set_current_peer's address, or undefined: the upstream's own servers are used. */
  peer: { host: string; port: number } | undefined;
  /** Tries made before this one (0 on the first). */
  readonly done: number;
  /** Tries left now (the picker's), and proxy_next_upstream_tries (0: no limit). */
  readonly triesLeft: number;
  readonly maxTries: number;
  moreTries: number;
  /** The previous try's end: "failed" or "next", and its status. */
  readonly last: { state: "failed" | "next"; status: number } | undefined;
  /** Milliseconds; undefined leaves the location's. */
  timeouts: { connect?: number; send?: number; read?: number } | undefined;
}

const tries = new WeakMap<NgxHost, BalancerTry>();

/** Make `t` what ngx.balancer acts on in the thread of `h`. */
export function bindBalancerTry(h: NgxHost, t: BalancerTry): void {
  tries.set(h, t);
}

/** The running balancer try, or an error result as the C functions give it. */
function current(): BalancerTry | string {
  const h = currentHost();
  if (h === undefined || h.r === undefined) return luaError("no request found");
  const t = tries.get(h);
  if (t !== undefined) return t;
  return h.r.notes.has("upstream_states") ? "API disabled in the current context" : "no upstream found";
}

/** ngx_parse_url without resolving: an IP literal, with an optional :port (else `port`). */
function parsePeer(addr: string, port: number): { host: string; port: number } | string {
  let host = addr;
  let p: string | undefined;
  if (addr.startsWith("[")) {
    const end = addr.indexOf("]");
    if (end < 0) return "invalid host";
    host = addr.slice(1, end);
    const rest = addr.slice(end + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) return "invalid host";
      p = rest.slice(1);
    }
  } else {
    const c = addr.indexOf(":");
    if (c >= 0) {
      host = addr.slice(0, c);
      p = addr.slice(c + 1);
    }
  }
  if (p !== undefined) {
    if (!/^[0-9]+$/.test(p) || Number(p) < 1 || Number(p) > 65535) return "invalid port";
    port = Number(p);
  }
  if (host === "") return "no host";
  if (!net.isIP(host)) return "no host allowed";
  return { host, port };
}

function setCurrentPeer(addr: LuaValue, port: LuaValue): LuaResult {
  const t = current();
  if (typeof addr !== "string") return luaError(`attempt to get length of local 'addr' (a ${addr === undefined ? "nil" : typeof addr} value)`);
  const n = port === undefined ? 0 : typeof port === "number" ? port : toNumber(port);
  if (typeof n !== "number") return luaError("bad argument #4 to 'ngx_lua_ffi_balancer_set_current_peer' (cannot convert 'nil' to 'int')");
  if (typeof t === "string") return [undefined, t];
  const peer = parsePeer(addr, Math.trunc(n));
  if (typeof peer === "string") return [undefined, peer];
  t.peer = peer;
  return [true];
}

function setMoreTries(count: LuaValue): LuaResult {
  const t = current();
  if (typeof t === "string") return [undefined, t];
  let n = Math.trunc(typeof count === "number" ? count : Number(toNumber(count) ?? 0));
  const total = t.done + t.triesLeft;
  if (t.maxTries > 0 && total + n > t.maxTries) {
    n = Math.max(0, t.maxTries - total);
    t.moreTries = n;
    return [true, "reduced tries due to limit"];
  }
  t.moreTries = n;
  return [true];
}

function getLastFailure(): LuaResult {
  const t = current();
  if (typeof t === "string") return [undefined, undefined, t];
  if (t.last === undefined) return [undefined];
  return [t.last.state, t.last.status];
}

/** set_timeouts' arguments: seconds, nil for "keep", anything else refused as resty.core does. */
function timeoutArg(v: LuaValue, what: string): number | undefined {
  if (v === undefined || v === false) return undefined;
  if (typeof v !== "number" || v <= 0) {
    // resty.core's error(msg, 2): the caller's position, none when pcall called it
    if (calledDirectly()) throw new LuaError(`bad ${what} timeout`);
    return luaError(`bad ${what} timeout`);
  }
  return v * 1000;
}

function setTimeouts(connect: LuaValue, send: LuaValue, read: LuaValue): LuaResult {
  const t = current();
  const c = timeoutArg(connect, "connect");
  const s = timeoutArg(send, "send");
  const r = timeoutArg(read, "read");
  if (typeof t === "string") return [false, t];
  t.timeouts = { ...t.timeouts, ...(c !== undefined ? { connect: c } : {}), ...(s !== undefined ? { send: s } : {}), ...(r !== undefined ? { read: r } : {}) };
  return [true];
}

/** The request to the upstream is built anew for each try here, so there is nothing to redo. */
function recreateRequest(): LuaResult {
  const t = current();
  if (typeof t === "string") return [undefined, t];
  return [true];
}

const FUNCTIONS: Record<string, LuaFunction> = {
  set_current_peer: setCurrentPeer,
  set_more_tries: setMoreTries,
  get_last_failure: getLastFailure,
  set_timeouts: setTimeouts,
  recreate_request: recreateRequest,
};

/** The package.preload loader of "ngx.balancer". */
export function makeBalancerModule(): LuaValue {
  return moduleTable(FUNCTIONS, { version: "0.1.25" });
}
