// The main thread's end of the Redis helper thread (./redis-worker.ts): one per process,
// started when the first Redis-backed zone is made. `call` sends an operation and answers
// a Promise (for Lua code that can yield); `callSync` sends it and blocks in Atomics.wait
// until the reply is posted (for the phases that cannot yield). Both use one connection
// per server, in the helper, so the two paths see each other's writes in order.
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import type { RedisZoneConf } from "./redis-config.js";
import type { RedisOp } from "./redis-ops.js";
import type { HelperReply, HelperRequest } from "./redis-worker.js";

export class RedisHelper {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly counter = new Int32Array(new SharedArrayBuffer(4));
  private readonly pending = new Map<number, (r: HelperReply) => void>();
  private nextId = 0;
  private nextZone = 0;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL("./redis-worker.js", import.meta.url), {
      workerData: { port: port2, signal: this.counter.buffer },
      transferList: [port2],
    });
    // The helper never keeps the process alive by itself; pending calls do (see track).
    this.worker.unref();
    this.port.on("message", (r: HelperReply) => this.dispatch(r));
    this.port.unref();
  }

  /** Register a zone; the number names it in operations. */
  zone(conf: RedisZoneConf): number {
    const zone = this.nextZone++;
    this.send({ type: "zone", zone, conf });
    return zone;
  }

  private send(m: HelperRequest): void {
    this.port.postMessage(m);
  }

  private dispatch(r: HelperReply): void {
    const done = this.pending.get(r.id);
    if (done === undefined) return; // a reply to a blocking call that timed out
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.port.unref();
    done(r);
  }

  call(zone: number, op: RedisOp): Promise<HelperReply> {
    const id = ++this.nextId;
    return new Promise((resolve) => {
      if (this.pending.size === 0) this.port.ref();
      this.pending.set(id, resolve);
      this.send({ type: "op", id, zone, op });
    });
  }

  /** Send `op` and wait for its reply, at most `timeout` ms ("timeout" then). */
  callSync(zone: number, op: RedisOp, timeout: number): HelperReply {
    const id = ++this.nextId;
    this.send({ type: "op", id, zone, op });
    const deadline = Date.now() + timeout;
    for (;;) {
      // Read the counter before looking at the port: a reply posted after this read
      // changes the counter, so the wait below cannot miss it.
      const seen = Atomics.load(this.counter, 0);
      for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
        const r = m.message as HelperReply;
        if (r.id === id) return r;
        this.dispatch(r);
      }
      const left = deadline - Date.now();
      if (left <= 0) return { id, err: "timeout" };
      Atomics.wait(this.counter, 0, seen, left);
    }
  }
}

let helper: RedisHelper | undefined;

/** The process's helper, started on first use. */
export function redisHelper(): RedisHelper {
  return (helper ??= new RedisHelper());
}
