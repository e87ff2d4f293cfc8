// The reuseport addon (native/reuseport.c, built by node-gyp at `npm ci` into build/Release):
// listening sockets with SO_REUSEPORT, made in the master thread and dup()ed to each worker.
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export interface ReuseportAddon {
  /** A listening socket's fd, or -errno. host "unix:PATH" makes a unix socket. */
  listen(host: string, port: number, backlog: number): number;
  /** The port a socket is bound to, or -errno. */
  port(fd: number): number;
  /** A new fd for the same socket, or -errno. */
  dup(fd: number): number;
  close(fd: number): number;
}

let addon: ReuseportAddon | null | undefined;

/** The package root: where package.json really is (private builds link it from elsewhere). */
function packageRoot(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = path.join(dir, "package.json");
    if (fs.existsSync(p)) return path.dirname(fs.realpathSync(p));
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The addon, or undefined when it was not built (tsresty then serves with one worker). */
export function reuseportAddon(): ReuseportAddon | undefined {
  if (addon !== undefined) return addon ?? undefined;
  addon = null;
  const root = packageRoot();
  if (root === undefined) return undefined;
  try {
    addon = createRequire(import.meta.url)(path.join(root, "build", "Release", "reuseport.node")) as ReuseportAddon;
  } catch {
    addon = null;
  }
  return addon ?? undefined;
}

// strerror's words, as nginx prints them in "bind() to ... failed (98: Address already in use)".
const STRERROR: Readonly<Record<number, string>> = {
  1: "Operation not permitted",
  2: "No such file or directory",
  13: "Permission denied",
  22: "Invalid argument",
  24: "Too many open files",
  36: "File name too long",
  97: "Address family not supported by protocol",
  98: "Address already in use",
  99: "Cannot assign requested address",
};

/** "98: Address already in use" for -98. */
export function errnoText(negErrno: number): string {
  const e = -negErrno;
  return `${e}: ${STRERROR[e] ?? "Unknown error"}`;
}
