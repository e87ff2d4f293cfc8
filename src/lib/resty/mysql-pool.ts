// Keepalive pools of idle MySQL sessions for resty.mysql, by pool name (lua-resty-mysql's
// "user:database:host:port", or the `pool` option), with the cosocket pool's rules: the size
// is fixed when the pool is made (connect's pool_size, else set_keepalive's, else
// lua_socket_pool_size); past it the least recently pooled session is closed; an idle
// session the server closes leaves the pool. With `backlog`, at most `size` sessions of a
// pool are open at once and further connects wait in a queue of that length.
import type { MysqlSession } from "./mysql-conn.js";

interface Idle {
  readonly session: MysqlSession;
  readonly reused: number;
  timer: NodeJS.Timeout | undefined;
}

interface Pool {
  size: number | undefined;
  readonly idle: Idle[];
  /** Sessions of this pool open now (in use or idle). */
  open: number;
  readonly waiters: (() => void)[];
}

const pools = new Map<string, Pool>();

function poolOf(name: string): Pool {
  let p = pools.get(name);
  if (p === undefined) pools.set(name, (p = { size: undefined, idle: [], open: 0, waiters: [] }));
  return p;
}

function unlinkIdle(p: Pool, it: Idle): void {
  const i = p.idle.indexOf(it);
  if (i >= 0) p.idle.splice(i, 1);
  if (it.timer !== undefined) clearTimeout(it.timer);
  it.session.onIdleEnd = undefined;
}

/** What a connect gets from its pool: an idle session, leave to open one, or an error text. */
export type Acquired = { readonly session: MysqlSession; readonly reused: number } | "open" | string;

/**
 * Take an idle session of pool `name`, or count a new one in. `size` and `backlog` are
 * connect's options; `waitMs` bounds a wait in the backlog queue (0: forever).
 */
export async function acquire(name: string, size: number | undefined, backlog: number | undefined, waitMs: number): Promise<Acquired> {
  const p = poolOf(name);
  if (p.size === undefined && size !== undefined) p.size = size;
  for (;;) {
    const it = p.idle.pop();
    if (it !== undefined) {
      unlinkIdle(p, it);
      it.session.stream.ref();
      return { session: it.session, reused: it.reused };
    }
    if (backlog === undefined || p.size === undefined || p.open < p.size) {
      p.open++;
      return "open";
    }
    if (p.waiters.length >= backlog) return "too many waiting connect operations";
    const woken = await new Promise<boolean>((resolve) => {
      const wake = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(true);
      };
      const timer = waitMs > 0 ? setTimeout(() => {
        const i = p.waiters.indexOf(wake);
        if (i >= 0) p.waiters.splice(i, 1);
        resolve(false);
      }, waitMs) : undefined;
      p.waiters.push(wake);
    });
    if (!woken) return "timeout";
  }
}

/** A session of pool `name` is gone for good: one connect waiting in the backlog may go on. */
export function release(name: string): void {
  const p = pools.get(name);
  if (p === undefined) return;
  if (p.open > 0) p.open--;
  p.waiters.shift()?.();
}

/** Keep `session` idle in pool `name` for `timeoutMs` (0: until the server closes it). */
export function putIdle(name: string, session: MysqlSession, reused: number, timeoutMs: number, size: number): void {
  const p = poolOf(name);
  if (p.size === undefined) p.size = size;
  const it: Idle = { session, reused, timer: undefined };
  // The server closing an idle session (or the idle time passing) drops it from the pool.
  session.onIdleEnd = () => {
    unlinkIdle(p, it);
    session.destroy();
  };
  if (timeoutMs > 0) {
    it.timer = setTimeout(() => session.onIdleEnd?.(), timeoutMs);
    it.timer.unref();
  }
  // An idle pooled session must not keep the process alive.
  session.stream.unref();
  p.idle.push(it);
  while (p.idle.length > Math.max(p.size, 1)) {
    const old = p.idle[0]!;
    unlinkIdle(p, old);
    old.session.destroy();
  }
  // A connect waiting in the backlog can take this one.
  p.waiters.shift()?.();
}
