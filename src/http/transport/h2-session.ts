// HTTP/2 on a TLS socket that negotiated "h2" (`listen ... ssl http2`), with node:http2.
//
// Each stream becomes an ordinary Exchange handed to the same ListenHandler.onRequest as an
// HTTP/1 request, so the core (phases, Lua, static files, proxy) does not know the
// difference beyond `version` 2000 and `protocol` "HTTP/2.0". The head is the HTTP/1 form of
// the stream's headers run through our HTTP/1 parser, so URI normalisation, Host validation
// and the header rules are nginx's in both cases. The response the core writes (an HTTP/1
// status line and header block, then the body) is read back into a HEADERS frame here:
// the core never writes chunked framing for version 2000 (response.ts decideFraming).
import * as http2 from "node:http2";
import type { Socket } from "node:net";
import type { SecureContext, SecureContextOptions, TLSSocket } from "node:tls";
import { HeadParser } from "./parser.js";
import { nextConnectionNumber } from "./connection-counter.js";
import type { BodySink, ConnectionInfo, Exchange, HeadError, ListenHandler, TlsInfo, TlsListen } from "./types.js";
import type { ParsedHead } from "./parser.js";
import { drainOrClose } from "./drain.js";

/** A served HTTP/2 connection, as the listener tracks it. */
export interface Http2Connection {
  closeIdle(): void;
  destroy(): void;
}

/** Headers HTTP/2 forbids (RFC 9113 8.2.2): the HTTP/1 framing the core writes. */
const CONNECTION_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"]);

/**
 * What the Lua handshake phases (ssl_client_hello_by_lua*, ssl_session_fetch_by_lua*,
 * ssl_certificate_by_lua*) decided: they run on the ClientHello record before any TLS object
 * exists, because node asks for a certificate (SNICallback) only when the client sent a name.
 */
export interface HandshakePlan {
  /** The options of a TLS server of the handshake's own (a certificate or protocols the code set); undefined: the address's. */
  readonly options: SecureContextOptions | undefined;
  /** The certificate is the code's: a server name does not replace it. */
  readonly ownCertificate: boolean;
}

/** Session callbacks of an address (ssl_session_fetch_by_lua*, ssl_session_store_by_lua*). */
export interface SessionHooks {
  /** The session the fetch phase gave (before the handshake) for an offered ID. */
  readonly resume: ((id: Buffer) => Buffer | undefined) | undefined;
  /** A new session was made on `ts` (its ID and serialized form). */
  readonly store: ((ts: TLSSocket, id: Buffer, data: Buffer) => void) | undefined;
}

/** Set by the Lua module (no import from the transport up to it). */
export const handshakeHooks: {
  /**
   * Asked per TLS connection: the code to run on its ClientHello record when the address has
   * Lua handshake phases (undefined, the common case, costs one lookup). It resolves to the
   * plan, or undefined when the handshake is refused (already logged). `ticketKeys` are the
   * address's TLS server's (to tell a ticket that will resume).
   */
  before?: (t: TlsListen) => ((sock: Socket, hello: Buffer, ticketKeys: Buffer) => Promise<HandshakePlan | undefined>) | undefined;
  /** Asked once per TLS server. */
  sessions?: (t: TlsListen) => SessionHooks | undefined;
} = {};

/**
 * How many new sessions from node's 'newSession' (which does not say whose) a server keeps
 * until their socket is secure (a handshake that fails after it leaves one behind).
 */
const MAX_PENDING_SESSIONS = 1024;

/**
 * The TLS server of one ssl address (its certificates, SNI and ALPN), as a node:http2 secure
 * server: the listener hands it raw sockets. A handshake that negotiated "h2" becomes an
 * HTTP/2 session; anything else (ALPN http/1.1 or none) is given back as a TLS socket for the
 * HTTP/1 transport. Why node's server and not a TLSSocket of our own: an HTTP/2 session
 * attached to a hand-made TLSSocket loses the bytes read with the handshake. `own` makes the
 * server of one handshake whose Lua code chose its certificate or protocols.
 */
export function tlsServer(
  t: TlsListen,
  onHttp1: (ts: TLSSocket, info: TlsInfo) => void,
  onHttp2: (ts: TLSSocket, session: http2.ServerHttp2Session, info: TlsInfo) => void,
  own?: { plan: HandshakePlan; ticketKeys: Buffer },
): http2.Http2SecureServer {
  const srv = http2.createSecureServer({
    ...(own?.plan.options ?? t.defaultOptions),
    ...(own ? { ticketKeys: own.ticketKeys } : {}),
    // node calls it only when the client sent a name
    SNICallback(name: string, cb: (err: Error | null, ctx?: SecureContext) => void) {
      if (own?.plan.ownCertificate) cb(null);
      else cb(null, t.contextFor(name));
    },
    ALPNProtocols: t.http2 ? ["h2", "http/1.1"] : ["http/1.1"],
    // node offers http/1.1 by ALPN only with allowHTTP1; its HTTP/1 handling is never reached
    // (its 'secureConnection' listener runs for h2 connections only, below).
    allowHTTP1: true,
  });
  const nodeListeners = srv.listeners("secureConnection") as ((ts: TLSSocket) => void)[];
  srv.removeAllListeners("secureConnection");
  let last: http2.ServerHttp2Session | undefined;
  // Fires inside node's own listener, which creates the session.
  srv.on("session", (s) => (last = s));
  srv.on("tlsClientError", (_e, sock) => sock.destroy());
  const sessions = handshakeHooks.sessions?.(t);
  const resume = sessions?.resume;
  if (resume !== undefined) srv.on("resumeSession", (id: Buffer, cb: (err: Error | null, data: Buffer | null) => void) => cb(null, resume(id) ?? null));
  const store = sessions?.store;
  const made = new Map<string, Buffer>();
  if (store !== undefined) {
    srv.on("newSession", (id: Buffer, data: Buffer, cb: () => void) => {
      if (made.size >= MAX_PENDING_SESSIONS) made.delete(made.keys().next().value as string);
      made.set(id.toString("hex"), data);
      cb();
    });
  }
  srv.on("secureConnection", (ts: TLSSocket) => {
    if (made.size > 0 && !ts.isSessionReused()) {
      // the store phase runs before the connection serves anything, as nginx's does in the handshake
      const id = sessionIdOf(ts.getSession());
      const data = id === undefined ? undefined : made.get(id.toString("hex"));
      if (id !== undefined && data !== undefined) {
        made.delete(id.toString("hex"));
        store!(ts, id, data);
      }
    }
    if (ts.alpnProtocol === "h2") for (const l of nodeListeners) l.call(srv, ts);
    const info: TlsInfo = {
      protocol: ts.getProtocol() ?? "",
      cipher: ts.getCipher()?.name ?? "",
      serverName: typeof ts.servername === "string" ? ts.servername : "",
      sessionReused: ts.isSessionReused(),
    };
    const session = last;
    last = undefined;
    if (ts.alpnProtocol === "h2" && session) onHttp2(ts, session, info);
    else onHttp1(ts, info);
  });
  return srv;
}

/** The session ID inside a serialized session (SEQUENCE { version, ssl_version, cipher, session_id, ... }). */
function sessionIdOf(b: Buffer | undefined): Buffer | undefined {
  if (b === undefined || b[0] !== 0x30) return undefined;
  let i = 1;
  const len = (): number | undefined => {
    const first = b[i++];
    if (first === undefined) return undefined;
    if ((first & 0x80) === 0) return first;
    let n = first & 0x7f;
    let v = 0;
    while (n-- > 0 && i < b.length) v = v * 256 + b[i++]!;
    return v;
  };
  if (len() === undefined) return undefined;
  for (let field = 0; field < 4; field++) {
    const tag = b[i++];
    const l = len();
    if (tag === undefined || l === undefined) return undefined;
    if (field === 3) return tag === 0x04 ? b.subarray(i, i + l) : undefined;
    i += l;
  }
  return undefined;
}

class H2Conn implements ConnectionInfo {
  readonly id = nextConnectionNumber();
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  requests = 0;
  active = 0;
  constructor(readonly socket: TLSSocket, readonly tls: TlsInfo) {
    this.remoteAddress = normalizeAddr(socket.remoteAddress ?? "");
    this.remotePort = socket.remotePort ?? 0;
    this.localAddress = normalizeAddr(socket.localAddress ?? "");
    this.localPort = socket.localPort ?? 0;
  }
  get bytesWritten(): number {
    return this.socket.bytesWritten;
  }
}

export function serveHttp2(
  socket: TLSSocket, session: http2.ServerHttp2Session, tlsInfo: TlsInfo,
  handler: ListenHandler & { mergeSlashes?(): boolean }, onClose: () => void,
): Http2Connection {
  const conn = new H2Conn(socket, tlsInfo);
  let closingIdle = false;
  session.on("error", () => session.destroy());
  session.once("close", onClose);
  session.on("stream", (stream, headers) => {
    try {
      conn.requests++;
      conn.active++;
      stream.once("close", () => {
        conn.active--;
        if (closingIdle && conn.active === 0) session.close();
      });
      const ex = new H2Exchange(conn, stream, headers, handler);
      handler.onRequest(ex);
    } catch (e) {
      process.emitWarning(`tsresty: http2 stream on *${conn.id} closed after an internal error: ${(e as Error)?.stack ?? String(e)}`);
      stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    }
  });
  return {
    closeIdle() {
      closingIdle = true;
      if (conn.active === 0) session.close();
    },
    destroy() {
      session.destroy();
    },
  };
}

/** The stream's request as the HTTP/1 text our parser reads: Host first (from :authority). */
function headText(h: http2.IncomingHttpHeaders): { text: string; method: string; path: string } {
  const method = String(h[":method"] ?? "GET");
  const path = String(h[":path"] ?? "/");
  let text = `${method} ${path} HTTP/1.1\r\n`;
  const authority = h[":authority"];
  if (h.host === undefined && authority !== undefined) text += `Host: ${String(authority)}\r\n`;
  for (const [name, v] of Object.entries(h)) {
    if (name.startsWith(":") || v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) text += `${name}: ${one}\r\n`;
  }
  return { text: text + "\r\n", method, path };
}

class H2Exchange implements Exchange {
  readonly head: ParsedHead | undefined;
  readonly error: HeadError | undefined;
  closed = false;
  private done = false;
  private responded = false;
  private pendingHead = "";
  private headerOnly = false;
  private bodyStarted = false;
  private abortCbs: (() => void)[] | undefined;

  constructor(
    readonly conn: H2Conn, private readonly stream: http2.ServerHttp2Stream,
    headers: http2.IncomingHttpHeaders, handler: ListenHandler & { mergeSlashes?(): boolean },
  ) {
    const { text, method, path } = headText(headers);
    const raw = Buffer.from(text, "latin1");
    const limits = handler.limits();
    const p = new HeadParser({ ...limits, mergeSlashes: handler.mergeSlashes?.() ?? true });
    const r = p.feed(raw, raw.length);
    const requestLine = `${method} ${path} HTTP/2.0`;
    if (r.kind === "head") {
      const cl = r.head.contentLength;
      this.head = {
        ...r.head, requestLine, protocol: "HTTP/2.0", version: 2000, keepAlive: true, chunked: false,
        expectContinue: false, contentLength: cl, rawHead: raw,
      };
    } else {
      const e = r.kind === "error" ? r.error : { status: 400, message: "client sent invalid header", action: "reading client request headers", level: "info" as const, partial: {} };
      this.error = { ...e, partial: { ...e.partial, requestLine, protocol: "HTTP/2.0", version: 2000 } };
    }
    this.headerOnly = method === "HEAD";
    stream.on("error", () => this.peerClosed());
    stream.once("aborted", () => this.peerClosed());
    stream.once("close", () => {
      if (!this.done) this.peerClosed();
    });
  }

  readBody(sink: BodySink, maxSize: number, timeoutMs = 0): void {
    if (this.bodyStarted) throw new Error("request body read twice");
    this.bodyStarted = true;
    let total = 0;
    let failed = false;
    let timer: NodeJS.Timeout | undefined;
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        failed = true;
        sink.error(408, "client timed out (110: Connection timed out) while reading client request body", "info");
      }, timeoutMs);
    }
    this.stream.on("data", (d: Buffer) => {
      if (failed) return;
      timer?.refresh();
      total += d.length;
      if (maxSize > 0 && this.head && this.head.contentLength < 0 && total > maxSize) {
        failed = true;
        if (timer) clearTimeout(timer);
        sink.error(413, `client intended to send too large body: ${total} bytes`, "error");
        return;
      }
      sink.data(d);
    });
    this.stream.once("end", () => {
      if (timer) clearTimeout(timer);
      if (!failed) sink.end();
    });
    this.stream.once("close", () => {
      if (timer) clearTimeout(timer);
      if (!failed && !this.stream.readableEnded) {
        failed = true;
        sink.error(0, "client prematurely closed stream", "info");
      }
    });
  }

  setSendTimeout(): void {
    // HTTP/2 flow control is node:http2's; send_timeout is not applied per stream.
  }

  discardBody(): { status: number; message: string } | undefined {
    if (!this.bodyStarted) {
      this.bodyStarted = true;
      this.stream.resume();
    }
    return undefined;
  }

  sendContinue(): void {}

  write(data: string | Buffer): boolean {
    if (this.done || this.closed) return false;
    if (!this.responded) {
      this.pendingHead += typeof data === "string" ? data : data.toString("latin1");
      const end = this.pendingHead.indexOf("\r\n\r\n");
      if (end < 0) return true;
      const rest = this.pendingHead.slice(end + 4);
      this.respond(this.pendingHead.slice(0, end));
      this.pendingHead = "";
      return rest.length > 0 ? this.stream.write(Buffer.from(rest, "latin1")) : true;
    }
    return typeof data === "string" ? this.stream.write(Buffer.from(data, "latin1")) : this.stream.write(data);
  }

  writev(parts: readonly (string | Buffer)[]): boolean {
    let ok = true;
    for (const p of parts) ok = this.write(p) && ok;
    return ok;
  }

  /** The core's HTTP/1 header block as one HEADERS frame. */
  private respond(block: string): void {
    this.responded = true;
    const lines = block.split("\r\n");
    const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(lines[0] ?? "")?.[1] ?? 500);
    const out: http2.OutgoingHttpHeaders = { ":status": status };
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const c = line.indexOf(":");
      if (c <= 0) continue;
      const name = line.slice(0, c).toLowerCase();
      if (CONNECTION_HEADERS.has(name)) continue;
      const value = line.slice(c + 1).replace(/^[ \t]+/, "");
      const prev = out[name];
      if (prev === undefined) out[name] = value;
      else out[name] = Array.isArray(prev) ? [...prev, value] : [String(prev), value];
    }
    const noBody = this.headerOnly || status === 204 || status === 304;
    try {
      this.stream.respond(out, { endStream: noBody });
    } catch {
      this.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    }
    if (noBody) this.done = true;
  }

  get congested(): boolean {
    return this.stream.writableNeedDrain;
  }

  drained(): Promise<void> {
    const s = this.stream;
    return !s.writableNeedDrain || this.closed ? Promise.resolve() : drainOrClose(s);
  }

  finish(): void {
    if (this.closed) return;
    if (!this.responded) {
      this.respond(this.pendingHead || "HTTP/1.1 200 OK");
      this.pendingHead = "";
    }
    if (!this.stream.writableEnded && !this.stream.closed) this.stream.end();
    this.done = true;
    if (!this.bodyStarted) this.discardBody();
  }

  abort(): void {
    this.done = true;
    if (!this.stream.closed) this.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  }

  onAbort(cb: () => void): void {
    if (this.closed) {
      queueMicrotask(cb);
      return;
    }
    (this.abortCbs ??= []).push(cb);
  }

  private peerClosed(): void {
    if (this.closed) return;
    this.closed = true;
    const cbs = this.abortCbs;
    this.abortCbs = undefined;
    if (cbs) for (const cb of cbs) cb();
  }
}

/** "::ffff:127.0.0.1" is how Node names an IPv4 peer on a dual-stack socket; nginx says 127.0.0.1. */
function normalizeAddr(a: string): string {
  return a.startsWith("::ffff:") && a.includes(".") ? a.slice(7) : a;
}
