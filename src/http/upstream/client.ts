// The wire to upstream servers: per peer address (and connect timeout), our own HTTP/1.x
// client (h1-client.ts), which writes nginx's request bytes (request line, the header lines
// as the proxy module ordered them, the body from memory or streamed from its temporary
// file); kept-alive connections are reused across requests. nginx's outcomes come back
// classified, with nginx's log texts: a refused connect, a timeout (connect, send, read), a
// peer that closed early, an invalid header.
import type { Socket } from "node:net";
import type { Peer } from "./peers.js";
import { H1Pool, KeepaliveCache } from "./h1-client.js";
import type { UpstreamTls } from "./connect.js";

export interface UpstreamCall {
  readonly method: string;
  readonly path: string;
  /** The request line's version: HTTP/1.1 (proxy_http_version 1.1), else HTTP/1.0. */
  readonly http11: boolean;
  /** [name0, value0, ...]: every header line, in the order written (Host, Connection, Content-Length included). */
  readonly headers: string[];
  /** A body in memory, or the temporary file the client's body was spilled to. */
  readonly body: Buffer | { file: string; length: number } | undefined;
  /** Keep the connection for later requests (upstream keepalive with HTTP/1.1). */
  readonly keepalive: boolean;
  /** proxy_buffering off: the body goes on in pieces of at most proxy_buffer_size, one per read of nginx's (0: as it comes). */
  readonly readSize: number;
  /** The client asked for an Upgrade (nginx's r->headers_in.upgrade): a 101 answer becomes a tunnel. */
  readonly upgrade: boolean;
  readonly connectTimeout: number;
  readonly sendTimeout: number;
  readonly readTimeout: number;
}

/** Where nginx was when it failed: its `while ...` action. */
export type UpstreamStage = "connecting to upstream" | "SSL handshaking to upstream" | "sending request to upstream" | "reading response header from upstream" | "reading upstream";

export interface UpstreamFailure {
  /** For proxy_next_upstream: error, timeout, invalid_header. */
  readonly kind: "error" | "timeout" | "invalid_header";
  /** nginx's log text, e.g. `connect() failed (111: Connection refused)`. */
  readonly message: string;
  readonly stage: UpstreamStage;
  /** The log level when not `error` (a unix socket that is missing is `crit`). */
  readonly level?: "crit";
}

export interface UpstreamHandler {
  onConnect(): void;
  /** The status line and the header lines as received (latin1). */
  onHeaders(status: number, statusText: string, headers: string[]): void;
  /** A piece of the body; false stops reading until the control's resume(). */
  onData(chunk: Buffer): boolean;
  onComplete(): void;
  onError(f: UpstreamFailure): void;
  /**
   * After onHeaders of a 101 to an upgrade request: the connection is the handler's now (never
   * kept alive), with the bytes read past the head.
   */
  onUpgrade(sock: Socket, rest: Buffer): void;
}

export interface PoolOptions {
  /** The upstream's name: its kept-alive connections are its own. */
  readonly upstream: string;
  readonly connectTimeout: number;
  /** keepalive N: idle connections kept over all the upstream's peers (0: none). */
  readonly keepalive: number;
  readonly keepaliveTimeout: number;
  readonly keepaliveRequests: number;
  /** proxy_buffer_size: a longer response header is nginx's "too big header". */
  readonly maxHeaderSize: number;
  /** https:// upstreams. */
  readonly tls: UpstreamTls | undefined;
}

/** One peer's connections. */
export class UpstreamPool {
  readonly h1: H1Pool;

  constructor(peer: Peer, o: PoolOptions, cache: KeepaliveCache | undefined) {
    this.h1 = new H1Pool({
      host: peer.host.replace(/^\[(.*)\]$/, "$1"), port: peer.port, path: peer.path, tls: o.tls, connectTimeout: o.connectTimeout,
      keepaliveTimeout: o.keepaliveTimeout, keepaliveRequests: o.keepaliveRequests, maxHeaderSize: o.maxHeaderSize, cache,
    });
  }

  close(): Promise<void> {
    this.h1.close();
    return Promise.resolve();
  }
}

/** The pools of one configuration, closed when it is retired. */
export class Pools {
  private readonly pools = new Map<string, UpstreamPool>();
  /** keepalive N's cache per upstream block, shared by all its peers' pools. */
  private readonly caches = new Map<string, KeepaliveCache>();

  get(peer: Peer, o: PoolOptions): UpstreamPool {
    const key = `${o.upstream}|${peer.name}|${o.connectTimeout}|${o.keepaliveTimeout}|${o.keepaliveRequests}|${o.maxHeaderSize}|${o.tls?.id ?? ""}`;
    let p = this.pools.get(key);
    if (!p) {
      let cache = this.caches.get(o.upstream);
      if (!cache && o.keepalive > 0) this.caches.set(o.upstream, (cache = new KeepaliveCache(o.keepalive)));
      this.pools.set(key, (p = new UpstreamPool(peer, o, cache)));
    }
    return p;
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((p) => p.close()));
  }
}


/** Send one request to `pool`; the handler hears how it goes. Returns an abort function. */
export interface UpstreamControl {
  abort(): void;
  /** Read on after onData returned false. */
  resume(): void;
}

export function callUpstream(up: UpstreamPool, call: UpstreamCall, h: UpstreamHandler): UpstreamControl {
  return up.h1.dispatch(call, h);
}
