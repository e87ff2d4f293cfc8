// nginx's static module: the default content handler. A URI not ending in `/` is mapped to
// a file (root/alias); a directory answers 301 to the URI with its slash; a file is sent
// with Content-Length, Last-Modified, ETag and its type, through the header filters
// (not_modified, charset, range), then streamed: small files in one read, large ones in
// chunks that wait for the client to take the previous ones.
import * as fs from "node:fs";
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import { DONE, NEXT, OK, type PhaseResult } from "../phases.js";
import { setContentType } from "../content-type.js";
import { httpDate } from "../log/time-format.js";
import { fsPath, mapUriToPath } from "./static-path.js";
import { ALLOW_RANGES, RANGE_PLAN, type RangePlan } from "./range.js";

/** nginx's texts for the errno values file opens give. */
const ERRNO: Readonly<Record<string, string>> = {
  ENOENT: "2: No such file or directory",
  EACCES: "13: Permission denied",
  ENOTDIR: "20: Not a directory",
  EISDIR: "21: Is a directory",
  EMFILE: "24: Too many open files",
  ENAMETOOLONG: "36: File name too long",
  ELOOP: "40: Too many levels of symbolic links",
  EMLINK: "31: Too many links",
};

/** "(2: No such file or directory)" for a Node.js error. */
export function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return ERRNO[err.code ?? ""] ?? `${err.errno !== undefined ? -err.errno : 0}: ${err.message}`;
}

/** The status nginx gives an open() failure, and whether it is logged at error (else crit). */
export function openFailureStatus(code: string | undefined): number {
  switch (code) {
    case "ENOENT": case "ENOTDIR": case "ENAMETOOLONG":
      return 404;
    case "EACCES": case "EMLINK": case "ELOOP":
      return 403;
    default:
      return 500;
  }
}

/** The size up to which a file is sent with one read. */
const CHUNK = 64 * 1024;
/** Bytes per read when streaming. */
const STREAM_CHUNK = 256 * 1024;

// The last Last-Modified formatted: a site's files often share a time, and the text is the same.
let lastMtime = -1;
let lastModifiedText = "";

export function staticHandler(r: Request): PhaseResult | Promise<PhaseResult> {
  const m = r.method;
  if (m !== "GET" && m !== "HEAD" && m !== "POST") return 405;
  if (r.uri.endsWith("/")) return NEXT;
  const { path, rootLength } = mapUriToPath(r);
  let fd: number;
  let st: fs.Stats;
  try {
    // O_NONBLOCK: opening a FIFO must not block the server (nginx opens files the same way).
    fd = fs.openSync(fsPath(path), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const status = openFailureStatus(code);
    if (status !== 404 || r.loc.core.log_not_found) {
      r.log(status === 500 ? "crit" : "error", `open() "${path}" failed (${errnoText(e)})`);
    }
    return status;
  }
  try {
    st = fs.fstatSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    r.log("crit", `fstat() "${path}" failed (${errnoText(e)})`);
    return 500;
  }
  if (st.isDirectory()) {
    fs.closeSync(fd);
    r.headersOut.remove("location");
    const alias = r.loc.core.root.alias;
    r.location = !alias && r.args === "" ? path.slice(rootLength) + "/" : r.uri + "/" + (r.args !== "" ? "?" + r.args : "");
    return 301;
  }
  if (!st.isFile()) {
    fs.closeSync(fd);
    r.log("crit", `"${path}" is not a regular file`);
    return 404;
  }
  if (m === "POST") {
    fs.closeSync(fd);
    return 405;
  }
  const drc = r.discardBody();
  if (drc !== OK) {
    fs.closeSync(fd);
    return drc;
  }
  r.status = 200;
  r.contentLength = st.size;
  const mtime = Math.floor(st.mtimeMs / 1000);
  if (mtime !== lastMtime) {
    lastMtime = mtime;
    lastModifiedText = httpDate(mtime * 1000);
  }
  r.lastModified = lastModifiedText;
  if (r.loc.settings.etag !== false) {
    r.headersOut.remove("etag");
    r.headersOut.add("ETag", `"${mtime.toString(16)}-${st.size.toString(16)}"`);
  }
  setContentType(r);
  if (r !== r.main && st.size === 0) {
    fs.closeSync(fd);
    return r.sendHeader();
  }
  r.notes.set(ALLOW_RANGES, true);
  const rc = r.sendHeader();
  if (rc !== OK || r.headerOnly || r.method === "HEAD") {
    fs.closeSync(fd);
    return rc !== OK ? rc : OK;
  }
  const plan = r.notes.get(RANGE_PLAN) as RangePlan | undefined;
  if (!plan && st.size <= CHUNK) {
    // One read and one write: the common case costs no promise.
    const buf = readSmall(r, fd, 0, st.size, path);
    fs.closeSync(fd);
    if (buf === undefined) return DONE;
    if (buf.length > 0) r.write(buf);
    return OK;
  }
  return sendParts(r, fd, path, plan ?? { ranges: [{ start: 0, end: st.size }] });
}

function readSmall(r: Request, fd: number, pos: number, len: number, path: string): Buffer | undefined {
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  try {
    while (got < len) {
      const n = fs.readSync(fd, buf, got, len - got, pos + got);
      if (n === 0) break;
      got += n;
    }
  } catch (e) {
    r.log("crit", `pread() "${path}" failed (${errnoText(e)})`);
    r.terminate();
    return undefined;
  }
  if (got < len) {
    r.log("alert", `read only ${got} of ${len} from "${path}"`);
    r.terminate();
    return undefined;
  }
  return buf;
}

function readAt(fd: number, pos: number, end: number): Promise<[Buffer, number]> {
  const len = Math.min(STREAM_CHUNK, end - pos);
  const buf = Buffer.allocUnsafe(len);
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, 0, len, pos, (err, n) => (err ? reject(err) : resolve([buf, n])));
  });
}

/**
 * Stream the ranges (the whole file is one range). The next piece is read while the last one
 * drains to the client, and no more is read until it has: memory stays at two pieces.
 */
async function sendParts(r: Request, fd: number, path: string, plan: RangePlan): Promise<PhaseResult> {
  const gen = r.generation;
  const gone = (): boolean => r.finalized || r.detached || r.generation !== gen;
  let pending: Promise<[Buffer, number]> | undefined;
  try {
    for (let i = 0; i < plan.ranges.length; i++) {
      const g = plan.ranges[i]!;
      if (plan.heads) r.write(plan.heads[i]!);
      let pos = g.start;
      pending = pos < g.end ? readAt(fd, pos, g.end) : undefined;
      while (pending) {
        let buf: Buffer;
        let n: number;
        try {
          [buf, n] = await pending;
        } catch (e) {
          pending = undefined;
          r.log("crit", `pread() "${path}" failed (${errnoText(e)})`);
          if (!gone()) r.terminate();
          return DONE;
        }
        pending = undefined;
        if (gone()) return DONE;
        if (n === 0) {
          r.log("alert", `read only ${pos - g.start} of ${g.end - g.start} from "${path}"`);
          r.terminate();
          return DONE;
        }
        pos += n;
        if (pos < g.end) pending = readAt(fd, pos, g.end);
        r.write(n === buf.length ? buf : buf.subarray(0, n));
        await r.flush();
        if (gone()) return DONE;
        // The client went away: stop reading the file (nginx's failed write ends the request).
        if (r.main.exchange?.closed) {
          r.terminate();
          return DONE;
        }
      }
    }
    if (plan.tail) r.write(plan.tail);
    return OK;
  } finally {
    // A read still in flight must finish before its descriptor is closed.
    const close = (): void => fs.close(fd, () => {});
    if (pending) pending.then(close, close);
    else close();
  }
}

export const staticModule: HttpModule = {
  name: "static",
  handler: (phase) => (phase === "content" ? staticHandler : undefined),
};
