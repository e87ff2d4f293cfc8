// nginx reads a configuration file through one 4096-byte buffer (NGX_CONF_BUFFER), and a
// few of its errors depend on where that buffer ends: "too long parameter" when a token
// outgrows it, and in lua-nginx-module's block lexer "too long lua code block" and a long
// bracket whose closing bracket lies beyond it. To give the same verdict as nginx on the
// same bytes, the lexers keep this model of the buffer: only the offset of its end matters.

export const CONF_BUFFER = 4096;

export class ConfBuffer {
  /** File offset just past the last byte read so far (nginx's b->last). */
  last: number;

  /**
   * @param size the file's size in bytes
   * @param isFile false for the -g string, which nginx holds whole in memory
   */
  constructor(readonly size: number, readonly isFile: boolean) {
    this.last = isFile ? 0 : size;
  }

  get exhausted(): boolean {
    return this.last >= this.size;
  }

  /**
   * Read more as nginx does: the bytes from `keep` on stay and the buffer is filled up.
   * Returns false when the kept bytes already fill the buffer (a "too long" error).
   */
  refill(keep: number): boolean {
    if (this.last - keep >= CONF_BUFFER) return false;
    this.last = Math.min(this.size, keep + CONF_BUFFER);
    return true;
  }
}
