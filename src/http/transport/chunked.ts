// A resumable decoder for `Transfer-Encoding: chunked` request bodies, with nginx's
// tolerance: bare LF line ends, chunk extensions and trailers are accepted and ignored.

const enum S { Size, Ext, SizeLF, Data, DataCR, DataLF, Trailer, TrailerLine, LastLF, Done }

export class ChunkedDecoder {
  private state = S.Size;
  private size = 0;
  private sizeDigits = 0;
  private remaining = 0;
  /** Decoded payload bytes so far (checked against client_max_body_size). */
  total = 0;
  invalid = false;

  get done(): boolean {
    return this.state === S.Done;
  }

  /**
   * Decode from `buf[start..end)`; payload slices go to `out`. Returns the index after the
   * last byte consumed (the body's end once `done`), or -1 when the framing is invalid.
   */
  decode(buf: Buffer, start: number, end: number, out: (b: Buffer) => void): number {
    let i = start;
    while (i < end) {
      const c = buf[i]!;
      switch (this.state) {
        case S.Size: {
          const h = hex(c);
          if (h >= 0) {
            if (++this.sizeDigits > 15) return this.fail();
            this.size = this.size * 16 + h;
          } else if (this.sizeDigits === 0) {
            return this.fail();
          } else if (c === 59 /* ; */ || c === 32 || c === 9) {
            this.state = S.Ext;
          } else if (c === 13) {
            this.state = S.SizeLF;
          } else if (c === 10) {
            this.endSize();
          } else return this.fail();
          i++;
          break;
        }
        case S.Ext:
          if (c === 13) this.state = S.SizeLF;
          else if (c === 10) this.endSize();
          i++;
          break;
        case S.SizeLF:
          if (c !== 10) return this.fail();
          this.endSize();
          i++;
          break;
        case S.Data: {
          const n = Math.min(this.remaining, end - i);
          out(buf.subarray(i, i + n));
          this.total += n;
          this.remaining -= n;
          i += n;
          if (this.remaining === 0) this.state = S.DataCR;
          break;
        }
        case S.DataCR:
          if (c === 13) this.state = S.DataLF;
          else if (c === 10) this.resetSize();
          else return this.fail();
          i++;
          break;
        case S.DataLF:
          if (c !== 10) return this.fail();
          this.resetSize();
          i++;
          break;
        case S.Trailer:
          // Start of a trailer line, or the final empty line.
          if (c === 13) this.state = S.LastLF;
          else if (c === 10) {
            this.state = S.Done;
            return i + 1;
          } else this.state = S.TrailerLine;
          i++;
          break;
        case S.TrailerLine:
          if (c === 10) this.state = S.Trailer;
          i++;
          break;
        case S.LastLF:
          if (c !== 10) return this.fail();
          this.state = S.Done;
          return i + 1;
        case S.Done:
          return i;
      }
    }
    return i;
  }

  private endSize(): void {
    if (this.size === 0) {
      this.state = S.Trailer;
    } else {
      this.remaining = this.size;
      this.state = S.Data;
    }
  }

  private resetSize(): void {
    this.size = 0;
    this.sizeDigits = 0;
    this.state = S.Size;
  }

  private fail(): number {
    this.invalid = true;
    return -1;
  }
}

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}
