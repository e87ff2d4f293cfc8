// ngx.req (the request as Lua sees and changes it) and ngx.resp.get_headers.
import { LuaTable } from "../lua/runtime/table.js";
import type { LuaFunction, LuaResult, LuaValue, Suspension } from "../lua/runtime/value.js";
import { numberToString, typeName } from "../lua/runtime/convert.js";
import { argError, luaError } from "../lua/runtime/error.js";
import { library } from "../lua/stdlib/args.js";
import type { HeaderList } from "../http/headers.js";
import type { Request } from "../http/request.js";
import { parseTarget } from "../http/uri.js";
import { hostFor, requestFor } from "./host.js";
import { METHOD_NAMES } from "./constants.js";
import { decodeArgs, encodeArgs } from "./encoding.js";
import { EXIT, NgxExitSignal } from "./thread.js";
import { checkNum, checkStr } from "./values.js";
import type { LuaVm } from "./vm.js";
import { reqSocket } from "./async/socket/req-socket.js";
import { bodyFunctions } from "./req-body.js";

function optMax(v: LuaValue, arg: number, fname: string): number {
  if (v === undefined) return 100;
  return Math.trunc(checkNum(v, arg, fname));
}

/** get_uri_args and friends: the table, and "truncated" when there were more than `max` pairs. */
function argsResult(s: string, max: number): LuaResult {
  const t = decodeArgs(s, max);
  if (max > 0) {
    let n = 0;
    for (const p of s.split("&")) if (p !== "") n++;
    if (n > max) return [t, "truncated"];
  }
  return t;
}

/** A table of headers whose lookups ignore case and `_` (get_headers' metatable). */
function headerTable(list: HeaderList, max: number, raw: boolean): LuaResult {
  const t = new LuaTable();
  let n = 0;
  let truncated = false;
  for (const [k0, v] of list.entries()) {
    if (max > 0 && n >= max) {
      truncated = true;
      break;
    }
    n++;
    const k = raw ? k0 : k0.toLowerCase();
    const prev = t.get(k);
    if (prev === undefined) t.set(k, v);
    else if (prev instanceof LuaTable) prev.set(prev.length() + 1, v);
    else t.set(k, new LuaTable([prev, v]));
  }
  if (!raw) {
    const mt = new LuaTable();
    mt.setStr("__index", ((tt: LuaValue, key: LuaValue): LuaResult => {
      if (typeof key !== "string") return undefined;
      const norm = key.toLowerCase().replace(/_/g, "-");
      return norm === key ? undefined : (tt as LuaTable).get(norm);
    }) as LuaFunction);
    t.mt = mt;
  }
  return truncated ? [t, "truncated"] : t;
}

function headerValues(v: LuaValue, fname: string): string[] {
  if (v === undefined) return [];
  if (v instanceof LuaTable) {
    const out: string[] = [];
    for (let i = 1; i <= v.length(); i++) out.push(checkStr(v.get(i), 2, fname));
    return out;
  }
  if (typeof v === "boolean") return [v ? "true" : "false"];
  return [checkStr(v, 2, fname)];
}

function rawHeader(r: Request, noRequestLine: boolean): string {
  let s = noRequestLine ? "" : r.main.requestLine + "\r\n";
  for (const [k, v] of r.main.headersIn.entries()) s += `${k}: ${v}\r\n`;
  return s + "\r\n";
}

function readBodyStart(): Request {
  const { r } = requestFor("ngx.req.read_body");
  return r;
}

function setUriPrep(a: LuaValue[]): { jump: boolean } {
  const { h, r } = requestFor("ngx.req.set_uri");
  const uri = checkStr(a[0], 1, "set_uri");
  if (uri === "") return luaError("attempt to use zero-length uri");
  const jump = a[1] === true;
  if (jump && h.phase !== "rewrite") {
    return luaError("attempt to call ngx.req.set_uri to do location jump in contexts other than rewrite_by_lua and rewrite_by_lua_file");
  }
  const p = parseTarget(uri, false);
  r.uri = uri;
  r.exten = p?.exten ?? "";
  if (jump) {
    r.uriChanged = true;
    h.exitCode = 0;
  }
  return { jump };
}

export function makeReq(vm: LuaVm): LuaTable {
  void vm;
  function read_body(): LuaResult {
    const r = readBodyStart();
    if (r.body !== undefined) return [];
    return luaError("attempt to yield across C-call boundary");
  }
  read_body.$g = function* read_body(): Generator<Suspension, LuaResult, unknown> {
    const { h, r } = requestFor("ngx.req.read_body");
    if (r.main.body !== undefined) return [];
    let status = 0;
    yield r.readBody().then(() => undefined, (e: { status?: number }) => {
      status = e.status ?? 400;
    });
    // A body nginx refuses (413 too large, 400 bad chunks, 408) ends the request with that
    // status, as lua-nginx-module's read_body does; a client gone (499) just returns.
    if (status > 0 && status !== 499) {
      h.exitCode = status;
      yield EXIT;
    }
    return [];
  };
  function set_uri(...a: LuaValue[]): LuaResult {
    if (setUriPrep(a).jump) throw new NgxExitSignal();
    return [];
  }
  set_uri.$g = function* set_uri(...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
    if (setUriPrep(a).jump) yield EXIT;
    return [];
  };

  const req = library({
    get_method: (): LuaResult => requestFor("ngx.req.get_method").r.method,
    set_method: (...a): LuaResult => {
      const { r } = requestFor("ngx.req.set_method");
      const n = checkNum(a[0], 1, "set_method");
      const name = METHOD_NAMES.get(n);
      if (name === undefined) return luaError(`unsupported HTTP method: ${n}`);
      r.method = name;
      return [];
    },
    get_uri_args: (...a): LuaResult => argsResult(requestFor("ngx.req.get_uri_args").r.args, optMax(a[0], 1, "get_uri_args")),
    set_uri_args: (...a): LuaResult => {
      const { r } = requestFor("ngx.req.set_uri_args");
      const v = a[0];
      if (v instanceof LuaTable) r.args = encodeArgs(v, "set_uri_args");
      else if (typeof v === "string" || typeof v === "number") r.args = typeof v === "number" ? numberToString(v) : v;
      else return argError(1, "set_uri_args", `string, number, or table expected, got ${typeName(v)}`);
      return [];
    },
    get_post_args: (...a): LuaResult => {
      const { r } = requestFor("ngx.req.get_post_args");
      const b = r.main.body;
      if (b === undefined) return luaError("no request body found; maybe you should turn on lua_need_request_body?");
      if (b.data === undefined) return [undefined, "request body in temp file not supported"];
      return argsResult(b.data.toString("latin1"), optMax(a[0], 1, "get_post_args"));
    },
    read_body: read_body as LuaFunction,
    socket: reqSocket,
    get_body_data: bodyFunctions.get_body_data,
    get_body_file: bodyFunctions.get_body_file,
    discard_body: (): LuaResult => {
      const { r } = requestFor("ngx.req.discard_body");
      r.discardBody();
      return [];
    },
    set_body_data: bodyFunctions.set_body_data,
    set_body_file: bodyFunctions.set_body_file,
    init_body: bodyFunctions.init_body,
    append_body: bodyFunctions.append_body,
    finish_body: bodyFunctions.finish_body,
    get_headers: (...a): LuaResult => {
      const { r } = requestFor("ngx.req.get_headers");
      return headerTable(r.headersIn, optMax(a[0], 1, "get_headers"), a[1] === true);
    },
    set_header: (...a): LuaResult => {
      const { r } = requestFor("ngx.req.set_header");
      const name = checkStr(a[0], 1, "set_header");
      const vals = headerValues(a[1], "set_header");
      if (vals.length === 0) r.headersIn.remove(name);
      else r.headersIn.set(name, vals);
      return [];
    },
    clear_header: (...a): LuaResult => {
      const { r } = requestFor("ngx.req.clear_header");
      r.headersIn.remove(checkStr(a[0], 1, "clear_header"));
      return [];
    },
    http_version: (): LuaResult => {
      const v = requestFor("ngx.req.http_version").r.version;
      return v === 9 ? 0.9 : v / 1000 >= 2 ? 2 : Math.floor(v / 1000) + (v % 1000) / 10;
    },
    raw_header: (...a): LuaResult => rawHeader(requestFor("ngx.req.raw_header").r, a[0] === true),
    start_time: (): LuaResult => requestFor("ngx.req.start_time").r.main.start / 1000,
    is_internal: (): LuaResult => requestFor("ngx.req.is_internal").r.internal,
    set_uri: set_uri as LuaFunction,
  });
  void hostFor;
  return req;
}

export function makeResp(): LuaTable {
  return library({
    get_headers: (...a): LuaResult => {
      const { r } = requestFor("ngx.resp.get_headers");
      const list = r.headersOut.clone();
      if (r.contentLength >= 0 && !list.has("content-length")) list.add("content-length", String(r.contentLength));
      if (r.contentType !== undefined && !list.has("content-type")) {
        list.add("content-type", r.charset ? `${r.contentType}; charset=${r.charset}` : r.contentType);
      }
      return headerTable(list, optMax(a[0], 1, "get_headers"), a[1] === true);
    },
  });
}
