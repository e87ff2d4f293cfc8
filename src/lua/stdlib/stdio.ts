// The process's standard output as print() and io.write() share it: one buffer, so their
// output interleaves in call order, flushed before anything goes to stderr and at exit.
import { writeSync } from "node:fs";

let chunks: string[] = [];
let size = 0;
const LIMIT = 1 << 16;

/** Append a Lua byte string to stdout. */
export function writeStdout(s: string): void {
  chunks.push(s);
  size += s.length;
  if (size >= LIMIT) flushStdout();
}

export function flushStdout(): void {
  if (size === 0) return;
  const buf = Buffer.from(chunks.join(""), "latin1");
  chunks = [];
  size = 0;
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off);
    } catch (e) {
      // stdout is a non-blocking pipe that is full: wait and retry.
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
    }
  }
}

/** Write a Lua byte string to stderr, after flushing stdout so that the order is kept. */
export function writeStderr(s: string): void {
  flushStdout();
  writeSync(2, Buffer.from(s, "latin1"));
}
