// The AsyncHost serving the running Lua code, for bundled libraries (resty.mysql, ...): their
// loaders take no arguments, so they cannot be handed the host of their Lua state. Every
// installAsyncApi registers its host here; a library asks at call time which host answers
// for the running coroutine. Hosts read their request from the running coroutine, so the
// first one that knows a phase for it is the right one.
import type { AsyncHost } from "./host.js";

// Weak: a host lives as long as its Lua state (the ngx table's closures hold it).
const hosts: WeakRef<AsyncHost>[] = [];

export function registerAsyncHost(host: AsyncHost): void {
  for (let i = hosts.length - 1; i >= 0; i--) if (hosts[i]!.deref() === undefined) hosts.splice(i, 1);
  hosts.push(new WeakRef(host));
}

/** The host whose request or timer the running coroutine belongs to; undefined outside any. */
export function runningAsyncHost(): AsyncHost | undefined {
  for (let i = hosts.length - 1; i >= 0; i--) {
    const h = hosts[i]!.deref();
    if (h === undefined) continue;
    try {
      if (h.phase() !== undefined) return h;
    } catch {
      // a host that does not recognise the running thread's data
    }
  }
  return undefined;
}
