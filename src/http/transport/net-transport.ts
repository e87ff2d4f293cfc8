// The HTTP/1.x transport on node:net, with our own parser (parser.ts).
//
// Why not node:http: it cannot give nginx's exact answers to malformed input (its parser
// answers or closes on its own terms), and it costs too much: a bare node:http hello world
// reaches 0.50 of nginx's requests/s on this machine, a minimal node:net responder 0.82.
//
// One request at a time per connection: pipelined requests wait in the read buffer until
// the current response is finished, as in nginx. Every callback into the core is guarded,
// so a throwing handler closes its own connection and nothing else.
import { connStats, moveStat, type StatState } from "./stats.js";
import * as net from "node:net";
import type { TLSSocket } from "node:tls";
import { handshakeHooks, serveHttp2, tlsServer, type HandshakePlan, type Http2Connection } from "./h2-session.js";
import { HeadParser, type ParsedHead, type ParserOptions } from "./parser.js";
import { ChunkedDecoder } from "./chunked.js";
import { nextConnectionNumber } from "./connection-counter.js";
import type {
  BodySink, ConnectionInfo, Exchange, HeadError, HeadLimits, ListenAddress, ListenHandler,
  Listener, TlsInfo, TlsListen, Transport,
} from "./types.js";
import { drainOrClose } from "./drain.js";
import { ERRNO } from "../upstream/errno.js";

/** Unread bytes we keep while a request is being handled before pausing the socket. */
const MAX_BUFFERED = 256 * 1024;
/** nginx's lingering_time and lingering_timeout defaults. */
const LINGERING_TIME = 30_000;
const LINGERING_TIMEOUT = 5_000;

export interface NetTransportOptions {
  /** merge_slashes of the default server (URI normalisation happens while parsing). */
  readonly mergeSlashes?: () => boolean;
}

export class NetTransport implements Transport {
  async listen(addr: ListenAddress, handler: ListenHandler): Promise<Listener> {
    const l = new NetListener(addr, handler);
    await l.start();
    return l;
  }
}

/** Limits plus merge_slashes: what a listener's handler gives each new connection. */
export interface NetListenHandler extends ListenHandler {
  mergeSlashes?(): boolean;
}

class NetListener implements Listener {
  private server: net.Server;
  private handler: NetListenHandler;
  readonly conns = new Set<Connection>();
  closingIdle = false;
  address: ListenAddress;

  constructor(addr: ListenAddress, handler: NetListenHandler) {
    this.address = addr;
    this.handler = handler;
    // allowHalfOpen: a client's FIN does not end our side; the response of a request that goes
    // on is still written, as nginx does (the connection closes after it).
    this.server = net.createServer({ noDelay: true, pauseOnConnect: false, allowHalfOpen: true }, (sock) => {
      try {
        const t = this.handler.tls?.(normalizeAddr(sock.localAddress ?? ""));
        if (t) this.acceptTls(sock, t);
        else this.conns.add(new Connection(sock, this, this.handler));
      } catch {
        sock.destroy();
      }
    });
    this.server.on("error", () => {});
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onErr = (e: Error): void => reject(e);
      this.server.once("error", onErr);
      const done = (): void => {
        this.server.off("error", onErr);
        const a = this.server.address();
        if (a && typeof a === "object") this.address = { ...this.address, port: a.port };
        resolve();
      };
      if (this.address.fd !== undefined) this.server.listen({ fd: this.address.fd }, done);
      else if (this.address.unixPath !== undefined) this.server.listen(this.address.unixPath, done);
      else {
        const host = this.address.host === "*" || this.address.host === "" ? undefined : this.address.host;
        this.server.listen({ port: this.address.port, host, backlog: 511 }, done);
      }
    });
  }

  readonly h2 = new Set<Http2Connection>();
  /** One TLS server per ssl address configuration (a reload brings new ones). */
  private readonly tlsServers = new WeakMap<TlsListen, ReturnType<typeof tlsServer>>();

  /**
   * An ssl address: the first byte tells a TLS handshake (0x16, or an SSLv2 hello) from plain
   * HTTP, which is served as HTTP/1 so the core can answer nginx's 497 page. The handshake
   * goes to the address's TLS server (h2-session.ts), which gives back HTTP/1 connections and
   * HTTP/2 sessions. client_header_timeout covers the wait for the first byte and the
   * handshake, as in nginx.
   */
  private acceptTls(sock: net.Socket, t: TlsListen): void {
    const timer = setTimeout(() => sock.destroy(), this.handler.limits().headerTimeout);
    let started = false;
    sock.on("error", () => sock.destroy());
    sock.once("close", () => clearTimeout(timer));
    sock.once("end", () => {
      if (!started) sock.destroy();
    });
    sock.once("data", (d: Buffer) => {
      started = true;
      sock.pause();
      sock.unshift(d);
      if (d[0] !== 0x16 && (d[0]! & 0x80) === 0) {
        clearTimeout(timer);
        this.conns.add(new Connection(sock, this, this.handler));
        sock.resume();
        return;
      }
      handshakeTimers.set(sock, timer);
      const before = d[0] === 0x16 ? handshakeHooks.before?.(t) : undefined;
      if (before === undefined) {
        this.tlsServerFor(t).emit("connection", sock);
        return;
      }
      // Lua runs on the ClientHello before the TLS server sees it (node would call nothing
      // without a server name): read the whole record, then hand the bytes back.
      readRecord(sock, (record) => {
        before(sock, record, this.tlsServerFor(t).getTicketKeys()).then((plan) => {
          if (sock.destroyed) return;
          if (plan === undefined) {
            sock.destroy();
            return;
          }
          this.tlsServerFor(t, plan).emit("connection", sock);
        }, () => sock.destroy());
      });
    });
  }

  private readonly onHttp1 = (ts: TLSSocket, info: TlsInfo): void => {
    clearHandshakeTimer(ts);
    this.conns.add(new Connection(ts, this, this.handler, info));
  };

  private readonly onHttp2 = (ts: TLSSocket, session: Parameters<typeof serveHttp2>[1], info: TlsInfo): void => {
    clearHandshakeTimer(ts);
    const h = serveHttp2(ts, session, info, this.handler, () => this.h2.delete(h));
    this.h2.add(h);
  };

  /** The address's TLS server, or one of a handshake's own when its Lua code chose options. */
  private tlsServerFor(t: TlsListen, plan?: HandshakePlan): ReturnType<typeof tlsServer> {
    let srv = this.tlsServers.get(t);
    if (!srv) {
      srv = tlsServer(t, this.onHttp1, this.onHttp2);
      this.tlsServers.set(t, srv);
    }
    if (plan?.options === undefined) return srv;
    // the address's ticket keys, so that its tickets resume on the address's server
    return tlsServer(t, this.onHttp1, this.onHttp2, { plan, ticketKeys: srv.getTicketKeys() });
  }

  get connections(): number {
    return this.conns.size + this.h2.size;
  }

  setHandler(h: ListenHandler): void {
    this.handler = h;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  closeIdle(): void {
    this.closingIdle = true;
    for (const c of this.conns) c.closeIfIdle();
    for (const h of this.h2) h.closeIdle();
  }

  destroyAll(): void {
    for (const c of this.conns) c.destroy();
    for (const h of this.h2) h.destroy();
  }
}

const enum St { Head, Active, Closing }
const enum Tm { None, Head, Keepalive, Discard }

class Connection implements ConnectionInfo {
  readonly id = nextConnectionNumber();
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  requests = 0;

  private buf: Buffer = Buffer.alloc(0);
  private len = 0;
  private parser: HeadParser | undefined;
  private limits: HeadLimits;
  private state = St.Head;
  private ex: NetExchange | undefined;
  private timer: NodeJS.Timeout | undefined;
  private keepaliveMs = 0;
  private idle = true; // between requests (no byte of the next head yet)
  private paused = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private stat: StatState = 0;

  constructor(
    readonly sock: net.Socket, private readonly listener: NetListener, private handler: NetListenHandler,
    readonly tls?: TlsInfo,
  ) {
    this.remoteAddress = normalizeAddr(sock.remoteAddress ?? "");
    this.remotePort = sock.remotePort ?? 0;
    this.localAddress = normalizeAddr(sock.localAddress ?? "");
    this.localPort = sock.localPort ?? 0;
    this.limits = handler.limits();
    sock.on("data", (d: Buffer) => this.guard(() => this.onData(d)));
    sock.on("end", () => this.guard(() => this.onEnd()));
    sock.on("error", () => this.destroy());
    sock.on("close", () => this.onClose());
    this.parserOpts = { ...this.limits, mergeSlashes: handler.mergeSlashes?.() ?? true };
    this.armTimer(Tm.Head, this.limits.headerTimeout);
    connStats.accepted++;
    connStats.active++;
  }

  get bytesWritten(): number {
    return this.sock.bytesWritten;
  }

  /** Any exception escaping our code or the core's closes this connection only. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      process.emitWarning(`tsresty: connection *${this.id} closed after an internal error: ${(e as Error)?.stack ?? String(e)}`);
      this.destroy();
    }
  }

  /**
   * One timer per connection for the header and keep-alive deadlines. Arming only moves the
   * deadline; the timer, when it fires early, sleeps again for the rest. So a busy keep-alive
   * connection does not touch the timer list per request.
   */
  private armTimer(kind: Tm, ms: number): void {
    if (ms <= 0) {
      this.timerKind = Tm.None;
      return;
    }
    this.timerKind = kind;
    const deadline = Date.now() + ms;
    this.deadline = deadline;
    if (this.timer && this.timerAt <= deadline) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = deadline;
    this.timer = setTimeout(() => this.guard(() => this.onTimer()), ms);
  }

  private disarm(): void {
    this.timerKind = Tm.None;
  }

  private onTimer(): void {
    this.timer = undefined;
    const k = this.timerKind;
    if (k === Tm.None) return;
    const left = this.deadline - Date.now();
    if (left > 0) {
      this.timerAt = this.deadline;
      this.timer = setTimeout(() => this.guard(() => this.onTimer()), left);
      return;
    }
    this.timerKind = Tm.None;
    if (k === Tm.Head) this.headTimeout();
    else if (k === Tm.Keepalive || k === Tm.Discard) this.destroy();
  }

  private deadline = 0;
  private timerAt = 0;
  private timerKind = Tm.None;
  private readonly parserOpts: ParserOptions;

  private append(d: Buffer): void {
    if (this.len === 0) {
      this.buf = d;
      this.len = d.length;
      return;
    }
    const need = this.len + d.length;
    if (need > this.buf.length || this.buf.buffer === d.buffer) {
      const nb = Buffer.allocUnsafe(Math.max(need, this.len * 2));
      this.buf.copy(nb, 0, 0, this.len);
      this.buf = nb;
    }
    d.copy(this.buf, this.len);
    this.len = need;
  }

  /** Drop `n` bytes from the front of the read buffer. */
  private consume(n: number): void {
    if (n >= this.len) {
      this.len = 0;
      this.buf = EMPTY;
    } else {
      this.buf = this.buf.subarray(n, this.len);
      this.len -= n;
    }
  }

  private onData(d: Buffer): void {
    if (this.state === St.Closing) return; // lingering close: discard
    if (this.state === St.Active) {
      const ex = this.ex!;
      if (ex.bodyMode !== Body.Waiting && ex.bodyMode !== Body.Done) {
        this.append(d);
        if (ex.discardAfter) this.armTimer(Tm.Discard, LINGERING_TIMEOUT);
        ex.pumpBody();
      } else {
        this.append(d);
        if (this.len > MAX_BUFFERED && !this.paused) {
          this.paused = true;
          this.sock.pause();
        }
      }
      return;
    }
    this.append(d);
    this.parseHead();
  }

  private parseHead(): void {
    if (this.len === 0) return;
    if (this.idle) {
      this.idle = false;
      this.stat = moveStat(this.stat, 1);
      this.armTimer(Tm.Head, this.limits.headerTimeout);
    }
    const p = (this.parser ??= new HeadParser(this.parserOpts));
    const r = p.feed(this.buf, this.len);
    if (r.kind === "more") return;
    this.parser = undefined;
    this.disarm();
    this.requests++;
    connStats.requests++;
    this.stat = moveStat(this.stat, 2);
    this.state = St.Active;
    if (r.kind === "error") {
      this.len = 0;
      this.buf = EMPTY;
      this.ex = new NetExchange(this, undefined, r.error);
    } else {
      // The bytes stay valid: the read buffer is never written over, only replaced.
      r.head.rawHead = this.buf.subarray(0, r.consumed);
      this.consume(r.consumed);
      this.ex = new NetExchange(this, r.head, undefined);
    }
    this.handler.onRequest(this.ex);
  }

  private headTimeout(): void {
    if (this.state !== St.Head) return;
    if (!this.idle || this.requests === 0) this.handler.onHeadTimeout?.(this, {});
    this.destroy();
  }

  /** Called by the exchange when the core finished the response. */
  finished(ex: NetExchange, keepAliveMs: number): void {
    if (this.ex !== ex) return;
    if (keepAliveMs > 0 && this.listener.closingIdle) keepAliveMs = 0;
    this.keepaliveMs = keepAliveMs;
    if (ex.bodyMode === Body.Waiting && !this.peerEnded) ex.startDiscard();
    if (ex.bodyMode === Body.Failed) this.keepaliveMs = 0;
    if (ex.bodyMode !== Body.Done && ex.bodyMode !== Body.Failed && !this.peerEnded) {
      // As nginx: read the rest of the body before the next request, or before closing
      // (so the client, still sending, does not get a reset instead of the response); give
      // up after lingering_timeout without data.
      ex.discardAfter = true;
      this.armTimer(Tm.Discard, LINGERING_TIMEOUT);
      return;
    }
    this.next();
  }

  /** The current request and its body are done: read the next one, or close. */
  next(): void {
    this.ex = undefined;
    this.stat = moveStat(this.stat, 0);
    this.disarm();
    if (this.sock.errored) {
      // A write failed (the client is gone): nginx closes without a word more.
      this.destroy();
      return;
    }
    if (this.peerEnded && this.len === 0) {
      // Nothing more will come: nginx finds the end when it waits for the next request.
      if (this.keepaliveMs > 0 && !this.peerNoticed) this.handler.onIdleClose?.(this, true);
      this.state = St.Closing;
      this.sock.end();
      this.lingerTimer = setTimeout(() => this.destroy(), LINGERING_TIME);
      return;
    }
    if (this.keepaliveMs <= 0) {
      this.lingerClose();
      return;
    }
    this.state = St.Head;
    this.idle = true;
    if (this.paused) {
      this.paused = false;
      this.sock.resume();
    }
    if (this.len > 0) {
      this.parseHead();
      return;
    }
    this.armTimer(Tm.Keepalive, this.keepaliveMs);
  }

  /** Close after the output is flushed, reading (and dropping) what the client still sends. */
  lingerClose(): void {
    if (this.state === St.Closing) return;
    this.state = St.Closing;
    this.ex = undefined;
    this.len = 0;
    this.buf = EMPTY;
    this.disarm();
    if (this.paused) {
      this.paused = false;
      this.sock.resume();
    }
    this.sock.end();
    this.lingerTimer = setTimeout(() => this.destroy(), LINGERING_TIME);
    this.sock.setTimeout(LINGERING_TIMEOUT, () => this.destroy());
  }

  closeIfIdle(): void {
    // Only kept-alive connections: a new one still waiting for its first request is served,
    // as nginx's graceful shutdown does (its request would fail otherwise).
    if (this.state === St.Head && this.idle && this.requests > 0) this.destroy();
  }

  private onEnd(): void {
    const ex = this.ex;
    if (this.state === St.Closing) {
      this.destroy();
      return;
    }
    if (ex) {
      // The client half-closed during a request: readers and on_abort learn it, the response
      // still goes out, and the connection ends after it.
      this.peerEnded = true;
      this.peerNoticed = ex.peerFinished();
      return;
    }
    if (this.idle && this.len === 0) this.handler.onIdleClose?.(this, this.requests > 0);
    this.destroy();
  }

  /** The client sent its FIN while a request was active. */
  private peerEnded = false;
  /** ...and something watched for it (on_abort, proxy, a body read): nginx then ends the connection without a word. */
  private peerNoticed = false;

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.timer = this.lingerTimer = undefined;
    this.sock.destroy();
  }

  private onClose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.listener.conns.delete(this);
    this.stat = moveStat(this.stat, 0);
    connStats.active--;
    const ex = this.ex;
    this.ex = undefined;
    if (ex) ex.peerClosed();
    if (this.state === St.Head && this.listener.closingIdle) return;
  }

  // Body access for the exchange.
  bufferedLength(): number {
    return this.len;
  }
  bufferView(): Buffer {
    return this.buf.subarray(0, this.len);
  }
  take(n: number): void {
    this.consume(n);
  }
  resumeReading(): void {
    if (this.paused) {
      this.paused = false;
      this.sock.resume();
    }
  }
  /** ngx.req.socket's backpressure on the body (the connection's own pause wins). */
  holdReading(hold: boolean): void {
    if (hold) this.sock.pause();
    else if (!this.paused) this.sock.resume();
  }
  /** ngx.req.socket(true): stop parsing; the socket and what was read past the head go to Lua. */
  takeSocket(): { socket: net.Socket; buffered: Buffer } {
    this.sock.removeAllListeners("data");
    const buffered = Buffer.from(this.bufferView());
    this.consume(this.len);
    this.resumeReading();
    return { socket: this.sock, buffered };
  }
}

const EMPTY = Buffer.alloc(0);

/** The largest ClientHello record we wait for (a TLS record's payload is at most 16 KiB). */
const MAX_HELLO_RECORD = 5 + 16384;

/** Read the first TLS record whole (a ClientHello may span several reads), then put every byte back. */
function readRecord(sock: net.Socket, done: (record: Buffer) => void): void {
  let buf: Buffer = EMPTY;
  const onData = (d: Buffer): void => {
    buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
    const need = buf.length >= 5 ? 5 + buf.readUInt16BE(3) : Infinity;
    if (buf.length < need && buf.length < MAX_HELLO_RECORD) return;
    sock.off("data", onData);
    sock.pause();
    sock.unshift(buf);
    done(buf.subarray(0, Math.min(need, buf.length)));
  };
  sock.on("data", onData);
  sock.resume();
}

/** The first-byte/handshake timer of a raw socket, cleared once its TLS socket is secure. */
const handshakeTimers = new WeakMap<net.Socket, NodeJS.Timeout>();
function clearHandshakeTimer(ts: TLSSocket): void {
  // node keeps the wrapped socket as `_parent` (not in its types).
  const raw = (ts as unknown as { _parent?: net.Socket })._parent;
  const t = raw ? handshakeTimers.get(raw) : undefined;
  if (t) clearTimeout(t);
}

const enum Body { Waiting, Fixed, Chunked, Done, Failed }

class NetExchange implements Exchange {
  bodyMode = Body.Waiting;
  discardAfter = false;
  private done = false;
  private sink: BodySink | undefined;
  private remaining = 0;
  private maxSize = 0;
  private chunked: ChunkedDecoder | undefined;
  private continueSent = false;
  private wroteAny = false;
  private abortCbs: (() => void)[] | undefined;
  closed = false;

  constructor(private readonly c: Connection, readonly head: ParsedHead | undefined, readonly error: HeadError | undefined) {
    if (!head) this.bodyMode = Body.Done;
    else if (head.chunked) this.bodyMode = Body.Waiting;
    else if (head.contentLength <= 0) this.bodyMode = Body.Done;
  }

  get conn(): ConnectionInfo {
    return this.c;
  }

  private bodyTimer: NodeJS.Timeout | undefined;
  private sendTimer: NodeJS.Timeout | undefined;
  private sendTimeoutMs = 0;
  private sendOwner: { sendTimedOut(): void } | undefined;

  readBody(sink: BodySink, maxSize: number, timeoutMs = 0): void {
    if (timeoutMs > 0 && this.bodyMode === Body.Waiting && this.head && (this.head.chunked || this.head.contentLength > 0)) {
      // client_body_timeout: the time allowed between two reads of the body.
      this.bodyTimer = setTimeout(() => {
        this.bodyTimer = undefined;
        if (this.bodyMode !== Body.Fixed && this.bodyMode !== Body.Chunked) return;
        this.bodyMode = Body.Failed;
        const s = this.sink;
        this.sink = undefined;
        s?.error(408, "client timed out (110: Connection timed out) while reading client request body", "info");
      }, timeoutMs);
    }
    const h = this.head;
    if (!h || this.bodyMode === Body.Done) {
      sink.end();
      return;
    }
    if (this.bodyMode !== Body.Waiting) throw new Error("request body read twice");
    this.sink = sink;
    this.maxSize = maxSize;
    if (h.chunked) {
      this.chunked = new ChunkedDecoder();
      this.bodyMode = Body.Chunked;
    } else {
      this.remaining = h.contentLength;
      this.bodyMode = Body.Fixed;
    }
    if (!this.wroteAny) this.sendContinue();
    this.c.resumeReading();
    this.pumpBody();
  }

  /** The core finished without reading the body: read it to the end and drop it. */
  startDiscard(): void {
    this.readBody({ data() {}, end() {}, error() {} }, 0);
  }

  discardBody(): { status: number; message: string } | undefined {
    if (this.bodyMode !== Body.Waiting) return undefined;
    let failed: { status: number; message: string } | undefined;
    this.readBody({ data() {}, end() {}, error: (status, message) => (failed = { status, message }) }, 0);
    return failed;
  }

  pumpBody(): void {
    const c = this.c;
    if (this.bodyTimer && c.bufferedLength() > 0) this.bodyTimer.refresh();
    if (this.bodyMode === Body.Fixed) {
      const n = Math.min(this.remaining, c.bufferedLength());
      if (n > 0) {
        const chunk = Buffer.from(c.bufferView().subarray(0, n));
        c.take(n);
        this.remaining -= n;
        this.sink!.data(chunk);
      }
      if (this.remaining === 0) this.bodyDone();
      return;
    }
    if (this.bodyMode === Body.Chunked) {
      const dec = this.chunked!;
      const view = c.bufferView();
      const parts: Buffer[] = [];
      const end = dec.decode(view, 0, view.length, (b) => parts.push(Buffer.from(b)));
      if (end < 0) {
        this.bodyMode = Body.Failed;
        c.take(view.length);
        this.sink!.error(400, "client sent invalid chunked body", "error");
        this.afterBody();
        return;
      }
      c.take(end);
      if (this.maxSize > 0 && dec.total > this.maxSize) {
        this.bodyMode = Body.Failed;
        this.sink!.error(413, `client intended to send too large chunked body: ${dec.total} bytes`, "error");
        this.afterBody();
        return;
      }
      for (const p of parts) this.sink!.data(p);
      if (dec.done) this.bodyDone();
    }
  }

  private bodyDone(): void {
    if (this.bodyTimer) clearTimeout(this.bodyTimer);
    this.bodyTimer = undefined;
    this.bodyMode = Body.Done;
    const s = this.sink;
    this.sink = undefined;
    s?.end();
    this.afterBody();
  }

  private afterBody(): void {
    if (this.bodyTimer) clearTimeout(this.bodyTimer);
    this.bodyTimer = undefined;
    if (this.discardAfter) {
      this.discardAfter = false;
      this.c.next();
    }
  }

  sendContinue(): void {
    if (this.continueSent || !this.head?.expectContinue || this.wroteAny) return;
    this.continueSent = true;
    this.c.sock.write("HTTP/1.1 100 Continue\r\n\r\n", "latin1");
  }

  /** nginx's line for the write that failed ("writev() failed (32: Broken pipe)"), once one did. */
  writeError: string | undefined;

  /** A write to a client that is gone fails as nginx's writev() does (EPIPE, ECONNRESET). */
  private writeFailed(): boolean {
    const e = this.c.sock.errored as NodeJS.ErrnoException | null;
    if (e === null) return false;
    this.writeError ??= `writev() failed (${ERRNO[e.code ?? ""] ?? e.code})`;
    return true;
  }

  write(data: string | Buffer): boolean {
    if (this.done || this.closed) {
      this.writeFailed();
      return false;
    }
    this.wroteAny = true;
    const ok = typeof data === "string" ? this.c.sock.write(data, "latin1") : this.c.sock.write(data);
    // Node raises a failed write's error synchronously (sock.errored), its event later.
    if (this.writeFailed()) return false;
    if (!ok && this.sendTimeoutMs > 0 && !this.sendTimer) this.armSend();
    return ok;
  }

  writev(parts: readonly (string | Buffer)[]): boolean {
    if (this.done || this.closed) {
      this.writeFailed();
      return false;
    }
    const s = this.c.sock;
    // Corked writes go out together through the stream's _writev: one syscall.
    s.cork();
    let ok = true;
    for (const p of parts) ok = (typeof p === "string" ? s.write(p, "latin1") : s.write(p)) && ok;
    s.uncork();
    this.wroteAny = true;
    if (this.writeFailed()) return false;
    if (!ok && this.sendTimeoutMs > 0 && !this.sendTimer) this.armSend();
    return ok;
  }

  setSendTimeout(ms: number, owner: { sendTimedOut(): void }): void {
    this.sendTimeoutMs = ms;
    this.sendOwner = owner;
  }

  private armSend(): void {
    const s = this.c.sock;
    const clear = (): void => {
      if (this.sendTimer) clearTimeout(this.sendTimer);
      this.sendTimer = undefined;
      s.off("drain", clear);
      s.off("finish", clear);
      s.off("close", clear);
    };
    // After end() the stream says "finish" instead of "drain" once all is out; "close" if it never is.
    s.on("drain", clear);
    s.on("finish", clear);
    s.on("close", clear);
    this.sendTimer = setTimeout(() => {
      this.sendTimer = undefined;
      s.off("drain", clear);
      s.off("finish", clear);
      s.off("close", clear);
      try {
        this.sendOwner?.sendTimedOut();
      } finally {
        this.c.destroy();
      }
    }, this.sendTimeoutMs);
  }

  get congested(): boolean {
    return this.c.sock.writableNeedDrain;
  }

  get unsentBytes(): number | undefined {
    // TLS encrypts from its own buffers: whether it still holds the caller's is not known.
    return this.c.tls ? undefined : this.c.sock.writableLength;
  }

  drained(): Promise<void> {
    const s = this.c.sock;
    return !s.writableNeedDrain || this.closed ? Promise.resolve() : drainOrClose(s);
  }

  finish(keepAliveMs: number): void {
    if (this.done) return;
    this.done = true;
    if (this.closed) return;
    this.c.finished(this, keepAliveMs);
  }

  abort(): void {
    this.done = true;
    this.c.destroy();
  }

  pauseReading(paused: boolean): void {
    this.c.holdReading(paused);
  }

  takeSocket(): { socket: net.Socket; buffered: Buffer } | undefined {
    if (this.closed || this.done) return undefined;
    // The body, if any, is Lua's to read now: nothing is left for the transport to discard.
    this.bodyMode = Body.Done;
    this.sink = undefined;
    return this.c.takeSocket();
  }

  endBody(): void {
    if (this.bodyMode !== Body.Fixed && this.bodyMode !== Body.Chunked) return;
    if (this.bodyTimer) clearTimeout(this.bodyTimer);
    this.bodyTimer = undefined;
    this.bodyMode = Body.Done;
    this.sink = undefined;
    this.c.holdReading(false);
  }

  onAbort(cb: () => void): void {
    if (this.closed || this.finished) {
      queueMicrotask(cb);
      return;
    }
    (this.abortCbs ??= []).push(cb);
  }

  /** The client's FIN: what waits for the client learns it, writing goes on. */
  private finished = false;
  /** Returns whether anything was waiting for the client (a body read, abort watchers). */
  peerFinished(): boolean {
    if (this.closed || this.finished) return false;
    this.finished = true;
    const watched = this.abortCbs !== undefined || (this.sink !== undefined && this.bodyMode !== Body.Done);
    this.peerGone();
    return watched;
  }

  peerClosed(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.finished) return;
    this.peerGone();
  }

  private peerGone(): void {
    if (this.sink && this.bodyMode !== Body.Done) {
      this.bodyMode = Body.Failed;
      const s = this.sink;
      this.sink = undefined;
      s.error(0, "client prematurely closed connection", "info");
    }
    const cbs = this.abortCbs;
    this.abortCbs = undefined;
    if (cbs) for (const cb of cbs) cb();
  }
}

/** "::ffff:127.0.0.1" is how Node names an IPv4 peer on a dual-stack socket; nginx says 127.0.0.1. */
function normalizeAddr(a: string): string {
  return a.startsWith("::ffff:") && a.includes(".") ? a.slice(7) : a;
}
