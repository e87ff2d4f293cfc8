// `require "ngx.ssl"` (lua-resty-core's API for ssl_certificate_by_lua*): what the handshake
// asked for (server_name, raw_server_addr, the protocol version) and the certificate and key
// the code sets instead of the server's configured ones. The functions act on the
// SslHandshake bound to the running thread's host; the transport builds a SecureContext from
// it when the thread ends.
import * as crypto from "node:crypto";
import type { LuaFunction, LuaResult, LuaValue } from "../lua/runtime/value.js";
import { luaError } from "../lua/runtime/error.js";
import { moduleTable } from "../lib/util.js";
import { currentHost, type NgxHost } from "./host.js";

/** One handshake as the Lua phase sees and changes it. */
export interface SslHandshake {
  /** The SNI name, undefined when the client sent none. */
  readonly serverName: string | undefined;
  /** The address the client connected to ("127.0.0.1", "::1"), and the client's. */
  readonly localAddress: string;
  readonly remoteAddress: string;
  /** The protocol version number (0x0303 for TLSv1.2). */
  readonly version: number;
  /** Set by the code: the certificate chain as PEM, the key; `cleared` by clear_certs(). */
  certs: string[] | undefined;
  key: crypto.KeyObject | undefined;
  cleared: boolean;
}

const handshakes = new WeakMap<NgxHost, SslHandshake>();

export function bindHandshake(h: NgxHost, s: SslHandshake): void {
  handshakes.set(h, s);
}

/** The running handshake, or the error resty.core gives outside one. */
function current(): SslHandshake | string {
  const h = currentHost();
  if (h === undefined) return luaError("no request found");
  return handshakes.get(h) ?? "no ssl connection";
}

export const VERSION_NAMES: Readonly<Record<number, string>> = {
  0x0300: "SSLv3", 0x0301: "TLSv1", 0x0302: "TLSv1.1", 0x0303: "TLSv1.2", 0x0304: "TLSv1.3",
};

/** Node's protocol names to OpenSSL's version numbers. */
export const VERSION_NUMBERS: Readonly<Record<string, number>> = {
  SSLv3: 0x0300, TLSv1: 0x0301, "TLSv1.1": 0x0302, "TLSv1.2": 0x0303, "TLSv1.3": 0x0304,
};

/** The DER certificates of a PEM text, in order. */
function pemBlocks(pem: string, label: RegExp): Buffer[] {
  const out: Buffer[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(pem); m !== null; m = re.exec(pem)) {
    if (label.test(m[1]!)) out.push(Buffer.from(m[2]!.replace(/\s+/g, ""), "base64"));
  }
  return out;
}

/** Split concatenated DER structures (each a SEQUENCE with its own length). */
function derSequences(der: Buffer): Buffer[] | undefined {
  const out: Buffer[] = [];
  let i = 0;
  while (i < der.length) {
    if (der[i] !== 0x30 || i + 2 > der.length) return undefined;
    let len = der[i + 1]!;
    let head = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || i + 2 + n > der.length) return undefined;
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + der[i + 2 + k]!;
      head += n;
    }
    if (i + head + len > der.length) return undefined;
    out.push(der.subarray(i, i + head + len));
    i += head + len;
  }
  return out;
}

function derToPem(der: Buffer): string | undefined {
  try {
    return new crypto.X509Certificate(der).toString();
  } catch {
    return undefined;
  }
}

/** OpenSSL's "traditional" DER of a private key (i2d_PrivateKey): PKCS#1 for RSA, SEC1 for EC. */
function traditionalDer(k: crypto.KeyObject): Buffer {
  const t = k.asymmetricKeyType;
  if (t === "rsa") return k.export({ format: "der", type: "pkcs1" });
  if (t === "ec") return k.export({ format: "der", type: "sec1" });
  return k.export({ format: "der", type: "pkcs8" });
}

function keyFromDer(der: Buffer): crypto.KeyObject | undefined {
  for (const type of ["pkcs1", "sec1", "pkcs8"] as const) {
    try {
      return crypto.createPrivateKey({ key: der, format: "der", type });
    } catch {
      // the next form
    }
  }
  return undefined;
}

function keyFromPem(pem: string): crypto.KeyObject | undefined {
  try {
    return crypto.createPrivateKey(pem);
  } catch {
    return undefined;
  }
}

/** What parse_pem_cert / parse_pem_priv_key return: an FFI pointer to resty.core (type "cdata"). */
class Cdata<T> {
  readonly mt = undefined;
  readonly luaType = "cdata";
  readonly luaTypeName = "cdata";
  constructor(readonly value: T) {}
}

/** An address as its bytes (4 or 16) and its family name, as ngx.ssl's raw_*_addr give it. */
function rawAddr(addr: string): LuaResult {
  const a = addr.replace(/^::ffff:(?=\d+\.)/, "");
  if (!a.includes(":")) return [String.fromCharCode(...a.split(".").map(Number)), "inet"];
  const parts = a.split("::");
  const head = parts[0] ? parts[0].split(":") : [];
  const tail = parts.length > 1 && parts[1] ? parts[1].split(":") : [];
  const groups = [...head, ...new Array<string>(Math.max(0, 8 - head.length - tail.length)).fill("0"), ...tail];
  const b = Buffer.alloc(16);
  groups.slice(0, 8).forEach((g, i) => b.writeUInt16BE(parseInt(g || "0", 16), i * 2));
  return [b.toString("latin1"), "inet6"];
}

const str = (v: LuaValue): string | undefined => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);

const FUNCTIONS: Record<string, LuaFunction> = {
  server_name(): LuaResult {
    const s = current();
    if (typeof s === "string") return [undefined, s];
    return [s.serverName];
  },
  raw_server_addr(): LuaResult {
    const s = current();
    if (typeof s === "string") return [undefined, s];
    return rawAddr(s.localAddress);
  },
  raw_client_addr(): LuaResult {
    const s = current();
    if (typeof s === "string") return [undefined, s];
    return rawAddr(s.remoteAddress);
  },
  get_tls1_version(): LuaResult {
    const s = current();
    if (typeof s === "string") return [undefined, s];
    return [s.version];
  },
  get_tls1_version_str(): LuaResult {
    const s = current();
    if (typeof s === "string") return [undefined, s];
    const n = VERSION_NAMES[s.version];
    return n === undefined ? [undefined, "unknown version"] : [n];
  },
  clear_certs(): LuaResult {
    const s = current();
    if (typeof s === "string") return [undefined, s];
    s.cleared = true;
    s.certs = undefined;
    s.key = undefined;
    return [true];
  },
  cert_pem_to_der(pem: LuaValue): LuaResult {
    const p = str(pem);
    const blocks = p === undefined ? [] : pemBlocks(p, /^(TRUSTED |X509 )?CERTIFICATE$/);
    if (blocks.length === 0) return [undefined, "PEM_read_bio_X509_AUX() failed"];
    return [Buffer.concat(blocks).toString("latin1")];
  },
  priv_key_pem_to_der(pem: LuaValue): LuaResult {
    const p = str(pem);
    const k = p === undefined ? undefined : keyFromPem(p);
    if (k === undefined) return [undefined, "PEM_read_bio_PrivateKey() failed"];
    return [traditionalDer(k).toString("latin1")];
  },
  set_der_cert(der: LuaValue): LuaResult {
    const s = current();
    if (typeof s === "string") return [undefined, s];
    const d = str(der);
    const seqs = d === undefined ? undefined : derSequences(Buffer.from(d, "latin1"));
    const pems = seqs?.map(derToPem);
    if (pems === undefined || pems.length === 0 || pems.some((x) => x === undefined)) return [undefined, "d2i_X509_bio() failed"];
    s.certs = pems as string[];
    return [true];
  },
  set_der_priv_key(der: LuaValue): LuaResult {
    const s = current();
    if (typeof s === "string") return [undefined, s];
    const d = str(der);
    const k = d === undefined ? undefined : keyFromDer(Buffer.from(d, "latin1"));
    if (k === undefined) return [undefined, "d2i_PrivateKey_bio() failed"];
    s.key = k;
    return [true];
  },
  parse_pem_cert(pem: LuaValue): LuaResult {
    const p = str(pem);
    const blocks = p === undefined ? [] : pemBlocks(p, /^(TRUSTED |X509 )?CERTIFICATE$/);
    const pems = blocks.map(derToPem);
    if (pems.length === 0 || pems.some((x) => x === undefined)) return [undefined, "PEM_read_bio_X509_AUX() failed"];
    return [new Cdata(pems as string[]) as unknown as LuaValue];
  },
  parse_pem_priv_key(pem: LuaValue): LuaResult {
    const p = str(pem);
    const k = p === undefined ? undefined : keyFromPem(p);
    if (k === undefined) return [undefined, "PEM_read_bio_PrivateKey() failed"];
    return [new Cdata(k) as unknown as LuaValue];
  },
  set_cert(chain: LuaValue): LuaResult {
    const s = current();
    if (typeof s === "string") return [undefined, s];
    if (!(chain instanceof Cdata) || !Array.isArray(chain.value)) return luaError("bad cert arg");
    s.certs = chain.value as string[];
    return [true];
  },
  set_priv_key(key: LuaValue): LuaResult {
    const s = current();
    if (typeof s === "string") return [undefined, s];
    if (!(key instanceof Cdata) || !(key.value instanceof crypto.KeyObject)) return luaError("bad priv_key arg");
    s.key = key.value;
    return [true];
  },
};

/** The package.preload loader of "ngx.ssl". */
export function makeSslModule(): LuaValue {
  return moduleTable(FUNCTIONS, {
    TLS1_VERSION: 0x0301, TLS1_1_VERSION: 0x0302, TLS1_2_VERSION: 0x0303, TLS1_3_VERSION: 0x0304, version: "0.1.28",
  });
}
