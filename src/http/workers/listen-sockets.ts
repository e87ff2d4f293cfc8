// The master's listening sockets under worker_processes N: one SO_REUSEPORT socket per
// (listen address, worker slot), so the kernel spreads connections over the workers. The
// master keeps every socket; a worker gets dup()s, which its handles may close. A worker
// that dies or drains on reload therefore never closes a socket, and the connections
// waiting in its queue are taken by the worker that replaces it.
import type { HttpConfig, PortConf } from "../config/model.js";
import type { ListenAddress } from "../transport/types.js";
import { ConfigError } from "../config/settings.js";
import { errnoText, type ReuseportAddon } from "./native.js";

/** How server.ts turns a `listen` into an address (the worker's transport looks fds up by it). */
export function listenAddressOf(p: PortConf): ListenAddress {
  const host = p.host === "*" ? "0.0.0.0" : p.host === "[::]" ? "::" : p.host.replace(/^\[|\]$/g, "");
  return { host, port: p.port, unixPath: p.unixPath };
}

export function addressKey(a: ListenAddress): string {
  return a.unixPath !== undefined ? `unix:${a.unixPath}` : `${a.host}:${a.port}`;
}

export class ListenSockets {
  /** address key -> one fd per slot (a unix socket's slots share one fd). */
  private readonly fds = new Map<string, number[]>();

  constructor(private readonly addon: ReuseportAddon) {}

  /**
   * Open what `cfg` needs for `slots` workers, keeping the sockets already open. On a failure
   * the sockets opened by this call are closed and a ConfigError in nginx's words is thrown.
   */
  open(cfg: HttpConfig, slots: number): void {
    const opened: number[] = [];
    try {
      for (const p of cfg.ports) {
        const a = listenAddressOf(p);
        const key = addressKey(a);
        const have = this.fds.get(key) ?? [];
        for (let i = have.length; i < slots; i++) {
          if (a.unixPath !== undefined && have.length > 0) {
            have.push(have[0]!);
            continue;
          }
          // port 0: the first socket picks a port, the other slots bind the same one
          const port = a.port === 0 && have.length > 0 ? this.addon.port(have[0]!) : a.port;
          const fd = this.addon.listen(a.unixPath !== undefined ? `unix:${a.unixPath}` : a.host, port, 511);
          if (fd < 0) {
            const at = a.unixPath !== undefined ? `unix:${a.unixPath}` : `${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`;
            throw new ConfigError(`bind() to ${at} failed (${errnoText(fd)})`);
          }
          opened.push(fd);
          have.push(fd);
        }
        this.fds.set(key, have);
      }
    } catch (e) {
      for (const fd of opened) this.addon.close(fd);
      for (const [k, v] of this.fds) {
        const kept = v.filter((fd) => !opened.includes(fd));
        if (kept.length) this.fds.set(k, kept);
        else this.fds.delete(k);
      }
      throw e;
    }
  }

  /** Fresh descriptors of slot `slot`'s sockets for the addresses of `cfg`, for one worker to own. */
  forSlot(cfg: HttpConfig, slot: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of cfg.ports) {
      const key = addressKey(listenAddressOf(p));
      const fd = this.fds.get(key)?.[slot];
      if (fd === undefined) continue;
      const d = this.addon.dup(fd);
      if (d >= 0) out[key] = d;
    }
    return out;
  }

  /** Close the sockets that no configuration in `keep` uses, and the slots past `slots`. */
  closeUnused(keep: readonly HttpConfig[], slots: number): void {
    const used = new Set<string>();
    for (const c of keep) for (const p of c.ports) used.add(addressKey(listenAddressOf(p)));
    for (const [key, fds] of [...this.fds]) {
      const n = used.has(key) ? slots : 0;
      for (const fd of new Set(fds.slice(n))) if (!fds.slice(0, n).includes(fd)) this.addon.close(fd);
      if (n === 0) this.fds.delete(key);
      else fds.length = Math.min(fds.length, n);
    }
  }

  closeAll(): void {
    this.closeUnused([], 0);
  }
}
