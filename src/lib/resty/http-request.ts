// Sending one request of resty.http over its connection and making the Lua response table
// (status, reason, headers, has_body, body_reader, read_body, read_trailers). The request
// line and headers are formed byte for byte as lua-resty-http forms them (default Host and
// User-Agent, Content-Length from the body, its header table's spellings) and written by
// http-wire.ts. Bodies from a Lua function stream through a PassThrough at the pace the
// connection takes them, unframed, as lua-resty-http sends them.
import { PassThrough } from "node:stream";
import { LuaTable } from "../../lua/runtime/table.js";
import { callable, index, tostring, values } from "../../lua/runtime/ops.js";
import { numberToString, toNumber } from "../../lua/runtime/convert.js";
import type { LuaFunction, LuaResult, LuaValue, Suspension } from "../../lua/runtime/value.js";
import { encodeArgs } from "../../ngx/encoding.js";
import { yieldAcrossC } from "../../ngx/async/phase.js";
import type { HttpConn } from "./http-conn.js";
import { ResponseStream, type ReadResult } from "./http-response.js";
import { headerGet, headersFromRaw } from "./http-headers.js";

export type Gen<T = LuaResult> = Generator<Suspension, T, unknown>;

/** Call a Lua value from a generator, waiting as it waits. */
export function* callLua(f: LuaValue, ...args: LuaValue[]): Gen<LuaValue[]> {
  const fn = callable(f, undefined);
  const r = fn.$g !== undefined ? yield* fn.$g(...args) : fn(...args);
  return values(r);
}

/** Yield a Promise to the thread's driver and get its value back. */
export function* wait<T>(p: Promise<T>): Gen<T> {
  return (yield p) as T;
}

/** A Lua function whose plain form refuses to wait (it runs where Lua cannot yield). */
export function luaFn(name: string, gen: (...a: LuaValue[]) => Gen): LuaFunction {
  const f = ((...a: LuaValue[]): LuaResult => {
    const g = gen(...a);
    const r = g.next();
    if (r.done === true) return r.value;
    void g.return([]);
    return yieldAcrossC();
  }) as LuaFunction;
  f.$g = gen;
  f.$name = name;
  return f;
}

/** The connection's side that requests need: timeouts, the keepalive verdict, logging. */
export interface RequestCtx {
  readonly conn: HttpConn;
  readonly host: string;
  readonly port: number | undefined;
  readonly ssl: boolean;
  readonly sendTimeout: number;
  readonly readTimeout: number;
  readonly userAgent: string;
  /** Through an http proxy: "http://host[:port]" before the path, and the proxy's authorization. */
  readonly pathPrefix: string;
  readonly proxyAuth: string | undefined;
  log(msg: string): void;
}

const EXPECTING_BODY = new Set(["POST", "PUT", "PATCH"]);
/** What lua-resty-http refuses in the request line and headers (it would let them split the request). */
const CRLF = /[\r\n]/;

const asciiUpper = (s: string): string => s.replace(/[a-z]+/g, (m) => m.toUpperCase());

/** A Lua value as the text tostring gives (numbers as Lua formats them). */
export function str(v: LuaValue): string {
  return typeof v === "number" ? numberToString(v) : tostring(v);
}

interface Prepared {
  readonly method: string;
  /** The request line and headers as lua-resty-http writes them (latin1). */
  readonly head: string;
  readonly body: Buffer | PassThrough | null;
  readonly bodyFn: LuaValue;
  readonly expectContinue: boolean;
}

/**
 * lua-resty-http's headers table (resty.http_headers): names with '_' written as '-', looked
 * up case-insensitively, each kept in the spelling it was first set with, in the order first
 * set. (The original writes them in `pairs` order, which LuaJIT leaves undefined and varies
 * from run to run; the order they were set in is the one a reader of its code expects.)
 */
class RequestHeaders {
  readonly map = new Map<string, [string, LuaValue]>();

  get(name: string): LuaValue {
    return this.map.get(name.toLowerCase())?.[1];
  }

  set(key: string, v: LuaValue): void {
    const name = key.replace(/_/g, "-");
    const norm = name.toLowerCase();
    const prev = this.map.get(norm);
    if (v === undefined) this.map.delete(norm);
    else this.map.set(norm, [prev?.[0] ?? name, v]);
  }
}

function chunkedIn(te: LuaValue): boolean {
  return te !== undefined && (te instanceof LuaTable ? tableJoin(te) : str(te)).toLowerCase().includes("chunked");
}

/** The request as lua-resty-http 0.17's send_request and _format_request make it, or its error text. */
function prepare(ctx: RequestCtx, params: LuaTable): Prepared | string {
  const method = asciiUpper(str(index(params, "method") ?? "GET"));
  const path = str(index(params, "path") ?? "/");
  const version = index(params, "version");
  let query = index(params, "query") ?? "";
  if (query instanceof LuaTable) query = "?" + encodeArgs(query);
  let q = str(query);
  if (q !== "" && q[0] !== "?") q = "?" + q;

  const headers = new RequestHeaders();
  const ph = index(params, "headers");
  if (ph instanceof LuaTable) {
    let k: LuaValue = undefined;
    for (let e = ph.next(k); e; e = ph.next(k)) {
      k = e[0];
      headers.set(str(k), e[1]);
    }
  }
  if (headers.get("Proxy-Authorization") === undefined && ctx.proxyAuth !== undefined) headers.set("Proxy-Authorization", ctx.proxyAuth);
  const body = index(params, "body");
  if (chunkedIn(headers.get("Transfer-Encoding"))) headers.set("Content-Length", undefined);
  else if (headers.get("Content-Length") === undefined) {
    if (typeof body === "function") return "Request body is a function but a length or chunked encoding is not specified";
    if (body instanceof LuaTable) {
      let len = 0;
      for (let i = 1; body.get(i) !== undefined; i++) len += str(body.get(i)).length;
      headers.set("Content-Length", len);
    } else if (body === undefined && EXPECTING_BODY.has(method)) headers.set("Content-Length", 0);
    else if (body !== undefined) headers.set("Content-Length", str(body).length);
  }
  if (headers.get("Host") === undefined) {
    if (ctx.host.startsWith("unix:") || ctx.port === undefined && ctx.host.startsWith("/")) {
      return "Unable to generate a useful Host header for a unix domain socket. Please provide one.";
    }
    const std = ctx.ssl ? 443 : 80;
    headers.set("Host", ctx.port !== undefined && ctx.port !== std ? `${ctx.host}:${ctx.port}` : ctx.host);
  }
  if (index(params, "use_default_user_agent") !== false && headers.get("User-Agent") === undefined) headers.set("User-Agent", ctx.userAgent);
  const http10 = version === 1.0 || version === 1;
  if (http10 && headers.get("Connection") === undefined) headers.set("Connection", "Keep-Alive");

  if (CRLF.test(path)) return "invalid characters found in path";
  if (CRLF.test(q)) return "invalid characters found in query";
  let head = `${method} ${ctx.pathPrefix}${path}${q} HTTP/1.${http10 ? "0" : "1"}\r\n`;
  for (const [name, v] of headers.map.values()) {
    if (CRLF.test(name)) return "invalid characters found in header key";
    const vs: LuaValue[] = [];
    if (v instanceof LuaTable) {
      let k: LuaValue = undefined;
      for (let e = v.next(k); e; e = v.next(k)) {
        k = e[0];
        vs.push(e[1]);
      }
    } else vs.push(v);
    for (const one of vs) {
      const text = str(one);
      if (CRLF.test(text)) return "invalid characters found in header value";
      head += `${name}: ${text}\r\n`;
    }
  }
  head += "\r\n";

  let payload: Buffer | PassThrough | null = null;
  if (typeof body === "function") payload = new PassThrough();
  else if (body instanceof LuaTable) {
    const parts: Buffer[] = [];
    for (let i = 1; body.get(i) !== undefined; i++) parts.push(Buffer.from(str(body.get(i)), "latin1"));
    payload = Buffer.concat(parts);
  } else if (body !== undefined) payload = Buffer.from(str(body), "latin1");
  return {
    method, head, body: payload, bodyFn: typeof body === "function" ? body : undefined,
    expectContinue: headers.get("Expect") === "100-continue",
  };
}

/** Push the Lua body function's chunks into the request stream. Returns an error result or undefined. */
function* pumpBody(ctx: RequestCtx, resp: ResponseStream, fn: LuaValue, out: PassThrough): Gen<LuaValue[] | undefined> {
  for (;;) {
    const [chunk, err, partial] = yield* callLua(fn);
    if (resp.done) return [undefined, resp.error ?? "closed"];
    if (chunk === undefined || chunk === false) {
      if (err !== undefined) {
        resp.abort(str(err));
        out.destroy();
        return [undefined, err, partial];
      }
      out.end();
      return undefined;
    }
    if (!out.write(Buffer.from(str(chunk), "latin1"))) {
      const drained = new Promise<boolean>((resolve) => {
        const done = (ok: boolean): void => {
          if (t !== undefined) clearTimeout(t);
          out.off("drain", onDrain);
          out.off("close", onDrain);
          resolve(ok);
        };
        const onDrain = (): void => done(true);
        const t = ctx.sendTimeout > 0 ? setTimeout(() => done(false), ctx.sendTimeout) : undefined;
        out.on("drain", onDrain);
        out.on("close", onDrain);
      });
      if (!(yield* wait(drained))) {
        ctx.log("lua tcp socket write timed out");
        resp.abort("timeout");
        return [undefined, "timeout"];
      }
    }
  }
}

/**
 * Send `params`: the request is handed to the connection and, with `waitSent`, written out. Returns
 * the response to come, or the Lua failure (nil, err[, partial]).
 */
export function* sendRequest(ctx: RequestCtx, params: LuaTable, waitSent: boolean): Gen<ResponseStream | LuaValue[]> {
  const p = prepare(ctx, params);
  if (typeof p === "string") return [undefined, p];
  const resp = new ResponseStream();
  ctx.conn.client.dispatch({ method: p.method, head: p.head, body: p.body, expectContinue: p.expectContinue }, resp);
  if (p.body instanceof PassThrough) {
    p.body.on("error", () => undefined);
    const failed = yield* pumpBody(ctx, resp, p.bodyFn, p.body);
    if (failed !== undefined) return failed;
  }
  if (waitSent && !(yield* wait(resp.waitFor(() => resp.sent || resp.done, ctx.sendTimeout)))) {
    ctx.log("lua tcp socket write timed out");
    resp.abort("timeout");
    return [undefined, "timeout"];
  }
  if (resp.done && !resp.hasHeaders) return [undefined, resp.error ?? "closed"];
  return resp;
}

/** Wait for the response head; the Lua failure, or undefined when it is there. */
export function* readHead(ctx: RequestCtx, resp: ResponseStream): Gen<LuaValue[] | undefined> {
  if (!(yield* wait(resp.waitFor(() => resp.hasHeaders || resp.done, ctx.readTimeout)))) {
    ctx.log("lua tcp socket read timed out");
    resp.abort("timeout");
    return [undefined, "timeout"];
  }
  if (!resp.hasHeaders) return [undefined, resp.error ?? "closed"];
  return undefined;
}

// ---------------------------------------------------------------- the Lua response

/** How body_reader() without a size reads: the rest (a length or the close ends it) or what came. */
type Whole = "rest" | "some";

function readerResult(r: ReadResult): LuaResult {
  if ("data" in r) return r.data.toString("latin1");
  if ("end" in r) return undefined;
  return [undefined, r.err];
}

/** The response table lua-resty-http's read_response returns. */
export function responseTable(ctx: RequestCtx, resp: ResponseStream, method: string): LuaTable {
  const headers = headersFromRaw(resp.rawHeaders);
  const hasBody = method !== "HEAD" && resp.status !== 204 && resp.status !== 304 && !(resp.status >= 100 && resp.status < 200);
  const te = headerGet(headers, "Transfer-Encoding");
  const chunked = te !== undefined && (te instanceof LuaTable ? tableJoin(te) : str(te)).toLowerCase().includes("chunked");
  const whole: Whole = chunked ? "some" : "rest";
  const onTimeout = (): void => ctx.log("lua tcp socket read timed out");

  let ended = 0; // 1: the end was reported once; 2: and again (the coroutine is dead)
  let gaveAny = false;
  const bodyReader = luaFn("body_reader", function* (size: LuaValue): Gen {
    if (!hasBody) return undefined;
    if (ended > 0) {
      ended = 2;
      return [undefined, "can't resume a dead coroutine"];
    }
    const n = size === undefined ? undefined : toNumber(size);
    const want = n !== undefined && n > 0 ? Math.floor(n) : whole === "rest" ? Infinity : undefined;
    // A chunked body gives what has arrived (at most `size`), as lua-resty-http gives at most
    // one chunk per call: streams (server-sent events) pass through as they come.
    const r = yield* wait(resp.read(want, ctx.readTimeout, onTimeout, chunked));
    if ("end" in r) {
      ended = 1;
      // A known length of 0 reads as "" first, as receive(0) does.
      if (!gaveAny && want === Infinity && !chunked) {
        gaveAny = true;
        ended = 0;
        return "";
      }
      return undefined;
    }
    gaveAny = true;
    if ("err" in r) ended = 1;
    return readerResult(r);
  });

  const res = new LuaTable();
  res.setStr("status", resp.status);
  res.setStr("reason", resp.reason);
  res.setStr("headers", headers);
  res.setStr("has_body", hasBody);
  res.setStr("body_reader", bodyReader);
  res.setStr("read_body", luaFn("read_body", function* (): Gen {
    if (!hasBody) return "";
    const r = yield* wait(resp.read(Infinity, ctx.readTimeout, onTimeout));
    if ("data" in r) return r.data.toString("latin1");
    if ("end" in r) return "";
    return [undefined, r.err, r.partial.toString("latin1")];
  }));
  if (headerGet(headers, "Trailer") !== undefined) {
    res.setStr("trailer_reader", luaFn("trailer_reader", function* (): Gen {
      yield* wait(resp.waitEnd(ctx.readTimeout));
      return headersFromRaw(resp.rawTrailers as Buffer[] | null);
    }));
  }
  res.setStr("read_trailers", luaFn("read_trailers", function* (self: LuaValue): Gen {
    const reader = self instanceof LuaTable ? self.getStr("trailer_reader") : undefined;
    if (reader === undefined) return [undefined, "no trailers"];
    const [trailers] = yield* callLua(reader);
    // As lua-resty-http: the headers' metatable becomes { __index = trailers }.
    const mt = new LuaTable();
    mt.setStr("__index", trailers);
    const h = self instanceof LuaTable ? self.getStr("headers") : undefined;
    if (h instanceof LuaTable) h.mt = mt;
    return [];
  }));
  return res;
}

function tableJoin(t: LuaTable): string {
  const out: string[] = [];
  for (let i = 1; t.get(i) !== undefined; i++) out.push(str(t.get(i)));
  return out.join(",");
}
