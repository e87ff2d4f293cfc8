// nginx's master process for `worker_processes N` (N > 1), as the main thread: it loads and
// checks the configuration, runs init_by_lua once, owns the listening sockets, the shared
// zones and the pid file, and starts, replaces and drains the worker threads.
import { Worker } from "node:worker_threads";
import * as os from "node:os";
import type { HttpConfig } from "../config/model.js";
import { httpModules } from "../module.js";
import type { NginxFlags } from "../../cli/flags.js";
import { workerIdentity } from "../../ngx/worker-identity.js";
import { memoryStoreFactory } from "../../ngx/async/shdict/lua.js";
import { ListenSockets } from "./listen-sockets.js";
import type { ReuseportAddon } from "./native.js";
import { sharedStoreFactory, sharedStoreModule, ZoneRegistry, type ZoneMemory } from "./shared-zones.js";
import { workerCount } from "./load-config.js";
import type { FromWorker, ToWorker, WorkerInit } from "./protocol.js";

const WORKER_URL = new URL("./worker-main.js", import.meta.url);

/** nginx's exit code 2 from a worker: a fatal error, not respawned. */
const FATAL_EXIT = 2;

/** One worker thread. Its "pid" in the master's log lines is its thread id (threads share the process pid). */
class WorkerThread {
  readonly thread: Worker;
  /** Set when the master terminates it (the way a kill -9 ends an nginx worker). */
  killed = false;
  /** Set once it was told to quit or stop: its exit is expected. */
  leaving = false;
  /** Whether it came up (a worker that fails while starting is respawned after a pause). */
  started = false;
  readonly ready: Promise<void>;
  /** threadId, kept: it reads -1 once the thread is gone. */
  readonly id: number;

  constructor(readonly gen: Generation, readonly slot: number, init: WorkerInit) {
    this.thread = new Worker(WORKER_URL, { workerData: init, stdout: false, stderr: false });
    this.id = this.thread.threadId;
    this.ready = new Promise((resolve, reject) => {
      const onMsg = (m: FromWorker): void => {
        if (m.type === "ready") {
          this.started = true;
          resolve();
        }
        else reject(new Error(m.message));
      };
      this.thread.once("message", onMsg);
      this.thread.once("exit", (code) => reject(new Error(`[alert] worker process ${this.id} exited with code ${code} while starting`)));
      this.thread.once("error", (e) => reject(e));
    });
    this.ready.catch(() => {});
  }

  send(m: ToWorker): void {
    this.thread.postMessage(m);
  }
}

/** The workers of one configuration. */
interface Generation {
  readonly config: HttpConfig;
  readonly count: number;
  readonly zones: readonly ZoneMemory[];
  readonly workers: (WorkerThread | undefined)[];
}

export class Master {
  private readonly sockets: ListenSockets;
  private zones: ZoneRegistry | undefined;
  private current: Generation | undefined;
  /** Generations draining after a reload. */
  private readonly old = new Set<Generation>();
  private shuttingDown = false;

  constructor(
    private readonly flags: NginxFlags,
    addon: ReuseportAddon,
  ) {
    this.sockets = new ListenSockets(addon);
  }

  get config(): HttpConfig | undefined {
    return this.current?.config;
  }

  /** The workers' count for `cfg` (worker_processes, `auto` as the machine's parallelism). */
  static count(cfg: HttpConfig): number {
    return workerCount(cfg.main.workerProcesses, os.availableParallelism()) ?? 1;
  }

  /**
   * Start serving `cfg`: init_by_lua here, sockets, zones, then every worker up. Throws with
   * nginx's words (a ConfigError or an Error whose message is a log line) when that fails.
   */
  async start(cfg: HttpConfig): Promise<void> {
    this.current = await this.generation(cfg);
  }

  private async generation(cfg: HttpConfig): Promise<Generation> {
    const count = Master.count(cfg);
    const m = await sharedStoreModule();
    if (m !== undefined) this.zones ??= new ZoneRegistry(m);
    const zones = this.zones?.memoryFor(cfg) ?? [];
    // init_by_lua runs once, here, with the workers' zones: what it stores is there for all.
    workerIdentity.id = undefined;
    workerIdentity.count = count;
    workerIdentity.storeFactory = m !== undefined ? sharedStoreFactory(m, zones, memoryStoreFactory) : undefined;
    for (const mod of httpModules()) await mod.postConfiguration?.(cfg);
    await this.sockets.probe(cfg);
    const opened = this.sockets.open(cfg, count);
    const gen: Generation = { config: cfg, count, zones, workers: [] };
    cfg.main.errorLog.log("notice", "start worker processes");
    try {
      await Promise.all(Array.from({ length: count }, (_, slot) => this.spawn(gen, slot).ready));
    } catch (e) {
      for (const w of gen.workers) w?.thread.terminate();
      gen.workers.length = 0;
      // new sockets, also new slots of addresses in use: nobody would serve them
      this.sockets.close(opened);
      throw e;
    }
    return gen;
  }

  private spawn(gen: Generation, slot: number): WorkerThread {
    const init: WorkerInit = {
      flags: this.flags,
      id: slot,
      count: gen.count,
      fds: this.sockets.forSlot(gen.config, slot, gen.count),
      zones: gen.zones,
    };
    const w = new WorkerThread(gen, slot, init);
    gen.workers[slot] = w;
    const log = gen.config.main.errorLog;
    w.thread.on("exit", (code) => this.exited(w, code));
    void w.ready.then(() => log.log("notice", `start worker process ${w.id}`), () => {});
    return w;
  }

  /** nginx's master on SIGCHLD: log how the worker ended and start another in its slot. */
  private exited(w: WorkerThread, code: number): void {
    const gen = w.gen;
    if (gen.workers[w.slot] === w) gen.workers[w.slot] = undefined;
    const log = gen.config.main.errorLog;
    const id = w.id;
    log.log("notice", `signal 17 (SIGCHLD) received from ${id}`);
    if (w.killed) log.log("alert", `worker process ${id} exited on signal 9`);
    else log.log("notice", `worker process ${id} exited with code ${code}`);
    for (const zone of this.zones?.unlockDead(id) ?? []) log.log("alert", `shared memory zone "${zone}" was locked by ${id}`);
    if (this.old.has(gen) && gen.workers.every((x) => x === undefined)) this.retire(gen);
    if (w.leaving || this.shuttingDown || gen !== this.current) return;
    if (!w.killed && code === FATAL_EXIT) {
      log.log("alert", `worker process ${id} exited with fatal code ${code} and cannot be respawned`);
      return;
    }
    const respawn = (): void => {
      if (this.shuttingDown || gen !== this.current || gen.workers[w.slot] !== undefined) return;
      const next = this.spawn(gen, w.slot);
      next.ready.catch((e: Error) => log.log("alert", `could not respawn worker process: ${e.message.replace(/^\[\w+\] /, "")}`));
    };
    // one that never came up would fail again at once: not in a tight loop
    if (w.started) respawn();
    else setTimeout(respawn, 1000).unref();
  }

  /** A drained generation: close the sockets only it used. */
  private retire(gen: Generation): void {
    this.old.delete(gen);
    const keep = [this.current, ...this.old].filter((g): g is Generation => g !== undefined);
    this.sockets.closeUnused(keep.map((g) => g.config));
  }

  /**
   * SIGHUP with a configuration that loaded: new workers first, then the old ones drain. If
   * the new ones cannot start, the old ones keep serving and the error is thrown.
   */
  async reload(cfg: HttpConfig): Promise<void> {
    const prev = this.current;
    const gen = await this.generation(cfg);
    this.current = gen;
    if (prev === undefined) return;
    this.old.add(prev);
    for (const w of prev.workers) {
      if (w === undefined) continue;
      w.leaving = true;
      w.send({ type: "quit" });
    }
    if (prev.workers.every((x) => x === undefined)) this.retire(prev);
  }

  /** A test hook for "kill -9 a worker": end slot `slot`'s thread at once. */
  kill(slot: number): void {
    const w = this.current?.workers[slot];
    if (w === undefined) return;
    w.killed = true;
    void w.thread.terminate();
  }

  reopen(): void {
    for (const g of this.generations()) for (const w of g.workers) w?.send({ type: "reopen" });
  }

  /** SIGQUIT (graceful) or SIGTERM: every worker is told, then the sockets close. */
  async shutdown(graceful: boolean): Promise<void> {
    this.shuttingDown = true;
    const all = this.generations().flatMap((g) => g.workers.filter((w): w is WorkerThread => w !== undefined));
    const exits = all.map((w) => new Promise<void>((resolve) => w.thread.once("exit", () => resolve())));
    for (const w of all) {
      w.leaving = true;
      w.send({ type: graceful ? "quit" : "stop" });
    }
    // a worker that does not finish stopping in time is ended, as nginx's master ends its workers
    const limit = setTimeout(() => all.forEach((w) => void w.thread.terminate()), graceful ? 60_000 : 3_000);
    await Promise.all(exits);
    clearTimeout(limit);
    this.sockets.closeAll();
  }

  private generations(): Generation[] {
    return [...this.old, ...(this.current ? [this.current] : [])];
  }
}
