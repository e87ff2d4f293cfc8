// What the asynchronous ngx API (ngx.shared, ngx.timer, ngx.thread, ngx.semaphore,
// ngx.socket) needs from the server. The HTTP Lua module implements AsyncHost and passes it
// to installAsyncApi (./index.ts); the tests implement a small one of their own. Keeping the
// whole dependency in this one interface lets the two sides be written and tested apart.
import type { LuaFunction, LuaValue } from "../../lua/runtime/value.js";
import type { RedisZoneConf } from "./shdict/redis-config.js";

/**
 * One request (or timer, or init_worker run) as the async API sees it: an identity that
 * sockets and light threads are bound to, and a way to learn when it ends.
 */
export interface AsyncRequest {
  /**
   * Run `cb` once when the request is over (finalized, aborted, or its entry thread ended
   * with ngx.exit): light threads still running are killed and cosockets not put into a
   * keepalive pool are closed, as ngx_lua does in its cleanup handler.
   */
  onCleanup(cb: () => void): void;
}

/** A `lua_shared_dict NAME SIZE;` zone. */
export interface SharedDictZone {
  readonly name: string;
  /** Bytes, already parsed from "10m" and checked (>= 8k: "invalid lua shared dict size"). */
  readonly size: number;
  /** Kept in a Redis server (tsresty_shared_dict_redis), not in this process. */
  readonly redis?: RedisZoneConf;
}

/**
 * The `lua_socket_*` and timer settings of the current location (http level for timers).
 * Times in milliseconds, as nginx keeps them.
 */
export interface AsyncSettings {
  /** lua_socket_connect_timeout, default 60000. */
  readonly socketConnectTimeout: number;
  /** lua_socket_send_timeout, default 60000. */
  readonly socketSendTimeout: number;
  /** lua_socket_read_timeout, default 60000. */
  readonly socketReadTimeout: number;
  /** lua_socket_buffer_size, default 4096 (receiveuntil's/receive's chunking does not depend on it here). */
  readonly socketBufferSize: number;
  /** lua_socket_pool_size, default 30: connections kept per pool. */
  readonly socketPoolSize: number;
  /** lua_socket_keepalive_timeout, default 60000: idle time of a pooled connection. */
  readonly socketKeepaliveTimeout: number;
  /** lua_socket_log_errors, default on. */
  readonly socketLogErrors: boolean;
  /** lua_ssl_trusted_certificate as written ("" for none; tcp-ssl.ts holds the files) and lua_ssl_verify_depth (default 1). */
  readonly sslTrustedCertificate: string;
  readonly sslVerifyDepth: number;
  /** lua_ssl_protocols (default TLSv1 TLSv1.1 TLSv1.2) and lua_ssl_ciphers (default DEFAULT). */
  readonly sslProtocols: readonly string[];
  /** lua_ssl_crl as written ("" for none). */
  readonly sslCrl: string;
  readonly sslCiphers: string;
  /** lua_max_pending_timers, default 1024. */
  readonly maxPendingTimers: number;
  /** lua_max_running_timers, default 256. */
  readonly maxRunningTimers: number;
}

/** The creating connection's client and server texts (both absent without a request). */
export interface TimerOrigin {
  readonly client?: string;
  readonly server?: string;
}

export interface AsyncHost {
  /**
   * The phase of the running Lua code as ngx.get_phase names it ("init", "init_worker",
   * "set", "rewrite", "access", "content", "header_filter", "body_filter", "log", "timer",
   * "ssl_cert", ...), or undefined when no Lua code runs for the server. The API refuses
   * calls with "API disabled in the context of <ctx>" from this.
   */
  phase(): string | undefined;
  /**
   * The context name for "API disabled in the context of ..." messages: nginx words them
   * with the directive ("log_by_lua*", "set_by_lua*", "init_by_lua*",
   * "header_filter_by_lua*", "body_filter_by_lua*", "init_worker_by_lua*").
   * Optional: derived from phase() as `${phase}_by_lua*` when absent.
   */
  contextName?(): string;
  /** The current request (entry context), or undefined outside any. */
  request(): AsyncRequest | undefined;
  /** The settings for the running code (its location's, or http level's). */
  settings(): AsyncSettings;
  /** Log at an ngx.ERR-style level (ngx.ERR is 4) with the current request's context. */
  log(level: number, msg: string): void;
  /**
   * Run `fn(...args)` as a new entry thread with its own fake request, phase "timer"
   * (ngx.timer.*). Errors are logged by the host as ngx_lua logs them ("lua entry thread
   * aborted: runtime error: ..."). Resolves (never rejects) once the thread and its light
   * threads are done, so that running_count can follow it.
   */
  spawnThread(fn: LuaFunction, args: LuaValue[], origin?: TimerOrigin): Promise<void>;
  /**
   * Where a timer is being created, taken when ngx.timer.at/every is called and handed to
   * spawnThread: ngx_lua's timer logs with the creating connection's client and listening
   * address (", context: ngx.timer, client: ..., server: ...").
   */
  timerOrigin?(): TimerOrigin;
  /** ngx.worker.id(): 0-based, or undefined where nginx gives nil. */
  workerId(): number | undefined;
  /** ngx.worker.exiting(). */
  exiting(): boolean;
  /** The configuration's `lua_shared_dict` zones. */
  readonly sharedDicts: readonly SharedDictZone[];
  /**
   * Register `cb` to run when the worker starts shutting down (graceful quit, reload,
   * stop), before exitWorker: pending timers fire with premature = true. Returns a function
   * that unregisters it.
   */
  onExit(cb: () => void): () => void;
}

/** The settings nginx uses when a configuration sets none. */
export const DEFAULT_ASYNC_SETTINGS: AsyncSettings = Object.freeze({
  socketConnectTimeout: 60000,
  socketSendTimeout: 60000,
  socketReadTimeout: 60000,
  socketBufferSize: 4096,
  socketPoolSize: 30,
  socketKeepaliveTimeout: 60000,
  socketLogErrors: true,
  sslTrustedCertificate: "",
  sslVerifyDepth: 1,
  sslProtocols: ["TLSv1", "TLSv1.1", "TLSv1.2"],
  sslCiphers: "DEFAULT",
  sslCrl: "",
  maxPendingTimers: 1024,
  maxRunningTimers: 256,
});
