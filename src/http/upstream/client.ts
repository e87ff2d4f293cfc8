// The wire to upstream servers: per peer address (and connect timeout), our own HTTP/1.1
// client (h1-client.ts) for requests with no body or one in memory, undici for bodies
// streamed from a temporary file; kept-alive connections are reused across requests. nginx's outcomes come back classified,
// with nginx's log texts: a refused connect, a timeout (connect, send, read), a peer that
// closed early, an invalid header.
import * as fs from "node:fs";
import type { Pool, Dispatcher } from "undici";
import { lazyRequire } from "../../lazy-require.js";

const undici = lazyRequire<typeof import("undici")>("undici");
import type { Peer } from "./peers.js";
import { H1Pool, plainCall } from "./h1-client.js";
import { ERRNO } from "./errno.js";

export interface UpstreamCall {
  readonly method: string;
  readonly path: string;
  /** [name0, value0, ...] without Host and Connection (undici writes those itself). */
  readonly headers: string[];
  readonly host: string | undefined;
  /** A body in memory, or the temporary file the client's body was spilled to. */
  readonly body: Buffer | { file: string; length: number } | undefined;
  /** Keep the connection for later requests (upstream keepalive with HTTP/1.1). */
  readonly keepalive: boolean;
  readonly connectTimeout: number;
  readonly sendTimeout: number;
  readonly readTimeout: number;
}

/** Where nginx was when it failed: its `while ...` action. */
export type UpstreamStage = "connecting to upstream" | "sending request to upstream" | "reading response header from upstream" | "reading upstream";

export interface UpstreamFailure {
  /** For proxy_next_upstream: error, timeout, invalid_header. */
  readonly kind: "error" | "timeout" | "invalid_header";
  /** nginx's log text, e.g. `connect() failed (111: Connection refused)`. */
  readonly message: string;
  readonly stage: UpstreamStage;
}

export interface UpstreamHandler {
  onConnect(): void;
  /** The status line and the header lines as received (latin1). */
  onHeaders(status: number, statusText: string, headers: string[]): void;
  /** A piece of the body; false stops reading until the control's resume(). */
  onData(chunk: Buffer): boolean;
  onComplete(): void;
  onError(f: UpstreamFailure): void;
}

export interface PoolOptions {
  /** The upstream's name: its kept-alive connections are its own. */
  readonly upstream: string;
  readonly connectTimeout: number;
  readonly keepaliveTimeout: number;
  readonly keepaliveRequests: number;
  /** proxy_buffer_size: a longer response header is nginx's "too big header". */
  readonly maxHeaderSize: number;
}

/** One peer's connections: the direct client's, and undici's for what it does not send. */
export class UpstreamPool {
  readonly h1: H1Pool;
  private undiciPool: Pool | undefined;

  constructor(private readonly peer: Peer, private readonly o: PoolOptions) {
    const url = new URL(`http://${peer.name}`);
    this.h1 = new H1Pool({
      host: peer.host.replace(/^\[(.*)\]$/, "$1"), port: peer.port, hostLine: `host: ${url.host}\r\n`, connectTimeout: o.connectTimeout,
      keepaliveTimeout: o.keepaliveTimeout, keepaliveRequests: o.keepaliveRequests, maxHeaderSize: o.maxHeaderSize,
    });
  }

  get undici(): Pool {
    const o = this.o;
    return (this.undiciPool ??= new (undici().Pool)(`http://${this.peer.name}`, {
      connect: { timeout: o.connectTimeout },
      keepAliveTimeout: o.keepaliveTimeout,
      keepAliveMaxTimeout: o.keepaliveTimeout,
      // undici trusts a Keep-Alive: timeout=N reply minus this margin (nginx ignores the
      // header); its default of 2 s would drop every connection of a server saying 2 s.
      keepAliveTimeoutThreshold: 500,
      maxRequestsPerClient: o.keepaliveRequests,
      pipelining: 1,
      maxHeaderSize: o.maxHeaderSize,
      strictContentLength: false,
    }));
  }

  async close(): Promise<void> {
    this.h1.close();
    await this.undiciPool?.destroy().catch(() => undefined);
  }
}

/** The pools of one configuration, closed when it is retired. */
export class Pools {
  private readonly pools = new Map<string, UpstreamPool>();

  get(peer: Peer, o: PoolOptions): UpstreamPool {
    const key = `${o.upstream}|${peer.name}|${o.connectTimeout}|${o.keepaliveTimeout}|${o.keepaliveRequests}|${o.maxHeaderSize}`;
    let p = this.pools.get(key);
    if (!p) this.pools.set(key, (p = new UpstreamPool(peer, o)));
    return p;
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((p) => p.close()));
  }
}


function codeOf(e: unknown): string {
  let x = e as { code?: string; cause?: unknown } | undefined;
  for (let i = 0; i < 3 && x; i++) {
    if (x.code && x.code !== "UND_ERR_SOCKET") return x.code;
    x = x.cause as typeof x;
  }
  return (e as { code?: string } | undefined)?.code ?? "";
}

/** An undici error as nginx would have logged it, for the stage reached. */
function classify(e: unknown, connected: boolean, gotHeader: boolean): UpstreamFailure {
  const code = codeOf(e);
  const stage: UpstreamStage = !connected ? "connecting to upstream" : gotHeader ? "reading upstream" : "reading response header from upstream";
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    return { kind: "timeout", message: "upstream timed out (110: Connection timed out)", stage: code === "UND_ERR_CONNECT_TIMEOUT" ? "connecting to upstream" : stage };
  }
  if (!connected) {
    return { kind: "error", message: `connect() failed (${ERRNO[code] ?? "111: Connection refused"})`, stage };
  }
  if (code === "ECONNRESET" || code === "EPIPE") {
    return { kind: "error", message: `recv() failed (${ERRNO[code]})`, stage };
  }
  if (code === "UND_ERR_HEADERS_OVERFLOW") return { kind: "error", message: "upstream sent too big header", stage };
  if (code.startsWith("HPE_") && !gotHeader) return { kind: "invalid_header", message: "upstream sent invalid header", stage };
  return { kind: "error", message: "upstream prematurely closed connection", stage };
}

/** Send one request to `pool`; the handler hears how it goes. Returns an abort function. */
export interface UpstreamControl {
  abort(): void;
  /** Read on after onData returned false. */
  resume(): void;
}

export function callUpstream(up: UpstreamPool, call: UpstreamCall, h: UpstreamHandler): UpstreamControl {
  if (plainCall(call)) return up.h1.dispatch(call, h);
  const pool = up.undici;
  let connected = false;
  let gotHeader = false;
  let done = false;
  let abortFn: ((e?: Error) => void) | undefined;
  let resume: (() => void) | undefined;
  let body: Dispatcher.DispatchOptions["body"];
  const headers = call.headers.slice();
  if (call.host !== undefined) headers.unshift("host", call.host);
  if (!call.keepalive) headers.push("connection", "close");
  if (call.body === undefined) body = undefined;
  else if (Buffer.isBuffer(call.body)) body = call.body;
  else {
    body = fs.createReadStream(call.body.file);
    headers.push("content-length", String(call.body.length));
  }
  const handler: Dispatcher.DispatchHandler = {
    // undici calls this once the request is on a connected socket.
    onConnect(abort) {
      abortFn = abort;
      connected = true;
      h.onConnect();
    },
    onHeaders(status, raw, res, statusText) {
      if (status < 200) return true;
      gotHeader = true;
      resume = res;
      h.onHeaders(status, statusText, raw.map((b) => b.toString("latin1")));
      return true;
    },
    onData(chunk) {
      return h.onData(chunk);
    },
    onComplete() {
      if (done) return;
      done = true;
      h.onComplete();
    },
    onError(err) {
      if (done) return;
      done = true;
      h.onError(classify(err, connected, gotHeader));
    },
  };
  try {
    pool.dispatch({
      path: call.path, method: call.method as Dispatcher.HttpMethod, headers, body,
      reset: !call.keepalive, headersTimeout: call.readTimeout, bodyTimeout: call.readTimeout,
    }, handler);
  } catch (e) {
    done = true;
    const msg = (e as Error).message;
    queueMicrotask(() => h.onError({ kind: "error", message: `upstream request failed: ${msg}`, stage: "connecting to upstream" }));
  }
  return {
    abort: () => {
      if (done) return;
      done = true;
      abortFn?.(new Error("aborted"));
    },
    resume: () => resume?.(),
  };
}
