// The receive buffer of a cosocket: the Buffers as they arrived, consumed from the front.
// Nothing is copied until a read needs bytes that span chunks, and a search for a line end
// or a receiveuntil pattern resumes where the previous one stopped.
const EMPTY = Buffer.alloc(0);

export class RecvBuffer {
  private chunks: Buffer[] = [];
  length = 0;
  /** Bytes already searched without a match (a search continues from here). */
  scanned = 0;

  push(b: Buffer): void {
    if (b.length === 0) return;
    this.chunks.push(b);
    this.length += b.length;
  }

  /** One contiguous Buffer of everything buffered (joins the chunks once). */
  flat(): Buffer {
    const c = this.chunks;
    if (c.length === 0) return EMPTY;
    if (c.length > 1) this.chunks = [Buffer.concat(c, this.length)];
    return this.chunks[0]!;
  }

  /** Index of `pat` in the buffer, searching only bytes not searched before; -1 when absent. */
  find(pat: Buffer): number {
    if (this.length < pat.length) return -1;
    const from = Math.max(0, this.scanned - pat.length + 1);
    const i = this.flat().indexOf(pat, from);
    this.scanned = i < 0 ? this.length : i;
    return i;
  }

  /** Remove and return the first `n` bytes as a Lua (latin1) string. */
  take(n: number): string {
    this.scanned = 0;
    if (n === 0) return "";
    const first = this.chunks[0]!;
    let s: string;
    if (first.length >= n) {
      s = first.toString("latin1", 0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = this.flat();
      s = all.toString("latin1", 0, n);
      this.chunks[0] = all.subarray(n);
      if (this.chunks[0].length === 0) this.chunks.shift();
    }
    this.length -= n;
    return s;
  }

  /** Remove and return everything. */
  takeAll(): string {
    return this.take(this.length);
  }

  /** Drop `n` bytes. */
  skip(n: number): void {
    this.take(n);
  }
}

/** A Lua value to send: a string, a number, or a (nested) array table of them, as bytes. */
export function sendBytes(parts: Buffer[], v: unknown, fmt: (n: number) => string, isTable: (v: unknown) => v is { arr: unknown[] }): string | undefined {
  if (typeof v === "string") {
    parts.push(Buffer.from(v, "latin1"));
    return undefined;
  }
  if (typeof v === "number") {
    parts.push(Buffer.from(fmt(v), "latin1"));
    return undefined;
  }
  if (isTable(v)) {
    for (const x of v.arr) {
      const bad = sendBytes(parts, x, fmt, isTable);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  return v === undefined ? "nil" : typeof v === "boolean" ? "boolean" : typeof v === "function" ? "function" : "userdata";
}
