// nginx's load balancers, as a table by method: smooth weighted round robin (with backup
// servers), ip_hash, hash KEY, hash KEY consistent, least_conn. Each request gets a
// PeerPicker holding what it tried; `free` reports how a try went (nginx's free_peer).
import type { Request } from "../request.js";
import type { HttpConfig } from "../config/model.js";
import { crc32, crc32Final, crc32Init, crc32Update } from "./crc32.js";
import { nowSec, type Peer, type PeerGroup, type Upstream } from "./peers.js";

export interface PeerPicker {
  /** The next peer to try, or undefined when none is live (nginx's NGX_BUSY). */
  next(): Peer | undefined;
  /** The try on `peer` is over; `failed` counts toward max_fails. */
  free(peer: Peer, failed: boolean, log: (level: "warn", msg: string) => void): void;
  /** Tries left (nginx's pc->tries). */
  tries: number;
  /** With next() undefined: answer this status, already logged (balancer_by_lua failing), not "no live upstreams". */
  failStatus?: number;
  /** This try's connect/send/read timeouts in ms, where the picker sets them (ngx.balancer.set_timeouts). */
  timeouts?: { connect?: number; send?: number; read?: number };
}

/**
 * A module's own peer choice for an upstream block (balancer_by_lua): asked once per block when
 * the configuration is bound; the factory it returns replaces the method's picker per request.
 */
export type PickerFactory = (r: Request, maxTries: number) => PeerPicker;
export const peerChoosers: ((cfg: HttpConfig, up: Upstream) => PickerFactory | undefined)[] = [];

function usable(p: Peer, now: number): boolean {
  if (p.down) return false;
  if (p.maxFails && p.fails >= p.maxFails && now - p.checked <= p.failTimeout / 1000) return false;
  if (p.maxConns && p.conns >= p.maxConns) return false;
  return true;
}

function touch(p: Peer, now: number): void {
  if (now - p.checked > p.failTimeout / 1000) p.checked = now;
}

/** The state nginx keeps per request for round robin: the current group and what was tried. */
class RoundRobin implements PeerPicker {
  group: PeerGroup;
  tried = new Set<Peer>();
  tries: number;
  constructor(readonly up: Upstream) {
    this.group = up.primary;
    this.tries = up.primary.peers.length + (up.primary.backup?.peers.length ?? 0);
  }

  next(): Peer | undefined {
    const g = this.group;
    let best: Peer | undefined;
    if (g.single) {
      const p = g.peers[0]!;
      if (!p.down && !(p.maxConns && p.conns >= p.maxConns)) best = p;
    } else best = this.pick(g);
    if (best) {
      best.conns++;
      return best;
    }
    if (g.backup && this.group !== g.backup) {
      this.group = g.backup;
      this.tried.clear();
      return this.next();
    }
    return undefined;
  }

  /** ngx_http_upstream_get_peer: the smooth weighted choice among the live, untried peers. */
  pick(g: PeerGroup): Peer | undefined {
    const now = nowSec();
    let best: Peer | undefined;
    let total = 0;
    for (const p of g.peers) {
      if (this.tried.has(p) || !usable(p, now)) continue;
      p.currentWeight += p.effectiveWeight;
      total += p.effectiveWeight;
      if (p.effectiveWeight < p.weight) p.effectiveWeight++;
      if (!best || p.currentWeight > best.currentWeight) best = p;
    }
    if (!best) return undefined;
    this.tried.add(best);
    best.currentWeight -= total;
    touch(best, now);
    return best;
  }

  free(peer: Peer, failed: boolean, log: (level: "warn", msg: string) => void): void {
    peer.conns--;
    if (this.group.single) {
      this.tries = 0;
      return;
    }
    if (failed) {
      const now = nowSec();
      peer.fails++;
      peer.accessed = now;
      peer.checked = now;
      if (peer.maxFails) {
        peer.effectiveWeight -= Math.floor(peer.weight / peer.maxFails);
        if (peer.fails >= peer.maxFails) log("warn", "upstream server temporarily disabled");
      }
      if (peer.effectiveWeight < 0) peer.effectiveWeight = 0;
    } else if (peer.accessed < peer.checked) peer.fails = 0;
    if (this.tries) this.tries--;
  }
}

/** Walk the peers by weight to the one `w` falls on (nginx's hash and ip_hash do this). */
function byWeight(g: PeerGroup, w: number): Peer {
  let i = 0;
  while (w >= g.peers[i]!.weight) w -= g.peers[i++]!.weight;
  return g.peers[i]!;
}

class IpHash extends RoundRobin {
  hash = 89;
  hashTries = 0;
  constructor(up: Upstream, private readonly addr: number[]) {
    super(up);
  }
  override next(): Peer | undefined {
    const g = this.group;
    if (this.hashTries > 20 || g.single || this.addr.length === 0) return super.next();
    const now = nowSec();
    let hash = this.hash;
    for (;;) {
      for (const b of this.addr) hash = (hash * 113 + b) % 6271;
      const p = byWeight(g, hash % g.totalWeight);
      if (!this.tried.has(p) && usable(p, now)) {
        this.hash = hash;
        this.tried.add(p);
        touch(p, now);
        p.conns++;
        return p;
      }
      if (++this.hashTries > 20) return super.next();
    }
  }
}

class Hash extends RoundRobin {
  hash = 0;
  rehash = 0;
  hashTries = 0;
  constructor(up: Upstream, private readonly key: string) {
    super(up);
  }
  override next(): Peer | undefined {
    const g = this.group;
    if (this.hashTries > 20 || g.single || this.key === "") return super.next();
    const now = nowSec();
    for (;;) {
      // Cache::Memcached's expression: ((crc32([REHASH] KEY) >> 16) & 0x7fff) + PREV_HASH.
      let c = crc32Init();
      if (this.rehash > 0) c = crc32Update(c, String(this.rehash));
      c = crc32Final(crc32Update(c, this.key));
      this.hash = (this.hash + ((c >>> 16) & 0x7fff)) >>> 0;
      this.rehash++;
      const p = byWeight(g, this.hash % g.totalWeight);
      if (!this.tried.has(p) && usable(p, now)) {
        this.tried.add(p);
        touch(p, now);
        p.conns++;
        return p;
      }
      if (++this.hashTries > 20) return super.next();
    }
  }
}

/** The ring of a consistent hash: 160 points per unit of weight per server. */
export function chashRing(up: Upstream): { hash: number; server: string }[] {
  const points: { hash: number; server: string }[] = [];
  for (const p of up.primary.peers) {
    const server = p.server;
    let host = server;
    let port = "";
    if (/^unix:/i.test(server)) host = server.slice(5);
    else {
      const m = /^(.*):([0-9]*)$/.exec(server);
      if (m) {
        host = m[1]!;
        port = m[2]!;
      }
    }
    const base = crc32Update(crc32Update(crc32Update(crc32Init(), host), "\0"), port);
    let prev = Buffer.alloc(4);
    for (let j = 0; j < p.weight * 160; j++) {
      const h = crc32Final(crc32Update(base, prev));
      points.push({ hash: h, server });
      prev = Buffer.alloc(4);
      prev.writeUInt32LE(h);
    }
  }
  points.sort((a, b) => a.hash - b.hash);
  const out: { hash: number; server: string }[] = [];
  for (const pt of points) if (out.length === 0 || out[out.length - 1]!.hash !== pt.hash) out.push(pt);
  return out;
}

class ConsistentHash extends RoundRobin {
  point: number;
  hashTries = 0;
  constructor(up: Upstream, key: string) {
    super(up);
    const ring = (up.ring ??= chashRing(up));
    const h = crc32(key);
    let lo = 0, hi = ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ring[mid]!.hash < h) lo = mid + 1;
      else hi = mid;
    }
    this.point = lo;
  }
  override next(): Peer | undefined {
    const g = this.group;
    const ring = this.up.ring!;
    if (this.hashTries > 20 || g.single || ring.length === 0) return super.next();
    const now = nowSec();
    for (;;) {
      const server = ring[this.point % ring.length]!.server;
      let best: Peer | undefined;
      let total = 0;
      for (const p of g.peers) {
        if (this.tried.has(p) || !usable(p, now) || p.server !== server) continue;
        p.currentWeight += p.effectiveWeight;
        total += p.effectiveWeight;
        if (p.effectiveWeight < p.weight) p.effectiveWeight++;
        if (!best || p.currentWeight > best.currentWeight) best = p;
      }
      if (best) {
        best.currentWeight -= total;
        this.tried.add(best);
        touch(best, now);
        best.conns++;
        return best;
      }
      this.point++;
      if (++this.hashTries > 20) return super.next();
    }
  }
}

class LeastConn extends RoundRobin {
  override pick(g: PeerGroup): Peer | undefined {
    const now = nowSec();
    let best: Peer | undefined;
    let many = false;
    let at = 0;
    g.peers.forEach((p, i) => {
      if (this.tried.has(p) || !usable(p, now)) return;
      if (!best || p.conns * best.weight < best.conns * p.weight) {
        best = p;
        many = false;
        at = i;
      } else if (p.conns * best.weight === best.conns * p.weight) many = true;
    });
    if (!best) return undefined;
    let total = 0;
    if (many) {
      const b0: Peer = best;
      for (let i = at; i < g.peers.length; i++) {
        const p = g.peers[i]!;
        if (this.tried.has(p) || !usable(p, now)) continue;
        if (p.conns * b0.weight !== b0.conns * p.weight) continue;
        p.currentWeight += p.effectiveWeight;
        total += p.effectiveWeight;
        if (p.effectiveWeight < p.weight) p.effectiveWeight++;
        if (p.currentWeight > best.currentWeight) best = p;
      }
    }
    const chosen: Peer = best;
    chosen.currentWeight -= total;
    this.tried.add(chosen);
    touch(chosen, now);
    return chosen;
  }
}

/** What ip_hash hashes: an IPv4 client's first three bytes, an IPv6 client's sixteen. */
function ipBytes(r: Request): number[] {
  const a = r.conn.remoteAddress;
  const m = /^(\d+)\.(\d+)\.(\d+)\.\d+$/.exec(a);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return ipv6Bytes(a) ?? [];
}

function ipv6Bytes(a: string): number[] | undefined {
  const halves = a.split("::");
  if (halves.length > 2) return undefined;
  const words = (h: string): number[] | undefined => {
    if (h === "") return [];
    const out: number[] = [];
    for (const part of h.split(":")) {
      const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(part);
      if (v4) out.push(Number(v4[1]) * 256 + Number(v4[2]), Number(v4[3]) * 256 + Number(v4[4]));
      else if (/^[0-9a-f]{1,4}$/i.test(part)) out.push(parseInt(part, 16));
      else return undefined;
    }
    return out;
  };
  const head = words(halves[0]!);
  const tail = halves.length === 2 ? words(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const zeros = 8 - head.length - tail.length;
  if (zeros < 0 || (halves.length === 1 && zeros !== 0)) return undefined;
  return [...head, ...new Array<number>(zeros).fill(0), ...tail].flatMap((w) => [w >> 8, w & 0xff]);
}

/** A picker for one request, by the upstream's method. */
export const BALANCERS: Record<Upstream["spec"]["method"], (up: Upstream, r: Request, key: string) => PeerPicker> = {
  round_robin: (up) => new RoundRobin(up),
  least_conn: (up) => new LeastConn(up),
  ip_hash: (up, r) => new IpHash(up, ipBytes(r)),
  hash: (up, _r, key) => (up.spec.consistent ? new ConsistentHash(up, key) : new Hash(up, key)),
};
