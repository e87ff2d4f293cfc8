// Byte strings (one JS char per byte) at the edges: files and paths come in as bytes,
// text for people goes out as UTF-8.

const NON_ASCII = /[\x80-\xff]/;

/** Bytes as text: UTF-8 decoded, invalid sequences as U+FFFD (as crossplane does). */
export function decodeBytes(s: string): string {
  return NON_ASCII.test(s) ? Buffer.from(s, "latin1").toString("utf8") : s;
}

/** A JS string (a path from Node, a -p argument) as the bytes of its UTF-8 form. */
export function encodeBytes(s: string): string {
  return /[^\x00-\x7f]/.test(s) ? Buffer.from(s, "utf8").toString("latin1") : s;
}

/** A byte string as a Buffer, for fs calls and for writing to a stream unchanged. */
export function bytesToBuffer(s: string): Buffer {
  return Buffer.from(s, "latin1");
}
