// A worker thread under worker_processes N: its own configuration, Lua VM and HttpServer,
// serving the master's sockets through the descriptors it was given (workerData).
import { parentPort, threadId, workerData } from "node:worker_threads";
import type { Listener, ListenAddress, ListenHandler, Transport } from "../transport/types.js";
import { NetTransport } from "../transport/net-transport.js";
import { HttpServer } from "../server.js";
import { httpModules } from "../module.js";
import { flushLogFiles, reopenLogFiles } from "../log/log-file.js";
import { setLogPid, type ErrorLog } from "../log/error-log.js";
import { ConfigError } from "../config/settings.js";
import { parseTimeMs } from "../config/values.js";
import type { HttpConfig } from "../config/model.js";
import { workerIdentity } from "../../ngx/worker-identity.js";
import { memoryStoreFactory } from "../../ngx/async/shdict/lua.js";
import { loadHttpConfig } from "./load-config.js";
import { addressKey } from "./listen-sockets.js";
import { ReplayMute, sharedStoreFactory, sharedStoreModule } from "./shared-zones.js";
import type { FromWorker, ToWorker, WorkerInit } from "./protocol.js";
import "../modules/index.js";

/** Listens on the master's sockets: the descriptors of each address instead of a bind. */
class FdTransport implements Transport {
  private readonly inner = new NetTransport();
  constructor(private readonly fds: Readonly<Record<string, readonly number[]>>) {}
  async listen(addr: ListenAddress, handler: ListenHandler): Promise<Listener> {
    const fds = this.fds[addressKey(addr)];
    if (fds === undefined || fds.length === 0) throw new Error(`no socket for ${addressKey(addr)}`);
    const ls = await Promise.all(fds.map((fd) => this.inner.listen({ ...addr, fd }, handler)));
    return ls.length === 1 ? ls[0]! : new ListenerGroup(ls);
  }
}

/** Several sockets of one address served as one listener (slots left by a larger worker count). */
class ListenerGroup implements Listener {
  constructor(private readonly ls: readonly Listener[]) {}
  get address(): ListenAddress {
    return this.ls[0]!.address;
  }
  get connections(): number {
    return this.ls.reduce((n, l) => n + l.connections, 0);
  }
  setHandler(h: ListenHandler): void {
    for (const l of this.ls) l.setHandler(h);
  }
  async close(): Promise<void> {
    await Promise.all(this.ls.map((l) => l.close()));
  }
  closeIdle(): void {
    for (const l of this.ls) l.closeIdle();
  }
  destroyAll(): void {
    for (const l of this.ls) l.destroyAll();
  }
}

function send(m: FromWorker): void {
  parentPort!.postMessage(m);
}

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  // nginx's lines carry each worker's pid; threads share one: PID#THREAD tells them apart
  setLogPid(process.pid, threadId);
  workerIdentity.id = init.id;
  workerIdentity.count = init.count;
  const mute = new ReplayMute();
  const m = await sharedStoreModule();
  if (m !== undefined) {
    const f = sharedStoreFactory(m, init.zones, memoryStoreFactory);
    workerIdentity.storeFactory = (z) => mute.mute(f(z));
  }
  const { config, errors } = loadHttpConfig(init.flags);
  if (!config) {
    send({ type: "failed", message: errors[0] ?? "[emerg] configuration failed" });
    return;
  }
  const cfg: HttpConfig = config;
  const server = new HttpServer(new FdTransport(init.fds));
  // init_by_lua runs again here for its globals (the master ran it for real); its log lines
  // and shared-dict writes happened once already and are not repeated.
  const log = cfg.main.errorLog;
  const realLog = log.log;
  log.log = () => {};
  const replayed = (): void => {
    log.log = realLog;
    mute.unmute();
  };
  try {
    await server.start(cfg, replayed);
  } catch (e) {
    replayed();
    send({ type: "failed", message: e instanceof ConfigError ? e.format() : `[emerg] ${(e as Error).message}` });
    return;
  }
  process.on("uncaughtException", (e) => {
    log.log("alert", `uncaught exception: ${(e as Error)?.stack ?? String(e)}`);
  });
  process.on("unhandledRejection", (e) => {
    log.log("alert", `unhandled rejection: ${(e as Error)?.stack ?? String(e)}`);
  });
  parentPort!.on("message", (msg: ToWorker) => {
    if (msg.type === "reopen") {
      log.log("notice", "reopening logs");
      reopenLogFiles();
    } else if (msg.type === "quit") {
      log.log("notice", "gracefully shutting down");
      // worker_shutdown_timeout: connections still open then are closed, as nginx's
      const d = cfg.tree.find((x) => x.name === "worker_shutdown_timeout");
      const ms = d !== undefined ? parseTimeMs(d.args[0] ?? "") : undefined;
      if (ms !== undefined && ms > 0) {
        setTimeout(() => {
          void (async () => {
            for (const m of httpModules()) await m.exitWorker?.(cfg);
            exit(log);
          })();
        }, ms).unref();
      }
      void server.quit().then(() => exit(log));
    } else if (msg.type === "stop") void server.stop().then(() => exit(log));
  });
  send({ type: "ready" });
}

/** nginx's worker says "exiting" when its connections are done, then "exit". */
function exit(log: ErrorLog): void {
  log.log("notice", "exiting");
  log.log("notice", "exit");
  flushLogFiles();
  process.exit(0);
}

void main();
