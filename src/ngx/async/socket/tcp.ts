// ngx.socket.tcp: the TCP cosocket on node:net (and node:tls for sslhandshake). Every
// operation that waits is a builtin whose generator form yields a Promise that always
// resolves, with the Lua results of the operation.
import * as net from "node:net";
import * as tls from "node:tls";
import { lookup } from "node:dns/promises";
import { LuaTable } from "../../../lua/runtime/table.js";
import { luaError } from "../../../lua/runtime/error.js";
import { numberToString, toNumber, typeName } from "../../../lua/runtime/convert.js";
import type { LuaFunction, LuaResult, LuaValue, LuaUserdata, Suspension } from "../../../lua/runtime/value.js";
import type { AsyncHost, AsyncRequest } from "../host.js";
import { yieldAcrossC } from "../phase.js";
import { running } from "../../../lua/runtime/coroutine.js";
import { RecvBuffer, sendBytes } from "./buffer.js";
import { poolGet, poolPut } from "./pool.js";
import { Waiter, logAs, ownSocket } from "./waiter.js";
import { chainTooDeep, crlsFor, handshakeFailedText, protocolRange, trustedCas } from "./tcp-ssl.js";

type Res = LuaResult | Promise<LuaResult>;

/** nginx's words for the errno of a failed socket call. */
export function errText(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case "ECONNREFUSED": return "connection refused";
    case "ECONNRESET": return "connection reset by peer";
    case "EPIPE": return "broken pipe";
    case "ETIMEDOUT": return "timeout";
    case "EHOSTUNREACH": return "no route to host";
    case "ENETUNREACH": return "network is unreachable";
    case "ENOENT": return "no such file or directory";
    case "EACCES": return "permission denied";
    case "ECONNABORTED": return "connection aborted";
    case "EADDRNOTAVAIL": return "cannot assign requested address";
    default: return (e as Error).message ?? String(e);
  }
}

const ERRNO: Record<string, string> = {
  ECONNREFUSED: "111: Connection refused", ECONNRESET: "104: Connection reset by peer",
  ENOENT: "2: No such file or directory", EHOSTUNREACH: "113: No route to host",
  ENETUNREACH: "101: Network is unreachable", EACCES: "13: Permission denied",
};

/** A failed syscall's "(errno: strerror)" as nginx logs it. */
export function errnoText(e: Error): string {
  return ERRNO[(e as { code?: string }).code ?? ""] ?? e.message;
}

/** An SSL session, as sslhandshake returns it (a userdata). */
class SslSession implements LuaUserdata {
  readonly mt = undefined;
  readonly luaTypeName = "userdata";
  // resty.core's session is an FFI pointer: type() says "cdata" (checked on the reference)
  readonly luaType = "cdata";
  constructor(readonly data: Buffer | undefined) {}
}

/** TLS verification errors as OpenSSL numbers and words them ("18: self signed certificate"). */
function verifyText(e: unknown): string {
  const code = (e as { code?: string }).code;
  const table: Record<string, string> = {
    DEPTH_ZERO_SELF_SIGNED_CERT: "18: self signed certificate",
    SELF_SIGNED_CERT_IN_CHAIN: "19: self signed certificate in certificate chain",
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "20: unable to get local issuer certificate",
    // a lone certificate from an unknown issuer: OpenSSL under nginx says 20 (checked on the reference)
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: "20: unable to get local issuer certificate",
    CERT_HAS_EXPIRED: "10: certificate has expired",
    CERT_REVOKED: "23: certificate revoked",
    UNABLE_TO_GET_CRL: "3: unable to get certificate CRL",
    ERR_TLS_CERT_ALTNAME_INVALID: "certificate host mismatch",
  };
  return code !== undefined && table[code] !== undefined ? table[code]! : "handshake failed";
}

export class TcpSocket extends LuaTable {
  conn: net.Socket | undefined = undefined;
  readonly buf = new RecvBuffer();
  /** The peer ended its side (or the connection failed): reads past the buffer fail. */
  eof = false;
  /** Why the connection broke, for the next operation's error. */
  broken: string | undefined = undefined;
  connectTimeout: number;
  sendTimeout: number;
  readTimeout: number;
  reused = 0;
  poolName = "";
  reading = false;
  writing = false;
  connecting = false;
  /** Connected once (ngx_lua's upstream struct exists: its u is not NULL in the log). */
  everAttached = false;
  /** close() was called (its c is NULL). */
  closedByUser = false;
  /** A read already answered "closed" at the end of the stream: later reads are logged. */
  readClosed = false;
  /** ngx.req.socket's body reader: "*a" at the end of the body gives "" (ngx_lua). */
  emptyAllAtEnd = false;
  private readonly waiter = new Waiter();
  private cleanupSet = false;

  constructor(readonly host: AsyncHost, readonly req: AsyncRequest | undefined) {
    super();
    const s = host.settings();
    this.connectTimeout = s.socketConnectTimeout;
    this.sendTimeout = s.socketSendTimeout;
    this.readTimeout = s.socketReadTimeout;
  }

  private readonly onData = (b: Buffer): void => {
    this.buf.push(b);
    // Past a few reads' worth of unread bytes, stop reading from the kernel until the Lua
    // side catches up.
    if (this.buf.length > 1 << 20) this.conn?.pause();
    this.notify();
  };
  private readonly onEnd = (): void => {
    this.eof = true;
    this.notify();
  };
  private readonly onError = (e: Error): void => {
    this.eof = true;
    this.broken = errText(e);
    this.notify();
  };

  private notify(): void {
    this.waiter.wake();
  }

  attach(conn: net.Socket): void {
    this.conn = conn;
    this.eof = false;
    this.broken = undefined;
    this.everAttached = true;
    this.closedByUser = false;
    this.readClosed = false;
    conn.on("data", this.onData);
    conn.on("end", this.onEnd);
    conn.on("close", this.onEnd);
    conn.on("error", this.onError);
    conn.setNoDelay(true);
    if (!this.cleanupSet && this.req !== undefined) {
      this.cleanupSet = true;
      // A connection not put into a pool closes with its request.
      this.req.onCleanup(() => this.closeConn());
    }
  }

  /** Stop listening on the connection and hand it back (for the pool or tls). */
  detach(): net.Socket | undefined {
    const c = this.conn;
    if (c === undefined) return undefined;
    c.off("data", this.onData);
    c.off("end", this.onEnd);
    c.off("close", this.onEnd);
    c.off("error", this.onError);
    this.conn = undefined;
    this.notify();
    return c;
  }

  closeConn(): void {
    const c = this.detach();
    if (c !== undefined) c.destroy();
    this.buf.takeAll();
  }

  /** Wait for more data, the end, or `ms` (0: forever): resolves false on timeout. */
  waitData(ms: number): Promise<boolean> {
    this.conn?.resume();
    return this.waiter.wait(ms);
  }
}

function sockOf(self: LuaValue, host: AsyncHost): TcpSocket {
  return ownSocket(TcpSocket, self, host);
}


/** Read results in the shape receive gives on failure: nil, err, partial. */
function fail(s: TcpSocket, err: string, partial: boolean): LuaValue[] {
  if (err === "closed") s.readClosed = true;
  const data = partial ? s.buf.takeAll() : undefined;
  if (err !== "timeout") s.closeConn();
  return partial ? [undefined, err, data] : [undefined, err];
}

function readErr(s: TcpSocket): string {
  return s.broken ?? "closed";
}

type Reader = () => LuaResult | undefined;

/** Run `attempt` until it answers, waiting for data between tries. */
async function readLoop(s: TcpSocket, attempt: Reader, onEnd: () => LuaResult, onTimeout: () => LuaResult): Promise<LuaResult> {
  s.reading = true;
  // The reading thread: the timeout's log line is written as from it (its request's context).
  const thread = running();
  try {
    for (;;) {
      const r = attempt();
      if (r !== undefined) return r;
      if (s.eof || s.conn === undefined) return onEnd();
      const got = await s.waitData(s.readTimeout);
      if (!got) {
        logAs(s.host, thread, "lua tcp socket read timed out");
        return onTimeout();
      }
    }
  } finally {
    s.reading = false;
  }
}

const LF = Buffer.from("\n");

// Stand-ins for the pointers ngx_lua prints (u: its upstream struct, c: the connection): one
// per socket, stable, in the shape of a 64-bit address; NULL where nginx has none.
const NULL_PTR = "0000000000000000";
const pointers = new WeakMap<TcpSocket, number>();
let nextPointer = 0x7f2d1b0d3fe0;
function pointer(s: TcpSocket, base: number): string {
  let p = pointers.get(s);
  if (p === undefined) pointers.set(s, (p = (nextPointer += 0x410)));
  return (base + (p & 0xffffffff)).toString(16).toUpperCase().padStart(16, "0");
}

/**
 * ngx_lua's line for an operation on a closed socket (lua_socket_log_errors): before any
 * connect u and c are NULL, after close() c is NULL, after the end of the stream eof is 1.
 */
export function closedSocketLog(s: TcpSocket, what: "receive" | "send"): void {
  if (!s.host.settings().socketLogErrors) return;
  const u = s.everAttached ? pointer(s, 0x7f0000000000) : NULL_PTR;
  const peer = s.everAttached && !s.closedByUser;
  const c = peer ? pointer(s, 0x550000000000) : NULL_PTR;
  s.host.log(4, `attempt to ${what} data on a closed socket: u:${u}, c:${c}, ft:0 eof:${peer ? 1 : 0}`);
}

/** A read with nothing buffered on a closed connection: "closed", logged unless it is the first news of the end. */
function readOnClosed(s: TcpSocket): Res {
  if (s.readClosed || !s.everAttached || s.closedByUser) closedSocketLog(s, "receive");
  s.readClosed = true;
  return [undefined, "closed"];
}

function receive(s: TcpSocket, pat: LuaValue): Res {
  if (s.conn === undefined && s.buf.length === 0) {
    // The request body reader's "*a" past the body answers "" until another read says closed.
    if (s.emptyAllAtEnd && !s.readClosed && typeof pat === "string" && pat.startsWith("*a")) return "";
    return readOnClosed(s);
  }
  if (s.reading) return [undefined, "socket busy reading"];
  const buf = s.buf;
  if (pat === undefined || pat === "*l" || (typeof pat === "string" && pat.startsWith("*l"))) {
    const attempt = (): LuaResult | undefined => {
      const i = buf.find(LF);
      if (i < 0) return undefined;
      let line = buf.take(i + 1);
      line = line.charCodeAt(line.length - 2) === 13 ? line.slice(0, -2) : line.slice(0, -1);
      return line;
    };
    const r = attempt();
    if (r !== undefined) return r;
    return readLoop(s, attempt, () => fail(s, readErr(s), true), () => fail(s, "timeout", true));
  }
  if (pat === "*a" || (typeof pat === "string" && pat.startsWith("*a"))) {
    if (s.conn === undefined) return buf.takeAll();
    return readLoop(s, () => undefined, () => { const d = buf.takeAll(); s.closeConn(); return d; }, () => fail(s, "timeout", true));
  }
  const n = toNumber(pat);
  if (n === undefined) {
    if (typeof pat === "string") return luaError(`bad pattern argument: ${pat}`);
    return luaError(`bad argument #2 to 'receive' (string expected, got ${typeName(pat)})`);
  }
  const want = Math.floor(n);
  if (want < 0) return luaError("bad pattern argument: " + numberToString(n));
  const attempt = (): LuaResult | undefined => (buf.length >= want ? buf.take(want) : undefined);
  const r = attempt();
  if (r !== undefined) return r;
  return readLoop(s, attempt, () => fail(s, readErr(s), true), () => fail(s, "timeout", true));
}

function receiveany(s: TcpSocket, max: LuaValue): Res {
  const m = toNumber(max);
  if (m === undefined || m <= 0) return luaError("bad argument #2 to 'receiveany' (bad max argument)");
  if (s.conn === undefined && s.buf.length === 0) return readOnClosed(s);
  if (s.reading) return [undefined, "socket busy reading"];
  const attempt = (): LuaResult | undefined => (s.buf.length > 0 ? s.buf.take(Math.min(Math.floor(m), s.buf.length)) : undefined);
  const r = attempt();
  if (r !== undefined) return r;
  return readLoop(s, attempt, () => fail(s, readErr(s), false), () => [undefined, "timeout"]);
}

/** The iterator receiveuntil returns. */
function untilIterator(s: TcpSocket, host: AsyncHost, pattern: string, inclusive: boolean): LuaFunction {
  const pat = Buffer.from(pattern, "latin1");
  // Set once the pattern was consumed by a sized read: the next call, sized or not, answers
  // nil, nil, nil (the end of the part, three values as ngx_lua returns them).
  let finished = false;
  const step = (size: number | undefined): Res => {
    if (finished) {
      finished = false;
      return [undefined, undefined, undefined];
    }
    if (s.conn === undefined && s.buf.length === 0) return [undefined, "closed"];
    if (s.reading) return [undefined, "socket busy reading"];
    const buf = s.buf;
    const attempt = (): LuaResult | undefined => {
      const i = buf.find(pat);
      if (i >= 0) {
        // Exactly `size` bytes before the pattern go out alone; the next call gives "" and consumes it (as ngx_lua).
        if (size !== undefined && i >= size) return buf.take(size);
        const data = buf.take(i);
        const tail = buf.take(pat.length);
        if (size !== undefined) finished = true;
        return inclusive ? data + tail : data;
      }
      // With a size, bytes that cannot be the start of the pattern can go out already.
      if (size !== undefined) {
        const safe = buf.length - (pat.length - 1);
        if (safe >= size) return buf.take(size);
      }
      return undefined;
    };
    const r = attempt();
    if (r !== undefined) return r;
    return readLoop(s, attempt, () => fail(s, readErr(s), true), () => fail(s, "timeout", true));
  };
  const it = ((sz: LuaValue) => {
    const s2 = sockOf(s, host);
    void s2;
    const r = step(sz === undefined ? undefined : Math.floor(toNumber(sz) ?? 0));
    return r instanceof Promise ? yieldAcrossC() : r;
  }) as LuaFunction;
  it.$g = function* (sz: LuaValue): Generator<Suspension, LuaResult, unknown> {
    sockOf(s, host);
    const size = sz === undefined ? undefined : toNumber(sz);
    if (size !== undefined && size <= 0) return luaError("bad argument #1 to 'receiveuntil' (bad size)");
    const r = step(size === undefined ? undefined : Math.floor(size));
    return r instanceof Promise ? ((yield r) as LuaResult) : r;
  };
  return it;
}

async function connectTo(s: TcpSocket, hostName: string, port: number | undefined, poolName: string): Promise<LuaResult> {
  const host = s.host;
  // The connecting thread: the failure's log line is written as from it (its request's context).
  const thread = running();
  const pooled = poolGet(poolName);
  if (pooled !== undefined) {
    s.attach(pooled.conn);
    s.reused = pooled.reused + 1;
    s.poolName = poolName;
    return 1;
  }
  let addr = hostName;
  if (port !== undefined && net.isIP(hostName) === 0) {
    try {
      addr = (await lookup(hostName)).address;
    } catch {
      return [undefined, `${hostName} could not be resolved (3: Host not found)`];
    }
  }
  s.connecting = true;
  const r = await new Promise<LuaResult>((resolve) => {
    const conn = port === undefined ? net.connect({ path: hostName }) : net.connect({ host: addr, port });
    const timer = s.connectTimeout > 0 ? setTimeout(() => {
      conn.destroy();
      logAs(host, thread, "lua tcp socket connect timed out, when connecting to " + (port === undefined ? hostName : `${addr}:${port}`));
      resolve([undefined, "timeout"]);
    }, s.connectTimeout) : undefined;
    const onErr = (e: Error): void => {
      if (timer !== undefined) clearTimeout(timer);
      logAs(host, thread, `connect() ${port === undefined ? `to unix:${hostName} ` : ""}failed (${errnoText(e)})`);
      resolve([undefined, errText(e)]);
    };
    conn.once("error", onErr);
    conn.once("connect", () => {
      if (timer !== undefined) clearTimeout(timer);
      conn.off("error", onErr);
      s.attach(conn);
      s.reused = 0;
      s.poolName = poolName;
      resolve(1);
    });
  });
  s.connecting = false;
  return r;
}

function connect(s: TcpSocket, a: LuaValue[]): Res {
  const target = a[0];
  if (typeof target !== "string") return luaError(`bad argument #1 to 'connect' (string expected, got ${typeName(target)})`);
  if (s.conn !== undefined) s.closeConn();
  s.buf.takeAll();
  let opts: LuaValue;
  let port: number | undefined;
  let hostName: string;
  if (target.startsWith("unix:")) {
    hostName = target.slice(5);
    opts = a[1];
  } else {
    hostName = target;
    const p = toNumber(a[1]);
    if (p === undefined) return luaError(`bad argument #2 to 'connect' (number expected, got ${typeName(a[1])})`);
    if (p < 0 || p > 65535 || Math.floor(p) !== p) return [undefined, `bad port number: ${numberToString(p)}`];
    port = p;
    opts = a[2];
  }
  let poolName = port === undefined ? target : `${hostName}:${port}`;
  if (opts instanceof LuaTable) {
    const pn = opts.getStr("pool");
    if (typeof pn === "string") poolName = pn;
    else if (typeof pn === "number") poolName = numberToString(pn);
    else if (pn !== undefined) return luaError(`bad "pool" option type: ${typeName(pn)}`);
  }
  return connectTo(s, hostName, port, poolName);
}

async function writeAll(s: TcpSocket, data: Buffer): Promise<LuaResult> {
  const conn = s.conn!;
  const thread = running();
  s.writing = true;
  try {
    return await new Promise<LuaResult>((resolve) => {
      const timer = s.sendTimeout > 0 ? setTimeout(() => {
        logAs(s.host, thread, "lua tcp socket write timed out");
        resolve([undefined, "timeout"]);
      }, s.sendTimeout) : undefined;
      conn.write(data, (err) => {
        if (timer !== undefined) clearTimeout(timer);
        if (err !== undefined && err !== null) {
          const t = errText(err);
          s.closeConn();
          resolve([undefined, t]);
        } else {
          resolve(data.length);
        }
      });
    });
  } finally {
    s.writing = false;
  }
}

function send(s: TcpSocket, data: LuaValue): Res {
  const parts: Buffer[] = [];
  const bad = sendBytes(parts, data, numberToString, (v): v is LuaTable => v instanceof LuaTable);
  if (bad !== undefined) {
    const what = data instanceof LuaTable ? `bad data type ${bad} found` : `string, number, boolean, nil, or array table expected, got ${typeName(data)}`;
    return luaError(`bad argument #1 to 'send' (${what})`);
  }
  if (s.conn === undefined || s.broken !== undefined) {
    if (s.conn === undefined && (!s.everAttached || s.closedByUser)) closedSocketLog(s, "send");
    const e = s.broken ?? "closed";
    if (s.conn !== undefined) s.closeConn();
    return [undefined, e];
  }
  if (s.writing) return [undefined, "socket busy writing"];
  const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  if (buf.length === 0) return 0;
  return writeAll(s, buf);
}

function setkeepalive(s: TcpSocket, timeout: LuaValue, size: LuaValue): LuaResult {
  if (s.conn === undefined) return [undefined, "closed"];
  if (s.reading) return [undefined, "socket busy reading"];
  if (s.writing) return [undefined, "socket busy writing"];
  if (s.buf.length > 0) {
    s.closeConn();
    return [undefined, "unread data in buffer"];
  }
  if (s.eof || s.broken !== undefined) {
    s.closeConn();
    return [undefined, "connection in dubious state"];
  }
  const settings = s.host.settings();
  let t = settings.socketKeepaliveTimeout;
  if (timeout !== undefined) {
    const n = toNumber(timeout);
    if (n === undefined || n < 0) return luaError("bad argument #2 to 'setkeepalive' (bad timeout)");
    t = n;
  }
  let poolSize = settings.socketPoolSize;
  if (size !== undefined) {
    const n = toNumber(size);
    if (n === undefined || n <= 0) return luaError(`bad "pool_size" option value: ${String(size)}`);
    poolSize = Math.floor(n);
  }
  const conn = s.detach()!;
  // As after close(): ngx_lua's upstream keeps no connection.
  s.closedByUser = true;
  poolPut(s.poolName, conn, s.reused, t, poolSize);
  return 1;
}

function timeoutArg(v: LuaValue, fname: string): number {
  if (v === undefined) return 0;
  const n = toNumber(v);
  if (n === undefined) return luaError(`bad argument #2 to '${fname}' (number expected, got ${typeName(v)})`);
  return n < 0 ? 0 : n;
}

async function handshake(s: TcpSocket, session: LuaValue, serverName: LuaValue, verify: boolean): Promise<LuaResult> {
  const raw = s.detach()!;
  // The calling thread: the failure's log line is written as from it (its request's context).
  const thread = running();
  return new Promise<LuaResult>((resolve) => {
    const conf = s.host.settings();
    const name = typeof serverName === "string" ? serverName : undefined;
    const opts: tls.ConnectionOptions = {
      socket: raw,
      rejectUnauthorized: verify,
      // lua_ssl_trusted_certificate only (tcp-ssl.ts); the host is checked only when named
      ca: verify ? trustedCas(conf.sslTrustedCertificate) : undefined,
      crl: verify ? crlsFor(conf.sslCrl) : undefined,
      checkServerIdentity: (_h, cert) => (name === undefined ? undefined : tls.checkServerIdentity(name, cert)),
      // lua_ssl_protocols and lua_ssl_ciphers (OpenSSL's cipher-list syntax, as Node takes it)
      ...protocolRange(conf.sslProtocols),
      ciphers: conf.sslCiphers === "DEFAULT" ? undefined : conf.sslCiphers,
      servername: typeof serverName === "string" && net.isIP(serverName) === 0 ? serverName : undefined,
      session: session instanceof SslSession ? session.data : undefined,
    };
    const ts = tls.connect(opts);
    const timer = s.connectTimeout > 0 ? setTimeout(() => {
      ts.destroy();
      resolve([undefined, "timeout"]);
    }, s.connectTimeout) : undefined;
    ts.once("error", (e) => {
      if (timer !== undefined) clearTimeout(timer);
      ts.destroy();
      const msg = verifyText(e);
      logAs(s.host, thread, msg === "certificate host mismatch" ? `lua ssl certificate does not match host "${name}"`
        : msg === "handshake failed" ? handshakeFailedText(e) : `lua ssl certificate verify error: (${msg})`);
      resolve([undefined, msg]);
    });
    ts.once("secureConnect", () => {
      if (timer !== undefined) clearTimeout(timer);
      if (verify && chainTooDeep(ts, conf.sslVerifyDepth)) {
        // OpenSSL stops looking for issuers at the depth limit
        ts.emit("error", Object.assign(new Error("depth"), { code: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" }));
        return;
      }
      s.attach(ts);
      if (session === false) resolve(true);
      else resolve(new SslSession(ts.getSession()));
    });
  });
}

const methodImpls: Record<string, (s: TcpSocket, ...a: LuaValue[]) => Res> = {
  connect: (s, ...a) => connect(s, a),
  send: (s, data) => send(s, data),
  receive: (s, pat) => receive(s, pat),
  receiveany: (s, max) => receiveany(s, max),
  receiveuntil(s, pattern, opts) {
    if (typeof pattern !== "string" && typeof pattern !== "number") return luaError(`bad argument #2 to 'receiveuntil' (string expected, got ${typeName(pattern)})`);
    const p = typeof pattern === "number" ? numberToString(pattern) : pattern;
    if (p.length === 0) return luaError("pattern is empty");
    let inclusive = false;
    if (opts instanceof LuaTable) {
      const inc = opts.getStr("inclusive");
      if (inc !== undefined && typeof inc !== "boolean") return luaError('bad "inclusive" option value type: ' + typeName(inc));
      inclusive = inc === true;
    }
    return untilIterator(s, s.host, p, inclusive);
  },
  close(s) {
    if (s.conn === undefined) return [undefined, "closed"];
    s.closedByUser = true;
    s.closeConn();
    return 1;
  },
  settimeout(s, t) {
    const ms = timeoutArg(t, "settimeout");
    s.connectTimeout = s.sendTimeout = s.readTimeout = ms;
    return [];
  },
  settimeouts(s, c, w, r) {
    s.connectTimeout = timeoutArg(c, "settimeouts");
    s.sendTimeout = timeoutArg(w, "settimeouts");
    s.readTimeout = timeoutArg(r, "settimeouts");
    return [];
  },
  setkeepalive: (s, t, n) => setkeepalive(s, t, n),
  getreusedtimes(s) {
    if (s.conn === undefined) return [undefined, "closed"];
    return s.reused;
  },
  setoption() {
    // tcp_nodelay is always on here; the other options (keepalive, reuseaddr, buffers) are accepted.
    return 1;
  },
  sslhandshake(s, session, serverName, verify) {
    if (s.conn === undefined) return [undefined, "closed"];
    return handshake(s, session, serverName, verify === true);
  },
};

/** The methods of every tcp cosocket object (its metatable's __index). */
export function tcpMethods(host: AsyncHost): LuaTable {
  const t = new LuaTable();
  for (const [name, impl] of Object.entries(methodImpls)) {
    const plain = ((self: LuaValue, ...a: LuaValue[]): LuaResult => {
      const r = impl(sockOf(self, host), ...a);
      return r instanceof Promise ? yieldAcrossC() : r;
    }) as LuaFunction;
    plain.$name = name;
    plain.$g = function* (self: LuaValue, ...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
      const r = impl(sockOf(self, host), ...a);
      return r instanceof Promise ? ((yield r) as LuaResult) : r;
    };
    t.setStr(name, plain);
  }
  return t;
}
