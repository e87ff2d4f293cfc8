// Keepalive pools of idle cosocket connections, by name ("host:port", the unix path, or the
// `pool` option). A pooled connection that the peer closes or sends data on is dropped, as
// nginx drops it; past the pool's size the least recently pooled one is closed.
import type { Socket } from "node:net";

export interface Pooled {
  readonly conn: Socket;
  readonly reused: number;
  timer: NodeJS.Timeout | undefined;
  onIdleEvent: () => void;
}

const pools = new Map<string, Pooled[]>();

function drop(name: string, p: Pooled): void {
  const list = pools.get(name);
  if (list !== undefined) {
    const i = list.indexOf(p);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) pools.delete(name);
  }
  if (p.timer !== undefined) clearTimeout(p.timer);
  p.conn.off("data", p.onIdleEvent);
  p.conn.off("end", p.onIdleEvent);
  p.conn.off("close", p.onIdleEvent);
  p.conn.off("error", p.onIdleEvent);
}

/** Put an idle connection into pool `name`; `timeoutMs` 0 keeps it until the peer closes. */
export function poolPut(name: string, conn: Socket, reused: number, timeoutMs: number, size: number): void {
  let list = pools.get(name);
  if (list === undefined) pools.set(name, (list = []));
  const p: Pooled = {
    conn,
    reused,
    timer: undefined,
    onIdleEvent: () => {
      drop(name, p);
      conn.destroy();
    },
  };
  conn.on("data", p.onIdleEvent);
  conn.on("end", p.onIdleEvent);
  conn.on("close", p.onIdleEvent);
  conn.on("error", p.onIdleEvent);
  if (timeoutMs > 0) {
    p.timer = setTimeout(p.onIdleEvent, timeoutMs);
    p.timer.unref();
  }
  // An idle pooled connection must not keep the process alive.
  conn.unref();
  list.push(p);
  while (list.length > Math.max(size, 1)) {
    const old = list[0]!;
    drop(name, old);
    old.conn.destroy();
  }
}

/** Take the most recently pooled connection of `name`, if any. */
export function poolGet(name: string): { conn: Socket; reused: number } | undefined {
  const list = pools.get(name);
  if (list === undefined || list.length === 0) return undefined;
  const p = list[list.length - 1]!;
  drop(name, p);
  p.conn.ref();
  return { conn: p.conn, reused: p.reused };
}

/** Close every pooled connection (worker shutdown). */
export function poolCloseAll(): void {
  for (const [name, list] of [...pools]) {
    for (const p of [...list]) {
      drop(name, p);
      p.conn.destroy();
    }
  }
}
