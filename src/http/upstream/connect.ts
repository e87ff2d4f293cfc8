// Opening a connection to one upstream peer: TCP or a unix socket, then TLS for https://
// upstreams, with nginx's failures and log texts, for the upstream client (h1-client.ts).
//
// Certificates are checked as nginx checks them after its handshake, not by Node during it:
// nginx completes the handshake with verification off and then looks at the verify result
// (`upstream SSL certificate verify error: (N:text)`) and at the name (`upstream SSL
// certificate does not match "NAME"`), so the same two steps run here on a handshake made
// with rejectUnauthorized off.
import * as net from "node:net";
import * as tls from "node:tls";
import type { UpstreamFailure } from "./client.js";
import { ERRNO } from "./errno.js";

/** TLS to an https:// upstream (the proxy_ssl_* settings of the location). */
export interface UpstreamTls {
  /** SNI (proxy_ssl_server_name on, and the name is no address). */
  readonly servername: string | undefined;
  /** proxy_ssl_verify on: the name the certificate must match; undefined: no check. */
  readonly verifyName: string | undefined;
  /** proxy_ssl_trusted_certificate's PEM (replaces Node's CA store while verifying). */
  readonly ca: Buffer | undefined;
  /** proxy_ssl_crl: revoked certificates (checked with the trusted ones). */
  readonly crl: Buffer | undefined;
  /** proxy_ssl_session_reuse: resume the last session made with these settings to this peer. */
  readonly reuseSessions: boolean;
  /** proxy_ssl_certificate and _key: a client certificate. */
  readonly cert: Buffer | undefined;
  readonly key: Buffer | undefined;
  readonly minVersion: tls.SecureVersion | undefined;
  readonly maxVersion: tls.SecureVersion | undefined;
  readonly ciphers: string | undefined;
  /** Identifies these settings among a peer's pools (connections are not shared across them). */
  readonly id: string;
}

/** Where a peer listens: host and port, or a unix socket path. */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
  readonly path: string | undefined;
}

const SSL_STAGE = "SSL handshaking to upstream" as const;

/**
 * The last TLS session per peer and settings, resumed by the next connection (nginx keeps one
 * per peer). Keyed by the settings too: a session carries the verify result of its handshake.
 */
const sessions = new Map<string, Buffer>();
const MAX_SESSIONS = 1024;

/**
 * OpenSSL's X509_V_ERR numbers and texts (X509_verify_cert_error_string, OpenSSL 3's words),
 * by the name Node gives the verify result in authorizationError.
 */
const X509_ERR: Readonly<Record<string, readonly [number, string]>> = {
  UNABLE_TO_GET_ISSUER_CERT: [2, "unable to get issuer certificate"],
  UNABLE_TO_GET_CRL: [3, "unable to get certificate CRL"],
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: [4, "unable to decrypt certificate's signature"],
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: [6, "unable to decode issuer public key"],
  CERT_SIGNATURE_FAILURE: [7, "certificate signature failure"],
  CERT_NOT_YET_VALID: [9, "certificate is not yet valid"],
  CERT_HAS_EXPIRED: [10, "certificate has expired"],
  ERROR_IN_CERT_NOT_BEFORE_FIELD: [13, "format error in certificate's notBefore field"],
  ERROR_IN_CERT_NOT_AFTER_FIELD: [14, "format error in certificate's notAfter field"],
  DEPTH_ZERO_SELF_SIGNED_CERT: [18, "self-signed certificate"],
  SELF_SIGNED_CERT_IN_CHAIN: [19, "self-signed certificate in certificate chain"],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: [20, "unable to get local issuer certificate"],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: [21, "unable to verify the first certificate"],
  CERT_CHAIN_TOO_LONG: [22, "certificate chain too long"],
  CERT_REVOKED: [23, "certificate revoked"],
  INVALID_CA: [24, "invalid CA certificate"],
  PATH_LENGTH_EXCEEDED: [25, "path length constraint exceeded"],
  INVALID_PURPOSE: [26, "unsupported certificate purpose"],
  CERT_UNTRUSTED: [27, "certificate not trusted"],
  CERT_REJECTED: [28, "certificate rejected"],
};

/** The errno texts nginx logs at `error` for a failed connect; any other is `crit`. */
const CONNECT_ERR_LEVEL = new Set(["ECONNREFUSED", "EAGAIN", "ECONNRESET", "ENETDOWN", "ENETUNREACH", "EHOSTDOWN", "EHOSTUNREACH"]);

const UNIX_ERRNO: Readonly<Record<string, string>> = { ENOENT: "2: No such file or directory", EACCES: "13: Permission denied", ENOTSOCK: "88: Socket operation on non-socket" };

/**
 * OpenSSL's error as nginx prints it (`error:0A00010B:SSL routines::wrong version number`):
 * Node's message has the same parts with the thread id, function and source place added.
 */
function opensslText(e: Error & { library?: string; reason?: string }): string {
  const hex = /error:([0-9A-F]{8}):/.exec(e.message)?.[1];
  if (hex === undefined || e.library === undefined || e.reason === undefined) return e.message;
  return `error:${hex}:${e.library}::${e.reason}`;
}

/** The verify result and the name check nginx makes after the handshake; undefined when both pass. */
function checkPeer(s: tls.TLSSocket, t: UpstreamTls): UpstreamFailure | undefined {
  if (t.verifyName === undefined) return undefined;
  // Node gives the verify result's name (a string, despite its Error type).
  const err = s.authorizationError as unknown;
  if (!s.authorized && err) {
    const name = typeof err === "string" ? err : (err as { code?: string }).code ?? String(err);
    const [n, text] = X509_ERR[name] ?? [1, name];
    return { kind: "error", message: `upstream SSL certificate verify error: (${n}:${text})`, stage: SSL_STAGE };
  }
  // A resumed session passed the name check when it was made (sessions are kept per name
  // and only from connections that passed); Node has no peer certificate to show for it.
  if (s.isSessionReused()) return undefined;
  const cert = s.getPeerCertificate();
  if (tls.checkServerIdentity(t.verifyName, cert) !== undefined) {
    return { kind: "error", message: `upstream SSL certificate does not match "${t.verifyName}"`, stage: SSL_STAGE };
  }
  return undefined;
}

/**
 * Connect to `peer` (and, with `t`, make the TLS handshake and check the certificate).
 * `ready` hears a connected socket; `failed` hears nginx's failure, once, and the socket is
 * destroyed. The socket is returned at once so that its owner can listen to it.
 */
export function dial(peer: PeerAddress, t: UpstreamTls | undefined, timeoutMs: number, ready: (s: net.Socket) => void, failed: (f: UpstreamFailure) => void): net.Socket {
  let settled = false;
  let tcpUp = false;
  /** The certificate failed the checks: its session is not kept. */
  let rejected = false;
  const sessionKey = t !== undefined && t.reuseSessions ? `${peer.path ?? `${peer.host}:${peer.port}`}|${t.id}` : undefined;
  const sock: net.Socket = t === undefined
    ? (peer.path !== undefined ? net.connect({ path: peer.path }) : net.connect({ host: peer.host, port: peer.port, noDelay: true }))
    : tls.connect({
        ...(peer.path !== undefined ? { path: peer.path } : { host: peer.host, port: peer.port }),
        rejectUnauthorized: false,
        // An empty name keeps Node from sending the host as SNI.
        servername: t.servername ?? "",
        ca: t.ca, crl: t.crl, cert: t.cert, key: t.key, minVersion: t.minVersion, maxVersion: t.maxVersion, ciphers: t.ciphers,
        session: sessionKey !== undefined ? sessions.get(sessionKey) : undefined,
        // nginx checks the name itself after the handshake.
        checkServerIdentity: () => undefined,
      });
  const fail = (f: UpstreamFailure): void => {
    if (settled) return;
    settled = true;
    if (timer !== undefined) clearTimeout(timer);
    sock.removeListener("error", onError);
    sock.on("error", () => undefined);
    sock.destroy();
    failed(f);
  };
  const onError = (e: NodeJS.ErrnoException): void => {
    const code = e.code ?? "";
    if (t !== undefined && tcpUp) {
      fail({ kind: "error", message: `SSL_do_handshake() failed (SSL: ${opensslText(e)})`, stage: SSL_STAGE });
    } else if (peer.path !== undefined) {
      fail({
        kind: "error", message: `connect() to unix:${peer.path} failed (${UNIX_ERRNO[code] ?? ERRNO[code] ?? e.message})`,
        stage: "connecting to upstream", level: CONNECT_ERR_LEVEL.has(code) ? undefined : "crit",
      });
    } else {
      fail({ kind: "error", message: `connect() failed (${ERRNO[code] ?? "111: Connection refused"})`, stage: "connecting to upstream" });
    }
  };
  const timer = timeoutMs > 0 ? setTimeout(() => {
    fail({ kind: "timeout", message: "upstream timed out (110: Connection timed out)", stage: t !== undefined && tcpUp ? SSL_STAGE : "connecting to upstream" });
  }, timeoutMs) : undefined;
  sock.on("error", onError);
  // Destroyed by its owner before it was up (the client went away): nothing to report.
  sock.once("close", () => {
    if (settled) return;
    settled = true;
    if (timer !== undefined) clearTimeout(timer);
  });
  sock.once("connect", () => {
    tcpUp = true;
    if (peer.path === undefined) sock.setNoDelay(true);
    if (t === undefined) done();
  });
  if (sessionKey !== undefined) {
    // TLS 1.3 sends its tickets after the handshake: the latest one is kept.
    sock.on("session", (s: Buffer) => {
      if (rejected) return;
      if (sessions.size >= MAX_SESSIONS && !sessions.has(sessionKey)) sessions.delete(sessions.keys().next().value!);
      sessions.set(sessionKey, s);
    });
  }
  if (t !== undefined) {
    sock.once("secureConnect", () => {
      const bad = checkPeer(sock as tls.TLSSocket, t);
      if (bad !== undefined) {
        // A session that failed the checks is not offered again.
        rejected = true;
        if (sessionKey !== undefined) sessions.delete(sessionKey);
        fail(bad);
      }
      else done();
    });
  }
  function done(): void {
    if (settled) return;
    settled = true;
    if (timer !== undefined) clearTimeout(timer);
    sock.removeListener("error", onError);
    ready(sock);
  }
  return sock;
}
