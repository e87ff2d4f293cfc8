// What both transports wait for before writing more: the stream's buffer drained, or the
// stream gone (a closed peer must not leave the writer waiting).
import type { Writable } from "node:stream";

export function drainOrClose(s: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      s.off("drain", done);
      s.off("close", done);
      resolve();
    };
    s.on("drain", done);
    s.on("close", done);
  });
}
