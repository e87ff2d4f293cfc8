// Lua's io library as LuaJIT 2.1 has it, over synchronous fs calls (plain Lua code
// expects its reads and writes to happen when they are called). A file is a userdata
// whose metatable gives the methods and `file (0x...)`. Files keep a read buffer and a
// write buffer as C's stdio does; every open file is flushed at exit. io.stdout writes
// go through stdio.ts's buffer so that they interleave with print().
import {
  openSync, closeSync, readSync, writeSync, fstatSync, unlinkSync, constants as fsc,
} from "node:fs";
import { tmpdir, constants as osConstants } from "node:os";
import { spawnSync } from "node:child_process";
import { LuaTable } from "../runtime/table.js";
import { argError, argTypeError, luaError } from "../runtime/error.js";
import { addressOf, luaToBytes, luaToUtf8, numberToString, typeName } from "../runtime/convert.js";
import { NONE, type LuaFunction, type LuaUserdata, type LuaValue, type LuaResult } from "../runtime/value.js";
import { checkString, library, builtin } from "./args.js";
import { writeStdout, flushStdout, writeStderr } from "./stdio.js";

// ---------------------------------------------------------------- errors

// glibc's strerror texts for the errors file operations meet.
const STRERROR: Record<string, string> = {
  EPERM: "Operation not permitted", ENOENT: "No such file or directory", ESRCH: "No such process",
  EINTR: "Interrupted system call", EIO: "Input/output error", ENXIO: "No such device or address",
  E2BIG: "Argument list too long", ENOEXEC: "Exec format error", EBADF: "Bad file descriptor",
  ECHILD: "No child processes", EAGAIN: "Resource temporarily unavailable", ENOMEM: "Cannot allocate memory",
  EACCES: "Permission denied", EFAULT: "Bad address", EBUSY: "Device or resource busy", EEXIST: "File exists",
  EXDEV: "Invalid cross-device link", ENODEV: "No such device", ENOTDIR: "Not a directory",
  EISDIR: "Is a directory", EINVAL: "Invalid argument", ENFILE: "Too many open files in system",
  EMFILE: "Too many open files", ENOTTY: "Inappropriate ioctl for device", ETXTBSY: "Text file busy",
  EFBIG: "File too large", ENOSPC: "No space left on device", ESPIPE: "Illegal seek",
  EROFS: "Read-only file system", EMLINK: "Too many links", EPIPE: "Broken pipe",
  ENAMETOOLONG: "File name too long", ENOTEMPTY: "Directory not empty", ELOOP: "Too many levels of symbolic links",
  EDQUOT: "Disk quota exceeded", ENOSYS: "Function not implemented", EOVERFLOW: "Value too large for defined data type",
};

function errnoOf(code: string): number {
  return (osConstants.errno as Record<string, number>)[code] ?? 0;
}

class ErrnoError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** Lua's `nil, "[name: ]message", errno` for a failed fs call. */
export function fsErrorResult(e: unknown, name?: string): LuaValue[] {
  const code = (e as NodeJS.ErrnoException).code ?? "EIO";
  const msg = STRERROR[code] ?? (e instanceof Error ? e.message : String(e));
  return [undefined, name === undefined ? msg : `${name}: ${msg}`, errnoOf(code)];
}

/** Sleep a little without an event loop (stdin in non-blocking mode). */
function nap(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
}

// ---------------------------------------------------------------- files

type Kind = "file" | "stdin" | "stdout" | "stderr" | "popen-r" | "popen-w";
const BUFSIZE = 65536;
const openFiles = new Set<LuaFile>();

class LuaFile implements LuaUserdata {
  readonly mt: LuaTable;
  closed = false;
  /** The byte offset of the fd after the buffered data (seekable files). */
  fpos = 0;
  rbuf: Buffer = Buffer.alloc(0);
  rpos = 0;
  rlen = 0;
  wbuf: string[] = [];
  wsize = 0;
  vbuf: "no" | "full" | "line" = "full";
  /** For popen: the command's output (read) or where its input collects (write). */
  mem: Buffer | undefined;
  cmd = "";
  eof = false;

  constructor(
    readonly kind: Kind,
    public fd: number,
    readonly canRead: boolean,
    readonly canWrite: boolean,
    readonly append: boolean,
  ) {
    this.mt = fileMeta;
    if (kind === "file" || kind === "popen-w") openFiles.add(this);
  }

  /**
   * Refill the read buffer; false at end of file. Throws ErrnoError. `big` is a read of a
   * buffer's size or more, which glibc makes straight into the caller's memory after
   * resetting its buffer: on a write-only stream, what was waiting to be written is lost.
   */
  fill(big = false): boolean {
    if (this.rpos < this.rlen) return true;
    if (!this.canRead) {
      if (big) {
        this.wbuf = [];
        this.wsize = 0;
      } else {
        this.flushWrites();
      }
      throw new ErrnoError("EBADF");
    }
    this.flushWrites();
    if (this.kind === "popen-r") {
      const m = this.mem!;
      if (this.fpos >= m.length) return false;
      this.rbuf = m;
      this.rpos = this.fpos;
      this.rlen = m.length;
      this.fpos = m.length;
      return true;
    }
    if (this.rbuf.length < BUFSIZE) this.rbuf = Buffer.alloc(BUFSIZE);
    let n: number;
    for (;;) {
      try {
        n = readSync(this.fd, this.rbuf, 0, BUFSIZE, this.kind === "stdin" ? null : this.fpos);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") { nap(); continue; }
        if (code === "EOF") { n = 0; break; }
        throw new ErrnoError(code ?? "EIO");
      }
    }
    this.fpos += n;
    this.rpos = 0;
    this.rlen = n;
    return n > 0;
  }

  /** Forget read-ahead: the fd offset goes back to the logical position. */
  dropReadBuffer(): void {
    if (this.rpos < this.rlen && this.kind === "file") this.fpos -= this.rlen - this.rpos;
    this.rpos = this.rlen = 0;
  }

  write(s: string): void {
    if (!this.canWrite) throw new ErrnoError("EBADF");
    if (this.kind === "stdout") { writeStdout(s); if (this.vbuf === "no") flushStdout(); return; }
    if (this.kind === "stderr") { writeStderr(s); return; }
    this.dropReadBuffer();
    this.wbuf.push(s);
    this.wsize += s.length;
    if (this.vbuf === "no" || this.wsize >= BUFSIZE || (this.vbuf === "line" && s.includes("\n"))) this.flushWrites();
  }

  flushWrites(): void {
    if (this.kind === "stdout") { flushStdout(); return; }
    if (this.wsize === 0) return;
    const buf = luaToBytes(this.wbuf.join(""));
    this.wbuf = [];
    this.wsize = 0;
    if (this.kind === "popen-w") {
      this.mem = this.mem === undefined ? buf : Buffer.concat([this.mem, buf]);
      return;
    }
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.fd, buf, off, buf.length - off, this.append ? null : this.fpos + off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") { nap(); continue; }
        throw new ErrnoError(code ?? "EIO");
      }
    }
    this.fpos = this.append ? fstatSync(this.fd).size : this.fpos + buf.length;
  }

  /** The logical position (ftell). */
  tell(): number {
    return this.fpos - (this.rlen - this.rpos) + this.wsize;
  }

  close(): void {
    this.closed = true;
    openFiles.delete(this);
    if (this.kind === "file") closeSync(this.fd);
  }
}

export function flushAllFiles(): void {
  for (const f of openFiles) {
    try { f.flushWrites(); } catch { /* as fflush at exit: errors are lost */ }
  }
}
process.on("exit", flushAllFiles);

// ---------------------------------------------------------------- reading

function readLine(f: LuaFile, keepNl: boolean): string | undefined {
  let out = "";
  let any = false;
  for (;;) {
    if (!f.fill()) return any ? out : undefined;
    any = true;
    const nl = f.rbuf.indexOf(10, f.rpos);
    if (nl >= 0 && nl < f.rlen) {
      out += f.rbuf.toString("latin1", f.rpos, keepNl ? nl + 1 : nl);
      f.rpos = nl + 1;
      return out;
    }
    out += f.rbuf.toString("latin1", f.rpos, f.rlen);
    f.rpos = f.rlen;
  }
}

function readAll(f: LuaFile): string {
  const parts: string[] = [];
  while (f.fill(true)) {
    parts.push(f.rbuf.toString("latin1", f.rpos, f.rlen));
    f.rpos = f.rlen;
  }
  return parts.join("");
}

function readCount(f: LuaFile, n: number): string | undefined {
  if (n === 0) return f.fill() ? "" : undefined;
  const parts: string[] = [];
  let got = 0;
  while (got < n && f.fill(n - got >= 4096)) {
    const take = Math.min(n - got, f.rlen - f.rpos);
    parts.push(f.rbuf.toString("latin1", f.rpos, f.rpos + take));
    f.rpos += take;
    got += take;
  }
  return got === 0 ? undefined : parts.join("");
}

function peek(f: LuaFile): number {
  return f.fill() ? f.rbuf[f.rpos]! : -1;
}

/**
 * fscanf("%lf") as glibc does it: skip white space, then read a decimal or hex number,
 * inf/infinity or nan. A character that cannot continue a number is pushed back, except
 * in the middle of "inf"/"nan", where glibc has consumed it; an exponent marker without
 * digits after it is consumed and ignored ("1e+" reads 1).
 */
function readNumber(f: LuaFile): number | undefined {
  let c = peek(f);
  while (c === 32 || (c >= 9 && c <= 13)) { f.rpos++; c = peek(f); }
  let s = "";
  const take = (): void => { s += String.fromCharCode(c); f.rpos++; c = peek(f); };
  const isDigit = (x: number) => x >= 48 && x <= 57;
  const isHex = (x: number) => isDigit(x) || (x >= 97 && x <= 102) || (x >= 65 && x <= 70);
  const lower = (x: number) => (x >= 65 && x <= 90 ? x + 32 : x);
  let neg = false;
  if (c === 43 || c === 45) { neg = c === 45; take(); }
  /** Match the rest of a word; a wrong character is consumed, as glibc does. */
  const word = (w: string): boolean => {
    for (let k = 0; k < w.length; k++) {
      const ok = lower(c) === w.charCodeAt(k);
      if (c < 0) return false;
      take();
      if (!ok) return false;
    }
    return true;
  };
  if (lower(c) === 105) { // inf, infinity
    if (!word("inf")) return undefined;
    if (lower(c) === 105 && !word("inity")) return undefined;
    return neg ? -Infinity : Infinity;
  }
  if (lower(c) === 110) return word("nan") ? NaN : undefined;
  let digits = 0;
  let hex = false, dot = false;
  s = "";
  if (c === 48) {
    take();
    digits++;
    if (lower(c) === 120) { hex = true; take(); digits = 0; s = ""; }
  }
  const dig = hex ? isHex : isDigit;
  while (dig(c)) { take(); digits++; }
  if (c === 46) {
    dot = true;
    take();
    while (dig(c)) { take(); digits++; }
  }
  if (digits === 0) return hex && dot ? (neg ? -0 : 0) : undefined;
  const mant = s;
  let exp = 0;
  if (lower(c) === (hex ? 112 : 101)) {
    take();
    let eneg = false;
    if (c === 43 || c === 45) { eneg = c === 45; take(); }
    let e = "";
    while (isDigit(c)) { e += String.fromCharCode(c); take(); }
    if (e !== "") exp = (eneg ? -1 : 1) * Math.min(Number(e), 99999);
  }
  let v: number;
  if (hex) {
    const [ip, fp = ""] = mant.split(".") as [string, string?];
    v = 0;
    for (const ch of ip) v = v * 16 + parseInt(ch, 16);
    let scale = 1 / 16;
    for (const ch of fp) { v += parseInt(ch, 16) * scale; scale /= 16; }
    v *= Math.pow(2, exp);
  } else {
    v = Number(mant + (exp !== 0 ? "e" + exp : ""));
  }
  return neg ? -v : v;
}

/**
 * file:read / io.read over the formats `fmts`, the first of which is argument number
 * `argBase` in messages. Throws ErrnoError on a read error.
 */
function readFormats(f: LuaFile, fmts: readonly LuaValue[], argBase: number, fname: string): LuaResult {
  if (fmts.length === 0) return readLine(f, false);
  const out: LuaValue[] = [];
  for (let i = 0; i < fmts.length; i++) {
    const fmt = fmts[i];
    let v: LuaValue;
    if (typeof fmt === "number") {
      const n = Math.trunc(fmt);
      // LuaJIT sizes a buffer with the count: a negative one is a huge allocation.
      if (n < 0 || n !== n) luaError("not enough memory", 0);
      v = readCount(f, n);
    } else if (typeof fmt === "string") {
      const c = fmt[0] === "*" ? fmt[1] : fmt[0];
      if (c === "n") {
        // fscanf failing to read leaves no error on the stream: just nil.
        try {
          v = readNumber(f);
        } catch (e) {
          if (!(e instanceof ErrnoError)) throw e;
          v = undefined;
        }
      }
      else if (c === "l") v = readLine(f, false);
      else if (c === "L") v = readLine(f, true);
      else if (c === "a") v = readAll(f);
      else return argError(i + argBase, fname, "invalid format");
    } else {
      return argError(i + argBase, fname, "invalid option");
    }
    out.push(v);
    if (v === undefined) break;
  }
  return out.length === 1 ? out[0] : out;
}

function doRead(f: LuaFile, fmts: readonly LuaValue[], argBase: number, fname: string): LuaResult {
  try {
    return readFormats(f, fmts, argBase, fname);
  } catch (e) {
    if (e instanceof ErrnoError) return fsErrorResult(e);
    throw e;
  }
}

function doWrite(f: LuaFile, vals: readonly LuaValue[], argBase: number, fname: string): LuaResult {
  // Each argument is written in turn: a bad one leaves the ones before it written.
  try {
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i];
      if (typeof v === "string") f.write(v);
      else if (typeof v === "number") f.write(numberToString(v));
      else argTypeError(i + argBase, fname, "string", typeName(v));
    }
  } catch (e) {
    if (e instanceof ErrnoError) return fsErrorResult(e);
    throw e;
  }
  return true;
}

// ---------------------------------------------------------------- opening

/** glibc's fopen mode parsing: r, w or a, then '+' and 'x' count, anything else is ignored. */
function parseMode(mode: string): { flags: number; read: boolean; write: boolean; append: boolean } | undefined {
  let flags: number, read = false, write = false, append = false;
  switch (mode[0]) {
    case "r": flags = fsc.O_RDONLY; read = true; break;
    case "w": flags = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC; write = true; break;
    case "a": flags = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_APPEND; write = true; append = true; break;
    default: return undefined;
  }
  for (let i = 1; i < 7 && i < mode.length; i++) {
    const c = mode[i];
    if (c === "\0") break;
    if (c === "+") {
      flags = (flags & ~(fsc.O_RDONLY | fsc.O_WRONLY)) | fsc.O_RDWR;
      read = write = true;
    } else if (c === "x") {
      if (mode[0] !== "r") flags |= fsc.O_EXCL;
    }
  }
  return { flags, read, write, append };
}

function openFile(name: string, mode: string): LuaFile | LuaValue[] {
  const m = parseMode(mode);
  if (m === undefined) return fsErrorResult({ code: "EINVAL" }, name);
  const nul = name.indexOf("\0");
  const path = luaToBytes(nul >= 0 ? name.slice(0, nul) : name);
  try {
    const fd = openSync(path, m.flags, 0o666);
    return new LuaFile("file", fd, m.read, m.write, m.append);
  } catch (e) {
    return fsErrorResult(e, name);
  }
}

// ---------------------------------------------------------------- methods

const fileMeta = new LuaTable();

function isFile(v: LuaValue): v is LuaFile {
  return v instanceof LuaFile;
}

/** The file argument of a method: a file (else a type error), open (else an error). */
function toFile(a: readonly LuaValue[], fname: string): LuaFile {
  const f = a[0];
  if (!isFile(f)) return argTypeError(1, fname, "FILE*", a.length === 0 ? "no value" : typeName(f));
  if (f.closed) luaError("attempt to use a closed file");
  return f;
}

function closeFile(f: LuaFile): LuaResult {
  if (f.kind === "stdin" || f.kind === "stdout" || f.kind === "stderr") {
    return [undefined, "cannot close standard file"];
  }
  try {
    f.flushWrites();
  } catch (e) {
    f.close();
    if (e instanceof ErrnoError) return fsErrorResult(e);
    throw e;
  }
  if (f.kind === "popen-w") {
    f.close();
    flushStdout();
    spawnSync("/bin/sh", ["-c", f.cmd], { input: f.mem ?? Buffer.alloc(0), stdio: ["pipe", "inherit", "inherit"] });
    // LuaJIT's close of a pipe says true whatever the command's status.
    return true;
  }
  f.close();
  return true;
}

function seek(...a: LuaValue[]): LuaResult {
  const f = toFile(a, "seek");
  const whence = a[1] === undefined ? "cur" : checkString(a, 1, "seek");
  if (whence !== "set" && whence !== "cur" && whence !== "end") argError(2, "seek", `invalid option '${whence}'`);
  let off = 0;
  if (a[2] !== undefined) {
    // LuaJIT takes a number here, not a numeric string.
    const v = a[2];
    if (typeof v !== "number") return argTypeError(3, "seek", "number", typeName(v));
    off = Math.trunc(v);
  }
  if (f.kind !== "file") return fsErrorResult({ code: "ESPIPE" });
  try {
    f.flushWrites();
    const base = whence === "set" ? 0 : whence === "cur" ? f.tell() : fstatSync(f.fd).size;
    const pos = base + off;
    if (pos < 0) return fsErrorResult({ code: "EINVAL" });
    f.rpos = f.rlen = 0;
    f.fpos = pos;
    return pos;
  } catch (e) {
    if (e instanceof ErrnoError) return fsErrorResult(e);
    return fsErrorResult(e);
  }
}

function setvbuf(...a: LuaValue[]): LuaResult {
  const f = toFile(a, "setvbuf");
  const mode = checkString(a, 1, "setvbuf");
  if (mode !== "no" && mode !== "full" && mode !== "line") argError(2, "setvbuf", `invalid option '${mode}'`);
  try {
    f.flushWrites();
  } catch (e) {
    if (e instanceof ErrnoError) return fsErrorResult(e);
    throw e;
  }
  f.vbuf = mode;
  return true;
}

function flushFile(f: LuaFile): LuaResult {
  try {
    f.flushWrites();
  } catch (e) {
    if (e instanceof ErrnoError) return fsErrorResult(e);
    throw e;
  }
  return true;
}

/**
 * The iterator of io.lines/file:lines. Without formats, io.lines(filename) closes its
 * file at the end and returns nothing there (a later call finds the file closed); with
 * formats, or for file:lines, the end gives nil each time and the file stays open.
 */
function linesIter(f: LuaFile, formats: LuaValue[], closeAtEof: boolean): LuaFunction {
  const autoClose = closeAtEof && formats.length === 0;
  return builtin("lines", () => {
    if (f.closed) luaError("attempt to use a closed file");
    let r: LuaResult;
    try {
      r = readFormats(f, formats, 1, "lines");
    } catch (e) {
      // A read error ends the loop with an error, not with nil.
      if (e instanceof ErrnoError) return luaError(STRERROR[e.code] ?? e.code);
      throw e;
    }
    if (autoClose && r === undefined) {
      closeFile(f);
      return NONE;
    }
    return r;
  });
}

// As in LuaJIT, the methods live in the metatable itself, which is its own __index.
const methods = library({
  // Without a file, close closes the default output (LuaJIT's io.close is this function).
  close: (...a: LuaValue[]) => closeFile(a.length === 0 ? output : toFile(a, "close")),
  flush: (...a: LuaValue[]) => flushFile(toFile(a, "flush")),
  lines: (...a: LuaValue[]) => linesIter(toFile(a, "lines"), a.slice(1), false),
  read: (...a: LuaValue[]) => doRead(toFile(a, "read"), a.slice(1), 2, "read"),
  seek,
  setvbuf,
  write: (...a: LuaValue[]) => doWrite(toFile(a, "write"), a.slice(1), 2, "write"),
});
for (let k: LuaValue = undefined; ; ) {
  const e = methods.next(k);
  if (e === undefined || e === false) break;
  k = e[0];
  fileMeta.set(e[0], e[1]);
}
fileMeta.setStr("__index", fileMeta);
fileMeta.setStr("__tostring", builtin("__tostring", (...a: LuaValue[]) => {
  const f = a[0];
  if (!isFile(f)) return argTypeError(1, "__tostring", "FILE*", typeName(f));
  return f.closed ? "file (closed)" : `file (${addressOf(f)})`;
}));
fileMeta.setStr("__gc", builtin("__gc", () => NONE));

// ---------------------------------------------------------------- the io table

const stdinFile = new LuaFile("stdin", 0, true, false, false);
const stdoutFile = new LuaFile("stdout", 1, false, true, false);
const stderrFile = new LuaFile("stderr", 2, false, true, false);
stderrFile.vbuf = "no";
let input: LuaFile = stdinFile;
let output: LuaFile = stdoutFile;

/** io.input / io.output: a file, a file name to open, or nothing to get the current one. */
function setDefault(a: readonly LuaValue[], fname: string, mode: string, cur: LuaFile): LuaFile {
  const v = a[0];
  if (v === undefined) return cur;
  if (isFile(v)) {
    if (v.closed) luaError("attempt to use a closed file");
    return v;
  }
  const name = checkString(a, 0, fname);
  const r = openFile(name, mode);
  if (!(r instanceof LuaFile)) return argError(1, fname, r[1] as string);
  return r;
}

function popen(...a: LuaValue[]): LuaResult {
  const cmd = checkString(a, 0, "popen");
  const mode = a[1] === undefined ? "r" : checkString(a, 1, "popen");
  const m = mode.replace(/e$/, "");
  if (m !== "r" && m !== "w") return fsErrorResult({ code: "EINVAL" }, cmd);
  if (m === "w") {
    const f = new LuaFile("popen-w", -1, false, true, false);
    f.cmd = luaToUtf8(cmd);
    return f;
  }
  // The command runs to completion now; its output is then read from memory.
  flushStdout();
  flushAllFiles();
  const r = spawnSync("/bin/sh", ["-c", luaToUtf8(cmd)], { stdio: ["inherit", "pipe", "inherit"], maxBuffer: 1 << 30 });
  const f = new LuaFile("popen-r", -1, true, false, false);
  f.mem = r.stdout ?? Buffer.alloc(0);
  return f;
}

function tmpfile(): LuaResult {
  const dir = process.platform === "win32" ? tmpdir() : "/tmp";
  for (let tries = 0; tries < 100; tries++) {
    const name = `${dir}/lua_tmp_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    try {
      const fd = openSync(name, fsc.O_RDWR | fsc.O_CREAT | fsc.O_EXCL, 0o600);
      unlinkSync(name);
      return new LuaFile("file", fd, true, true, false);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") continue;
      return fsErrorResult(e);
    }
  }
  return fsErrorResult({ code: "EEXIST" });
}

export function openIo(G: LuaTable): void {
  const io = library({
    close: (...a: LuaValue[]) => closeFile(a.length === 0 || a[0] === undefined ? output : toFile(a, "close")),
    flush: () => flushFile(output),
    input: (...a: LuaValue[]) => (input = setDefault(a, "input", "r", input)),
    lines: (...a: LuaValue[]) => {
      if (a[0] === undefined) return linesIter(input, a.slice(1), false);
      const name = checkString(a, 0, "lines");
      const r = openFile(name, "r");
      if (!(r instanceof LuaFile)) return argError(1, "lines", r[1] as string);
      return linesIter(r, a.slice(1), true);
    },
    open: (...a: LuaValue[]) => {
      const name = checkString(a, 0, "open");
      const mode = a[1] === undefined ? "r" : checkString(a, 1, "open");
      return openFile(name, mode);
    },
    output: (...a: LuaValue[]) => (output = setDefault(a, "output", "w", output)),
    popen,
    read: (...a: LuaValue[]) => {
      if (input.closed) luaError("standard file is closed");
      return doRead(input, a, 1, "read");
    },
    tmpfile,
    type: (...a: LuaValue[]) => {
      if (a.length === 0) argError(1, "type", "value expected");
      const f = a[0];
      if (!isFile(f)) return undefined;
      return f.closed ? "closed file" : "file";
    },
    write: (...a: LuaValue[]) => {
      if (output.closed) luaError("standard file is closed");
      return doWrite(output, a, 1, "write");
    },
  });
  io.setStr("stdin", stdinFile);
  io.setStr("stdout", stdoutFile);
  io.setStr("stderr", stderrFile);
  G.setStr("io", io);
}

/** Reset io.input/io.output to the standard streams (for a fresh Lua state). */
export function resetDefaultFiles(): void {
  input = stdinFile;
  output = stdoutFile;
}
