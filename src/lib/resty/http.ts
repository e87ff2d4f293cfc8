// require "resty.http": lua-resty-http 0.17's API on our own HTTP/1.x client (http-wire.ts). An `http.new()` object owns at
// most one connection (http-conn.ts), bound to the request that made it as a cosocket is;
// its methods are builtins whose suspendable forms wait on Promises that always resolve,
// and failures come back as nil, err with the cosocket's words.
import { LuaTable } from "../../lua/runtime/table.js";
import { luaError } from "../../lua/runtime/error.js";
import { index } from "../../lua/runtime/ops.js";
import { numberToString, toNumber, typeName } from "../../lua/runtime/convert.js";
import type { LuaFunction, LuaResult, LuaUserdata, LuaValue } from "../../lua/runtime/value.js";
import { badSelf, moduleTable, named } from "../util.js";
import { httpEnv, type HttpEnv } from "./http-env.js";
import { openConn, poolPut, type ConnTarget, type HttpConn } from "./http-conn.js";
import type { ResponseStream } from "./http-response.js";
import { luaFn, readHead, responseTable, sendRequest, str, wait, type Gen, type RequestCtx } from "./http-request.js";
import { getClientBodyReader, proxyRequestParams, proxyResponse } from "./http-proxy.js";

const VERSION = "0.17.2";
const USER_AGENT = `lua-resty-http/${VERSION} (Lua) ngx_lua/10023`;

/** An SSL session, as connect returns it (a userdata to pass back as ssl_reused_session). */
class SslSession implements LuaUserdata {
  readonly mt = undefined;
  readonly luaTypeName = "userdata";
  constructor(readonly data: Buffer) {}
}

/** One `http.new()` object. */
export class HttpClient extends LuaTable {
  conn: HttpConn | undefined = undefined;
  resp: ResponseStream | undefined = undefined;
  /** Requests sent whose response heads are not read yet (send_request, request_pipeline). */
  readonly pending: ResponseStream[] = [];
  /** lua-resty-http's self.keepalive: false once the server said `Connection: close`. */
  keepalive = true;
  host = "";
  port: number | undefined = undefined;
  ssl = false;
  connectTimeout: number;
  sendTimeout: number;
  readTimeout: number;
  poolSize: number | undefined = undefined;
  /** set_proxy_options' table. */
  proxyOpts: LuaTable | undefined = undefined;
  /** Through an http proxy: the request target's "http://host:port" and Proxy-Authorization. */
  pathPrefix = "";
  proxyAuth: string | undefined = undefined;
  private cleanupSet = false;

  constructor(readonly env: HttpEnv) {
    super();
    this.connectTimeout = env.settings.socketConnectTimeout;
    this.sendTimeout = env.settings.socketSendTimeout;
    this.readTimeout = env.settings.socketReadTimeout;
  }

  /** Close the connection (not a pooled one: it is no longer ours). */
  closeConn(): void {
    this.resp?.abort("closed");
    this.resp = undefined;
    for (const p of this.pending.splice(0)) p.abort("closed");
    this.conn?.close();
    this.conn = undefined;
  }

  adopt(conn: HttpConn): void {
    this.conn = conn;
    this.resp = undefined;
    if (!this.cleanupSet) {
      this.cleanupSet = true;
      // As a cosocket: a connection not put into a pool closes with its request.
      this.env.onCleanup(() => this.closeConn());
    }
  }

  log(msg: string): void {
    if (this.env.settings.socketLogErrors) this.env.log(4, msg);
  }

  ctx(conn: HttpConn): RequestCtx {
    return {
      conn, host: this.host, port: this.port, ssl: this.ssl,
      sendTimeout: this.sendTimeout, readTimeout: this.readTimeout, userAgent: USER_AGENT,
      pathPrefix: this.pathPrefix, proxyAuth: this.proxyAuth,
      log: (m) => this.log(m),
    };
  }
}

/** The object's checks, as a cosocket makes them: its phase and its request. */
function client(self: LuaValue): HttpClient {
  if (!(self instanceof HttpClient)) return badSelf(self);
  const env = httpEnv();
  if (env.refused !== undefined) luaError(`API disabled in the context of ${env.refused}`);
  if (self.env.owner !== env.owner) luaError("bad request");
  return self;
}

function timeoutArg(v: LuaValue, fname: string): number {
  if (v === undefined) return 0;
  const n = toNumber(v);
  if (n === undefined) return luaError(`bad argument #2 to '${fname}' (number expected, got ${typeName(v)})`);
  return n < 0 ? 0 : n;
}

// ---------------------------------------------------------------- connect

function* connectTo(c: HttpClient, t: ConnTarget): Gen<LuaValue[] | undefined> {
  c.closeConn();
  const log = c.env.settings.socketLogErrors ? (m: string): void => c.env.log(4, m) : undefined;
  const r = yield* wait(openConn(t, { connect: c.connectTimeout, read: c.readTimeout, log }));
  if (Array.isArray(r)) return [undefined, ...r];
  c.adopt(r);
  return undefined;
}

/** no_proxy: "*", or hosts and domains ("example.com" also covers "www.example.com"). */
function noProxy(list: string, host: string): boolean {
  if (list === "*") return true;
  const set = new Set([...list.matchAll(/\.?([^,]+)/g)].map((m) => m[1]!));
  let h = host;
  for (;;) {
    if (set.has(h)) return true;
    h = h.replace(/^[^.]+\./, "");
    if (!h.includes(".")) return false;
  }
}

interface ProxyChoice {
  readonly uri: string;
  readonly authorization: string | undefined;
}

/** The proxy lua-resty-http would use for scheme://host, from proxy options. */
function proxyFor(opts: LuaValue, scheme: LuaValue, host: string): ProxyChoice | undefined {
  if (!(opts instanceof LuaTable)) return undefined;
  const https = scheme === "https";
  const uri = index(opts, https ? "https_proxy" : "http_proxy");
  if (uri === undefined) return undefined;
  const np = index(opts, "no_proxy");
  if (np !== undefined && noProxy(str(np), host)) return undefined;
  const auth = index(opts, https ? "https_proxy_authorization" : "http_proxy_authorization");
  return { uri: str(uri), authorization: auth === undefined ? undefined : str(auth) };
}

/** connect(options): scheme, host, port, pool, pool_size, ssl_server_name, ssl_verify. */
function* connectTable(c: HttpClient, o: LuaTable): Gen {
  const scheme = index(o, "scheme");
  const host = index(o, "host");
  let port = index(o, "port");
  if (scheme !== undefined && port === undefined) port = scheme === "https" ? 443 : 80;
  else if (port !== undefined && scheme === undefined) return [undefined, "'scheme' is required when providing a port"];
  if (typeof host !== "string") return luaError(`attempt to concatenate local 'request_host' (a ${typeName(host)} value)`);
  const ssl = scheme === "https";
  const sni = ssl ? index(o, "ssl_server_name") : undefined;
  const verify = ssl ? index(o, "ssl_verify") !== false : undefined;
  const reuse = index(o, "ssl_reused_session");
  const portNum = port === undefined ? undefined : toNumber(port);
  const proxy = proxyFor(index(o, "proxy_opts") ?? c.proxyOpts, scheme, host);
  let via: ConnTarget["proxy"];
  if (proxy !== undefined) {
    const pu = parseUri(c.env, proxy.uri, true);
    if (!(pu instanceof LuaTable)) return [undefined, "uri parse error: ", Array.isArray(pu) ? pu[1] : undefined];
    if (pu.get(1) !== "http") return [undefined, `protocol ${str(pu.get(1))} not supported for proxy connections`];
    via = { host: str(pu.get(2)), port: toNumber(pu.get(3)) ?? 80, authorization: proxy.authorization };
  }
  let pool = index(o, "pool");
  if (pool === undefined) {
    pool = `${scheme === undefined ? "" : str(scheme)}:${host}:${port === undefined ? "nil" : str(port)}:${ssl ? "true" : "nil"}:${sni === undefined ? "" : str(sni)}:${verify === undefined ? "nil" : String(verify)}:${proxy?.uri ?? ""}:${ssl ? proxy?.authorization ?? "" : ""}`;
  }
  const size = toNumber(index(o, "pool_size"));
  c.poolSize = size !== undefined && size > 0 ? Math.floor(size) : undefined;
  const unix = portNum === undefined;
  const err = yield* connectTo(c, {
    host: unix && host.startsWith("unix:") ? host.slice(5) : host,
    port: portNum,
    ssl,
    serverName: sni === undefined ? undefined : str(sni),
    verify: verify === true,
    pool: str(pool),
    session: ssl && reuse instanceof SslSession ? reuse.data : undefined,
    proxy: via,
    userAgent: USER_AGENT,
  });
  if (err !== undefined) return err;
  // Through a proxy, plain http asks for absolute URIs and carries the authorization itself.
  c.pathPrefix = via !== undefined && !ssl ? `http://${host}${portNum === 80 ? "" : `:${portNum}`}` : "";
  c.proxyAuth = via !== undefined && !ssl ? proxy?.authorization : undefined;
  c.host = host;
  c.port = portNum;
  c.ssl = ssl;
  c.keepalive = true;
  // A new https connection answers its session (a pooled one has done its handshake).
  const session = ssl && c.conn?.reused === 0 ? c.conn.tlsSession : undefined;
  return session !== undefined ? [true, undefined, new SslSession(session)] : [true, undefined];
}

/** The older connect(host, port, options) and connect("unix:/path", options). */
function* connectPlain(c: HttpClient, a: LuaValue[]): Gen {
  const target = a[0];
  if (typeof target !== "string") return luaError(`bad argument #1 to 'connect' (string expected, got ${typeName(target)})`);
  let port: number | undefined;
  let opts: LuaValue;
  let host = target;
  if (target.startsWith("unix:")) {
    host = target.slice(5);
    opts = a[1];
  } else {
    const p = toNumber(a[1]);
    if (p === undefined) return luaError(`bad argument #2 to 'connect' (number expected, got ${typeName(a[1])})`);
    if (p < 0 || p > 65535 || Math.floor(p) !== p) return [undefined, `bad port number: ${numberToString(p)}`];
    port = p;
    opts = a[2];
  }
  let pool = port === undefined ? target : `${host}:${port}`;
  if (opts instanceof LuaTable) {
    const pn = opts.getStr("pool");
    if (typeof pn === "string" || typeof pn === "number") pool = str(pn);
    const size = toNumber(opts.getStr("pool_size"));
    c.poolSize = size !== undefined && size > 0 ? Math.floor(size) : undefined;
  }
  const err = yield* connectTo(c, { host, port, ssl: false, serverName: undefined, verify: false, pool, proxy: undefined, userAgent: USER_AGENT });
  if (err !== undefined) return err;
  c.pathPrefix = "";
  c.proxyAuth = undefined;
  c.host = target;
  c.port = typeof a[1] === "number" ? a[1] : undefined;
  c.ssl = false;
  c.keepalive = true;
  return 1;
}

// ---------------------------------------------------------------- request

/** send_request(params): the request goes out; its response waits in the object's queue. */
function* sendOne(c: HttpClient, params: LuaValue, waitSent: boolean): Gen<LuaValue[] | ResponseStream> {
  if (!(params instanceof LuaTable)) return luaError(`bad argument #1 to 'setmetatable' (table expected, got ${typeName(params)})`);
  const conn = c.conn;
  if (conn === undefined) return [undefined, "closed"];
  // A previous response nobody finished reading is dropped, so the connection moves on.
  if (c.resp !== undefined && !c.resp.drained && c.pending.length === 0) c.resp.discard();
  const r = yield* sendRequest(c.ctx(conn), params, waitSent);
  if (Array.isArray(r)) {
    if (r[1] === "timeout" || !conn.alive) c.closeConn();
    return r;
  }
  c.pending.push(r);
  return r;
}

/** read_response for one sent request: the response table, or nil, err. */
function* readResponse(c: HttpClient, params: LuaValue, resp: ResponseStream | undefined): Gen {
  const conn = c.conn;
  if (conn === undefined) return [undefined, "closed"];
  const r = resp ?? c.pending[0];
  if (r === undefined) return [undefined, "timeout"];
  c.pending.splice(c.pending.indexOf(r), 1);
  const failed = yield* readHead(c.ctx(conn), r);
  if (failed !== undefined) {
    if (failed[1] === "timeout" || !conn.alive) c.closeConn();
    return failed;
  }
  c.resp = r;
  const m = params instanceof LuaTable ? index(params, "method") : undefined;
  const res = responseTable(c.ctx(conn), r, str(m ?? "GET").toUpperCase());
  const connection = index(res.getStr("headers"), "Connection");
  if (typeof connection === "string" && connection.toLowerCase().includes("close")) c.keepalive = false;
  return res;
}

/** request(params): send, read the status and headers, and return the response table. */
export function* request(c: HttpClient, params: LuaValue): Gen {
  const sent = yield* sendOne(c, params, true);
  if (Array.isArray(sent)) return sent;
  return yield* readResponse(c, params, sent);
}

/** request_pipeline(requests): all sent, then each response read when first touched. */
function* requestPipeline(c: HttpClient, requests: LuaValue): Gen {
  if (!(requests instanceof LuaTable)) return luaError(`bad argument #1 to 'ipairs' (table expected, got ${typeName(requests)})`);
  const list: LuaValue[] = [];
  for (let i = 1; requests.get(i) !== undefined; i++) list.push(requests.get(i));
  for (const p of list) {
    const h = p instanceof LuaTable ? p.getStr("headers") : undefined;
    if (h instanceof LuaTable && h.getStr("Expect") === "100-continue") return [undefined, "Cannot pipeline request specifying Expect: 100-continue"];
  }
  const sent: ResponseStream[] = [];
  for (const p of list) {
    const r = yield* sendOne(c, p, false);
    if (Array.isArray(r)) return r;
    sent.push(r);
  }
  const responses = new LuaTable();
  list.forEach((p, i) => {
    const t = new LuaTable();
    t.setStr("params", p);
    t.setStr("response_read", false);
    const mt = new LuaTable();
    mt.setStr("__index", luaFn("__index", function* (self: LuaValue, k: LuaValue): Gen {
      if (t.getStr("response_read") === false) {
        const res = yield* readResponse(client(c), p, sent[i]);
        t.setStr("response_read", true);
        if (res instanceof LuaTable) {
          let key: LuaValue = undefined;
          for (let e = res.next(key); e; e = res.next(key)) {
            key = e[0];
            t.set(key, e[1]);
          }
        } else c.env.log(4, str(Array.isArray(res) ? res[1] : res));
      }
      return self instanceof LuaTable ? self.get(k) : undefined;
    }));
    t.mt = mt;
    responses.set(i + 1, t);
  });
  return responses;
}

// ---------------------------------------------------------------- keepalive, close

function setKeepalive(c: HttpClient, timeout: LuaValue, size: LuaValue): LuaResult {
  const conn = c.conn;
  if (conn === undefined) return [undefined, "closed"];
  if (!c.keepalive || !conn.alive) {
    // The server said the connection must close (or closed it): lua-resty-http closes it and answers 2.
    const clean = c.resp === undefined || c.resp.error === undefined;
    c.closeConn();
    return clean ? [2, "connection must be closed"] : [undefined, "closed"];
  }
  if (c.pending.length > 0 || (c.resp !== undefined && !c.resp.drained)) {
    c.closeConn();
    return [undefined, "unread data in buffer"];
  }
  const s = c.env.settings;
  let t = s.socketKeepaliveTimeout;
  if (timeout !== undefined) {
    const n = toNumber(timeout);
    if (n === undefined || n < 0) return luaError("bad argument #2 to 'setkeepalive' (bad timeout)");
    t = n;
  }
  let poolSize = c.poolSize ?? s.socketPoolSize;
  if (size !== undefined) {
    const n = toNumber(size);
    if (n === undefined || n <= 0) return luaError(`bad "pool_size" option value: ${str(size)}`);
    poolSize = Math.floor(n);
  }
  c.conn = undefined;
  c.resp = undefined;
  poolPut(conn, t, poolSize);
  return 1;
}

// ---------------------------------------------------------------- parse_uri

const URI = /^(?:(https?):)?\/\/((?:[^[\]:/?]+)|(?:\[.+\]))(?::(\d+))?([^?]*)\??(.*)/;

/** parse_uri(uri, query_in_path): { scheme, host, port, path, query } or nil, "bad uri: ...". */
function parseUri(env: HttpEnv, uri: LuaValue, queryInPath: LuaValue): LuaResult {
  if (typeof uri !== "string" && typeof uri !== "number") return luaError(`bad argument #1 to 'match' (string expected, got ${typeName(uri)})`);
  const u = str(uri);
  const m = URI.exec(u);
  if (m === null) return [undefined, `bad uri: ${u}`];
  let scheme = m[1];
  if (scheme === undefined) {
    let s: LuaValue;
    try {
      s = env.ngx === undefined ? undefined : index(index(env.ngx, "var"), "scheme");
    } catch {
      s = undefined;
    }
    if (s !== "http" && s !== "https") return [undefined, `schemaless URIs require a request context: ${u}`];
    scheme = s;
  }
  const port = m[3] !== undefined ? Number(m[3]) : scheme === "https" ? 443 : 80;
  let path = m[4] === undefined || m[4] === "" ? "/" : m[4];
  let query: string | undefined = m[5] ?? "";
  if (queryInPath !== false && query !== "") {
    path = `${path}?${query}`;
    query = undefined;
  }
  const t = new LuaTable([scheme, m[2], port, path, query]);
  t.set(0, m[0]);
  return t;
}

// ---------------------------------------------------------------- request_uri

function* requestUri(c: HttpClient, uri: LuaValue, p: LuaValue): Gen {
  const params = p instanceof LuaTable ? p.clone() : new LuaTable();
  const parsed = parseUri(c.env, uri, false);
  if (!(parsed instanceof LuaTable)) return parsed;
  params.setStr("scheme", parsed.get(1));
  params.setStr("host", parsed.get(2));
  params.setStr("port", parsed.get(3));
  if (params.getStr("path") === undefined) params.setStr("path", parsed.get(4));
  if (params.getStr("query") === undefined) params.setStr("query", parsed.get(5));
  if (params.getStr("ssl_server_name") === undefined) params.setStr("ssl_server_name", parsed.get(2));
  if (c.proxyOpts !== undefined) {
    const po = c.proxyOpts.clone();
    const h = params.getStr("headers");
    const auth = h instanceof LuaTable ? h.getStr("Proxy-Authorization") : undefined;
    if (auth !== undefined) {
      po.setStr("https_proxy_authorization", auth);
      po.setStr("http_proxy_authorization", auth);
    }
    params.setStr("proxy_opts", po);
  }
  // The pool belongs to connect(); keepalive_pool is set_keepalive's pool size.
  const conn = yield* connectTable(c, params);
  if (!Array.isArray(conn) || conn[0] !== true) return conn;
  const res = yield* request(c, params);
  if (!(res instanceof LuaTable)) {
    c.closeConn();
    return res;
  }
  const body = yield* (res.getStr("read_body") as LuaFunction).$g!(res);
  const b = Array.isArray(body) ? body[0] : body;
  if (typeof b !== "string") {
    c.closeConn();
    return [undefined, Array.isArray(body) ? body[1] : undefined];
  }
  res.setStr("body", b);
  if (params.getStr("keepalive") === false) {
    c.closeConn();
  } else {
    const k = setKeepalive(c, params.getStr("keepalive_timeout"), params.getStr("keepalive_pool"));
    if (Array.isArray(k) && k[0] === undefined) c.env.log(4, str(k[1]));
  }
  return res;
}

// ---------------------------------------------------------------- the module

type Method = (c: HttpClient, ...a: LuaValue[]) => Gen;

const METHODS: Record<string, Method> = {
  *connect(c, ...a) {
    return a[0] instanceof LuaTable ? yield* connectTable(c, a[0]) : yield* connectPlain(c, a);
  },
  *set_timeout(c, t) {
    c.connectTimeout = c.sendTimeout = c.readTimeout = timeoutArg(t, "settimeout");
    return [];
  },
  *set_timeouts(c, ct, st, rt) {
    c.connectTimeout = timeoutArg(ct, "settimeouts");
    c.sendTimeout = timeoutArg(st, "settimeouts");
    c.readTimeout = timeoutArg(rt, "settimeouts");
    return [];
  },
  *set_proxy_options(c, opts) {
    c.proxyOpts = opts instanceof LuaTable ? opts.clone() : undefined;
    return [];
  },
  *get_proxy_uri(c, scheme, host) {
    if (c.proxyOpts === undefined) return undefined;
    return proxyFor(c.proxyOpts, scheme, str(host))?.uri;
  },
  *set_keepalive(c, t, n) {
    return setKeepalive(c, t, n);
  },
  *get_reused_times(c) {
    return c.conn === undefined ? [undefined, "closed"] : c.conn.reused;
  },
  *close(c) {
    if (c.conn === undefined) return [undefined, "closed"];
    c.closeConn();
    return 1;
  },
  request: (c, params) => request(c, params),
  *send_request(c, params) {
    const r = yield* sendOne(c, params, true);
    return Array.isArray(r) ? r : true;
  },
  read_response: (c, params) => readResponse(c, params, undefined),
  request_pipeline: (c, requests) => requestPipeline(c, requests),
  request_uri: (c, uri, params) => requestUri(c, uri, params),
  *proxy_request(c, chunksize) {
    const params = yield* proxyRequestParams(c.env, chunksize);
    if (!(params instanceof LuaTable)) return params;
    return yield* request(c, params);
  },
};

/** require "resty.http". */
export function makeRestyHttp(): LuaValue {
  const mod = moduleTable({}, { _VERSION: VERSION, _USER_AGENT: USER_AGENT });
  const mt = new LuaTable();
  mt.setStr("__index", mod);
  for (const [name, impl] of Object.entries(METHODS)) {
    mod.setStr(name, luaFn(name, (self, ...a) => impl(client(self), ...a)));
  }
  mod.setStr("new", named("new", ((): LuaResult => {
    const env = httpEnv();
    if (env.refused !== undefined) luaError(`API disabled in the context of ${env.refused}`);
    const c = new HttpClient(env);
    c.mt = mt;
    return c;
  }) as LuaFunction));
  mod.setStr("parse_uri", named("parse_uri", ((_self: LuaValue, uri: LuaValue, q: LuaValue): LuaResult => parseUri(httpEnv(), uri, q)) as LuaFunction));
  mod.setStr("debug", named("debug", ((): LuaResult => []) as LuaFunction));
  mod.setStr("get_client_body_reader", luaFn("get_client_body_reader", (_self, chunksize, sock) => getClientBodyReader(httpEnv(), chunksize, sock)));
  mod.setStr("proxy_response", luaFn("proxy_response", (_self, res, chunksize) => proxyResponse(httpEnv(), res, chunksize)));
  mod.setStr("transfer_encoding_is_chunked", named("transfer_encoding_is_chunked", ((h: LuaValue): LuaResult => {
    const te = h instanceof LuaTable ? index(h, "Transfer-Encoding") : undefined;
    if (te === undefined) return false;
    const s = te instanceof LuaTable ? [...Array(te.length()).keys()].map((i) => str(te.get(i + 1))).join(",") : str(te);
    return s.toLowerCase().includes("chunked");
  }) as LuaFunction));
  return mod;
}
