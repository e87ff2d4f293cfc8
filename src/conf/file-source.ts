// Reading configuration files, with nginx's messages when that fails: open() errors are
// emerg with the place of the `include`; a directory opens fine and fails on read, which
// nginx reports as a crit pread() error without a place.

import { readFileSync } from "node:fs";
import { mimeTypesConf } from "./mime-types.js";
import { bundledCharsetMap } from "./charset-map-files.js";
import type { Severity } from "./ast.js";
import { bytesToBuffer } from "./bytes.js";

export type ReadFile = (path: string) => Buffer;

export type FileRead =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly level: Severity; readonly message: string; readonly placed: boolean };

/** errno numbers and strerror texts of glibc, as nginx prints them. */
const ERRNO: Readonly<Record<string, readonly [number, string]>> = {
  ENOENT: [2, "No such file or directory"],
  EACCES: [13, "Permission denied"],
  ENOTDIR: [20, "Not a directory"],
  EISDIR: [21, "Is a directory"],
  EMFILE: [24, "Too many open files"],
  ENAMETOOLONG: [36, "File name too long"],
  ELOOP: [40, "Too many levels of symbolic links"],
};

function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const known = e.code !== undefined ? ERRNO[e.code] : undefined;
  if (known !== undefined) return `${known[0]}: ${known[1]}`;
  return `${e.errno !== undefined ? -e.errno : 0}: ${e.code ?? String(err)}`;
}

export const defaultReadFile: ReadFile = (path) => {
  try {
    return readFileSync(bytesToBuffer(path));
  } catch (err) {
    // `include mime.types` works without the file an nginx install puts beside nginx.conf.
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && /(^|\/)mime\.types$/.test(path)) return Buffer.from(mimeTypesConf(), "latin1");
    // Likewise nginx's charset maps (include koi-utf, koi-win, win-utf).
    const map = (err as NodeJS.ErrnoException).code === "ENOENT" ? bundledCharsetMap(path) : undefined;
    if (map !== undefined) return Buffer.from(map, "latin1");
    throw err;
  }
};

/** Reads `path` (a byte string) as a byte string. */
export function readConfFile(path: string, read: ReadFile): FileRead {
  try {
    return { ok: true, text: read(path).toString("latin1") };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EISDIR") {
      return { ok: false, level: "crit", message: `pread() "${path}" failed (${errnoText(err)})`, placed: false };
    }
    return { ok: false, level: "emerg", message: `open() "${path}" failed (${errnoText(err)})`, placed: true };
  }
}
