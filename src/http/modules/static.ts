// nginx's static module: the default content handler. A URI not ending in `/` is mapped to
// a file (root/alias); a directory answers 301 to the URI with its slash; a file is sent
// with Content-Length, Last-Modified, ETag and its type, through the header filters
// (not_modified, charset, range), then sent: a file up to 256 KB with one read and one
// write, larger ones in pieces, each once the client has taken the previous one.
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

/**
 * Files up to this size are read with one call and written with their header in one write,
 * without waiting for the client to take them (nginx's worker also reads with blocking
 * pread: from the page cache a read is a copy, cheaper than a thread-pool round trip).
 * Larger files go in pieces of this size, each once the client has taken the previous one.
 */
const PIECE = 256 * 1024;

// The last Last-Modified formatted: a site's files often share a time, and the text is the same.
let lastMtime = -1;
let lastModifiedText = "";

/** 200 with a file's Content-Length, Last-Modified and (unless `etag off`) ETag, as nginx's static handlers set them. */
export function setFileHeaders(r: Request, st: fs.Stats): void {
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
}

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
  setFileHeaders(r, st);
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
  if (!plan && st.size <= PIECE) {
    // One read and one write: the common case costs no promise.
    const buf = readAt(r, fd, 0, st.size, path);
    fs.closeSync(fd);
    if (buf === undefined) return DONE;
    if (buf.length > 0) sendPiece(r, buf);
    return OK;
  }
  return sendParts(r, fd, path, plan ?? { ranges: [{ start: 0, end: st.size }] });
}

/**
 * A read buffer for the pieces of file that go straight to a plain socket, used again after
 * each write that the kernel took whole (nginx also reads into the same output buffers again):
 * a fresh 100 KB Buffer per response costs more in page faults and GC than the read itself.
 * Undefined while a socket holds it; the next read takes a new one, and a response that waited
 * for its socket to drain gives its own back.
 */
let slab: Buffer | undefined;
/** Below this, Buffer's own pool serves as cheaply. */
const SLAB_MIN = 4096;

/** A Buffer for `len` bytes of file: the slab when nothing but the socket will hold them. */
function readBuffer(r: Request, len: number): Buffer {
  if (len < SLAB_MIN || r !== r.main || r.loc.bodyFilters.length > 0 || r.exchange?.unsentBytes === undefined) {
    return Buffer.allocUnsafe(len);
  }
  slab ??= Buffer.allocUnsafeSlow(PIECE);
  return slab.subarray(0, len);
}

/**
 * Write a piece read by readAt. A slab piece goes to the socket now, to learn whether the
 * kernel took it whole; if not, the socket holds the slab: it is returned, no longer shared.
 */
function sendPiece(r: Request, buf: Buffer): Buffer | undefined {
  if (slab === undefined || buf.buffer !== slab.buffer) {
    // A small body joins the header as one string: one plain write, where a string and a
    // Buffer take Node's writev path (profiled: its syscall a third dearer for a 1 KB file).
    r.write(buf.length < SLAB_MIN ? buf.toString("latin1") : buf);
    return undefined;
  }
  r.write(buf, true);
  if (r.exchange?.unsentBytes === 0) return undefined;
  const held = slab;
  slab = undefined;
  return held;
}

/**
 * `len` bytes at `pos`, or undefined after logging nginx's line (per read, as its output
 * chain logs a short read) and closing the connection.
 */
function readAt(r: Request, fd: number, pos: number, len: number, path: string): Buffer | undefined {
  const buf = readBuffer(r, len);
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

/**
 * Send the ranges (the whole file is one range) in pieces. A piece goes out as soon as the
 * last one has; the handler waits only when the client is slower than the file: memory stays
 * at about one piece per response.
 */
function sendParts(r: Request, fd: number, path: string, plan: RangePlan): PhaseResult | Promise<PhaseResult> {
  const cursor: Cursor = { range: 0, pos: -1 };
  let rc: boolean | undefined;
  try {
    rc = pump(r, fd, path, plan, cursor);
  } finally {
    if (rc !== false) fs.closeSync(fd);
  }
  if (rc !== false) return rc ? OK : DONE;
  return sendRest(r, fd, path, plan, cursor);
}

interface Cursor {
  /** The range being sent. */
  range: number;
  /** The next byte of it; -1 before its part header. */
  pos: number;
  /** The slab this response's socket held when it last had to wait. */
  held?: Buffer;
}

/** Write pieces until the client lags (false), everything is out (true) or a read failed (undefined). */
function pump(r: Request, fd: number, path: string, plan: RangePlan, c: Cursor): boolean | undefined {
  for (; c.range < plan.ranges.length; c.range++, c.pos = -1) {
    const g = plan.ranges[c.range]!;
    if (c.pos < 0) {
      c.pos = g.start;
      if (plan.heads) r.write(plan.heads[c.range]!);
    }
    while (c.pos < g.end) {
      const buf = readAt(r, fd, c.pos, Math.min(PIECE, g.end - c.pos), path);
      if (buf === undefined) return undefined;
      c.pos += buf.length;
      c.held = sendPiece(r, buf) ?? c.held;
      // A gone client takes nothing and never fills up: stop there too, not at the file's end.
      if ((c.pos < g.end || c.range + 1 < plan.ranges.length) && (!r.outputReady() || r.main.exchange?.closed)) return false;
    }
  }
  if (plan.tail) r.write(plan.tail);
  return true;
}

/** The pieces after the client fell behind: each once it has taken the last. */
async function sendRest(r: Request, fd: number, path: string, plan: RangePlan, c: Cursor): Promise<PhaseResult> {
  const gen = r.generation;
  try {
    for (;;) {
      await r.flush();
      if (r.finalized || r.detached || r.generation !== gen) return DONE;
      // The client went away: stop reading the file (nginx's failed write ends the request).
      if (r.main.exchange?.closed) {
        r.terminate();
        return DONE;
      }
      // Drained: the socket let go of the slab it held.
      if (c.held !== undefined && r.exchange?.unsentBytes === 0) slab ??= c.held;
      c.held = undefined;
      const rc = pump(r, fd, path, plan, c);
      if (rc !== false) return rc ? OK : DONE;
    }
  } finally {
    fs.closeSync(fd);
  }
}

export const staticModule: HttpModule = {
  name: "static",
  handler: (phase) => (phase === "content" ? staticHandler : undefined),
};
