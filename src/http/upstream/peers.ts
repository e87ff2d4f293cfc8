// An upstream's peers at run time: one per resolved address, with nginx's failure
// accounting (max_fails within fail_timeout, effective weight) and the primary and backup
// groups. State lives as long as the configuration, as it lives per worker in nginx.
import * as dns from "node:dns/promises";
import * as net from "node:net";
import type { Directive } from "../../conf/ast.js";
import { ConfigError } from "../config/settings.js";
import type { ServerSpec, UpstreamSpec } from "./config.js";

export interface Peer {
  /** "127.0.0.1:8081": $upstream_addr and the log's upstream: "http://NAME/uri". */
  readonly name: string;
  /** The server as written (consistent hash groups peers by it). */
  readonly server: string;
  readonly host: string;
  readonly port: number;
  /** A unix socket peer's path (its name is "unix:PATH"). */
  readonly path: string | undefined;
  readonly weight: number;
  readonly maxFails: number;
  readonly failTimeout: number;
  readonly maxConns: number;
  readonly down: boolean;
  fails: number;
  /** Seconds (nginx's ngx_time()), as nginx compares them. */
  accessed: number;
  checked: number;
  currentWeight: number;
  effectiveWeight: number;
  conns: number;
}

export interface PeerGroup {
  readonly peers: readonly Peer[];
  readonly totalWeight: number;
  /** One peer and no backup: never marked failed, never retried (nginx's peers->single). */
  readonly single: boolean;
  readonly backup: PeerGroup | undefined;
}

export interface Upstream {
  readonly spec: UpstreamSpec;
  readonly primary: PeerGroup;
  /** Points of the consistent hash ring, sorted by hash. */
  ring?: { hash: number; server: string }[];
  /** The hash method's key, compiled when the configuration is bound. */
  key?: (r: import("../request.js").Request) => string;
  /** A module's picker in place of the method's (balancer_by_lua), set when bound. */
  picker?: import("./balancer.js").PickerFactory;
}

export const nowSec = (): number => Math.floor(Date.now() / 1000);

function makePeer(s: ServerSpec, addr: string): Peer {
  const name = s.path !== undefined ? `unix:${s.path}` : addr.includes(":") ? `[${addr}]:${s.port}` : `${addr}:${s.port}`;
  return {
    name, server: s.name, host: addr, port: s.port, path: s.path, weight: s.weight, maxFails: s.maxFails, failTimeout: s.failTimeout,
    maxConns: s.maxConns, down: s.down, fails: 0, accessed: 0, checked: nowSec(), currentWeight: 0, effectiveWeight: s.weight, conns: 0,
  };
}

function group(peers: Peer[], backup: PeerGroup | undefined): PeerGroup {
  return { peers, totalWeight: peers.reduce((a, p) => a + p.weight, 0), single: peers.length === 1 && !backup, backup };
}

/** Resolve every server's host (all its addresses, as nginx's ngx_parse_url does). */
export async function resolveUpstream(spec: UpstreamSpec, where?: Directive): Promise<Upstream> {
  const primary: Peer[] = [];
  const backup: Peer[] = [];
  for (const s of spec.servers) {
    let addrs: string[];
    if (net.isIP(s.host) || s.path !== undefined) addrs = [s.host];
    else {
      try {
        const all = await dns.lookup(s.host, { all: true, verbatim: true });
        addrs = [...new Set(all.map((a) => a.address))];
      } catch {
        throw new ConfigError(`host not found in upstream "${s.name}"`, where?.file ?? s.file, where?.line ?? s.line);
      }
    }
    for (const a of addrs) (s.backup ? backup : primary).push(makePeer(s, a));
  }
  const b = backup.length > 0 ? group(backup, undefined) : undefined;
  return { spec, primary: group(primary, b) };
}
