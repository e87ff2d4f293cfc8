// The server side of the asynchronous API (src/ngx/async, a colleague's): the AsyncHost
// that ngx.shared, ngx.timer, ngx.thread and ngx.socket reach the server through.
import type { LuaTable } from "../lua/runtime/table.js";
import type { LuaFunction, LuaValue } from "../lua/runtime/value.js";
import { DEFAULT_ASYNC_SETTINGS, type AsyncHost, type AsyncRequest, type AsyncSettings, type SharedDictZone, type TimerOrigin } from "./async/host.js";
import { currentHost, NgxHost, requestState } from "./host.js";
import { entryAbortText, runEntry, timerLogContext, timerOriginOf } from "./thread.js";
import type { LuaVm } from "./vm.js";
import type { Request } from "../http/request.js";
import { workerIdentity } from "./worker-identity.js";
import type { StoreFactory } from "./async/shdict/lua.js";
import { PHASE_ACTION } from "./phases.js";

/** The AsyncSettings of a location's (or the http level's) settings. */
export function asyncSettings(s: Readonly<Record<string, unknown>> | undefined): AsyncSettings {
  if (s === undefined) return DEFAULT_ASYNC_SETTINGS;
  const n = (k: string, d: number): number => (typeof s[k] === "number" ? (s[k] as number) : d);
  const d = DEFAULT_ASYNC_SETTINGS;
  return {
    socketConnectTimeout: n("lua_socket_connect_timeout", d.socketConnectTimeout),
    socketSendTimeout: n("lua_socket_send_timeout", d.socketSendTimeout),
    socketReadTimeout: n("lua_socket_read_timeout", d.socketReadTimeout),
    socketBufferSize: n("lua_socket_buffer_size", d.socketBufferSize),
    socketPoolSize: n("lua_socket_pool_size", d.socketPoolSize),
    socketKeepaliveTimeout: n("lua_socket_keepalive_timeout", d.socketKeepaliveTimeout),
    socketLogErrors: typeof s.lua_socket_log_errors === "boolean" ? s.lua_socket_log_errors : d.socketLogErrors,
    sslTrustedCertificate: typeof s.lua_ssl_trusted_certificate === "string" ? s.lua_ssl_trusted_certificate : d.sslTrustedCertificate,
    sslVerifyDepth: n("lua_ssl_verify_depth", d.sslVerifyDepth),
    sslProtocols: Array.isArray(s.lua_ssl_protocols) ? (s.lua_ssl_protocols as string[]) : d.sslProtocols,
    sslCiphers: typeof s.lua_ssl_ciphers === "string" ? s.lua_ssl_ciphers : d.sslCiphers,
    sslCrl: typeof s.lua_ssl_crl === "string" ? s.lua_ssl_crl : d.sslCrl,
    maxPendingTimers: n("lua_max_pending_timers", d.maxPendingTimers),
    maxRunningTimers: n("lua_max_running_timers", d.maxRunningTimers),
  };
}

/** The AsyncRequest of r: made once, since sockets check their request by identity. */
function asyncRequest(r: Request): AsyncRequest {
  const st = requestState(r);
  if (st.asyncReq !== undefined) return st.asyncReq as AsyncRequest;
  const ar: AsyncRequest = {
    onCleanup(cb) {
      (st.cleanups ??= []).push(cb);
    },
  };
  st.asyncReq = ar;
  return ar;
}

type InstallAsyncApi = (ngx: LuaTable, host: AsyncHost, opts?: { readonly globals?: LuaTable; readonly storeFactory?: StoreFactory }) => void;
let installAsyncApi: InstallAsyncApi | undefined;
let loading: Promise<void> | undefined;

/**
 * Load the async API (a colleague's work in progress): a dynamic import, so that a broken
 * or unfinished src/ngx/async leaves the rest of the ngx API working. Called once before
 * the first VM is made.
 */
export function loadAsyncApi(): Promise<void> {
  loading ??= import("./async/index.js").then(
    (m: { installAsyncApi?: InstallAsyncApi }) => {
      installAsyncApi = m.installAsyncApi;
    },
    (e: unknown) => {
      process.stderr.write(`tsresty: [warn] the async ngx API (ngx.shared, ngx.timer...) is unavailable: ${(e as Error).message}\n`);
    },
  );
  return loading;
}

export function installAsync(ngx: LuaTable, vm: LuaVm): void {
  if (installAsyncApi === undefined) return;
  const host: AsyncHost = {
    phase: () => currentHost()?.phase,
    contextName: () => currentHost()?.context ?? "init_by_lua*",
    request: () => {
      const h = currentHost();
      if (h?.r) return asyncRequest(h.r);
      return h?.timer;
    },
    settings: () => asyncSettings(currentHost()?.r?.loc.settings ?? vm.config?.httpSettings),
    log: (level, msg) => {
      const h = currentHost();
      vm.log(level, msg, h?.r, (h === undefined ? undefined : PHASE_ACTION[h.phase]));
    },
    spawnThread: (fn: LuaFunction, args: LuaValue[], origin?: TimerOrigin) => runTimerThread(vm, fn, args, origin),
    timerOrigin: () => timerOriginOf(currentHost()),
    workerId: () => (currentHost()?.phase === "init" ? undefined : workerIdentity.id),
    exiting: () => vm.exiting,
    get sharedDicts(): readonly SharedDictZone[] {
      return vm.sharedDicts;
    },
    onExit: (cb) => {
      vm.exitHooks.add(cb);
      return () => vm.exitHooks.delete(cb);
    },
  };
  try {
    // with the globals, require "ngx.semaphore" works
    installAsyncApi(ngx, host, { globals: vm.G, storeFactory: workerIdentity.storeFactory });
  } catch (e) {
    process.stderr.write(`tsresty: [warn] installing the async ngx API failed: ${(e as Error).message}\n`);
  }
}

/** A timer's entry thread: its own fake request for cleanups; errors logged as ngx_lua does. */
async function runTimerThread(vm: LuaVm, fn: LuaFunction, args: LuaValue[], origin: TimerOrigin | undefined): Promise<void> {
  const cleanups: (() => void)[] = [];
  const h = new NgxHost("timer", vm, undefined);
  h.timer = { onCleanup: (cb) => cleanups.push(cb) };
  h.logContext = timerLogContext(origin, h);
  const end = await runEntry(fn, h, args);
  if (end.error !== undefined) vm.opts.errorLog.log(4, entryAbortText(end.error), h.logContext);
  for (const c of cleanups) {
    try {
      c();
    } catch {
      // a cleanup must not stop the others
    }
  }
}
