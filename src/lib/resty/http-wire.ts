// resty.http's HTTP/1.x on its own connection: the request goes out exactly as the caller
// formed it (lua-resty-http's bytes: its request line, its header names, spellings and order),
// and the response is parsed here and handed to a ResponseStream piece by piece, with
// backpressure.
//
// Why not undici (resty.http's client before): undici writes the request itself and cannot
// be made to write lua-resty-http's bytes: it lower-cases and moves the headers it owns
// (`host` first, `connection: keep-alive` added, `content-length` last), drops
// Transfer-Encoding, Expect and Upgrade, frames a streamed body in chunks on its own, and
// always says HTTP/1.1. The proxy's client (src/http/upstream/h1-client.ts) writes undici's
// form too, for proxy_pass; this one is resty.http's.
//
// Requests are written as they are sent (request_pipeline's go out together, as
// lua-resty-http writes them before reading), one after the other's body; responses are
// matched to them in order. `Expect: 100-continue` holds the body (and the requests behind
// it) until the server answers 100, and drops it when a final answer comes first, as
// lua-resty-http does.
import type * as net from "node:net";
import type { Readable } from "node:stream";

/** What hears one exchange (ResponseStream). */
export interface WireHandler {
  onConnect(abort: (e?: Error) => void): void;
  onRequestSent(): void;
  onHeaders(status: number, raw: Buffer[], resume: () => void, statusText: string): boolean;
  /** A piece of the body; false pauses reading until resume(). */
  onData(chunk: Buffer): boolean;
  onComplete(trailers: Buffer[] | null): void;
  onError(e: Error): void;
}

export interface WireRequest {
  readonly method: string;
  /** The request line and headers, with the empty line (latin1). */
  readonly head: string;
  /** Sent as given: lua-resty-http frames nothing (a chunked body comes framed from the caller). */
  readonly body: Buffer | Readable | null;
  readonly expectContinue: boolean;
}

/** The connection ended under an exchange: the cosocket's "closed". */
function closedError(): Error {
  return Object.assign(new Error("closed"), { code: "ECLOSED" });
}

const enum Framing { None, Length, Chunked, Close }
const enum Chunk { Size, Data, DataEnd, Trailer }

interface Exchange {
  readonly req: WireRequest;
  readonly h: WireHandler;
  /** The body waits for `100 Continue`. */
  held: boolean;
  gotHeader: boolean;
  framing: Framing;
  remaining: number;
  keep: boolean;
  chunk: Chunk;
  line: string;
  trailers: Buffer[];
}

export class WireClient {
  /** Requests not written yet: each waits for the body before it to be out. */
  private toWrite: Exchange[] = [];
  /** Written (or being written), answered in this order; the first is the one being read. */
  private inflight: Exchange[] = [];
  /** The exchange whose body is still going out (a stream, or held for 100 Continue). */
  private writing: Exchange | undefined;
  private head = "";
  private paused = false;
  private pending: Buffer | undefined;
  private ended = false;
  private failure: Error | undefined;

  constructor(readonly socket: net.Socket) {
    socket.on("data", (d: Buffer) => this.onData(d));
    socket.on("end", () => this.onEnd());
    socket.on("close", () => this.onEnd());
    socket.on("error", (e: Error) => {
      this.failure ??= e;
      this.onEnd();
    });
  }

  get closed(): boolean {
    return this.ended || this.socket.destroyed;
  }

  dispatch(req: WireRequest, h: WireHandler): void {
    const ex: Exchange = {
      req, h, held: false, gotHeader: false, framing: Framing.None, remaining: 0, keep: true, chunk: Chunk.Size, line: "", trailers: [],
    };
    if (this.closed) {
      queueMicrotask(() => h.onError(this.failure ?? closedError()));
      return;
    }
    this.toWrite.push(ex);
    this.pump();
  }

  destroy(): Promise<void> {
    this.socket.destroy();
    this.onEnd();
    return Promise.resolve();
  }

  /** Write the requests waiting, until one whose body is still going out. */
  private pump(): void {
    const s = this.socket;
    while (this.writing === undefined && this.toWrite.length > 0 && !this.closed) {
      const ex = this.toWrite.shift()!;
      this.inflight.push(ex);
      ex.h.onConnect((e) => this.fail(e ?? closedError()));
      const body = ex.req.body;
      if (body === null) {
        s.write(ex.req.head, "latin1", () => ex.h.onRequestSent());
      } else if (ex.req.expectContinue) {
        // send_request ends with the head; the body waits for the 100 (read with the read timeout).
        ex.held = true;
        this.writing = ex;
        s.write(ex.req.head, "latin1", () => ex.h.onRequestSent());
      } else {
        s.write(ex.req.head, "latin1");
        this.sendBody(ex);
      }
    }
  }

  /** The body of `ex` is out (or will not go): the next request may be written. */
  private bodyDone(ex: Exchange): void {
    if (this.writing !== ex) return;
    this.writing = undefined;
    this.pump();
  }

  private sendBody(ex: Exchange): void {
    const s = this.socket;
    const body = ex.req.body!;
    if (Buffer.isBuffer(body)) {
      s.write(body, () => ex.h.onRequestSent());
      this.bodyDone(ex);
      return;
    }
    // A stream from a Lua body function: written at the pace the socket takes it.
    this.writing = ex;
    const onDrain = (): void => {
      body.resume();
    };
    s.on("drain", onDrain);
    body.on("data", (d: Buffer) => {
      if (!s.destroyed && !s.write(d)) body.pause();
    });
    body.once("end", () => {
      s.off("drain", onDrain);
      if (s.destroyed) return;
      s.write(Buffer.alloc(0), () => ex.h.onRequestSent());
      this.bodyDone(ex);
    });
    body.once("close", () => s.off("drain", onDrain));
  }

  private onData(d: Buffer): void {
    if (this.paused) {
      this.pending = this.pending === undefined ? d : Buffer.concat([this.pending, d]);
      return;
    }
    this.process(d);
  }

  private process(d: Buffer): void {
    let at = 0;
    while (at < d.length) {
      const ex = this.inflight[0];
      if (ex === undefined) return; // bytes nobody asked for
      if (!ex.gotHeader) {
        const start = this.head.length;
        this.head += d.toString("latin1", at);
        const end = this.head.indexOf("\r\n\r\n", Math.max(0, start - 3));
        const lfEnd = end < 0 ? this.head.indexOf("\n\n", Math.max(0, start - 1)) : -1;
        if (end < 0 && lfEnd < 0) return;
        const stop = end >= 0 ? end + 4 : lfEnd + 2;
        at = d.length - (this.head.length - stop);
        const text = this.head.slice(0, stop).replace(/\r?\n\r?\n$/, "");
        this.head = "";
        if (!this.parseHead(ex, text)) return;
        continue;
      }
      at = this.body(ex, d, at);
      if (this.paused) {
        if (at < d.length) this.pending = this.pending === undefined ? d.subarray(at) : Buffer.concat([d.subarray(at), this.pending]);
        return;
      }
    }
  }

  /** Status line and headers; false when the exchange failed. A 1xx is skipped (100 releases a held body). */
  private parseHead(ex: Exchange, text: string): boolean {
    const lines = text.split(/\r?\n/);
    const m = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0]!);
    if (!m) {
      this.fail(new Error(`couldn't parse status code from response status line: ${lines[0]}`));
      return false;
    }
    const status = Number(m[2]);
    if (status < 200) {
      if (status === 100 && ex.held) {
        ex.held = false;
        this.sendBody(ex);
      }
      return true;
    }
    // A final answer before 100: the body is not sent (lua-resty-http's _handle_continue).
    if (ex.held) {
      ex.held = false;
      this.bodyDone(ex);
    }
    const raw: Buffer[] = [];
    let length = -1;
    let chunked = false;
    let connection = "";
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      raw.push(Buffer.from(name, "latin1"), Buffer.from(value, "latin1"));
      const l = name.toLowerCase();
      if (l === "content-length" && /^[0-9]+$/.test(value)) length = Number(value);
      else if (l === "transfer-encoding" && value.toLowerCase().includes("chunked")) chunked = true;
      else if (l === "connection") connection += value.toLowerCase();
    }
    const http10 = m[1] === "0";
    ex.keep = http10 ? connection.includes("keep-alive") : !connection.includes("close");
    if (ex.req.method === "HEAD" || status === 204 || status === 304) ex.framing = Framing.None;
    else if (chunked) ex.framing = Framing.Chunked;
    else if (length >= 0) {
      ex.framing = length > 0 ? Framing.Length : Framing.None;
      ex.remaining = length;
    } else {
      ex.framing = Framing.Close;
      ex.keep = false;
    }
    ex.gotHeader = true;
    ex.h.onHeaders(status, raw, () => this.resume(), m[3] ?? "");
    if (ex.framing === Framing.None && this.inflight[0] === ex) this.complete(ex, null);
    return true;
  }

  /** Body bytes from `d[at..]`; returns where it stopped. */
  private body(ex: Exchange, d: Buffer, at: number): number {
    switch (ex.framing) {
      case Framing.None:
        return d.length;
      case Framing.Close:
        this.deliver(ex, at === 0 ? d : d.subarray(at));
        return d.length;
      case Framing.Length: {
        const n = Math.min(ex.remaining, d.length - at);
        ex.remaining -= n;
        this.deliver(ex, d.subarray(at, at + n));
        if (ex.remaining === 0 && this.inflight[0] === ex) this.complete(ex, null);
        return at + n;
      }
      case Framing.Chunked:
        return this.chunked(ex, d, at);
    }
  }

  /** Chunked framing, with the trailer lines kept (read_trailers). */
  private chunked(ex: Exchange, d: Buffer, at: number): number {
    let i = at;
    while (i < d.length && this.inflight[0] === ex && !this.paused) {
      if (ex.chunk === Chunk.Data) {
        const n = Math.min(ex.remaining, d.length - i);
        ex.remaining -= n;
        if (ex.remaining === 0) ex.chunk = Chunk.DataEnd;
        this.deliver(ex, d.subarray(i, i + n));
        i += n;
        continue;
      }
      // Size lines, the line end after data, and trailer lines are read as lines.
      const nl = d.indexOf(10, i);
      if (nl < 0) {
        ex.line += d.toString("latin1", i);
        return d.length;
      }
      const line = (ex.line + d.toString("latin1", i, nl)).replace(/\r$/, "");
      ex.line = "";
      i = nl + 1;
      if (ex.chunk === Chunk.DataEnd) {
        ex.chunk = Chunk.Size;
        continue;
      }
      if (ex.chunk === Chunk.Size) {
        const size = /^[0-9a-fA-F]+/.exec(line);
        if (!size) {
          this.fail(new Error("unable to read chunksize"));
          return d.length;
        }
        ex.remaining = parseInt(size[0], 16);
        ex.chunk = ex.remaining > 0 ? Chunk.Data : Chunk.Trailer;
        continue;
      }
      // Trailer lines until the empty one.
      if (line === "") {
        this.complete(ex, ex.trailers.length > 0 ? ex.trailers : null);
        return i;
      }
      const colon = line.indexOf(":");
      if (colon > 0) ex.trailers.push(Buffer.from(line.slice(0, colon).trim(), "latin1"), Buffer.from(line.slice(colon + 1).trim(), "latin1"));
    }
    return i;
  }

  private deliver(ex: Exchange, piece: Buffer): void {
    if (piece.length === 0) return;
    if (ex.h.onData(piece) === false && this.inflight[0] === ex) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const p = this.pending;
    this.pending = undefined;
    if (p !== undefined) this.process(p);
    if (this.paused) return;
    if (this.ended) this.onEnd();
    else this.socket.resume();
  }

  private complete(ex: Exchange, trailers: Buffer[] | null): void {
    this.inflight.shift();
    ex.h.onComplete(trailers);
    // The server said the connection ends with this response: it is closed (the requests
    // behind it fail when it does).
    if (!ex.keep) this.socket.destroy();
  }

  /** The connection is lost: the exchange being read hears `e`, the others "closed". */
  private fail(e: Error): void {
    const all = [...this.inflight.splice(0), ...this.toWrite.splice(0)];
    this.writing = undefined;
    this.socket.destroy();
    all.forEach((x, i) => x.h.onError(i === 0 ? e : closedError()));
  }

  private onEnd(): void {
    if (this.paused) {
      // Bytes already read wait for the reader; the end is seen after them.
      this.ended = true;
      return;
    }
    this.ended = true;
    const ex = this.inflight[0];
    if (ex !== undefined && ex.gotHeader && ex.framing === Framing.Close) this.complete(ex, null);
    if (this.inflight.length > 0 || this.toWrite.length > 0) this.fail(this.failure ?? closedError());
  }
}
