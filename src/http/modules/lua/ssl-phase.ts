// What the TLS handshake's Lua phases share (ssl_client_hello_by_lua*, ssl_certificate_by_lua*,
// ssl_session_fetch_by_lua*, ssl_session_store_by_lua*): the thread starter lua.ts gives, each
// ssl address's configuration, and the log context nginx gives a phase (a fake connection of
// its own, the phase's context, the client and the listening address).
import type { AddressConf, HttpConfig, ServerConf } from "../../config/model.js";
import { tlsOf } from "../../config/ssl.js";
import { nextConnectionNumber } from "../../transport/connection-counter.js";
import type { TlsListen } from "../../transport/types.js";
import type { LogContext } from "../../log/error-log.js";
import type { NgxHost } from "../../../ngx/host.js";
import type { ThreadEnd } from "../../../ngx/thread.js";
import type { LuaChunk } from "./chunks.js";

export type HandshakePhase = "ssl_cert" | "ssl_client_hello" | "ssl_session_fetch" | "ssl_session_store";

/** lua.ts's chunk starter (set by it: no import cycle). */
export type SslStarter = (c: LuaChunk, phase: HandshakePhase, setup: (h: NgxHost) => void) =>
  { h: NgxHost; end: ThreadEnd | Promise<ThreadEnd> } | { loadError: string };

let starter: SslStarter | undefined;
export function setSslStarter(f: SslStarter): void {
  starter = f;
}
export function sslStarter(): SslStarter | undefined {
  return starter;
}

export const SSL_CERT_KEY = "lua:ssl_certificate_by_lua";
export const SSL_HELLO_KEY = "lua:ssl_client_hello_by_lua";
export const SSL_FETCH_KEY = "lua:ssl_session_fetch_by_lua";
export const SSL_STORE_KEY = "lua:ssl_session_store_by_lua";

/** One ssl address as the handshake phases find it. */
export interface SslAddress {
  readonly addr: AddressConf;
  readonly cfg: HttpConfig;
  /** The default server's ssl_client_hello_by_lua* (it runs before a name selects a server). */
  readonly hello: LuaChunk | undefined;
  /** ssl_session_fetch_by_lua* and ssl_session_store_by_lua* (http level: every server's). */
  readonly fetch: LuaChunk | undefined;
  readonly store: LuaChunk | undefined;
  /** Some server of the address has ssl_certificate_by_lua*. */
  readonly anyCert: boolean;
}

const addresses = new WeakMap<TlsListen, SslAddress>();

/** Every server a name can select on an address. */
function serversOf(a: AddressConf): ServerConf[] {
  return [a.defaultServer, ...a.exact.values(), ...a.leading.map((x) => x.server), ...a.trailing.map((x) => x.server), ...a.regexes.map((x) => x.server)];
}

/** Remember what each TLS listener runs (the transport asks per connection). */
export function registerSslAddresses(cfg: HttpConfig): void {
  for (const p of cfg.ports) for (const a of p.addresses) {
    const t = tlsOf(a);
    if (t === undefined) continue;
    const settings = a.defaultServer.root.settings;
    addresses.set(t, {
      addr: a, cfg,
      hello: settings[SSL_HELLO_KEY] as LuaChunk | undefined,
      fetch: settings[SSL_FETCH_KEY] as LuaChunk | undefined,
      store: settings[SSL_STORE_KEY] as LuaChunk | undefined,
      anyCert: serversOf(a).some((s) => s.root.settings[SSL_CERT_KEY] !== undefined),
    });
  }
}

export function sslAddress(t: TlsListen): SslAddress | undefined {
  return addresses.get(t);
}

/** "127.0.0.1" from node's "::ffff:127.0.0.1". */
export function plainAddr(a: string | undefined): string {
  return (a ?? "").replace(/^::ffff:/, "");
}

/** The ", client: ..., server: ..." of a handshake's log lines. */
export function peerSuffix(remote: string | undefined, local: string | undefined, localPort: number | undefined): string {
  const l = plainAddr(local);
  return `, client: ${plainAddr(remote)}, server: ${l.includes(":") ? `[${l}]` : l}:${localPort ?? 0}`;
}

/** A phase's log context: nginx runs each on a fake connection of its own (its own *N). */
export function phaseContext(phase: string, peers: string): LogContext {
  const conn = nextConnectionNumber();
  return { conn, suffix: () => `, context: ${phase}${peers}` };
}

/** Run every cleanup the phase's thread registered (sockets, light threads), each on its own. */
export function runCleanups(cleanups: (() => void)[]): void {
  for (const cb of cleanups.splice(0)) {
    try {
      cb();
    } catch {
      // one cleanup failing must not keep the others from running
    }
  }
}
