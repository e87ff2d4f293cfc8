// The master's listening sockets under worker_processes N: one SO_REUSEPORT socket per
// (listen address, worker slot), so the kernel spreads connections over the workers. The
// master keeps every socket; a worker gets dup()s, which its handles may close. A worker
// that dies or drains on reload therefore never closes a socket, and the connections
// waiting in its queue are taken by the worker that replaces it.
import * as dns from "node:dns/promises";
import * as net from "node:net";
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
  /** Host names of `listen`s and their addresses. */
  private readonly resolved = new Map<string, string>();

  constructor(private readonly addon: ReuseportAddon) {}

  /**
   * Open what `cfg` needs for `slots` workers, keeping the sockets already open. On a failure
   * the sockets opened by this call are closed and a ConfigError in nginx's words is thrown.
   */
  open(cfg: HttpConfig, slots: number): number[] {
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
          const fd = this.addon.listen(a.unixPath !== undefined ? `unix:${a.unixPath}` : (this.resolved.get(a.host) ?? a.host), port, 511);
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
      this.close(opened);
      throw e;
    }
    return opened;
  }

  /** Close sockets `open` gave (a configuration whose workers could not start). */
  close(opened: readonly number[]): void {
    for (const fd of opened) this.addon.close(fd);
    for (const [k, v] of this.fds) {
      const kept = v.filter((fd) => !opened.includes(fd));
      if (kept.length) this.fds.set(k, kept);
      else this.fds.delete(k);
    }
  }

  /**
   * Check that the addresses of `cfg` this master does not hold yet are free. SO_REUSEPORT
   * would let the slots join another program's listener on the same port (a second tsresty),
   * where nginx fails with "Address already in use": a plain bind first tells.
   */
  async probe(cfg: HttpConfig): Promise<void> {
    for (const p of cfg.ports) {
      const a = listenAddressOf(p);
      // a host name: the addon takes addresses (nginx resolves the name when it reads listen)
      if (a.unixPath === undefined && net.isIP(a.host) === 0 && !this.resolved.has(a.host)) {
        try {
          this.resolved.set(a.host, (await dns.lookup(a.host)).address);
        } catch {
          throw new ConfigError(`host not found in "${a.host}:${a.port}" of the "listen" directive`);
        }
      }
      if (a.unixPath !== undefined || a.port === 0 || this.fds.has(addressKey(a))) continue;
      const err = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
        const srv = net.createServer();
        srv.once("error", (e: NodeJS.ErrnoException) => resolve(e));
        srv.listen({ host: a.host, port: a.port, exclusive: true }, () => srv.close(() => resolve(undefined)));
      });
      if (err?.code === "EADDRINUSE") {
        const at = `${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`;
        throw new ConfigError(`bind() to ${at} failed (${errnoText(-98)})`);
      }
    }
  }

  /**
   * Fresh descriptors for worker `slot` of `count`, for it to own: its slot's socket of each
   * address of `cfg`, and those of slots past `count` left by a configuration with more
   * workers (slot s goes to worker s % count), which therefore stay served: closing them
   * would drop the connections the kernel keeps putting in their queues.
   */
  forSlot(cfg: HttpConfig, slot: number, count: number): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const p of cfg.ports) {
      const key = addressKey(listenAddressOf(p));
      const fds = this.fds.get(key) ?? [];
      const mine: number[] = [];
      for (let s = slot; s < fds.length; s += count) {
        if (mine.length > 0 && fds[s] === fds[slot]) continue; // a unix socket's shared fd
        const d = this.addon.dup(fds[s]!);
        if (d >= 0) mine.push(d);
      }
      if (mine.length) out[key] = mine;
    }
    return out;
  }

  /** Close the sockets of addresses that no configuration in `keep` uses. */
  closeUnused(keep: readonly HttpConfig[]): void {
    const used = new Set<string>();
    for (const c of keep) for (const p of c.ports) used.add(addressKey(listenAddressOf(p)));
    for (const [key, fds] of [...this.fds]) {
      if (used.has(key)) continue;
      for (const fd of new Set(fds)) this.addon.close(fd);
      this.fds.delete(key);
    }
  }

  closeAll(): void {
    this.closeUnused([]);
  }
}
