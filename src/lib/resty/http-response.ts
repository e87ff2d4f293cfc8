// One response of resty.http as it arrives (http-wire.ts): the status line and raw headers,
// then body bytes kept as received Buffers until Lua reads them. Past a high-water mark
// (or what the current read wants) reading is paused, so a large body streams through at
// the pace Lua reads it. Waits honour the read timeout as a cosocket receive does: the
// timer restarts whenever bytes arrive, and a timeout leaves the response readable.
import type { WireHandler } from "./http-wire.js";
import { errText } from "../../ngx/async/socket/tcp.js";

const HIGH_WATER = 256 * 1024;

/** The words a cosocket would use for what the connection reports. */
export function failureText(e: unknown): string {
  const err = e as { code?: string; message?: string; cause?: { code?: string } };
  switch (err.code) {
    case "ECLOSED":
    case "UND_ERR_CLOSED":
    case "UND_ERR_DESTROYED":
    case "UND_ERR_RES_CONTENT_LENGTH_MISMATCH":
    case "UND_ERR_INFO":
      return "closed";
    case "UND_ERR_SOCKET": {
      const c = err.cause?.code;
      return c !== undefined && c !== "UND_ERR_SOCKET" ? errText(err.cause) : "closed";
    }
    case "UND_ERR_ABORTED":
      return err.message ?? "aborted";
    default:
      return err.code !== undefined && err.code.startsWith("E") ? errText(e) : err.message ?? String(e);
  }
}

/** A read's outcome: the bytes, or an error with what had arrived. */
export type ReadResult = { data: Buffer } | { end: true } | { err: string; partial: Buffer };

export class ResponseStream implements WireHandler {
  status = 0;
  reason = "";
  rawHeaders: Buffer[] = [];
  rawTrailers: (Buffer | string)[] | null = null;
  /** Set when the request went out completely. */
  sent = false;
  /** The response ended (complete or failed). */
  done = false;
  error: string | undefined = undefined;

  private chunks: Buffer[] = [];
  private buffered = 0;
  private want = 0;
  private paused = false;
  private resumeParser: (() => void) | undefined = undefined;
  private abortFn: ((e?: Error) => void) | undefined = undefined;
  private wake: (() => void) | undefined = undefined;
  private gotHeaders = false;

  // ------------------------------------------------------------ the connection's side

  onConnect(abort: (e?: Error) => void): void {
    this.abortFn = abort;
  }
  onRequestSent(): void {
    this.sent = true;
    this.notify();
  }
  onHeaders(status: number, raw: Buffer[], resume: () => void, statusText: string): boolean {
    if (status < 200) return true; // informational responses are skipped
    this.status = status;
    this.reason = statusText;
    this.rawHeaders = raw;
    this.resumeParser = resume;
    this.gotHeaders = true;
    this.sent = true;
    this.notify();
    return true;
  }
  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.notify();
    if (this.buffered >= Math.max(HIGH_WATER, this.want)) {
      this.paused = true;
      return false;
    }
    return true;
  }
  onComplete(trailers: (Buffer | string)[] | null): void {
    this.rawTrailers = trailers;
    this.done = true;
    this.notify();
  }
  onError(e: Error): void {
    if (!this.done) this.error = failureText(e);
    this.done = true;
    this.notify();
  }

  // ------------------------------------------------------------ Lua's side

  get hasHeaders(): boolean {
    return this.gotHeaders;
  }

  /** Stop the exchange (a timeout before the headers, close()). */
  abort(reason: string): void {
    if (!this.done) {
      this.error = reason;
      this.done = true;
      this.abortFn?.(Object.assign(new Error(reason), { code: "UND_ERR_ABORTED" }));
    }
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Wait for any change or `ms` (0: forever); false on timeout. */
  wait(ms: number): Promise<boolean> {
    if (this.paused && this.resumeParser !== undefined) {
      this.paused = false;
      this.resumeParser();
    }
    return new Promise((resolve) => {
      const timer = ms > 0 ? setTimeout(() => {
        this.wake = undefined;
        resolve(false);
      }, ms) : undefined;
      this.wake = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(true);
      };
    });
  }

  /** Wait until `ready()` or the timeout; false on timeout. */
  async waitFor(ready: () => boolean, ms: number): Promise<boolean> {
    while (!ready()) {
      if (!(await this.wait(ms))) return false;
    }
    return true;
  }

  private takeBytes(n: number): Buffer {
    if (n >= this.buffered) {
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.chunks = [];
      this.buffered = 0;
      this.afterTake();
      return all;
    }
    const parts: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const c = this.chunks[0]!;
      if (c.length <= left) {
        parts.push(c);
        this.chunks.shift();
        left -= c.length;
      } else {
        parts.push(c.subarray(0, left));
        this.chunks[0] = c.subarray(left);
        left = 0;
      }
    }
    this.buffered -= n;
    this.afterTake();
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  private afterTake(): void {
    if (this.paused && this.buffered < HIGH_WATER && this.resumeParser !== undefined) {
      this.paused = false;
      this.resumeParser();
    }
  }

  /**
   * Read `size` bytes (fewer at the end), or with `upTo` what has arrived up to `size` (at
   * least one byte); size undefined is what has arrived, Infinity everything to the end.
   */
  async read(size: number | undefined, timeoutMs: number, onTimeout: () => void, upTo = false): Promise<ReadResult> {
    const need = size === undefined || upTo ? 1 : size;
    this.want = need;
    try {
      while (this.buffered < need && !this.done) {
        if (!(await this.wait(timeoutMs))) {
          onTimeout();
          return { err: "timeout", partial: Buffer.alloc(0) };
        }
      }
    } finally {
      this.want = 0;
    }
    if (this.error !== undefined && this.buffered < need) {
      return { err: this.error, partial: this.takeBytes(this.buffered) };
    }
    if (this.buffered === 0) return { end: true };
    return { data: this.takeBytes(size === undefined ? this.buffered : Math.min(size, this.buffered)) };
  }

  /** Ended well and every byte taken: the connection may go back to a pool. */
  get drained(): boolean {
    return this.done && this.error === undefined && this.buffered === 0;
  }

  /** Wait for the end of the response without taking its bytes (for the trailers). */
  async waitEnd(timeoutMs: number): Promise<boolean> {
    this.want = Infinity;
    try {
      return await this.waitFor(() => this.done, timeoutMs);
    } finally {
      this.want = 0;
    }
  }

  /** Drop what is buffered and what is still to come (the response is abandoned). */
  discard(): void {
    this.chunks = [];
    this.buffered = 0;
    this.want = Infinity;
    if (this.paused && this.resumeParser !== undefined) {
      this.paused = false;
      this.resumeParser();
    }
    // Keep reading to the end without keeping the data.
    this.onData = (): boolean => true;
  }
}
