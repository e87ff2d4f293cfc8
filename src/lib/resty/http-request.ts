// Sending one request of resty.http over its connection and making the Lua response table
// (status, reason, headers, has_body, body_reader, read_body, read_trailers). The request
// line and headers follow lua-resty-http's rules (default Host and User-Agent, Content-Length
// from the body); undici writes them. Bodies from a Lua function stream through a
// PassThrough at the pace the connection takes them.
import { PassThrough } from "node:stream";
import { LuaTable } from "../../lua/runtime/table.js";
import { callable, index, tostring, values } from "../../lua/runtime/ops.js";
import { numberToString, toNumber } from "../../lua/runtime/convert.js";
import type { LuaFunction, LuaResult, LuaValue, Suspension } from "../../lua/runtime/value.js";
import { encodeArgs } from "../../ngx/encoding.js";
import { yieldAcrossC } from "../../ngx/async/phase.js";
import type { HttpConn } from "./http-conn.js";
import { failureText, ResponseStream, type ReadResult } from "./http-response.js";
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
/** Headers undici writes itself or refuses; their meaning is kept by other means. */
const UNDICI_OWNED = new Set(["transfer-encoding", "keep-alive", "upgrade", "expect"]);

const asciiUpper = (s: string): string => s.replace(/[a-z]+/g, (m) => m.toUpperCase());

/** A Lua value as the text tostring gives (numbers as Lua formats them). */
export function str(v: LuaValue): string {
  return typeof v === "number" ? numberToString(v) : tostring(v);
}

interface Prepared {
  readonly method: string;
  readonly path: string;
  readonly headers: string[];
  readonly body: Buffer | PassThrough | null;
  readonly bodyFn: LuaValue;
}

/** The request as undici takes it, or lua-resty-http's error text. */
function prepare(ctx: RequestCtx, params: LuaTable): Prepared | string {
  const method = asciiUpper(str(index(params, "method") ?? "GET"));
  const path = str(index(params, "path") ?? "/");
  let query = index(params, "query") ?? "";
  if (query instanceof LuaTable) query = encodeArgs(query);
  let q = str(query);
  if (q !== "" && q[0] !== "?") q = "?" + q;

  // Case-insensitive merge of the given headers (the last spelling's value wins a name).
  const given = new Map<string, [string, LuaValue]>();
  const ph = index(params, "headers");
  if (ph instanceof LuaTable) {
    let k: LuaValue = undefined;
    for (let e = ph.next(k); e; e = ph.next(k)) {
      k = e[0];
      const name = str(k).replace(/_/g, "-");
      const norm = name.toLowerCase();
      const prev = given.get(norm);
      given.set(norm, [prev?.[0] ?? name, e[1]]);
    }
  }
  const body = index(params, "body");
  const te = given.get("transfer-encoding")?.[1];
  const chunked = te !== undefined && (te instanceof LuaTable ? tableJoin(te) : str(te)).toLowerCase().includes("chunked");
  if (chunked) given.delete("content-length");
  else if (!given.has("content-length")) {
    let len: number | undefined;
    if (typeof body === "function") return "Request body is a function but a length or chunked encoding is not specified";
    if (body instanceof LuaTable) {
      len = 0;
      for (let i = 1; body.get(i) !== undefined; i++) len += Buffer.byteLength(str(body.get(i)), "latin1");
    } else if (body === undefined && EXPECTING_BODY.has(method)) len = 0;
    else if (body !== undefined) len = str(body).length;
    if (len !== undefined) given.set("content-length", ["Content-Length", len]);
  }
  if (!given.has("host")) {
    if (ctx.host.startsWith("unix:") || ctx.port === undefined && ctx.host.startsWith("/")) {
      return "Unable to generate a useful Host header for a unix domain socket. Please provide one.";
    }
    const std = ctx.ssl ? 443 : 80;
    given.set("host", ["Host", ctx.port !== undefined && ctx.port !== std ? `${ctx.host}:${ctx.port}` : ctx.host]);
  }
  if (!given.has("user-agent")) given.set("user-agent", ["User-Agent", ctx.userAgent]);
  if (!given.has("proxy-authorization") && ctx.proxyAuth !== undefined) given.set("proxy-authorization", ["Proxy-Authorization", ctx.proxyAuth]);

  const headers: string[] = [];
  for (const [norm, [name, v]] of given) {
    if (UNDICI_OWNED.has(norm)) continue;
    if (v instanceof LuaTable) {
      let k: LuaValue = undefined;
      for (let e = v.next(k); e; e = v.next(k)) {
        k = e[0];
        headers.push(name, str(e[1]));
      }
    } else if (v !== undefined) headers.push(name, str(v));
  }

  let payload: Buffer | PassThrough | null = null;
  if (typeof body === "function") payload = new PassThrough();
  else if (body instanceof LuaTable) {
    const parts: Buffer[] = [];
    for (let i = 1; body.get(i) !== undefined; i++) parts.push(Buffer.from(str(body.get(i)), "latin1"));
    payload = Buffer.concat(parts);
  } else if (body !== undefined) payload = Buffer.from(str(body), "latin1");
  return { method, path: ctx.pathPrefix + path + q, headers, body: payload, bodyFn: typeof body === "function" ? body : undefined };
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
 * Send `params`: the request is handed to undici and, with `waitSent`, written out. Returns
 * the response to come, or the Lua failure (nil, err[, partial]).
 */
export function* sendRequest(ctx: RequestCtx, params: LuaTable, waitSent: boolean): Gen<ResponseStream | LuaValue[]> {
  const p = prepare(ctx, params);
  if (typeof p === "string") return [undefined, p];
  const resp = new ResponseStream();
  try {
    ctx.conn.client.dispatch({ path: p.path, method: p.method, headers: p.headers, body: p.body, headersTimeout: 0, bodyTimeout: 0 }, resp);
  } catch (e) {
    return [undefined, failureText(e)];
  }
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
