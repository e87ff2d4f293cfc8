// The response from Lua: ngx.say, print, flush, eof, exit, redirect, exec, ngx.status and
// ngx.header. ngx.exit/exec/redirect stop the entry thread (see thread.ts); what the
// stopped thread means for the request is decided by the phase handler (http/modules/lua.ts).
import { LuaTable } from "../lua/runtime/table.js";
import type { LuaFunction, LuaResult, LuaValue, Suspension } from "../lua/runtime/value.js";
import { numberToString, typeName } from "../lua/runtime/convert.js";
import { argError, luaError } from "../lua/runtime/error.js";
import type { Request } from "../http/request.js";
import { setContentType } from "../http/content-type.js";
import { currentHost, hostFor, requestFor, type NgxHost } from "./host.js";
import { EXIT, NgxExitSignal } from "./thread.js";
import { checkNum, checkStr, outputPiece } from "./values.js";
import { encodeArgs } from "./encoding.js";

/** ngx_http_lua's first header touch: the default Content-Type is set before user changes. */
export function touchHeaders(r: Request): void {
  // Per request, not per main request: a subrequest's output leaves its parent's headers alone.
  if (r.notes.has(HEADERS_TOUCHED)) return;
  // A header filter comes after the content handler settled the type: ngx_lua adds no default
  // there (on the reference, a proxied response without Content-Type keeps none).
  if (currentHost()?.phase === "header_filter") return;
  r.notes.set(HEADERS_TOUCHED, true);
  // Lua's output to a HEAD request is header-only before the header filters run (the
  // reference's gzip leaves it alone, unlike a static file's HEAD).
  if (r.method === "HEAD") r.headerOnly = true;
  if (r.loc.settings.lua_use_default_type !== false) setContentType(r);
}
const HEADERS_TOUCHED = "lua.headers";

// lua_http10_buffering (on by default): for an HTTP/1.0 (or 0.9) client, Lua's output is held
// until its end so that it goes out with a Content-Length; ngx.flush and ngx.send_headers wait
// too, and headers may still be set after output (checked on the reference).
const HTTP10 = "lua.http10";

function http10Buffer(r: Request): string[] | undefined {
  if (r.version >= 1001 || r !== r.main || r.headerSent || r.loc.settings.lua_http10_buffering === false) return undefined;
  let b = r.notes.get(HTTP10) as string[] | undefined;
  if (b === undefined) r.notes.set(HTTP10, (b = []));
  return b;
}

/** Send what lua_http10_buffering held (at the output's end), with its length unless Lua set one; false when nothing was held. */
export function flushHttp10(r: Request): boolean {
  const b = r.notes.get(HTTP10) as string[] | undefined;
  if (b === undefined || r.headerSent) return false;
  r.notes.delete(HTTP10);
  const body = b.join("");
  if (r.contentLength < 0) r.contentLength = body.length;
  touchHeaders(r);
  if (body.length > 0) r.write(body);
  else r.sendHeader();
  return true;
}

/** The held output is dropped (the request goes on to another phase or an error page). */
export function dropHttp10(r: Request): void {
  r.notes.delete(HTTP10);
}

function write(fname: string, args: LuaValue[], nl: boolean): { r: Request; res: LuaResult } {
  const { r } = requestFor(`ngx.${fname}`);
  let s = "";
  for (let i = 0; i < args.length; i++) s += outputPiece(args[i], i + 1, fname);
  if (nl) s += "\n";
  if (r.eofSent) return { r, res: [undefined, "seen eof"] };
  // (an empty first write sends the header at once, without a length, as on the reference)
  const held = s.length > 0 || r.notes.has(HTTP10) ? http10Buffer(r) : undefined;
  if (held !== undefined) {
    held.push(s);
    return { r, res: 1 };
  }
  if (!r.headerSent) touchHeaders(r);
  if (s.length > 0) r.write(s);
  else if (!r.headerSent) r.sendHeader();
  return { r, res: r.outputError ? OUTPUT_ERROR : 1 };
}

/** What the output functions answer once a write to the client failed (ngx_lua's words). */
const OUTPUT_ERROR: LuaResult = [undefined, "nginx output filter error"];

function say(...a: LuaValue[]): LuaResult {
  return write("say", a, true).res;
}
function print(...a: LuaValue[]): LuaResult {
  return write("print", a, false).res;
}

function flushCheck(a: LuaValue[]): Request | undefined {
  const { r } = requestFor("ngx.flush");
  if (a[0] !== undefined && typeof a[0] !== "boolean") return argError(1, "flush", `boolean expected, got ${typeName(a[0])}`);
  if (r.eofSent) return undefined;
  if (http10Buffer(r) !== undefined) return undefined;
  if (!r.headerSent) {
    touchHeaders(r);
    r.sendHeader();
  }
  return r;
}
function flush(...a: LuaValue[]): LuaResult {
  const r = flushCheck(a);
  if (r === undefined) return flushedNothing();
  void r.flush();
  return r.outputError ? OUTPUT_ERROR : 1;
}
flush.$g = function* flush(...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
  const r = flushCheck(a);
  if (r === undefined) return flushedNothing();
  const p = r.flush();
  if (a[0] === true) yield p.then(() => undefined, () => undefined);
  return r.outputError ? OUTPUT_ERROR : 1;
};

/** ngx.flush's answer when nothing went out: after eof, or held by lua_http10_buffering. */
function flushedNothing(): LuaResult {
  const { r } = requestFor("ngx.flush");
  return r.eofSent ? [undefined, "seen eof"] : 1;
}

function eof(...a: LuaValue[]): LuaResult {
  void a;
  const { r } = requestFor("ngx.eof");
  if (r.eofSent) return [undefined, "seen eof"];
  flushHttp10(r);
  if (!r.headerSent) touchHeaders(r);
  r.eof();
  return r.outputError ? OUTPUT_ERROR : 1;
}

function exitCode(a: LuaValue[]): { h: NgxHost; code: number } {
  const h = hostFor("ngx.exit");
  if (a.length < 1) return luaError("expecting one argument");
  const code = checkNum(a[0], 1, "exit");
  return { h, code: Math.trunc(code) };
}
function exit(...a: LuaValue[]): LuaResult {
  const { h, code } = exitCode(a);
  h.exitCode = code;
  throw new NgxExitSignal();
}
exit.$g = function* exit(...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
  const { h, code } = exitCode(a);
  h.exitCode = code;
  yield EXIT;
  return [];
};

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

function redirectPrep(a: LuaValue[]): NgxHost {
  const { h, r } = requestFor("ngx.redirect");
  const uri = checkStr(a[0], 1, "redirect");
  let code = 302;
  if (a[1] !== undefined) {
    code = Math.trunc(checkNum(a[1], 2, "redirect"));
    if (!REDIRECT_CODES.has(code)) {
      return luaError("only ngx.HTTP_MOVED_TEMPORARILY, ngx.HTTP_MOVED_PERMANENTLY, ngx.HTTP_PERMANENT_REDIRECT, ngx.HTTP_SEE_OTHER, and ngx.HTTP_TEMPORARY_REDIRECT are allowed");
    }
  }
  if (r.headerSent) return luaError("attempt to call ngx.redirect after sending out the headers");
  touchHeaders(r);
  r.headersOut.set("Location", uri);
  // Output held by lua_http10_buffering goes out with the redirect's status (as on the reference).
  if (r.notes.has(HTTP10)) r.status = code;
  h.exitCode = code;
  return h;
}
function redirect(...a: LuaValue[]): LuaResult {
  redirectPrep(a);
  throw new NgxExitSignal();
}
redirect.$g = function* redirect(...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
  redirectPrep(a);
  yield EXIT;
  return [];
};

function execPrep(a: LuaValue[]): NgxHost {
  const { h, r } = requestFor("ngx.exec");
  const uri = checkStr(a[0], 1, "exec");
  let args: string | undefined;
  const x = a[1];
  if (x instanceof LuaTable) args = encodeArgs(x, "exec");
  else if (x !== undefined) args = checkStr(x, 2, "exec");
  if (uri === "") return luaError("The uri argument is empty");
  if (r.headerSent) return luaError("attempt to call ngx.exec after sending out response headers");
  h.exec = { uri, args };
  h.exitCode = -4;
  return h;
}
function exec(...a: LuaValue[]): LuaResult {
  execPrep(a);
  throw new NgxExitSignal();
}
exec.$g = function* exec(...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
  execPrep(a);
  yield EXIT;
  return [];
};

/** ngx.send_headers(): the header is built now (it goes out with the first output or flush). */
function send_headers(): LuaResult {
  const { r } = requestFor("ngx.send_headers");
  if (!r.headerSent && http10Buffer(r) === undefined) {
    touchHeaders(r);
    r.sendHeader();
  }
  return 1;
}

export const outputApi: Record<string, LuaFunction> = { say, print, flush, eof, exit, redirect, exec, send_headers };

// ---------------------------------------------------------------- ngx.status

export function getStatus(): LuaValue {
  const { r } = requestFor("ngx.status");
  // As lua-nginx-module: an error_page's response reports the error's status (r->err_status).
  return r.errStatus || r.status;
}

export function setStatus(v: LuaValue): void {
  const { r } = requestFor("ngx.status");
  if (r.headerSent) {
    r.log("error", "attempt to set ngx.status after sending out response headers");
    return;
  }
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || Number.isNaN(n)) return luaError(`bad argument to 'ngx.status' (number expected, got ${typeName(v)})`) as never;
  r.status = Math.trunc(n);
  r.statusLine = undefined;
}

// ---------------------------------------------------------------- ngx.header

function headerKey(k: LuaValue, r: Request): string {
  if (typeof k !== "string") return luaError(`bad argument #2 to '__index' (string expected, got ${typeName(k)})`);
  return r.loc.settings.lua_transform_underscores_in_response_headers === false ? k : k.replace(/_/g, "-");
}

function headerValue(v: LuaValue): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return numberToString(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return luaError(`attempt to set ngx.header.HEADER to a ${typeName(v)} value`);
}

function headerIndex(_t: LuaValue, k: LuaValue): LuaResult {
  const { r } = requestFor("ngx.header");
  const name = headerKey(k, r);
  const l = name.toLowerCase();
  if (l === "content-type") {
    if (r.contentType === undefined) return undefined;
    return r.charset ? `${r.contentType}; charset=${r.charset}` : r.contentType;
  }
  if (l === "content-length") return r.contentLength >= 0 ? String(r.contentLength) : undefined;
  if (l === "last-modified" && r.lastModified !== undefined) return r.lastModified;
  if (l === "location" && r.location !== undefined) return r.location;
  const all = r.headersOut.getAll(name);
  if (all.length === 0) return undefined;
  if (all.length === 1) return all[0];
  return new LuaTable(all);
}

/** ngx.header.NAME = value (nil clears, a table sets several values). */
export function setResponseHeader(r: Request, name: string, v: LuaValue): void {
  const l = name.toLowerCase();
  let values: string[];
  if (v === undefined) values = [];
  else if (v instanceof LuaTable) {
    values = [];
    const n = v.length();
    for (let i = 1; i <= n; i++) values.push(headerValue(v.get(i)));
  } else values = [headerValue(v)];
  touchHeaders(r);
  switch (l) {
    case "content-type":
      r.contentType = values.length ? values[values.length - 1] : undefined;
      r.charset = undefined;
      return;
    case "content-length":
      // The length, and a line of the header list: nginx writes a Content-Length set from Lua
      // there (after Connection), with the length it has when the header goes out.
      r.contentLength = values.length ? Number(values[values.length - 1]) : -1;
      if (Number.isNaN(r.contentLength)) r.contentLength = -1;
      values = values.length ? [values[values.length - 1]!] : [];
      r.contentLengthListed = values.length > 0;
      break;
    case "last-modified":
      // A Last-Modified set by name is an ordinary header line, where nginx writes it.
      r.lastModified = undefined;
      break;
    // Set by name, Server and Date replace nginx's own; cleared, they leave none (checked on
    // the reference: the cleared builtin header keeps its slot, so nginx adds nothing).
    case "server":
      r.serverHeaderOff = values.length === 0;
      break;
    case "date":
      r.dateHeaderOff = values.length === 0;
      break;
  }
  if (values.length === 0) r.headersOut.remove(name);
  else r.headersOut.set(name, values);
}

function headerNewIndex(_t: LuaValue, k: LuaValue, v: LuaValue): LuaResult {
  const { r } = requestFor("ngx.header");
  const name = headerKey(k, r);
  if (r.headerSent) {
    r.log("error", "attempt to set ngx.header.HEADER after sending out response headers");
    return [];
  }
  setResponseHeader(r, name, v);
  return [];
}

/** The ngx.header table: reads and writes go to the current request's response headers. */
export function makeHeaderTable(): LuaTable {
  const t = new LuaTable();
  const mt = new LuaTable();
  mt.setStr("__index", headerIndex as LuaFunction);
  mt.setStr("__newindex", headerNewIndex as LuaFunction);
  t.mt = mt;
  return t;
}
