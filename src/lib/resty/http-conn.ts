// One HTTP connection of resty.http: a socket that we connect ourselves (so that connect()
// answers with the cosocket's errors and timeouts, before any request) and speak HTTP/1.x on
// with our own client (http-wire.ts: lua-resty-http's bytes on the wire). Idle connections
// wait in keepalive pools by name, as cosockets do; get_reused_times counts how often one
// came out of a pool.
import * as net from "node:net";
import * as tls from "node:tls";
import { lookup } from "node:dns/promises";
import { errText } from "../../ngx/async/socket/tcp.js";
import { WireClient } from "./http-wire.js";

/** Where and how to connect. */
export interface ConnTarget {
  /** Host name or IP, or the unix socket path (without "unix:") when port is undefined. */
  readonly host: string;
  readonly port: number | undefined;
  readonly ssl: boolean;
  readonly serverName: string | undefined;
  readonly verify: boolean;
  /** A TLS session to resume (ssl_reused_session). */
  readonly session?: Buffer | undefined;
  readonly pool: string;
  /** An HTTP proxy to go through (for https, a CONNECT tunnel). */
  readonly proxy: { readonly host: string; readonly port: number; readonly authorization: string | undefined } | undefined;
  readonly userAgent: string;
}

export interface ConnTimeouts {
  readonly connect: number;
  /** For the proxy's answer to CONNECT. */
  readonly read: number;
  readonly log: ((msg: string) => void) | undefined;
}

const ERRNO: Record<string, string> = {
  ECONNREFUSED: "111: Connection refused", ECONNRESET: "104: Connection reset by peer",
  ENOENT: "2: No such file or directory", EHOSTUNREACH: "113: No route to host",
  ENETUNREACH: "101: Network is unreachable", EACCES: "13: Permission denied",
};

/** TLS failures as the cosocket's sslhandshake words OpenSSL's verify results. */
const TLS_ERRORS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "18: self signed certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "19: self signed certificate in certificate chain",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "20: unable to get local issuer certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "21: unable to verify the first certificate",
  CERT_HAS_EXPIRED: "10: certificate has expired",
  ERR_TLS_CERT_ALTNAME_INVALID: "certificate host mismatch",
};

const noop = (): void => undefined;

export class HttpConn {
  readonly client: WireClient;
  /** Times this connection was taken from a keepalive pool. */
  reused = 0;
  /** The TLS session of a new https connection (connect's third value). */
  tlsSession: Buffer | undefined = undefined;

  constructor(readonly socket: net.Socket, readonly pool: string) {
    this.client = new WireClient(socket);
  }

  /** Whether the socket is still open (it is closed after a response that says `Connection: close`). */
  get alive(): boolean {
    return !this.client.closed;
  }

  close(): void {
    this.socket.destroy();
    void this.client.destroy();
  }
}

// ---------------------------------------------------------------- keepalive pools

interface Idle {
  readonly conn: HttpConn;
  timer: NodeJS.Timeout | undefined;
  readonly onClose: () => void;
}

const pools = new Map<string, Idle[]>();

function drop(name: string, p: Idle): void {
  const list = pools.get(name);
  if (list !== undefined) {
    const i = list.indexOf(p);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) pools.delete(name);
  }
  if (p.timer !== undefined) clearTimeout(p.timer);
  p.conn.socket.off("close", p.onClose);
}

/** Keep an idle connection in its pool for `timeoutMs` (0: until the peer closes). */
export function poolPut(conn: HttpConn, timeoutMs: number, size: number): void {
  const name = conn.pool;
  let list = pools.get(name);
  if (list === undefined) pools.set(name, (list = []));
  const p: Idle = {
    conn,
    timer: undefined,
    onClose: () => {
      drop(name, p);
      conn.close();
    },
  };
  conn.socket.once("close", p.onClose);
  if (timeoutMs > 0) {
    p.timer = setTimeout(p.onClose, timeoutMs);
    p.timer.unref();
  }
  list.push(p);
  while (list.length > Math.max(size, 1)) {
    const old = list[0]!;
    drop(name, old);
    old.conn.close();
  }
}

/** The most recently pooled connection of `name`, if one is still open. */
function poolGet(name: string): HttpConn | undefined {
  const list = pools.get(name);
  while (list !== undefined && list.length > 0) {
    const p = list[list.length - 1]!;
    drop(name, p);
    if (p.conn.alive) return p.conn;
    p.conn.close();
  }
  return undefined;
}

// ---------------------------------------------------------------- connecting

function connectSocket(t: ConnTarget, addr: string, to: ConnTimeouts): Promise<net.Socket | string> {
  return new Promise((resolve) => {
    const sock = t.port === undefined ? net.connect({ path: t.host }) : net.connect({ host: addr, port: t.port });
    const timer = to.connect > 0 ? setTimeout(() => {
      sock.destroy();
      to.log?.("lua tcp socket connect timed out, when connecting to " + (t.port === undefined ? t.host : `${addr}:${t.port}`));
      resolve("timeout");
    }, to.connect) : undefined;
    sock.once("error", (e) => {
      if (timer !== undefined) clearTimeout(timer);
      const code = (e as { code?: string }).code ?? "";
      to.log?.(`connect() ${t.port === undefined ? `to unix:${t.host} ` : ""}failed (${ERRNO[code] ?? e.message})`);
      resolve(errText(e));
    });
    sock.once("connect", () => {
      if (timer !== undefined) clearTimeout(timer);
      // From here on errors come to the requests; an unheard one must not crash the process.
      sock.removeAllListeners("error");
      sock.on("error", noop);
      sock.setNoDelay(true);
      resolve(sock);
    });
  });
}

function handshake(raw: net.Socket, t: ConnTarget, to: ConnTimeouts): Promise<tls.TLSSocket | string> {
  return new Promise((resolve) => {
    const sni = t.serverName ?? t.host;
    const ts = tls.connect({
      socket: raw,
      rejectUnauthorized: t.verify,
      servername: net.isIP(sni) === 0 ? sni : undefined,
      session: t.session,
    });
    const timer = to.connect > 0 ? setTimeout(() => {
      ts.destroy();
      resolve("timeout");
    }, to.connect) : undefined;
    ts.once("error", (e) => {
      if (timer !== undefined) clearTimeout(timer);
      ts.destroy();
      const code = (e as { code?: string }).code;
      const msg = (code !== undefined ? TLS_ERRORS[code] : undefined) ?? "handshake failed";
      to.log?.(`lua ssl certificate verify error: (${msg})`);
      resolve(msg);
    });
    ts.once("secureConnect", () => {
      if (timer !== undefined) clearTimeout(timer);
      ts.removeAllListeners("error");
      ts.on("error", noop);
      resolve(ts);
    });
  });
}

/** A CONNECT tunnel to `dest` through a connected proxy: undefined, or lua-resty-http's failure texts. */
function tunnel(sock: net.Socket, dest: string, t: ConnTarget, to: ConnTimeouts): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    const done = (r: string[] | undefined): void => {
      if (timer !== undefined) clearTimeout(timer);
      sock.off("data", onData);
      sock.off("close", onClose);
      resolve(r);
    };
    const onClose = (): void => done(["failed to issue CONNECT to proxy:", "closed"]);
    const onData = (d: Buffer): void => {
      got = Buffer.concat([got, d]);
      const end = got.indexOf("\r\n\r\n");
      if (end < 0) return;
      const status = Number(got.subarray(9, 12).toString("latin1"));
      if (end + 4 < got.length) sock.unshift(got.subarray(end + 4));
      done(status >= 200 && status <= 299 ? undefined : [`failed to establish a tunnel through a proxy: ${status}`]);
    };
    const timer = to.read > 0 ? setTimeout(() => done(["failed to issue CONNECT to proxy:", "timeout"]), to.read) : undefined;
    sock.on("data", onData);
    sock.once("close", onClose);
    const auth = t.proxy?.authorization;
    sock.write(`CONNECT ${dest} HTTP/1.1\r\nHost: ${dest}\r\n${auth !== undefined ? `Proxy-Authorization: ${auth}\r\n` : ""}User-Agent: ${t.userAgent}\r\n\r\n`, "latin1");
  });
}

async function resolveHost(host: string): Promise<string | undefined> {
  if (net.isIP(host) !== 0) return host;
  try {
    return (await lookup(host, { verbatim: false })).address;
  } catch {
    return undefined;
  }
}

/**
 * A connection to `t`: from its pool when one waits there, else a new one (DNS, TCP, a
 * proxy tunnel, TLS). Resolves with the Lua failure texts (the cosocket's words); never rejects.
 */
export async function openConn(t: ConnTarget, to: ConnTimeouts): Promise<HttpConn | string[]> {
  const pooled = poolGet(t.pool);
  if (pooled !== undefined) {
    pooled.reused++;
    return pooled;
  }
  const peer: ConnTarget = t.proxy === undefined ? t : { ...t, host: t.proxy.host, port: t.proxy.port };
  let addr = peer.host;
  if (peer.port !== undefined) {
    const a = await resolveHost(peer.host);
    if (a === undefined) return [`${peer.host} could not be resolved (3: Host not found)`];
    addr = a;
  }
  const raw = await connectSocket(peer, addr, to);
  if (typeof raw === "string") return t.proxy === undefined ? [raw] : [`failed to connect to: ${peer.host}:${peer.port}: `, raw];
  let sock: net.Socket = raw;
  if (t.ssl) {
    if (t.proxy !== undefined) {
      const failed = await tunnel(raw, `${t.host}:${t.port}`, t, to);
      if (failed !== undefined) {
        raw.destroy();
        return failed;
      }
    }
    const ts = await handshake(raw, t, to);
    if (typeof ts === "string") {
      raw.destroy();
      return [ts];
    }
    sock = ts;
  }
  const session = sock instanceof tls.TLSSocket ? sock.getSession() : undefined;
  const conn = new HttpConn(sock, t.pool);
  conn.tlsSession = session;
  return conn;
}
