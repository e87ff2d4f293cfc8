// resty.http's proxy helpers, which work through the Lua ngx API as lua-resty-http does:
// get_client_body_reader (the client's request body in chunks), proxy_request (the client
// request forwarded on the object's connection) and proxy_response (status, headers and a
// streamed body sent back with ngx.print and ngx.flush).
import { closeSync, openSync, readSync } from "node:fs";
import { LuaTable } from "../../lua/runtime/table.js";
import { index, setIndex } from "../../lua/runtime/ops.js";
import { toNumber } from "../../lua/runtime/convert.js";
import type { LuaValue } from "../../lua/runtime/value.js";
import type { HttpEnv } from "./http-env.js";
import { callLua, luaFn, str, type Gen } from "./http-request.js";

const HOP_BY_HOP = new Set([
  "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
  "transfer-encoding", "upgrade",
  // Not hop-by-hop, but nginx sets its own (or sends chunked).
  "content-length",
]);

/** proxy_response reads this much at a time when no chunk size is given, to stream. */
const PROXY_CHUNK = 65536;

function ngxOf(env: HttpEnv): LuaTable {
  if (env.ngx === undefined) throw new Error("resty.http: no ngx API here");
  return env.ngx;
}

/** A reader over bytes already in memory or in the body's temporary file. */
function bufferedReader(data: string | undefined, file: string | undefined, chunk: number): LuaValue {
  let pos = 0;
  let fd: number | undefined;
  return luaFn("body_reader", function* (): Gen {
    if (data !== undefined) {
      if (pos >= data.length) return undefined;
      const s = data.slice(pos, pos + chunk);
      pos += s.length;
      return s;
    }
    if (file === undefined) return undefined;
    fd ??= openSync(file, "r");
    const buf = Buffer.allocUnsafe(chunk);
    const n = readSync(fd, buf, 0, chunk, pos);
    if (n <= 0) {
      closeSync(fd);
      file = undefined;
      return undefined;
    }
    pos += n;
    return buf.subarray(0, n).toString("latin1");
  });
}

/** A reader over a socket-like object's receive(n), for `length` bytes. */
function socketReader(sock: LuaValue, length: number, chunk: number): LuaValue {
  let left = length;
  return luaFn("body_reader", function* (size: LuaValue): Gen {
    if (left <= 0) return undefined;
    const want = Math.min(left, toNumber(size) ?? chunk);
    const [data, err] = yield* callLua(index(sock, "receive"), sock, want);
    if (typeof data !== "string") return [undefined, err];
    left -= data.length;
    return data;
  });
}

/** get_client_body_reader(chunksize, sock): a reader of the client's body, or nil without one. */
export function* getClientBodyReader(env: HttpEnv, chunksize: LuaValue, sock: LuaValue): Gen {
  const chunk = Math.max(1, Math.floor(toNumber(chunksize) ?? 65536));
  const ngx = ngxOf(env);
  const req = index(ngx, "req");
  const [headers] = yield* callLua(index(req, "get_headers"));
  const length = headers instanceof LuaTable ? index(headers, "content_length") : undefined;
  const te = headers instanceof LuaTable ? index(headers, "transfer_encoding") : undefined;
  const chunked = te !== undefined && str(te instanceof LuaTable ? te.get(1) : te).toLowerCase().includes("chunked");
  if (length === undefined && !chunked) return undefined;
  if (sock !== undefined && length !== undefined) return socketReader(sock, toNumber(length) ?? 0, chunk);
  // ngx.req.socket is not there: the body is read by nginx's rules (memory or a temp file).
  yield* callLua(index(req, "read_body"));
  const [data] = yield* callLua(index(req, "get_body_data"));
  if (typeof data === "string") return bufferedReader(data, undefined, chunk);
  const [file] = yield* callLua(index(req, "get_body_file"));
  return bufferedReader(undefined, typeof file === "string" ? file : undefined, chunk);
}

/** The params proxy_request sends: the client's method, URI, headers and body. */
export function* proxyRequestParams(env: HttpEnv, chunksize: LuaValue): Gen<LuaTable | LuaValue[]> {
  const ngx = ngxOf(env);
  const req = index(ngx, "req");
  const v = index(ngx, "var");
  const [method] = yield* callLua(index(req, "get_method"));
  const uri = str(index(v, "uri") ?? "").replace(/[\t\n\v\f\r ]/g, "%20");
  const isArgs = index(v, "is_args");
  const qs = index(v, "query_string");
  const body = yield* getClientBodyReader(env, chunksize, undefined);
  const [headers] = yield* callLua(index(req, "get_headers"));
  const params = new LuaTable();
  params.setStr("method", method);
  params.setStr("path", uri + (isArgs === undefined ? "" : str(isArgs)) + (qs === undefined ? "" : str(qs)));
  params.setStr("body", Array.isArray(body) ? body[0] : body);
  params.setStr("headers", headers);
  return params;
}

/** proxy_response(res, chunksize): the response sent back to the client as it arrives. */
export function* proxyResponse(env: HttpEnv, res: LuaValue, chunksize: LuaValue): Gen {
  if (!(res instanceof LuaTable)) {
    env.log(4, "no response provided");
    return [];
  }
  const ngx = ngxOf(env);
  setIndex(ngx, "status", index(res, "status"));
  const out = index(ngx, "header");
  const headers = index(res, "headers");
  if (headers instanceof LuaTable) {
    let k: LuaValue = undefined;
    for (let e = headers.next(k); e; e = headers.next(k)) {
      k = e[0];
      if (!HOP_BY_HOP.has(str(k).toLowerCase())) setIndex(out, k, e[1]);
    }
  }
  const reader = index(res, "body_reader");
  const print = index(ngx, "print");
  const flush = index(ngx, "flush");
  const size = chunksize ?? PROXY_CHUNK;
  for (;;) {
    const [chunk, readErr] = yield* callLua(reader, size);
    if (readErr !== undefined) env.log(4, str(readErr));
    let printErr: LuaValue;
    if (chunk !== undefined) {
      const [ok, err] = yield* callLua(print, chunk);
      if (ok === undefined) {
        printErr = err;
        env.log(4, str(err));
      } else {
        // Waiting for the client to take each chunk is what keeps a large body streaming.
        yield* callLua(flush, true);
      }
    }
    if (readErr !== undefined || printErr !== undefined || chunk === undefined) break;
  }
  return [];
}
