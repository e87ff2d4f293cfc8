// Keepalive pools of idle Redis connections for resty.redis's set_keepalive, by pool name
// ("host:port", "unix:/path", or the connect `pool` option), as the cosocket pools of
// ngx_lua: a pool's size is fixed when it is created (by connect's pool_size or the first
// set_keepalive), past its size the least recently pooled connection is closed, and an
// idle connection that the server closes, or whose idle time runs out, is dropped.
import type { RedisLink } from "./redis-link.js";

interface Idle {
  readonly link: RedisLink;
  timer: NodeJS.Timeout | undefined;
  readonly onGone: () => void;
}

interface Pool {
  readonly size: number;
  readonly idle: Idle[];
}

const pools = new Map<string, Pool>();

function poolOf(name: string, size: number): Pool {
  let p = pools.get(name);
  if (p === undefined) pools.set(name, (p = { size: Math.max(size, 1), idle: [] }));
  return p;
}

function unlist(name: string, e: Idle): void {
  const p = pools.get(name);
  if (p !== undefined) {
    const i = p.idle.indexOf(e);
    if (i >= 0) p.idle.splice(i, 1);
  }
  if (e.timer !== undefined) clearTimeout(e.timer);
  e.link.client.off("close", e.onGone);
}

/** connect's pool_size option: creates the pool with this size if it does not exist yet. */
export function definePool(name: string, size: number): void {
  poolOf(name, size);
}

/** Put an idle connection into pool `name`; `idleMs` 0 keeps it until the server closes it. */
export function poolPut(name: string, link: RedisLink, idleMs: number, size: number): void {
  const p = poolOf(name, size);
  const e: Idle = {
    link,
    timer: undefined,
    onGone: () => {
      unlist(name, e);
      link.destroy();
    },
  };
  link.client.once("close", e.onGone);
  if (idleMs > 0) {
    e.timer = setTimeout(e.onGone, idleMs);
    e.timer.unref();
  }
  // An idle pooled connection must not keep the process alive.
  link.client.stream?.unref();
  p.idle.push(e);
  while (p.idle.length > p.size) {
    const old = p.idle[0]!;
    unlist(name, old);
    old.link.destroy();
  }
}

/** Take the most recently pooled connection of `name`, if any. */
export function poolTake(name: string): RedisLink | undefined {
  const p = pools.get(name);
  if (p === undefined || p.idle.length === 0) return undefined;
  const e = p.idle[p.idle.length - 1]!;
  unlist(name, e);
  e.link.client.stream?.ref();
  return e.link;
}

/** Close every pooled connection (worker shutdown, tests). */
export function poolCloseAll(): void {
  for (const [name, p] of pools) {
    for (const e of [...p.idle]) {
      unlist(name, e);
      e.link.destroy();
    }
  }
  pools.clear();
}
