// A gzip stream compressed synchronously, piece by piece, as body filters need (they edit
// each chunk in place). Node's streaming zlib is asynchronous only, so each piece is one
// raw-deflate run ending in a sync flush (the final one in Z_FINISH), primed with the last
// 32 KB of input as its dictionary: the runs concatenate into one valid deflate stream that
// compresses as well as a single run would. The gzip header and trailer (CRC-32, size) are
// written here, with the header zlib itself writes (mtime 0, OS 3).
import zlib from "node:zlib";

const WINDOW = 32768;
const { Z_SYNC_FLUSH, Z_FINISH } = zlib.constants;

export class GzipStream {
  private dict: Buffer | undefined;
  private crc = 0;
  private started = false;
  /** Bytes taken in and given out ($gzip_ratio). */
  bytesIn = 0;
  bytesOut = 0;

  constructor(private readonly level: number) {}

  /** Compress `input`; `last` ends the stream (with the trailer). */
  push(input: Buffer, last: boolean): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      // XFL as zlib sets it: 4 for the fastest level, 2 for the best.
      const xfl = this.level === 1 ? 4 : this.level === 9 ? 2 : 0;
      parts.push(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 3]));
    }
    if (input.length > 0 || last) {
      const opts: zlib.ZlibOptions = { level: this.level, finishFlush: last ? Z_FINISH : Z_SYNC_FLUSH };
      if (this.dict !== undefined) opts.dictionary = this.dict;
      parts.push(zlib.deflateRawSync(input, opts));
      if (input.length > 0) this.crc = zlib.crc32(input, this.crc);
      this.bytesIn += input.length;
      if (!last && input.length > 0) {
        // A copy: the caller may reuse the input's memory (the static module's read buffer).
        this.dict = input.length >= WINDOW ? Buffer.from(input.subarray(input.length - WINDOW))
          : this.dict === undefined ? Buffer.from(input)
          : Buffer.concat([this.dict, input]).subarray(Math.max(0, this.dict.length + input.length - WINDOW));
      }
    }
    if (last) {
      const t = Buffer.alloc(8);
      t.writeUInt32LE(this.crc >>> 0, 0);
      t.writeUInt32LE(this.bytesIn >>> 0, 4);
      parts.push(t);
    }
    const out = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    this.bytesOut += out.length;
    return out;
  }

  /** nginx's $gzip_ratio: in/out with two decimals, rounded half up. */
  ratio(): string | undefined {
    if (this.bytesOut === 0) return undefined;
    const zin = this.bytesIn;
    const zout = this.bytesOut;
    let int = Math.floor(zin / zout);
    let frac = Math.floor((zin * 100) / zout) % 100;
    if (Math.floor((zin * 1000) / zout) % 10 > 4) {
      frac++;
      if (frac > 99) {
        int++;
        frac = 0;
      }
    }
    return `${int}.${String(frac).padStart(2, "0")}`;
  }
}
