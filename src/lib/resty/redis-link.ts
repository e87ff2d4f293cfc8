// One Redis connection as resty.redis sees it: an ioredis client used as a single TCP
// connection, with nothing of ioredis's own recovery. lua-resty-redis gives one connection
// per connect(); when it breaks, commands fail with "closed" until the Lua code connects
// again, and a refused connection answers "connection refused" at once. So the client is
// made with lazyConnect (connect() is the Lua connect), no retryStrategy (no reconnect), no
// offline queue (a command on a dead connection fails instead of waiting for a reconnect
// that never comes), no ready check and no client info (no INFO or CLIENT SETINFO round
// trips a server that is not quite Redis might refuse), and no resubscribe/resend.
import type { Redis } from "ioredis";
import { lazyRequire } from "../../lazy-require.js";

const ioredis = lazyRequire<typeof import("ioredis")>("ioredis");
import { LuaTable } from "../../lua/runtime/table.js";
import { LUA_NULL, type LuaResult, type LuaValue } from "../../lua/runtime/value.js";
import { release } from "./redis-pool.js";

/** nginx's words for the errno of a failed socket operation. */
const ERR_TEXT: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by peer",
  EPIPE: "broken pipe",
  ETIMEDOUT: "timeout",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network is unreachable",
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  ECONNABORTED: "connection aborted",
};

/** The errno as nginx logs it in "connect() failed (...)". */
const ERRNO_LOG: Record<string, string> = {
  ECONNREFUSED: "111: Connection refused",
  ECONNRESET: "104: Connection reset by peer",
  ENOENT: "2: No such file or directory",
  EHOSTUNREACH: "113: No route to host",
  ENETUNREACH: "101: Network is unreachable",
  EACCES: "13: Permission denied",
};

export interface Target {
  /** Host name or address; undefined for a unix socket. */
  readonly host: string | undefined;
  readonly port: number | undefined;
  /** The unix socket path. */
  readonly path: string | undefined;
}

/** A connect's outcome: the link, or the Lua error text and the line to log at `level` ("" for none). */
export type ConnectResult = { link: RedisLink } | { err: string; log: string; level: number };

const ERR = 4;
const CRIT = 3;

export class RedisLink {
  /** Why the connection broke (from the client's error events), for the next failure. */
  err: string | undefined = undefined;
  /** How many times it was taken from a pool. */
  reused = 0;
  /** The pool it counts in until it is closed (see redis-pool.ts reserve). */
  pool: string | undefined = undefined;
  /** The read timeout given to ioredis last (commandTimeout), to skip rewriting it. */
  private timeout: number | undefined = undefined;

  constructor(readonly client: Redis) {
    // An "error" event without a listener would be thrown; the error itself comes back to
    // Lua through the failed command or connect.
    client.on("error", (e: Error) => {
      const code = (e as { code?: string }).code;
      this.err = code !== undefined ? ERR_TEXT[code] : undefined;
    });
  }

  /** Usable for commands: connected and not closed since. */
  get alive(): boolean {
    return this.client.status === "ready";
  }

  /** The read timeout for the next commands (ms; 0: none). */
  setReadTimeout(ms: number): void {
    const t = ms > 0 ? ms : undefined;
    if (t !== this.timeout) {
      this.timeout = t;
      this.client.options.commandTimeout = t;
    }
  }

  /** Send one command; the Promise resolves with the raw reply or rejects with the error. */
  send(name: string, args: (string | Buffer)[]): Promise<unknown> {
    const cmd = new (ioredis().Command)(name, args);
    void this.client.sendCommand(cmd);
    return cmd.promise;
  }

  destroy(): void {
    const p = this.pool;
    this.pool = undefined;
    this.client.disconnect();
    if (p !== undefined) release(p);
  }
}

/** Open a connection; resolves (never rejects) with the link or the Lua error text and log line. */
export async function openLink(t: Target, connectTimeout: number): Promise<ConnectResult> {
  const client = new (ioredis().Redis)({
    host: t.host,
    port: t.port,
    path: t.path,
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    retryStrategy: () => null,
    maxRetriesPerRequest: null,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    // No CLIENT SETINFO round trips on connect: the connection is the Lua code's alone.
    disableClientInfo: true,
    // Integer replies as their digits: the parser's own digit loop rounds differently from
    // Lua's tonumber past 2^53 (INCR near 2^63); Number() of the digits rounds as strtod.
    stringNumbers: true,
    // 0 is no connect timeout for ioredis too (it tests the option for truth).
    connectTimeout,
  });
  const link = new RedisLink(client);
  let code: string | undefined;
  client.once("error", (e: Error) => (code = (e as { code?: string }).code));
  try {
    await client.connect();
    return { link };
  } catch {
    client.disconnect();
    const where = t.path !== undefined ? `unix:${t.path}` : `${t.host ?? ""}:${t.port ?? ""}`;
    if (code === "ETIMEDOUT") return { err: "timeout", log: `lua tcp socket connect timed out, when connecting to ${where}`, level: ERR };
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return { err: `${t.host ?? ""} could not be resolved (3: Host not found)`, log: "", level: ERR };
    const errno = code !== undefined ? ERRNO_LOG[code] : undefined;
    return {
      err: (code !== undefined ? ERR_TEXT[code] : undefined) ?? link.err ?? "connection refused",
      // nginx logs a failed unix-socket connect at crit, a TCP one at error.
      log: `connect() ${t.path !== undefined ? `to unix:${t.path} ` : ""}failed (${errno ?? code ?? "unknown error"})`,
      level: t.path !== undefined ? CRIT : ERR,
    };
  }
}

const NON_ASCII = /[^\x00-\x7f]/;

/** An error reply's text as bytes: redis-parser decodes it as UTF-8. */
function errorText(e: Error): string {
  const m = e.message;
  return NON_ASCII.test(m) ? Buffer.from(m, "utf8").toString("latin1") : m;
}

/** A reply as lua-resty-redis returns it: bulk and status as strings, nil as ngx.null, arrays as tables. */
export function replyToLua(v: unknown): LuaValue {
  if (v instanceof Buffer) return v.toString("latin1");
  // Bulk and status replies are Buffers: a string is an integer reply (stringNumbers).
  if (typeof v === "string") return Number(v);
  if (typeof v === "number") return v;
  if (v === null || v === undefined) return LUA_NULL;
  if (Array.isArray(v)) {
    const arr = new Array<LuaValue>(v.length);
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      // An error inside an array (EXEC's replies) becomes {false, err}.
      arr[i] = x instanceof Error ? new LuaTable([false, errorText(x)]) : replyToLua(x);
    }
    return new LuaTable(arr);
  }
  return LUA_NULL;
}

/** What a failed command means to Lua. */
export const enum Failure {
  /** A Redis error reply: false, msg. */
  Reply,
  /** The read timed out: nil, "timeout" (the connection is closed). */
  Timeout,
  /** The connection is gone: nil, err. */
  Closed,
  /** ioredis refused a command in subscriber mode (Redis would answer an error reply). */
  SubscriberMode,
}

export function classify(e: unknown): Failure {
  if (!(e instanceof Error)) return Failure.Closed;
  if (e.name === "ReplyError") return Failure.Reply;
  const m = e.message;
  if (m === "Command timed out") return Failure.Timeout;
  if (m.startsWith("Connection in subscriber mode")) return Failure.SubscriberMode;
  return Failure.Closed;
}

/** The Lua results of a failed command (after classify; Timeout and Closed also end the link). */
export function failureResult(kind: Failure, e: unknown, link: RedisLink, name: string): LuaResult {
  switch (kind) {
    case Failure.Reply:
      return [false, errorText(e as Error)];
    case Failure.SubscriberMode:
      return [false, `ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`];
    case Failure.Timeout:
      return [undefined, "timeout"];
    default:
      return [undefined, link.err ?? "closed"];
  }
}
