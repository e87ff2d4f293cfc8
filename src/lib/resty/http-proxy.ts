// resty.http's proxy helpers, which work through the Lua ngx API as lua-resty-http does:
// get_client_body_reader (the client's request body in chunks), proxy_request (the client
// request forwarded on the object's connection) and proxy_response (status, headers and a
// streamed body sent back with ngx.print and ngx.flush).
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { LuaTable } from "../../lua/runtime/table.js";
import { LuaError } from "../../lua/runtime/error.js";
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

/**
 * Reader state shared by the two readers: after the end is reported once, further calls
 * answer as lua-resty-http's finished coroutine does.
 */
function deadAfterEnd(read: (size: LuaValue) => Gen): LuaValue {
  let state = 0; // 1: ended
  return luaFn("body_reader", function* (size: LuaValue): Gen {
    if (state === 1) return [undefined, "can't resume a dead coroutine"];
    const r = yield* read(size);
    if (r === undefined) state = 1;
    return r;
  });
}

/** A body of `length` bytes read from `sock` in pieces of at most the chunk size (lua-resty-http's _body_reader). */
function lengthReader(sock: LuaValue, length: number, chunk: number): LuaValue {
  let received = 0;
  return deadAfterEnd(function* (size: LuaValue): Gen {
    const n = Math.min(toNumber(size) ?? chunk, length - received);
    if (n <= 0) return undefined;
    const [data, err] = yield* callLua(index(sock, "receive"), sock, n);
    received += n;
    if (typeof data !== "string") return [undefined, err];
    return data;
  });
}

/** A chunked body read from `sock` (size lines, data, the line end), at most the chunk size at a time. */
function chunkedReader(sock: LuaValue, chunk: number): LuaValue {
  let remaining = 0;
  const receive = index(sock, "receive");
  return deadAfterEnd(function* (size: LuaValue): Gen {
    const max = toNumber(size) ?? chunk;
    if (remaining === 0) {
      const [line, err] = yield* callLua(receive, sock, "*l");
      if (typeof line !== "string") return [undefined, err];
      const n = parseInt(line, 16);
      if (Number.isNaN(n)) return [undefined, "unable to read chunksize"];
      if (n === 0) {
        yield* callLua(receive, sock, 2);
        return undefined;
      }
      remaining = n;
    }
    const want = Math.min(max, remaining);
    const [data, err] = yield* callLua(receive, sock, want);
    if (typeof data !== "string") return [undefined, err];
    remaining -= want;
    if (remaining === 0) yield* callLua(receive, sock, 2);
    return data;
  });
}

/**
 * get_client_body_reader(chunksize, sock): the client's body streamed from ngx.req.socket
 * (or the socket given), never whole in memory; nil without a body, nil, err when the
 * socket cannot be had (the body was already read, a chunked body), as lua-resty-http.
 */
export function* getClientBodyReader(env: HttpEnv, chunksize: LuaValue, sock: LuaValue): Gen {
  const chunk = Math.max(1, Math.floor(toNumber(chunksize) ?? 65536));
  const ngx = ngxOf(env);
  const req = index(ngx, "req");
  if (sock === undefined) {
    let got: LuaValue[];
    try {
      got = yield* callLua(index(req, "socket"));
    } catch (e) {
      // lua-resty-http calls it through pcall: a raised error comes back as nil, err.
      if (e instanceof LuaError) return [undefined, e.value];
      throw e;
    }
    if (got[0] === undefined || got[0] === false) return got[1] === "no body" ? undefined : [undefined, got[1]];
    sock = got[0];
  }
  const [headers] = yield* callLua(index(req, "get_headers"));
  const length = headers instanceof LuaTable ? index(headers, "content_length") : undefined;
  const te = headers instanceof LuaTable ? index(headers, "transfer_encoding") : undefined;
  if (length !== undefined) return lengthReader(sock, toNumber(length) ?? 0, chunk);
  if (te !== undefined && str(te instanceof LuaTable ? te.get(1) : te).toLowerCase().includes("chunked")) return chunkedReader(sock, chunk);
  return undefined;
}

/** A reader over a body nginx has read: in memory, or in its temporary file, a chunk at a time. */
function bufferedReader(data: string | undefined, file: string | undefined, chunk: number): LuaValue {
  let pos = 0;
  let fd: number | undefined;
  return deadAfterEnd(function* (): Gen {
    if (data !== undefined) {
      if (pos >= data.length) return undefined;
      const piece = data.slice(pos, pos + chunk);
      pos += piece.length;
      return piece;
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

/**
 * A client body ngx.req.socket refuses (chunked, or already read: lua_need_request_body,
 * ngx.req.read_body): read by nginx's rules (memory or the temporary file) and sent with its
 * length (lua-resty-http would forward the body's headers without the body, and the upstream
 * would wait for it). Returns the reader and the headers to send.
 */
function* bodyFallback(req: LuaValue, headers: LuaTable, chunk: number): Gen<[LuaValue, LuaTable]> {
  yield* callLua(index(req, "read_body"));
  const [data] = yield* callLua(index(req, "get_body_data"));
  const [file] = yield* callLua(index(req, "get_body_file"));
  const path = typeof file === "string" ? file : undefined;
  const length = typeof data === "string" ? data.length : path !== undefined ? statSync(path).size : 0;
  const out = new LuaTable();
  let k: LuaValue = undefined;
  for (let e = headers.next(k); e; e = headers.next(k)) {
    k = e[0];
    if (str(k).toLowerCase() !== "transfer-encoding") out.set(k, e[1]);
  }
  out.setStr("content-length", String(length));
  return [bufferedReader(typeof data === "string" ? data : undefined, path, chunk), out];
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
  let body = yield* getClientBodyReader(env, chunksize, undefined);
  let [headers] = yield* callLua(index(req, "get_headers"));
  if (Array.isArray(body) && headers instanceof LuaTable) {
    const chunk = Math.max(1, Math.floor(toNumber(chunksize) ?? 65536));
    [body, headers] = yield* bodyFallback(req, headers, chunk);
  }
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
