// The request body as Lua replaces it: ngx.req.set_body_data (in memory whatever its size,
// as ngx_lua), init_body / append_body / finish_body (a buffer of init_body's size, by default
// client_body_buffer_size, spilled to a temporary file under client_body_temp_path when it
// overflows, with nginx's warning), set_body_file (the body is that file; auto_clean removes
// it when the request ends or the body is replaced), get_body_data and get_body_file.
// Bodies in files go on to proxy_pass and subrequests like a client's spilled body.
import * as fs from "node:fs";
import type { LuaResult, LuaValue } from "../lua/runtime/value.js";
import { luaError } from "../lua/runtime/error.js";
import { requestHooks, type Request } from "../http/request.js";
import { resolvePath } from "../http/config/core-settings.js";
import { requestFor } from "./host.js";
import { checkNum, checkStr } from "./values.js";

/** A body being built by init_body/append_body: in memory up to `limit`, then in `file`. */
interface Builder {
  readonly limit: number;
  parts: Buffer[];
  size: number;
  fd: number;
  file: string | undefined;
}

/** Per main request: the body being built, and the files to remove when it ends. */
interface BodyState {
  builder: Builder | undefined;
  /** Temporary files this module created (always removed at the end). */
  temps: string[];
  /** set_body_file's file with auto_clean, removed when replaced or at the end. */
  autoClean: string | undefined;
}

const states = new WeakMap<Request, BodyState>();
let tempCounter = Math.floor(Math.random() * 1e9);

function stateOf(r: Request): BodyState {
  let s = states.get(r.main);
  if (s === undefined) {
    s = { builder: undefined, temps: [], autoClean: undefined };
    states.set(r.main, s);
  }
  return s;
}

requestHooks.cleanup.push((r) => {
  const s = states.get(r);
  if (s === undefined) return;
  closeBuilder(s);
  for (const f of s.temps) fs.rm(f, () => {});
  if (s.autoClean !== undefined) fs.rm(s.autoClean, () => {});
  states.delete(r);
});

function closeBuilder(s: BodyState): void {
  const b = s.builder;
  if (b !== undefined && b.fd >= 0) fs.closeSync(b.fd);
  s.builder = undefined;
}

/** The body is replaced: an auto_clean file from set_body_file goes now (at once, as ngx_lua runs its cleanup). */
function dropAutoClean(s: BodyState): void {
  if (s.autoClean !== undefined) fs.rmSync(s.autoClean, { force: true });
  s.autoClean = undefined;
}

function setBody(r: Request, data: Buffer | undefined, file: string | undefined, length: number, contentLength: boolean): void {
  const m = r.main;
  m.body = { data, file, length };
  if (contentLength) m.headersIn.set("Content-Length", String(length));
}

/** A new temporary file under client_body_temp_path, named by a 10-digit number as nginx's. */
function createTemp(r: Request): { fd: number; file: string } {
  const dir = r.loc.core.client_body_temp_path;
  fs.mkdirSync(dir, { recursive: true });
  for (;;) {
    const file = resolvePath(String(++tempCounter % 1e10).padStart(10, "0"), dir + "/");
    try {
      return { fd: fs.openSync(file, "wx+", 0o600), file };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
}

function bodyRead(r: Request): void {
  if (r.main.body === undefined) luaError("request body not read yet");
}

export const bodyFunctions = {
  get_body_data: (): LuaResult => {
    const d = requestFor("ngx.req.get_body_data").r.main.body?.data;
    return d === undefined || d.length === 0 ? undefined : d.toString("latin1");
  },
  get_body_file: (): LuaResult => requestFor("ngx.req.get_body_file").r.main.body?.file,
  set_body_data: (...a: LuaValue[]): LuaResult => {
    const { r } = requestFor("ngx.req.set_body_data");
    bodyRead(r);
    const buf = Buffer.from(checkStr(a[0], 1, "set_body_data"), "latin1");
    const s = stateOf(r);
    closeBuilder(s);
    dropAutoClean(s);
    setBody(r, buf, undefined, buf.length, true);
    return [];
  },
  init_body: (...a: LuaValue[]): LuaResult => {
    const { r } = requestFor("ngx.req.init_body");
    bodyRead(r);
    const core = r.loc.core;
    let limit = core.client_body_buffer_size;
    if (a[0] !== undefined) {
      limit = Math.trunc(checkNum(a[0], 1, "init_body"));
      if (limit <= 0) return luaError("bad buffer size");
    }
    const s = stateOf(r);
    closeBuilder(s);
    dropAutoClean(s);
    const b: Builder = { limit, parts: [], size: 0, fd: -1, file: undefined };
    s.builder = b;
    // request_body_in_file_only: the new body goes to a file from the start.
    if (core.client_body_in_file_only) spill(r, s, b);
    // The new body is the request's body at once ($request_body, get_body_data), Content-Length at finish.
    setBody(r, b.fd >= 0 ? undefined : Buffer.alloc(0), b.file, 0, false);
    return [];
  },
  append_body: (...a: LuaValue[]): LuaResult => {
    const { r } = requestFor("ngx.req.append_body");
    const s = stateOf(r);
    const b = s.builder;
    if (b === undefined || r.main.body === undefined) return luaError("request_body not initialized");
    const chunk = Buffer.from(checkStr(a[0], 1, "append_body"), "latin1");
    b.size += chunk.length;
    if (b.fd < 0) {
      b.parts.push(chunk);
      if (b.size > b.limit) spill(r, s, b);
    } else fs.writeSync(b.fd, chunk);
    setBody(r, b.fd >= 0 ? undefined : Buffer.concat(b.parts, b.size), b.file, b.size, false);
    return [];
  },
  finish_body: (): LuaResult => {
    const { r } = requestFor("ngx.req.finish_body");
    const s = stateOf(r);
    const b = s.builder;
    if (b === undefined || r.main.body === undefined) return luaError("request_body not initialized");
    closeBuilder(s);
    setBody(r, b.file !== undefined ? undefined : Buffer.concat(b.parts, b.size), b.file, b.size, true);
    return [];
  },
  set_body_file: (...a: LuaValue[]): LuaResult => {
    const { r } = requestFor("ngx.req.set_body_file");
    bodyRead(r);
    const file = checkStr(a[0], 1, "set_body_file");
    const clean = a[1] === true;
    const s = stateOf(r);
    closeBuilder(s);
    dropAutoClean(s);
    // ngx_lua drops the old body before it looks at the file: a failure leaves an empty file name.
    setBody(r, undefined, "", 0, false);
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      return luaError(`stat() "${file}" failed`);
    }
    if (clean) s.autoClean = file;
    setBody(r, undefined, file, size, true);
    return [];
  },
};

/** The builder's memory is full: its bytes so far go to a new temporary file. */
function spill(r: Request, s: BodyState, b: Builder): void {
  const t = createTemp(r);
  b.fd = t.fd;
  b.file = t.file;
  s.temps.push(t.file);
  for (const p of b.parts) fs.writeSync(t.fd, p);
  b.parts = [];
  r.log("warn", `a client request body is buffered to a temporary file ${t.file}`);
}
