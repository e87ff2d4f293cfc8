// balancer_by_lua_block / _file in an `upstream {}` block: the Lua code chooses the peer of
// every try (the first and each proxy_next_upstream retry) through ngx.balancer. The upstream's
// own `server` lines are placeholders, used (round robin) only when the code sets no peer.
// Hooked into the proxy through upstream/balancer.ts's peerChoosers.
import type { Directive } from "../../../conf/ast.js";
import type { HttpConfig } from "../../config/model.js";
import type { Request } from "../../request.js";
import { BALANCERS, peerChoosers, type PeerPicker, type PickerFactory } from "../../upstream/balancer.js";
import { nowSec, type Peer, type Upstream } from "../../upstream/peers.js";
import { lastTryStatus } from "../../upstream/variables.js";
import { bindBalancerTry, type BalancerTry } from "../../../ngx/balancer.js";
import { recordChunk, type LuaChunk } from "./chunks.js";

/** Runs a chunk without waiting, as lua.ts runs the plain phases; set by lua.ts (no import cycle). */
export type PlainRunner = (c: LuaChunk, r: Request, setup: (h: import("../../../ngx/host.js").NgxHost) => void) =>
  { error?: string; exitCode?: number };

let runPlain: PlainRunner | undefined;
export function setBalancerRunner(f: PlainRunner): void {
  runPlain = f;
}

const FORMS = new Set(["balancer_by_lua_block", "balancer_by_lua_file"]);
const chunks = new WeakMap<Directive, LuaChunk>();

function balancerDirective(tree: readonly Directive[], name: string): Directive | undefined {
  for (const http of tree) {
    if (http.name !== "http" || !http.block) continue;
    for (const u of http.block) {
      if (u.name !== "upstream" || (u.args[0] ?? "").toLowerCase() !== name) continue;
      return u.block?.find((d) => FORMS.has(d.name));
    }
  }
  return undefined;
}

/** Record every upstream's balancer chunk (before lua.ts binds the pending chunks). */
export function recordBalancers(tree: readonly Directive[]): void {
  for (const http of tree) {
    if (http.name !== "http" || !http.block) continue;
    for (const u of http.block) {
      if (u.name !== "upstream") continue;
      const d = u.block?.find((x) => FORMS.has(x.name));
      if (d !== undefined) chunks.set(d, recordChunk(d, false));
    }
  }
}

function peerOf(up: Upstream, host: string, port: number): Peer {
  const name = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  // (a variable, not a literal: Peer may or may not have a unix `path` field yet)
  const peer = {
    name, server: up.spec.name, host, port, path: undefined, weight: 1, maxFails: 0, failTimeout: 10_000, maxConns: 0, down: false,
    fails: 0, accessed: 0, checked: nowSec(), currentWeight: 0, effectiveWeight: 1, conns: 0,
  };
  return peer;
}

/** One request's picker: each next() runs the Lua code for the try. */
class LuaPicker implements PeerPicker {
  tries: number;
  failStatus: number | undefined = undefined;
  timeouts: { connect?: number; send?: number; read?: number } | undefined = undefined;
  private done = 0;
  private last: BalancerTry["last"] = undefined;
  private readonly fallback: PeerPicker;
  private readonly own = new WeakSet<Peer>();

  constructor(private readonly up: Upstream, private readonly chunk: LuaChunk, private readonly r: Request, private readonly maxTries: number) {
    this.fallback = BALANCERS.round_robin(up, r, "");
    this.tries = this.fallback.tries;
  }

  next(): Peer | undefined {
    const t: BalancerTry = {
      peer: undefined, done: this.done, triesLeft: this.tries, maxTries: this.maxTries, moreTries: 0, last: this.last,
      timeouts: this.timeouts,
    };
    this.done++;
    const res = runPlain!(this.chunk, this.r, (h) => bindBalancerTry(h, t));
    if (res.error !== undefined) {
      this.r.log("error", res.error, "connecting to upstream");
      return this.fail();
    }
    // ngx.exit with an error status (or ngx.ERROR) fails the try as nginx's NGX_ERROR.
    if (res.exitCode !== undefined && (res.exitCode === -1 || res.exitCode >= 300)) return this.fail();
    this.tries += t.moreTries;
    this.timeouts = t.timeouts;
    if (t.peer === undefined) return this.fallback.next();
    const p = peerOf(this.up, t.peer.host, t.peer.port);
    this.own.add(p);
    return p;
  }

  private fail(): undefined {
    this.failStatus = 500;
    // nginx closes the connection after this 500 (checked on the reference).
    this.r.keepalive = false;
    return undefined;
  }

  free(peer: Peer, failed: boolean, log: (level: "warn", msg: string) => void): void {
    this.last = { state: failed ? "failed" : "next", status: lastTryStatus(this.r) };
    if (!this.own.has(peer)) this.fallback.free(peer, failed, log);
    if (this.tries) this.tries--;
  }
}

peerChoosers.push((cfg: HttpConfig, up: Upstream): PickerFactory | undefined => {
  if (!up.spec.explicit) return undefined;
  const d = balancerDirective(cfg.tree, up.spec.name.toLowerCase());
  if (d === undefined) return undefined;
  let chunk: LuaChunk | undefined;
  return (r, maxTries) => new LuaPicker(up, (chunk ??= chunks.get(d)!), r, maxTries);
});
