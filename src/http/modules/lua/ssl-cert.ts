// The Lua phases of a TLS handshake, run on the ClientHello record before node's TLS server
// sees the connection (the transport's handshakeHooks.before): node asks for a certificate
// only when the client sent a server name, where nginx runs the phases on every handshake.
// In nginx's order: ssl_client_hello_by_lua* (the default server's), then
// ssl_session_fetch_by_lua* when the client offers a TLS 1.2 session ID (ssl-session.ts), then,
// unless a session was given, ssl_certificate_by_lua* (the server the name selects). Each may
// wait (ngx.sleep, cosockets) but fetch; what they set through ngx.ssl and
// ngx.ssl.clienthello becomes the options of a TLS server for this handshake alone; an error
// or ngx.exit(ngx.ERROR) refuses it with ngx_lua's log lines.
import * as tls from "node:tls";
import type { Socket } from "node:net";
import { selectServer } from "../../config/server-names.js";
import { handshakeHooks, type HandshakePlan } from "../../transport/h2-session.js";
import { clientVersions, EXT_SESSION_TICKET, firstPskIdentity, negotiatedVersion, parseClientHello, serverNameOf, type ClientHello } from "./ssl-hello.js";
import type { TlsListen } from "../../transport/types.js";
import { bindHandshake, VERSION_NAMES, VERSION_NUMBERS, type SslHandshake } from "../../../ngx/ssl.js";
import { bindClientHello, type ClientHelloState } from "../../../ngx/ssl-clienthello.js";
import type { LogContext } from "../../log/error-log.js";
import type { NgxHost } from "../../../ngx/host.js";
import { entryAbortText } from "../../../ngx/thread.js";
import type { LuaChunk } from "./chunks.js";
import {
  peerSuffix, phaseContext, runCleanups, SSL_CERT_KEY, sslAddress, sslStarter, type HandshakePhase, type SslAddress,
} from "./ssl-phase.js";
import { runFetch } from "./ssl-session.js";
import { sessionAlive, ticketResumes } from "./ssl-resume.js";

export { registerSslAddresses, setSslStarter, SSL_CERT_KEY, SSL_HELLO_KEY, type SslStarter } from "./ssl-phase.js";

/** A phase's end: failed with the error line to log (none for ngx.exit(ngx.ERROR)), or not. */
type Outcome = { failed: false } | { failed: true; msg: string | undefined };

async function runPhase(c: LuaChunk, phase: HandshakePhase, logContext: LogContext, bind: (h: NgxHost) => void): Promise<Outcome> {
  const cleanups: (() => void)[] = [];
  const s = sslStarter()!(c, phase, (h) => {
    bind(h);
    h.logContext = logContext;
    h.timer = { onCleanup: (cb) => cleanups.push(cb) };
  });
  if ("loadError" in s) return { failed: true, msg: s.loadError };
  const end = await s.end;
  runCleanups(cleanups);
  if (end.error !== undefined) return { failed: true, msg: entryAbortText(end.error) };
  const code = s.h.exitCode;
  if (code !== undefined && code !== 0 && code !== 200) return { failed: true, msg: undefined };
  return { failed: false };
}

const CLIENT_HELLO_FAILED = "error:0A0000EA:SSL routines::callback failed";
const CERT_FAILED = "error:0A000179:SSL routines::cert cb error";
const UNSUPPORTED_PROTOCOL = "error:0A000102:SSL routines::unsupported protocol";

/** The address's version range ([min, max] as OpenSSL numbers). */
function rangeOf(t: TlsListen): [number, number] {
  return [
    VERSION_NUMBERS[t.defaultOptions.minVersion ?? tls.DEFAULT_MIN_VERSION] ?? 0x0303,
    VERSION_NUMBERS[t.defaultOptions.maxVersion ?? tls.DEFAULT_MAX_VERSION] ?? 0x0304,
  ];
}

/** Node's protocol name of an OpenSSL version number. */
function versionName(v: number): tls.SecureVersion | undefined {
  const n = VERSION_NAMES[v];
  return n === "TLSv1" || n === "TLSv1.1" || n === "TLSv1.2" || n === "TLSv1.3" ? n : undefined;
}

async function handshake(at: SslAddress, t: TlsListen, sock: Socket, record: Buffer, ticketKeys: Buffer): Promise<HandshakePlan | undefined> {
  const hello: ClientHello | undefined = parseClientHello(record);
  const name = serverNameOf(hello);
  const peers = peerSuffix(sock.remoteAddress, sock.localAddress, sock.localPort);
  const log = at.cfg.main.errorLog;
  const fail = (ctx: LogContext, msg: string | undefined, ssl: string): undefined => {
    if (msg !== undefined) log.log("error", msg, ctx);
    log.log("info", `SSL_do_handshake() failed (SSL: ${ssl}) while SSL handshaking`, { conn: ctx.conn, suffix: () => peers });
    return undefined;
  };
  let [min, max] = rangeOf(t);
  let rangeSet = false;

  if (at.hello !== undefined) {
    const ctx = phaseContext("ssl_client_hello_by_lua*", peers);
    const st: ClientHelloState = { extensions: hello?.extensions, protocols: undefined };
    const o = await runPhase(at.hello, "ssl_client_hello", ctx, (h) => bindClientHello(h, st));
    if (sock.destroyed) return undefined;
    if (o.failed) return fail(ctx, o.msg, CLIENT_HELLO_FAILED);
    if (st.protocols !== undefined) {
      // set_protocols replaces the server's ssl_protocols for this handshake
      const nums = st.protocols.map((p) => VERSION_NUMBERS[p]).filter((v): v is number => v !== undefined && versionName(v) !== undefined);
      const offered = hello === undefined ? [] : clientVersions(hello);
      if (nums.length === 0 || !offered.some((v) => nums.includes(v))) return fail(ctx, undefined, UNSUPPORTED_PROTOCOL);
      min = Math.min(...nums);
      max = Math.max(...nums);
      rangeSet = true;
    }
  }
  const version = negotiatedVersion(hello, min, max);

  // OpenSSL looks a session ID up only for TLS 1.2 and below, and not when a ticket is offered;
  // a resumed handshake runs no certificate phase (ssl-resume.ts tells one in advance)
  const ticket = version <= 0x0303 ? hello?.extensions.get(EXT_SESSION_TICKET) : undefined;
  const now = Date.now() / 1000;
  // TLS 1.3 resumes from a ticket offered as a PSK identity
  const offered = version === 0x0304 ? firstPskIdentity(hello) : ticket;
  let resumes = offered !== undefined && offered.length > 0 && ticketResumes(offered, ticketKeys, now);
  const offersId = hello !== undefined && hello.sessionId.length > 0 && version <= 0x0303 && (ticket === undefined || ticket.length === 0);
  if (at.fetch !== undefined && offersId) {
    const given = runFetch(at, at.fetch, sock, Buffer.from(hello.sessionId));
    if (sock.destroyed) return undefined;
    resumes = given !== undefined && sessionAlive(given, now);
  }
  if (resumes) {
    return { options: rangeSet ? { ...t.defaultOptions, minVersion: versionName(min), maxVersion: versionName(max) } : undefined, ownCertificate: false };
  }

  const certChunk = selectServer(at.addr, name.toLowerCase()).root.settings[SSL_CERT_KEY] as LuaChunk | undefined;
  let hs: SslHandshake | undefined;
  let certCtx: LogContext | undefined;
  if (certChunk !== undefined) {
    certCtx = phaseContext("ssl_certificate_by_lua*", peers);
    const h: SslHandshake = {
      serverName: name === "" ? undefined : name, localAddress: sock.localAddress ?? "", remoteAddress: sock.remoteAddress ?? "", version,
      certs: undefined, key: undefined, cleared: false,
    };
    hs = h;
    const o = await runPhase(certChunk, "ssl_cert", certCtx, (x) => bindHandshake(x, h));
    if (sock.destroyed) return undefined;
    if (o.failed) return fail(certCtx, o.msg, CERT_FAILED);
  }
  const own = hs !== undefined && (hs.cleared || hs.certs !== undefined || hs.key !== undefined);
  if (!own && !rangeSet) return { options: undefined, ownCertificate: false };
  const { cert: _c, key: _k, ...rest } = t.defaultOptions;
  const options: tls.SecureContextOptions = {
    ...(own ? { ...rest, cert: hs!.certs?.join(""), key: hs!.key?.export({ format: "pem", type: "pkcs8" }) } : t.defaultOptions),
    ...(rangeSet ? { minVersion: versionName(min), maxVersion: versionName(max) } : {}),
  };
  if (own) {
    try {
      // node keeps the server's certificate when the new context has none: a cleared one fails here
      if (hs!.certs === undefined || hs!.key === undefined) throw new Error("no certificate");
      tls.createSecureContext(options);
    } catch {
      // no usable certificate and key: OpenSSL finds no cipher to offer
      return fail(certCtx!, undefined, "error:0A0000C1:SSL routines::no shared cipher");
    }
  }
  return { options, ownCertificate: own };
}

handshakeHooks.before = (t) => {
  const at = sslAddress(t);
  if (at === undefined || sslStarter() === undefined) return undefined;
  if (at.hello === undefined && at.fetch === undefined && !at.anyCert) return undefined;
  return (sock, record, ticketKeys) => handshake(at, t, sock, record, ticketKeys);
};
