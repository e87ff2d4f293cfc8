// ngx_http_ssl_module at load time: which addresses speak TLS (`listen ... ssl`, the
// deprecated `ssl on` of the default server), and one Node SecureContext per server built
// from its certificates, protocols and ciphers. Everything is read and checked here, once
// per (re)load, with nginx's error texts; the transport only picks a context per handshake.
import * as fs from "node:fs";
import * as tls from "node:tls";
import * as crypto from "node:crypto";
import type { Directive } from "../../conf/ast.js";
import type { AddressConf, PortConf, ServerConf } from "./model.js";
import { ConfigError } from "./settings.js";
import { selectServer } from "./server-names.js";

/** The directives this file reads (so the build does not list them as unimplemented). */
export const SSL_DIRECTIVES: readonly string[] = [
  "ssl", "ssl_certificate", "ssl_certificate_key", "ssl_password_file", "ssl_protocols", "ssl_ciphers",
  "ssl_prefer_server_ciphers", "ssl_session_cache", "ssl_session_timeout", "ssl_session_tickets",
  "ssl_dhparam", "ssl_ecdh_curve",
];

/** What a TLS address needs per connection. */
export interface AddressTls {
  readonly http2: boolean;
  /** The default server's context (nginx's certificate when no name matches). */
  readonly defaultContext: tls.SecureContext;
  /** The options it was made from (node's TLS server takes options for its default context). */
  readonly defaultOptions: tls.SecureContextOptions;
  /** SNI: the context of the server the name selects, or the default one. */
  contextFor(serverName: string): tls.SecureContext;
}

const serverContexts = new WeakMap<ServerConf, tls.SecureContext>();
const serverOptions = new WeakMap<ServerConf, tls.SecureContextOptions>();
const addressTls = new WeakMap<AddressConf, AddressTls>();

/** The TLS settings of an address, or undefined for a plain one. */
export function tlsOf(addr: AddressConf): AddressTls | undefined {
  return addressTls.get(addr);
}

type Level = readonly Directive[];

/** The directive as nginx merges it: the server's own, else the http level's. */
function pick(name: string, srv: Level, http: Level): Directive[] {
  const own = srv.filter((d) => d.name === name);
  return own.length > 0 ? own : http.filter((d) => d.name === name);
}

function last(name: string, srv: Level, http: Level): Directive | undefined {
  const ds = pick(name, srv, http);
  return ds[ds.length - 1];
}

/** nginx resolves certificate paths against the configuration's directory. */
function full(path: string, confPrefix: string): string {
  return path.startsWith("/") ? path : confPrefix + path;
}

/** OpenSSL's words for a file BIO_new_file() cannot open (nginx 1.22 with OpenSSL 3). */
function openFailure(path: string, e: NodeJS.ErrnoException): string {
  const sys = e.code === "EACCES" ? ["8000000D", "Permission denied"] : e.code === "EISDIR" ? ["80000015", "Is a directory"] : ["80000002", "No such file or directory"];
  const bio = e.code === "ENOENT" ? "10000080:BIO routines::no such file" : "10080002:BIO routines::system lib";
  return `BIO_new_file() failed (SSL: error:${sys[0]}:system library::${sys[1]}:calling fopen(${path}, r) error:${bio})`;
}

function readPem(path: string, what: string): Buffer {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    throw new ConfigError(`cannot load ${what} "${path}": ${openFailure(path, e as NodeJS.ErrnoException)}`);
  }
}

const CERT_BEGIN = /-----BEGIN (?:TRUSTED |X509 )?CERTIFICATE-----/;

function loadCertificate(path: string): Buffer {
  const pem = readPem(path, "certificate");
  const text = pem.toString("latin1");
  const m = CERT_BEGIN.exec(text);
  if (!m) throw new ConfigError(`cannot load certificate "${path}": PEM_read_bio_X509_AUX() failed (SSL: error:0480006C:PEM routines::no start line:Expecting: TRUSTED CERTIFICATE)`);
  try {
    new crypto.X509Certificate(text.slice(m.index));
  } catch {
    throw new ConfigError(`cannot load certificate "${path}": PEM_read_bio_X509_AUX() failed (SSL: error:0488000D:PEM routines::ASN1 lib)`);
  }
  return pem;
}

/** A key in PEM, decrypted with the first password of ssl_password_file that opens it. */
function loadKey(path: string, passwords: readonly string[]): string | Buffer {
  const pem = readPem(path, "certificate key");
  for (const passphrase of passwords.length > 0 ? passwords : [undefined]) {
    try {
      const k = crypto.createPrivateKey({ key: pem, format: "pem", passphrase });
      return passwords.length > 0 ? k.export({ format: "pem", type: "pkcs8" }) : pem;
    } catch {
      // try the next password
    }
  }
  const why = passwords.length > 0 && pem.toString("latin1").includes("ENCRYPTED")
    ? "PEM_read_bio_PrivateKey() failed (SSL: error:1C800064:Provider routines::bad decrypt)"
    : "PEM_read_bio_PrivateKey() failed (SSL: error:1E08010C:DECODER routines::unsupported:No supported data to decode. Input type: PEM)";
  throw new ConfigError(`cannot load certificate key "${path}": ${why}`);
}

function readPasswords(d: Directive | undefined, confPrefix: string): string[] {
  if (!d) return [];
  const path = full(d.args[0] ?? "", confPrefix);
  let text: string;
  try {
    text = fs.readFileSync(path, "latin1");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ConfigError(`open() "${path}" failed (${err.errno === undefined ? "" : -err.errno}: ${err.code === "ENOENT" ? "No such file or directory" : err.message})`, d.file, d.line);
  }
  return text.split("\n").map((l) => l.replace(/\r$/, "")).filter((l) => l !== "");
}

const PROTOCOL_ORDER = ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;

/** Node takes a range: the lowest and highest protocols listed (gaps are not expressible). */
function protocolRange(d: Directive | undefined): Pick<tls.SecureContextOptions, "minVersion" | "maxVersion"> {
  const listed = d ? d.args : ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];
  const idx = listed.map((p) => PROTOCOL_ORDER.indexOf(p as (typeof PROTOCOL_ORDER)[number])).filter((i) => i >= 2);
  if (idx.length === 0) return { minVersion: "TLSv1.3", maxVersion: "TLSv1.3" };
  return {
    minVersion: PROTOCOL_ORDER[Math.min(...idx)] as tls.SecureVersion,
    maxVersion: PROTOCOL_ORDER[Math.max(...idx)] as tls.SecureVersion,
  };
}

/** The server's SecureContext, or undefined when it defines no certificate. */
function buildContext(s: ServerConf, http: Level, confPrefix: string): { ctx: tls.SecureContext; options: tls.SecureContextOptions } | undefined {
  const srv = s.directives;
  const certs = pick("ssl_certificate", srv, http);
  if (certs.length === 0) return undefined;
  const keys = pick("ssl_certificate_key", srv, http);
  if (keys.length < certs.length) {
    throw new ConfigError(`no "ssl_certificate_key" is defined for certificate "${certs[keys.length]!.args[0] ?? ""}"`);
  }
  const passwords = readPasswords(last("ssl_password_file", srv, http), confPrefix);
  const cert: Buffer[] = [];
  const key: (string | Buffer)[] = [];
  certs.forEach((c, i) => {
    cert.push(loadCertificate(full(c.args[0] ?? "", confPrefix)));
    key.push(loadKey(full(keys[i]!.args[0] ?? "", confPrefix), passwords));
  });
  const ciphers = last("ssl_ciphers", srv, http)?.args[0] ?? "HIGH:!aNULL:!MD5";
  const dh = last("ssl_dhparam", srv, http);
  const curve = last("ssl_ecdh_curve", srv, http)?.args[0];
  const timeout = last("ssl_session_timeout", srv, http)?.args[0];
  const options: tls.SecureContextOptions = {
    cert, key, ciphers, ...protocolRange(last("ssl_protocols", srv, http)),
    honorCipherOrder: last("ssl_prefer_server_ciphers", srv, http)?.args[0] === "on",
    dhparam: dh ? readPem(full(dh.args[0] ?? "", confPrefix), "DH parameters") : undefined,
    ecdhCurve: curve,
    sessionTimeout: timeout ? secondsOf(timeout) : 300,
    // ssl_session_tickets off: clients resume by session ID only (what ssl_session_*_by_lua see)
    secureOptions: last("ssl_session_tickets", srv, http)?.args[0] === "off" ? crypto.constants.SSL_OP_NO_TICKET : undefined,
  };
  try {
    return { ctx: tls.createSecureContext(options), options };
  } catch (e) {
    const d = certs[0]!;
    throw new ConfigError(`SSL_CTX_use_PrivateKey("${full(keys[0]!.args[0] ?? "", confPrefix)}") failed (SSL: ${(e as Error).message})`, d.file, d.line);
  }
}

function secondsOf(v: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v);
  if (!m) return 300;
  const mult: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
  return Math.max(1, Math.floor(Number(m[1]) * (mult[m[2] ?? "s"] ?? 1)));
}

/**
 * Load every server's certificates (as nginx's merge does, even for servers without an ssl
 * listen) and mark the addresses that speak TLS; an ssl address whose default server has no
 * certificate is nginx's emerg.
 */
export function attachSsl(servers: readonly ServerConf[], ports: readonly PortConf[], http: Level, confPrefix: string): void {
  for (const s of servers) {
    const built = buildContext(s, http, confPrefix);
    if (built) {
      serverContexts.set(s, built.ctx);
      serverOptions.set(s, built.options);
    }
  }
  for (const p of ports) {
    for (const a of p.addresses) {
      const mine = (l: { host: string; port: number; unixPath?: string }): boolean =>
        l.unixPath !== undefined ? l.unixPath === p.unixPath : l.host === a.host && l.port === a.port;
      const members = servers.filter((s) => s.listens.some(mine));
      const viaListen = members.some((s) => s.listens.some((l) => mine(l) && l.ssl));
      const http2 = members.some((s) => s.listens.some((l) => mine(l) && l.http2));
      const def = a.defaultServer;
      const sslOn = last("ssl", def.directives, http);
      if (!viaListen && sslOn?.args[0] !== "on") continue;
      const defaultContext = serverContexts.get(def);
      if (!defaultContext) {
        if (viaListen) throw new ConfigError(`no "ssl_certificate" is defined for the "listen ... ssl" directive in ${def.file}:${def.line}`);
        throw new ConfigError(`no "ssl_certificate" is defined for the "ssl" directive in ${sslOn!.file}:${sslOn!.line}`);
      }
      addressTls.set(a, {
        http2,
        defaultContext,
        defaultOptions: serverOptions.get(def)!,
        contextFor: (name) => serverContexts.get(selectServer(a, name.toLowerCase())) ?? defaultContext,
      });
    }
  }
}
