// Keepalive pools of idle Redis connections for resty.redis's set_keepalive, by pool name
// ("host:port", "unix:/path", or the connect `pool` option), as the cosocket pools of
// ngx_lua: a pool's size is fixed when it is created (by connect's pool_size or the first
// set_keepalive), past its size the least recently pooled connection is closed, and an
// idle connection that the server closes, or whose idle time runs out, is dropped. Every
// connection opened for a pool counts in it until it is closed for good; with connect's
// `backlog`, at most `size` are open at once and further connects wait in a queue of that
// length ("too many waiting connect operations" past it).
import type { RedisLink } from "./redis-link.js";

interface Idle {
  readonly link: RedisLink;
  timer: NodeJS.Timeout | undefined;
  readonly onGone: () => void;
}

interface Pool {
  readonly size: number;
  readonly idle: Idle[];
  /** Connections of this pool open now: connecting, in use or idle. */
  open: number;
  /** Connects waiting in the backlog, woken in order when a connection is pooled or closed. */
  readonly waiters: (() => void)[];
}

const pools = new Map<string, Pool>();

function poolOf(name: string, size: number): Pool {
  let p = pools.get(name);
  if (p === undefined) pools.set(name, (p = { size: Math.max(size, 1), idle: [], open: 0, waiters: [] }));
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
  // A connect waiting in the backlog can take this one.
  p.waiters.shift()?.();
}

/**
 * Before opening a new connection for pool `name` (whose size `size` applies if this
 * makes the pool): "open" (counted in; the link's pool must then be set, or release
 * called), "wait" (the backlog has room: waitTurn, then try again), or "full".
 */
export function reserve(name: string, size: number, backlog: number | undefined): "open" | "wait" | "full" {
  const p = poolOf(name, size);
  if (backlog === undefined || p.open < p.size) {
    p.open++;
    return "open";
  }
  return p.waiters.length < backlog ? "wait" : "full";
}

/** Wait in pool `name`'s backlog for a connection to be pooled or closed: false after `ms` (0: forever). */
export function waitTurn(name: string, ms: number): Promise<boolean> {
  const p = pools.get(name)!;
  return new Promise((resolve) => {
    const wake = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      resolve(true);
    };
    const timer = ms > 0 ? setTimeout(() => {
      const i = p.waiters.indexOf(wake);
      if (i >= 0) p.waiters.splice(i, 1);
      resolve(false);
    }, ms) : undefined;
    p.waiters.push(wake);
  });
}

/** A connection counted in pool `name` is gone for good: a connect in the backlog may go on. */
export function release(name: string): void {
  const p = pools.get(name);
  if (p === undefined) return;
  if (p.open > 0) p.open--;
  p.waiters.shift()?.();
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
