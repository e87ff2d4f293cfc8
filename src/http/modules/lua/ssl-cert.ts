// ssl_client_hello_by_lua* and ssl_certificate_by_lua* (server): the Lua code runs when the ClientHello
// arrives (node's SNICallback, through the transport's certificateHooks), before the
// certificate is chosen. It may wait (ngx.sleep, cosockets); what it sets through ngx.ssl
// becomes the SecureContext of the handshake; an error or ngx.exit(ngx.ERROR) aborts it with
// ngx_lua's log lines.
import * as tls from "node:tls";
import type { HttpConfig } from "../../config/model.js";
import type { AddressConf } from "../../config/model.js";
import { tlsOf } from "../../config/ssl.js";
import { selectServer } from "../../config/server-names.js";
import { certificateHooks, clientHellos } from "../../transport/h2-session.js";
import { negotiatedVersion, parseClientHello, type ClientHello } from "./ssl-hello.js";
import { nextConnectionNumber } from "../../transport/connection-counter.js";
import type { TlsListen } from "../../transport/types.js";
import { bindHandshake, VERSION_NAMES, VERSION_NUMBERS, type SslHandshake } from "../../../ngx/ssl.js";
import { bindClientHello, type ClientHelloState } from "../../../ngx/ssl-clienthello.js";
import type { LogContext } from "../../log/error-log.js";
import type { NgxHost } from "../../../ngx/host.js";
import { entryAbortText, type ThreadEnd } from "../../../ngx/thread.js";
import type { LuaChunk } from "./chunks.js";

/** lua.ts's chunk starter (set by it: no import cycle). */
type HandshakePhase = "ssl_cert" | "ssl_client_hello";
export type SslStarter = (c: LuaChunk, phase: HandshakePhase, setup: (h: NgxHost) => void) =>
  { h: NgxHost; end: ThreadEnd | Promise<ThreadEnd> } | { loadError: string };

let starter: SslStarter | undefined;
export function setSslStarter(f: SslStarter): void {
  starter = f;
}

export const SSL_CERT_KEY = "lua:ssl_certificate_by_lua";
export const SSL_HELLO_KEY = "lua:ssl_client_hello_by_lua";

const addresses = new WeakMap<TlsListen, { addr: AddressConf; cfg: HttpConfig }>();

/** Remember which address each TLS listener is (the hook finds the server by SNI from it). */
export function registerSslAddresses(cfg: HttpConfig): void {
  for (const p of cfg.ports) for (const a of p.addresses) {
    const t = tlsOf(a);
    if (t !== undefined) addresses.set(t, { addr: a, cfg });
  }
}

/** The version the handshake will settle on: the client's highest within the server's range. */
function versionOf(t: TlsListen, hello: ClientHello | undefined): number {
  const min = VERSION_NUMBERS[t.defaultOptions.minVersion ?? tls.DEFAULT_MIN_VERSION] ?? 0x0303;
  const max = VERSION_NUMBERS[t.defaultOptions.maxVersion ?? tls.DEFAULT_MAX_VERSION] ?? 0x0304;
  return negotiatedVersion(hello, min, max);
}

function contextFrom(t: TlsListen, hs: SslHandshake, fallback: tls.SecureContext): tls.SecureContext {
  if (!hs.cleared && hs.certs === undefined && hs.key === undefined) return fallback;
  // node keeps the server's certificate when the new context has none: a cleared one fails here
  if (hs.certs === undefined || hs.key === undefined) throw new Error("no certificate");
  const { cert: _c, key: _k, ...rest } = t.defaultOptions;
  return tls.createSecureContext({
    ...rest,
    cert: hs.certs?.join(""),
    key: hs.key?.export({ format: "pem", type: "pkcs8" }),
  });
}

/** The handshake's ClientHello, parsed once. */
const hellos = new WeakMap<object, ClientHello | null>();
export function helloOf(ts: tls.TLSSocket): ClientHello | undefined {
  const raw = (ts as unknown as { _parent?: object })._parent;
  if (raw === undefined) return undefined;
  let h = hellos.get(raw);
  if (h === undefined) {
    const b = clientHellos.get(raw);
    h = (b === undefined ? undefined : parseClientHello(b)) ?? null;
    hellos.set(raw, h);
  }
  return h ?? undefined;
}

/** A phase's end: undefined when it went on, else the error line to log (or none, for ngx.exit(ngx.ERROR)). */
type Outcome = { failed: false } | { failed: true; msg: string | undefined };

async function runPhase(c: LuaChunk, phase: HandshakePhase, logContext: LogContext, bind: (h: NgxHost) => void): Promise<Outcome> {
  const cleanups: (() => void)[] = [];
  const s = starter!(c, phase, (h) => {
    bind(h);
    h.logContext = logContext;
    h.timer = { onCleanup: (cb) => cleanups.push(cb) };
  });
  if ("loadError" in s) return { failed: true, msg: s.loadError };
  const end = await s.end;
  for (const cb of cleanups.splice(0)) {
    try {
      cb();
    } catch {
      // one cleanup failing must not keep the others from running
    }
  }
  if (end.error !== undefined) return { failed: true, msg: entryAbortText(end.error) };
  const code = s.h.exitCode;
  if (code !== undefined && code !== 0 && code !== 200) return { failed: true, msg: undefined };
  return { failed: false };
}

const CLIENT_HELLO_FAILED = "error:0A0000EA:SSL routines::callback failed";
const CERT_FAILED = "error:0A000179:SSL routines::cert cb error";

certificateHooks.push((t, name, ts, done) => {
  const at = addresses.get(t);
  if (at === undefined || starter === undefined) return false;
  // The client hello phase is the address's default server's (it runs before the name selects one).
  const helloChunk = at.addr.defaultServer.root.settings[SSL_HELLO_KEY] as LuaChunk | undefined;
  const srv = selectServer(at.addr, name.toLowerCase());
  const certChunk = srv.root.settings[SSL_CERT_KEY] as LuaChunk | undefined;
  if (certChunk === undefined && helloChunk === undefined) return false;
  const client = (ts.remoteAddress ?? "").replace(/^::ffff:/, "");
  const local = (ts.localAddress ?? "").replace(/^::ffff:/, "");
  const where = `${local.includes(":") ? `[${local}]` : local}:${ts.localPort ?? 0}`;
  const log = at.cfg.main.errorLog;
  // nginx gives each phase a fake connection of its own (its own *N in the log lines).
  const contextOf = (phase: string): LogContext => {
    const conn = nextConnectionNumber();
    return { conn, suffix: () => `, context: ${phase}, client: ${client}, server: ${where}` };
  };
  const fail = (ctx: LogContext, msg: string | undefined, ssl: string): void => {
    if (msg !== undefined) log.log("error", msg, ctx);
    log.log("info", `SSL_do_handshake() failed (SSL: ${ssl}) while SSL handshaking`, {
      conn: ctx.conn, suffix: () => `, client: ${client}, server: ${where}`,
    });
    done(new Error(ssl));
  };
  const hello = helloOf(ts);
  const version = versionOf(t, hello);
  void (async () => {
    if (helloChunk !== undefined) {
      const ctx = contextOf("ssl_client_hello_by_lua*");
      const st: ClientHelloState = { extensions: hello?.extensions, protocols: undefined };
      const o = await runPhase(helloChunk, "ssl_client_hello", ctx, (h) => bindClientHello(h, st));
      if (ts.destroyed) return;
      if (o.failed) return fail(ctx, o.msg, CLIENT_HELLO_FAILED);
      // set_protocols can only refuse here: node has chosen the version range already
      const vname = VERSION_NAMES[version];
      if (st.protocols !== undefined && (vname === undefined || !st.protocols.includes(vname))) {
        return fail(ctx, undefined, "error:0A000102:SSL routines::unsupported protocol");
      }
    }
    let sslCtx = t.contextFor(name);
    if (certChunk !== undefined) {
      const ctx = contextOf("ssl_certificate_by_lua*");
      const hs: SslHandshake = {
        serverName: name === "" ? undefined : name, localAddress: ts.localAddress ?? "", remoteAddress: ts.remoteAddress ?? "", version,
        certs: undefined, key: undefined, cleared: false,
      };
      const o = await runPhase(certChunk, "ssl_cert", ctx, (h) => bindHandshake(h, hs));
      if (ts.destroyed) return;
      if (o.failed) return fail(ctx, o.msg, CERT_FAILED);
      try {
        sslCtx = contextFrom(t, hs, sslCtx);
      } catch {
        // no usable certificate and key: OpenSSL finds no cipher to offer
        return fail(ctx, undefined, "error:0A0000C1:SSL routines::no shared cipher");
      }
    }
    done(null, sslCtx);
  })();
  return true;
});
