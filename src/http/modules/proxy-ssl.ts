// proxy_ssl_*: how proxy_pass speaks TLS to an https:// upstream. Files are read when the
// configuration loads (as nginx loads them into its SSL context); what depends on the
// request (the name, from proxy_ssl_name or $proxy_host) is settled per request and kept by
// name, so a location makes one UpstreamTls per name it meets.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import type * as tls from "node:tls";
import type { Directive } from "../../conf/ast.js";
import { ConfigError, flag, num, type ParseEnv, type SettingSpec, type Settings } from "../config/settings.js";
import type { Request } from "../request.js";
import { compileComplexValue, type ComplexValue } from "../script.js";
import type { UpstreamTls } from "../upstream/connect.js";

interface PemFile {
  readonly path: string;
  readonly data: Buffer;
}

function pemFile(d: Directive, env: ParseEnv, what: string): PemFile {
  const arg = d.args[0] ?? "";
  const path = arg.startsWith("/") ? arg : env.confPrefix + arg;
  try {
    return { path, data: fs.readFileSync(path) };
  } catch {
    throw new ConfigError(`cannot load ${what} "${path}": BIO_new_file() failed (SSL: error:80000002:system library::No such file or directory)`, d.file, d.line);
  }
}

/** proxy_ssl_password_file: one password a line, tried in turn on the key. */
function passwords(d: Directive, env: ParseEnv): string[] {
  const arg = d.args[0] ?? "";
  const path = arg.startsWith("/") ? arg : env.confPrefix + arg;
  try {
    return fs.readFileSync(path, "latin1").split("\n").map((l) => l.replace(/\r$/, "")).filter((l) => l !== "");
  } catch {
    throw new ConfigError(`open() "${path}" failed (2: No such file or directory)`, d.file, d.line);
  }
}

/** The client key, decrypted with the first password that opens it (as nginx tries them). */
function clientKey(key: PemFile, pass: readonly string[]): Buffer {
  if (pass.length === 0) return key.data;
  for (const p of pass) {
    try {
      return Buffer.from(crypto.createPrivateKey({ key: key.data, passphrase: p }).export({ type: "pkcs8", format: "pem" }));
    } catch {
      // the next password
    }
  }
  throw new ConfigError(`cannot load certificate key "${key.path}": PEM_read_bio_PrivateKey() failed (SSL: error:1C800064:Provider routines::bad decrypt)`);
}

const PROTOCOLS = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;

/** Node takes a range: the lowest and highest protocols listed (SSLv2/3 are not there). */
function protocolRange(d: Directive): { min: tls.SecureVersion; max: tls.SecureVersion } {
  const idx = d.args.map((a) => PROTOCOLS.indexOf(a as (typeof PROTOCOLS)[number])).filter((i) => i >= 0);
  if (idx.length === 0) return { min: "TLSv1.3", max: "TLSv1.3" };
  return { min: PROTOCOLS[Math.min(...idx)]!, max: PROTOCOLS[Math.max(...idx)]! };
}

export const PROXY_SSL_SETTINGS: SettingSpec[] = [
  flag("proxy_ssl_server_name", false),
  flag("proxy_ssl_verify", false),
  // Accepted: Node checks the whole chain it is given (nginx's default depth is 1).
  num("proxy_ssl_verify_depth", 1),
  flag("proxy_ssl_session_reuse", true),
  { directive: "proxy_ssl_name", key: "proxy_ssl_name", default: undefined, parse: (d) => compileComplexValue(d.args[0] ?? "") },
  { directive: "proxy_ssl_trusted_certificate", key: "proxy_ssl_trusted_certificate", default: undefined, parse: (d, _p, env) => pemFile(d, env, "trusted certificate") },
  { directive: "proxy_ssl_certificate", key: "proxy_ssl_certificate", default: undefined, parse: (d, _p, env) => pemFile(d, env, "certificate") },
  { directive: "proxy_ssl_certificate_key", key: "proxy_ssl_certificate_key", default: undefined, parse: (d, _p, env) => pemFile(d, env, "certificate key") },
  { directive: "proxy_ssl_crl", key: "proxy_ssl_crl", default: undefined, parse: (d, _p, env) => pemFile(d, env, "CRL") },
  { directive: "proxy_ssl_password_file", key: "proxy_ssl_password_file", default: undefined, parse: (d, _p, env) => passwords(d, env) },
  { directive: "proxy_ssl_protocols", key: "proxy_ssl_protocols", default: undefined, parse: (d) => protocolRange(d) },
  { directive: "proxy_ssl_ciphers", key: "proxy_ssl_ciphers", default: undefined, parse: (d) => d.args[0] ?? "" },
] as SettingSpec[];

/** A location's TLS plan, compiled at load. */
export interface ProxyTls {
  readonly serverName: boolean;
  readonly verify: boolean;
  readonly name: ComplexValue | undefined;
  readonly base: Omit<UpstreamTls, "servername" | "verifyName" | "id">;
  /** One UpstreamTls per name met (the name is usually the same on every request). */
  readonly byName: Map<string, UpstreamTls>;
  readonly serial: number;
}

let serials = 0;

/** The location's proxy_ssl_* settings; `ssl` when its proxy_pass may be https (checks apply then). */
export function compileProxyTls(settings: Settings, ssl: boolean): ProxyTls {
  const get = <T>(k: string): T => settings[k] as T;
  const verify = get<boolean>("proxy_ssl_verify");
  const ca = get<PemFile | undefined>("proxy_ssl_trusted_certificate");
  if (ssl && verify && ca === undefined) throw new ConfigError("no proxy_ssl_trusted_certificate for proxy_ssl_verify");
  const cert = get<PemFile | undefined>("proxy_ssl_certificate");
  const key = get<PemFile | undefined>("proxy_ssl_certificate_key");
  if (ssl && cert !== undefined && key === undefined) throw new ConfigError(`no "proxy_ssl_certificate_key" is defined for certificate "${cert.path}"`);
  const protocols = get<{ min: tls.SecureVersion; max: tls.SecureVersion } | undefined>("proxy_ssl_protocols");
  return {
    serverName: get<boolean>("proxy_ssl_server_name"),
    verify,
    name: get<ComplexValue | undefined>("proxy_ssl_name"),
    base: {
      ca: ca?.data, crl: get<PemFile | undefined>("proxy_ssl_crl")?.data, cert: cert?.data,
      key: cert !== undefined && key !== undefined ? clientKey(key, get<string[] | undefined>("proxy_ssl_password_file") ?? []) : undefined,
      reuseSessions: get<boolean>("proxy_ssl_session_reuse"),
      minVersion: protocols?.min, maxVersion: protocols?.max, ciphers: get<string | undefined>("proxy_ssl_ciphers"),
    },
    byName: new Map(),
    serial: ++serials,
  };
}

/**
 * The TLS for one request: the name is proxy_ssl_name or $proxy_host, without a port (as
 * ngx_http_upstream_ssl_name strips it); it is sent as SNI only with proxy_ssl_server_name on
 * and when it is no address, and checked against the certificate with proxy_ssl_verify on.
 */
export function tlsFor(r: Request, t: ProxyTls, proxyHost: string): UpstreamTls {
  let name = t.name !== undefined ? t.name(r) : proxyHost;
  const from = name.startsWith("[") ? Math.max(0, name.indexOf("]")) : 0;
  const colon = name.indexOf(":", from);
  if (colon >= 0) name = name.slice(0, colon);
  let u = t.byName.get(name);
  if (u === undefined) {
    const sni = t.serverName && name !== "" && !name.startsWith("[") && net.isIP(name) === 0 ? name : undefined;
    u = { ...t.base, servername: sni, verifyName: t.verify ? name : undefined, id: `${t.serial}|${name}` };
    if (t.byName.size < 64) t.byName.set(name, u);
  }
  return u;
}
