// The helper thread of Redis-backed zones (./redis-helper.ts starts it): it owns the
// ioredis connections and runs each operation it is sent. After posting a reply it bumps
// a counter in shared memory and wakes the main thread, which may be blocked in
// Atomics.wait for a caller that cannot yield (set_by_lua, header_filter, log, init...).
import { workerData, type MessagePort } from "node:worker_threads";
import { RedisLink, ioredis, netError, type RedisOp, type RedisReply } from "./redis-ops.js";
import type { RedisZoneConf } from "./redis-config.js";

export type HelperRequest =
  | { readonly type: "zone"; readonly zone: number; readonly conf: RedisZoneConf }
  | { readonly type: "op"; readonly id: number; readonly zone: number; readonly op: RedisOp };

export interface HelperReply {
  readonly id: number;
  readonly v?: RedisReply;
  /** A network or server failure, as the Lua caller gets it ("connection refused", "timeout"). */
  readonly err?: string;
}

const { port, signal } = workerData as { port: MessagePort; signal: SharedArrayBuffer };
/** [0]: replies posted; [1]: 1 once the helper is up (ioredis loaded). */
const counter = new Int32Array(signal);
// One connection per server URL and timeout; zones on one server share it.
const links = new Map<string, RedisLink>();
const zones: { link: RedisLink; prefix: string }[] = [];

function reply(r: HelperReply): void {
  port.postMessage(r);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

port.on("message", (m: HelperRequest) => {
  if (m.type === "zone") {
    const key = `${m.conf.url} ${m.conf.timeout}`;
    let link = links.get(key);
    if (link === undefined) links.set(key, (link = new RedisLink(m.conf)));
    zones[m.zone] = { link, prefix: m.conf.prefix };
    return;
  }
  const z = zones[m.zone];
  if (z === undefined) {
    reply({ id: m.id, err: "unknown zone" });
    return;
  }
  // run() is async: whatever fails, even synchronously inside it, is a rejection answered here
  z.link.run(z.prefix, m.op).then(
    (v) => reply({ id: m.id, v }),
    (e: unknown) => reply({ id: m.id, err: netError(e) }),
  );
});

// Up: a blocking call's own timeout starts only now (a thread and ioredis take a while to
// start on a loaded machine; init_by_lua's first call would otherwise time out).
ioredis();
Atomics.store(counter, 1, 1);
Atomics.notify(counter, 1);
