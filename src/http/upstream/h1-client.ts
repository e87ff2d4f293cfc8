// A direct HTTP/1.1 client on node:net for proxy_pass: one request per connection at a time,
// idle kept-alive connections per peer, the response head parsed here and the body handed on
// piece by piece with backpressure.
//
// Why not undici for this path: measured on this machine (a bare node:net backend, 16
// concurrent requests, warm), a request through undici's Pool.dispatch with a new connection
// each time cost about 250 us of CPU against 115 us for the same exchange on a bare socket;
// undici's per-request Request object, header validation, llhttp-in-wasm calls, its timers and
// the Error (with its stack) it builds to close every non-kept-alive socket were most of the
// difference, and proxy_pass was the benchmark furthest from the reference. Nor for bodies
// from a temporary file (its last use here): undici cannot write nginx's bytes (`host` first
// and in lower case, always HTTP/1.1, `connection` of its own, headers nginx sends refused).
//
// What goes on the wire is nginx's, byte for byte (test/http/proxy-request-bytes.test.ts
// compares it with the reference's): the request line in HTTP/1.0 unless proxy_http_version
// 1.1, the header lines as the proxy module gives them, then the body, from memory or read
// from its temporary file with its Content-Length already among the headers.
import * as fs from "node:fs";
import * as net from "node:net";
import { ChunkedDecoder } from "../transport/chunked.js";
import type { UpstreamCall, UpstreamControl, UpstreamFailure, UpstreamHandler, UpstreamStage } from "./client.js";
import { ERRNO } from "./errno.js";
import { dial, type UpstreamTls } from "./connect.js";

export interface H1PoolOptions {
  readonly host: string;
  readonly port: number;
  /** A unix socket peer's path (host and port unused). */
  readonly path: string | undefined;
  /** TLS for an https:// peer. */
  readonly tls: UpstreamTls | undefined;
  readonly connectTimeout: number;
  readonly keepaliveTimeout: number;
  readonly keepaliveRequests: number;
  /** proxy_buffer_size: a longer response head is nginx's "too big header". */
  readonly maxHeaderSize: number;
  /** The upstream block's cache, shared by its peers' pools. */
  readonly cache: KeepaliveCache | undefined;
}

const HEAD_STAGE: UpstreamStage = "reading response header from upstream";
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: ([^\r\n]*))?$/;

interface Idle {
  readonly sock: net.Socket;
  used: number;
  timer: NodeJS.Timeout | undefined;
  /** Closes it while idle (the cache evicting it). */
  drop?: () => void;
}

/**
 * nginx's keepalive cache of one upstream block: at most `max` idle connections over all its
 * peers; a connection kept past that closes the least recently kept one.
 */
export class KeepaliveCache {
  private readonly idle: Idle[] = [];

  constructor(readonly max: number) {}

  add(c: Idle): void {
    this.idle.push(c);
    if (this.idle.length > this.max) this.idle[0]!.drop?.();
  }

  remove(c: Idle): void {
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
  }
}

/** One peer's connections. */
export class H1Pool {
  private idle: Idle[] = [];
  private closed = false;

  constructor(readonly o: H1PoolOptions) {}

  dispatch(call: UpstreamCall, h: UpstreamHandler): UpstreamControl {
    const ex = new H1Exchange(this, call, h);
    ex.start();
    return ex;
  }

  /** A kept-alive connection still open, or undefined. */
  take(): Idle | undefined {
    for (;;) {
      const c = this.idle.pop();
      if (!c) return undefined;
      this.o.cache?.remove(c);
      c.drop = undefined;
      if (c.timer) clearTimeout(c.timer);
      c.timer = undefined;
      const s = c.sock;
      s.removeAllListeners("data");
      s.removeAllListeners("end");
      s.removeAllListeners("close");
      s.removeAllListeners("error");
      if (!s.destroyed && s.readyState === "open") return c;
      s.destroy();
    }
  }

  /** Keep a connection whose response ended cleanly, until keepalive_timeout. */
  release(c: Idle): void {
    const s = c.sock;
    if (this.closed || c.used >= this.o.keepaliveRequests || s.destroyed) {
      s.destroy();
      return;
    }
    s.removeAllListeners("data");
    s.removeAllListeners("end");
    s.removeAllListeners("close");
    s.removeAllListeners("error");
    const drop = (): void => {
      const i = this.idle.indexOf(c);
      if (i >= 0) this.idle.splice(i, 1);
      this.o.cache?.remove(c);
      c.drop = undefined;
      if (c.timer) clearTimeout(c.timer);
      s.destroy();
    };
    c.drop = drop;
    // Anything from an idle upstream (data, a close) ends the connection, as in nginx.
    s.on("data", drop);
    s.on("end", drop);
    s.on("error", drop);
    s.on("close", drop);
    s.resume();
    if (this.o.keepaliveTimeout > 0) {
      c.timer = setTimeout(drop, this.o.keepaliveTimeout);
      c.timer.unref();
    }
    this.idle.push(c);
    this.o.cache?.add(c);
  }

  close(): void {
    this.closed = true;
    for (const c of this.idle) {
      this.o.cache?.remove(c);
      if (c.timer) clearTimeout(c.timer);
      c.sock.destroy();
    }
    this.idle = [];
  }
}

const enum Framing { None, Length, Chunked, Close }

class H1Exchange implements UpstreamControl {
  private conn: Idle | undefined;
  private reused = false;
  private retried = false;
  private connected = false;
  private gotHeader = false;
  private done = false;
  private paused = false;
  private timer: NodeJS.Timeout | undefined;
  /** Response head bytes so far (latin1), until its empty line. */
  private head = "";
  private framing = Framing.None;
  private remaining = 0;
  private chunked: ChunkedDecoder | undefined;
  private keepResponse = false;
  /** A 101 to an upgrade request: the connection goes to the handler after the head. */
  private upgraded = false;
  /** Unprocessed input while the handler has paused us. */
  private pending: Buffer | undefined;
  private sawEnd = false;
  /** The temporary file a body is being read from. */
  private file: fs.ReadStream | undefined;

  constructor(private readonly pool: H1Pool, private readonly call: UpstreamCall, private readonly h: UpstreamHandler) {}

  start(): void {
    const c = this.call.keepalive ? this.pool.take() : undefined;
    if (c) {
      this.reused = true;
      this.attach(c);
      this.onConnected();
      return;
    }
    this.connect();
  }

  private connect(): void {
    const o = this.pool.o;
    // dial() reports the failures until the connection is up (and TLS checked), with its own timer.
    const sock = dial(o, o.tls, o.connectTimeout, () => this.onConnected(), (f) => this.fail(f));
    const c: Idle = { sock, used: 0, timer: undefined };
    this.attach(c);
  }

  private attach(c: Idle): void {
    this.conn = c;
    const s = c.sock;
    s.on("data", (d: Buffer) => this.onData(d));
    s.on("end", () => this.onEnd());
    s.on("error", (e: NodeJS.ErrnoException) => this.onSocketError(e));
    s.on("close", () => this.onEnd());
  }

  private arm(ms: number, fire: () => void): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = ms > 0 ? setTimeout(fire, ms) : undefined;
  }

  private readTimedOut = (): void => {
    this.fail({ kind: "timeout", message: "upstream timed out (110: Connection timed out)", stage: this.gotHeader ? "reading upstream" : HEAD_STAGE });
  };

  private onConnected(): void {
    if (this.done) return;
    this.connected = true;
    const c = this.conn!;
    c.used++;
    this.h.onConnect();
    if (this.done) return;
    const call = this.call;
    // Kept only when asked (HTTP/1.1 to an upstream with keepalive) and while under keepalive_requests.
    this.keepResponse = call.keepalive && c.used < this.pool.o.keepaliveRequests;
    let head = `${call.method} ${call.path} ${call.http11 ? "HTTP/1.1" : "HTTP/1.0"}\r\n`;
    const hs = call.headers;
    for (let i = 0; i < hs.length; i += 2) head += `${hs[i]}: ${hs[i + 1]}\r\n`;
    head += "\r\n";
    const s = c.sock;
    const body = call.body;
    if (body === undefined || Buffer.isBuffer(body)) {
      if (body !== undefined && body.length > 0) {
        s.cork();
        s.write(head, "latin1");
        s.write(body);
        s.uncork();
      } else s.write(head, "latin1");
      this.arm(call.readTimeout, this.readTimedOut);
      return;
    }
    // A body in a temporary file streams from it, with backpressure from the socket.
    s.write(head, "latin1");
    this.sendFile(body.file);
  }

  private sendFile(file: string): void {
    const s = this.conn!.sock;
    const call = this.call;
    const sendTimedOut = (): void => this.fail({ kind: "timeout", message: "upstream timed out (110: Connection timed out)", stage: "sending request to upstream" });
    this.arm(call.sendTimeout, sendTimedOut);
    const rs = fs.createReadStream(file);
    this.file = rs;
    rs.on("data", (d) => {
      if (this.done) return;
      if (!s.write(d)) {
        rs.pause();
        s.once("drain", () => {
          if (this.done) return;
          this.timer?.refresh();
          rs.resume();
        });
      }
    });
    rs.on("error", (e: NodeJS.ErrnoException) => {
      this.fail({ kind: "error", message: `read() "${file}" failed (${ERRNO[e.code ?? ""] ?? e.message})`, stage: "sending request to upstream" });
    });
    rs.on("end", () => {
      this.file = undefined;
      if (!this.done) this.arm(call.readTimeout, this.readTimedOut);
    });
  }

  private onData(d: Buffer): void {
    if (this.done) return;
    if (this.timer) this.timer.refresh();
    if (this.paused) {
      this.pending = this.pending ? Buffer.concat([this.pending, d]) : d;
      return;
    }
    this.process(d);
  }

  /** Parse the head, then hand the body on, until the input ends or the handler pauses. */
  private process(d: Buffer): void {
    let at = 0;
    /** Room left for body bytes in nginx's buffer of the read that completed the head. */
    let firstRead = this.call.readSize;
    while (!this.gotHeader) {
      // The head is scanned as latin1 text: a few hundred bytes, once.
      const start = this.head.length;
      this.head += d.toString("latin1", at);
      let end = this.head.indexOf("\r\n\r\n", Math.max(0, start - 3));
      let sep = 4;
      if (end < 0) {
        const lf = this.head.indexOf("\n\n", Math.max(0, start - 1));
        if (lf >= 0) {
          end = lf;
          sep = 2;
        }
      }
      if (end < 0) {
        if (this.head.length > this.pool.o.maxHeaderSize) this.fail({ kind: "error", message: "upstream sent too big header", stage: HEAD_STAGE });
        return;
      }
      if (end + sep > this.pool.o.maxHeaderSize) {
        this.fail({ kind: "error", message: "upstream sent too big header", stage: HEAD_STAGE });
        return;
      }
      // Bytes of `d` after the head.
      at = d.length - (this.head.length - (end + sep));
      firstRead = this.call.readSize - (end + sep);
      const text = this.head.slice(0, end);
      this.head = "";
      if (!this.parseHead(text)) return;
      if (this.upgraded) {
        this.handOver(d.subarray(at));
        return;
      }
      if (this.done) return;
      if (at >= d.length && this.framing !== Framing.None) return;
    }
    if (this.call.readSize > 0) this.reads(d, at, firstRead);
    else this.body(d, at);
  }

  /**
   * proxy_buffering off: nginx reads the body into its proxy_buffer_size buffer and passes on
   * what each read brought (the read that completed the head has only the buffer's rest). The
   * bytes of one 'data' event were there at once: they go on as nginx's reads would take them.
   */
  private reads(d: Buffer, at: number, first: number): void {
    let limit = first > 0 ? first : this.call.readSize;
    for (let p = at; p < d.length && !this.done;) {
      let n = Math.min(limit, d.length - p);
      // The read that ends a Content-Length body takes the rest: body() sees any excess.
      if (this.framing === Framing.Length && n >= this.remaining) n = d.length - p;
      this.body(d.subarray(p, p + n), 0);
      p += n;
      limit = this.call.readSize;
      if (this.paused && p < d.length && !this.done) {
        this.pending = this.pending ? Buffer.concat([d.subarray(p), this.pending]) : d.subarray(p);
        return;
      }
    }
  }

  /** Status line and headers; false when the head was invalid (or interim: a 1xx is skipped). */
  private parseHead(text: string): boolean {
    const lines = text.split(/\r?\n/);
    const m = STATUS_LINE.exec(lines[0]!);
    if (!m) return this.invalid();
    const status = Number(m[2]);
    const raw: string[] = [];
    let length = -1;
    let te: string | undefined;
    let connection = "";
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(":");
      if (colon <= 0) return this.invalid();
      const name = line.slice(0, colon);
      if (!TOKEN.test(name)) return this.invalid();
      const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
      raw.push(name, value);
      if (name.length === 14 && name.toLowerCase() === "content-length") {
        if (!/^[0-9]+$/.test(value) || (length >= 0 && Number(value) !== length)) return this.invalid();
        length = Number(value);
      } else if (name.length === 17 && name.toLowerCase() === "transfer-encoding") {
        te = te === undefined ? value : `${te}, ${value}`;
      } else if (name.length === 10 && name.toLowerCase() === "connection") {
        connection += value.toLowerCase();
      }
    }
    // An interim response: the real one follows. A 101 is final, as in nginx.
    if (status < 200 && status !== 101) return true;
    const http10 = m[1] === "0";
    if (http10 ? !connection.includes("keep-alive") : connection.includes("close")) this.keepResponse = false;
    if (status === 101) {
      // Never kept alive; a tunnel if the client asked for an upgrade, else a body read to the close.
      this.keepResponse = false;
      this.upgraded = this.call.upgrade;
    }
    if (this.upgraded) this.framing = Framing.None;
    else if (this.call.method === "HEAD" || status === 204 || status === 304) this.framing = Framing.None;
    else if (te !== undefined) {
      if (length >= 0 || !/(^|,)\s*chunked\s*$/i.test(te)) return this.invalid();
      this.framing = Framing.Chunked;
      this.chunked = new ChunkedDecoder();
    } else if (length >= 0) {
      this.framing = length > 0 ? Framing.Length : Framing.None;
      this.remaining = length;
    } else {
      this.framing = Framing.Close;
      this.keepResponse = false;
    }
    this.gotHeader = true;
    this.h.onHeaders(status, m[3] ?? "", raw);
    if (this.done) this.upgraded = false;
    else if (!this.upgraded && this.framing === Framing.None) this.complete();
    return true;
  }

  /** The upgraded connection leaves the client (and its pool) for the handler's tunnel. */
  private handOver(rest: Buffer): void {
    const c = this.conn!;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.conn = undefined;
    const s = c.sock;
    s.removeAllListeners("data");
    s.removeAllListeners("end");
    s.removeAllListeners("close");
    s.removeAllListeners("error");
    s.pause();
    this.h.onUpgrade(s, Buffer.from(rest));
  }

  private invalid(): false {
    this.fail({ kind: "invalid_header", message: "upstream sent invalid header", stage: HEAD_STAGE });
    return false;
  }

  private body(d: Buffer, at: number): void {
    if (this.done) return;
    if (this.framing === Framing.None) {
      // Bytes after a complete response: the connection is not reused.
      if (at < d.length) this.keepResponse = false;
      return;
    }
    if (this.framing === Framing.Length) {
      const n = Math.min(this.remaining, d.length - at);
      if (n <= 0) return;
      this.remaining -= n;
      const piece = at === 0 && n === d.length ? d : d.subarray(at, at + n);
      if (this.remaining === 0) {
        if (at + n < d.length) this.keepResponse = false;
        this.deliver(piece);
        if (!this.done) this.complete();
        return;
      }
      this.deliver(piece);
      return;
    }
    if (this.framing === Framing.Close) {
      if (at < d.length) this.deliver(at === 0 ? d : d.subarray(at));
      return;
    }
    const dec = this.chunked!;
    const pieces: Buffer[] = [];
    const end = dec.decode(d, at, d.length, (b) => pieces.push(b));
    if (end < 0) {
      this.fail({ kind: "error", message: "upstream sent invalid chunked response", stage: "reading upstream" });
      return;
    }
    // What one read decoded goes on as one piece, as nginx's buffer of that read does (one
    // chunk to a chunked client, and so its $body_bytes_sent).
    if (pieces.length > 0) {
      this.deliver(pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces));
      if (this.done) return;
    }
    if (dec.done) {
      if (end < d.length) this.keepResponse = false;
      this.complete();
    }
  }

  /** One body piece to the handler; false from it pauses reading until resume(). */
  private deliver(piece: Buffer): void {
    if (this.h.onData(piece) === false && !this.done) {
      this.paused = true;
      this.conn?.sock.pause();
    }
  }

  resume(): void {
    if (!this.paused || this.done) return;
    this.paused = false;
    const p = this.pending;
    this.pending = undefined;
    if (p) this.process(p);
    if (this.done || this.paused) return;
    if (this.sawEnd) this.onEnd();
    else this.conn?.sock.resume();
  }

  abort(): void {
    if (this.done) return;
    this.finish(false);
  }

  private onEnd(): void {
    if (this.done || !this.connected) return;
    if (this.paused) {
      // Data already read waits for the handler; the end is seen after it.
      this.sawEnd = true;
      return;
    }
    if (this.gotHeader && this.framing === Framing.Close) {
      this.keepResponse = false;
      this.complete();
      return;
    }
    if (this.retryStale()) return;
    this.fail({ kind: "error", message: "upstream prematurely closed connection", stage: this.gotHeader ? "reading upstream" : HEAD_STAGE });
  }

  private onSocketError(e: NodeJS.ErrnoException): void {
    if (this.done || !this.connected) return;
    if (this.retryStale()) return;
    const code = e.code ?? "";
    const stage: UpstreamStage = this.gotHeader ? "reading upstream" : HEAD_STAGE;
    if (code === "ECONNRESET" || code === "EPIPE") {
      this.fail({ kind: "error", message: `recv() failed (${ERRNO[code]})`, stage });
    } else {
      this.fail({ kind: "error", message: "upstream prematurely closed connection", stage });
    }
  }

  /**
   * A kept-alive connection the upstream closed while it idled fails before any byte of the
   * response: the request goes again on a new connection (nginx does the same for a cached one).
   */
  private retryStale(): boolean {
    if (!this.reused || this.retried || this.gotHeader || this.head.length > 0) return false;
    this.retried = true;
    this.reused = false;
    this.connected = false;
    this.detach(false);
    this.connect();
    return true;
  }

  private complete(): void {
    const keep = this.keepResponse && !this.sawEnd;
    this.finish(keep);
    this.h.onComplete();
  }

  private fail(f: UpstreamFailure): void {
    if (this.done) return;
    this.finish(false);
    this.h.onError(f);
  }

  private finish(keep: boolean): void {
    this.done = true;
    this.detach(keep);
  }

  private detach(keep: boolean): void {
    this.file?.destroy();
    this.file = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const c = this.conn;
    this.conn = undefined;
    if (!c) return;
    if (keep) this.pool.release(c);
    else {
      c.sock.removeAllListeners("data");
      c.sock.removeAllListeners("connect");
      c.sock.on("error", () => {});
      c.sock.destroy();
    }
  }
}
