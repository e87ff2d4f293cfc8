// lua_ssl_trusted_certificate and lua_ssl_verify_depth for the cosocket's sslhandshake with
// verify: the CA files are read when the configuration loads (a missing one refuses it, as
// nginx's SSL_CTX_load_verify_locations does), and a verified chain may hold at most
// `depth` intermediate certificates between the peer's and the trusted one. Without a
// trusted file nothing verifies (nginx does not use the system's CA list).
import * as fs from "node:fs";
import * as path from "node:path";
import type * as tls from "node:tls";

const files = new Map<string, Buffer>();

/** Read the directive's file (relative to the configuration's directory); the error as nginx words it. */
export function loadTrustedCertificate(file: string, confPrefix: string): string | undefined {
  const abs = path.resolve(confPrefix, file);
  try {
    files.set(file, fs.readFileSync(abs));
    return undefined;
  } catch {
    return `SSL_CTX_load_verify_locations("${abs}") failed (SSL: error:80000002:system library::No such file or directory:` +
      `calling fopen(${abs}, r) error:10000080:BIO routines::no such file error:05880002:x509 certificate routines::system lib)`;
  }
}

const crls = new Map<string, Buffer>();

/** lua_ssl_crl's file, read at load as lua_ssl_trusted_certificate's. */
export function loadCrl(file: string, confPrefix: string): string | undefined {
  const abs = path.resolve(confPrefix, file);
  try {
    crls.set(file, fs.readFileSync(abs));
    return undefined;
  } catch {
    return `X509_LOOKUP_load_file("${abs}") failed (SSL: error:80000002:system library::No such file or directory:` +
      `calling fopen(${abs}, r) error:10000080:BIO routines::no such file error:05880002:x509 certificate routines::system lib)`;
  }
}

/** The revocation lists a verifying handshake checks (the whole chain then needs one, as nginx). */
export function crlsFor(file: string): Buffer[] | undefined {
  const b = file === "" ? undefined : crls.get(file);
  return b === undefined ? undefined : [b];
}

/** The CA certificates a handshake trusts: the directive's file, or none at all. */
export function trustedCas(file: string): Buffer[] {
  const b = file === "" ? undefined : files.get(file);
  return b === undefined ? [] : [b];
}

/** Whether the verified chain of `ts` has more intermediate certificates than `depth` allows. */
export function chainTooDeep(ts: tls.TLSSocket, depth: number): boolean {
  let c: tls.DetailedPeerCertificate | undefined = ts.getPeerCertificate(true);
  const seen = new Set<tls.DetailedPeerCertificate>();
  while (c !== undefined && c.raw !== undefined && !seen.has(c)) {
    seen.add(c);
    if (c.issuerCertificate === undefined || c.issuerCertificate === c) break;
    c = c.issuerCertificate;
  }
  // the peer's own and the trusted root are not counted
  return seen.size - 2 > depth;
}

const TLS_VERSIONS = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;

/** lua_ssl_protocols as Node's version range (SSLv2/SSLv3 cannot be had; a gap in the list is not honoured). */
export function protocolRange(protocols: readonly string[]): { minVersion?: tls.SecureVersion; maxVersion?: tls.SecureVersion } {
  const listed = TLS_VERSIONS.filter((v) => protocols.includes(v));
  if (listed.length === 0) return {};
  return { minVersion: listed[0], maxVersion: listed[listed.length - 1] };
}

/** A handshake failing in OpenSSL (not in verification), as nginx logs it. */
export function handshakeFailedText(e: unknown): string {
  const m = String((e as { message?: string }).message ?? "");
  const code = /error:([0-9A-F]{8}):/.exec(m)?.[1];
  const reason = (e as { reason?: string }).reason;
  if (code === undefined || reason === undefined) return `SSL_do_handshake() failed (${m.trim()})`;
  const alert = /SSL alert number (\d+)/.exec(m)?.[1];
  return `SSL_do_handshake() failed (SSL: error:${code}:SSL routines::${reason}${alert !== undefined ? `:SSL alert number ${alert}` : ""})`;
}
