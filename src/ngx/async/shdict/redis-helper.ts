// The main thread's end of the Redis helper thread (./redis-worker.ts): one per thread that
// serves Lua, started when the first Redis-backed zone is made. `call` sends an operation
// and answers a Promise (for Lua code that can yield); `callSync` sends it and blocks in
// Atomics.wait until the reply is posted (for the phases that cannot yield). Both use one
// connection per server, in the helper, so the two paths see each other's writes in order.
// A helper that dies fails the calls it had with "closed"; the next call starts a new one.
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import type { RedisZoneConf } from "./redis-config.js";
import type { RedisOp } from "./redis-ops.js";
import type { HelperReply, HelperRequest } from "./redis-worker.js";

interface Thread {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly counter: Int32Array;
}

/** How long a blocking call waits at most for a helper thread to start. */
const STARTUP_MS = 30000;

export class RedisHelper {
  private thread: Thread | undefined;
  /** The zones registered, to register again with a new helper. */
  private readonly zones: RedisZoneConf[] = [];
  private readonly pending = new Map<number, (r: HelperReply) => void>();
  private nextId = 0;

  private start(): Thread {
    const { port1: port, port2 } = new MessageChannel();
    const counter = new Int32Array(new SharedArrayBuffer(8));
    const worker = new Worker(new URL("./redis-worker.js", import.meta.url), {
      workerData: { port: port2, signal: counter.buffer },
      transferList: [port2],
    });
    const t: Thread = { worker, port, counter };
    // The helper never keeps the process alive by itself; pending calls do (see call).
    worker.unref();
    port.on("message", (r: HelperReply) => this.dispatch(r));
    port.unref();
    const died = (): void => {
      if (this.thread !== t) return;
      this.thread = undefined;
      port.close();
      for (const [id, done] of [...this.pending]) done({ id, err: "closed" });
      this.pending.clear();
    };
    worker.on("error", died);
    worker.on("exit", died);
    this.zones.forEach((conf, zone) => port.postMessage({ type: "zone", zone, conf } satisfies HelperRequest));
    return t;
  }

  private current(): Thread {
    return (this.thread ??= this.start());
  }

  /** Register a zone; the number names it in operations. */
  zone(conf: RedisZoneConf): number {
    this.zones.push(conf);
    const zone = this.zones.length - 1;
    this.thread?.port.postMessage({ type: "zone", zone, conf } satisfies HelperRequest);
    this.current();
    return zone;
  }

  private dispatch(r: HelperReply): void {
    const done = this.pending.get(r.id);
    if (done === undefined) return; // a reply to a blocking call that timed out
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.thread?.port.unref();
    done(r);
  }

  call(zone: number, op: RedisOp): Promise<HelperReply> {
    const t = this.current();
    const id = ++this.nextId;
    return new Promise((resolve) => {
      if (this.pending.size === 0) t.port.ref();
      this.pending.set(id, resolve);
      t.port.postMessage({ type: "op", id, zone, op } satisfies HelperRequest);
    });
  }

  /** End the helper thread (its calls fail with "closed"); the next call starts another. */
  async stop(): Promise<void> {
    const t = this.thread;
    if (t === undefined) return;
    await t.worker.terminate();
  }

  /** Send `op` and wait for its reply, at most `timeout` ms ("timeout" then). */
  callSync(zone: number, op: RedisOp, timeout: number): HelperReply {
    const t = this.current();
    const id = ++this.nextId;
    t.port.postMessage({ type: "op", id, zone, op } satisfies HelperRequest);
    // A helper still starting: its start does not count against the call's timeout.
    if (Atomics.load(t.counter, 1) === 0) Atomics.wait(t.counter, 1, 0, STARTUP_MS);
    const deadline = Date.now() + timeout;
    for (;;) {
      // Read the counter before looking at the port: a reply posted after this read
      // changes the counter, so the wait below cannot miss it.
      const seen = Atomics.load(t.counter, 0);
      for (let m = receiveMessageOnPort(t.port); m !== undefined; m = receiveMessageOnPort(t.port)) {
        const r = m.message as HelperReply;
        if (r.id === id) return r;
        this.dispatch(r);
      }
      const left = deadline - Date.now();
      // (A helper that died meanwhile never answers: its exit event, on the next turn of the
      // event loop, fails the rest and lets the next call start another.)
      if (left <= 0) return { id, err: "timeout" };
      Atomics.wait(t.counter, 0, seen, left);
    }
  }
}

let helper: RedisHelper | undefined;

/** This thread's helper, made on first use. */
export function redisHelper(): RedisHelper {
  return (helper ??= new RedisHelper());
}
