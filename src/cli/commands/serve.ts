// `tsresty serve [-p PREFIX] [-c CONF] [-g DIRECTIVES]`: serve a configuration in the
// foreground, as `nginx -g 'daemon off;'` does, with nginx's signals; and `tsresty -s SIGNAL`,
// which signals the running instance through its pid file.
import * as fs from "node:fs";
import * as os from "node:os";
import type { Execute } from "../command-table.js";
import type { NginxFlags } from "../flags.js";
import { ConfigError } from "../../http/config/settings.js";
import { loadHttpConfig, workerCount } from "../../http/workers/load-config.js";
import { workerIdentity } from "../../ngx/worker-identity.js";
import { reuseportAddon } from "../../http/workers/native.js";
import type { HttpConfig } from "../../http/config/model.js";
import { HttpServer } from "../../http/server.js";
import { reopenLogFiles, flushLogFiles } from "../../http/log/log-file.js";
import "../../http/modules/index.js";

function say(line: string): void {
  process.stderr.write(Buffer.from(`tsresty: ${line}\n`, "latin1"));
}

export { loadHttpConfig };

export async function serve(flags: NginxFlags): Promise<number> {
  const { config, errors, warnings } = loadHttpConfig(flags);
  for (const w of warnings) say(w);
  if (!config) {
    say(errors[0] ?? "[emerg] configuration failed");
    return 1;
  }
  for (const d of config.unsupported) {
    say(`[notice] "${d.name}" is accepted but not implemented yet in ${d.file}:${d.line}`);
  }
  // master_process off with worker_processes N: one thread serves, and ngx.worker.count() is still N, as nginx's
  workerIdentity.count = workerCount(config.main.workerProcesses, os.availableParallelism()) ?? 1;
  if (workerIdentity.count > 1 && config.main.masterProcess) {
    const addon = reuseportAddon();
    if (addon !== undefined) {
      const { Master } = await import("../../http/workers/master.js");
      return serveWorkers(flags, config, new Master(flags, addon));
    }
    say("[warn] the reuseport addon (build/Release/reuseport.node) is not built: serving with one worker");
    workerIdentity.count = 1;
  }
  const server = new HttpServer();
  try {
    await server.start(config);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
    if (err.code === "EADDRINUSE" || err.code === "EACCES" || err.code === "EADDRNOTAVAIL") {
      const errno = { EADDRINUSE: "98: Address already in use", EACCES: "13: Permission denied", EADDRNOTAVAIL: "99: Cannot assign requested address" }[err.code];
      say(`[emerg] bind() to ${err.address ?? ""}:${err.port ?? ""} failed (${errno})`);
    } else if (e instanceof ConfigError) say(e.format());
    else say(`[emerg] ${(e as Error).message}`);
    return 1;
  }
  const pidFile = config.main.pidFile;
  if (pidFile) {
    try {
      fs.writeFileSync(pidFile, `${process.pid}\n`);
    } catch (e) {
      say(`[emerg] open() "${pidFile}" failed (${(e as NodeJS.ErrnoException).code})`);
      await server.stop();
      return 1;
    }
  }
  let current = config;
  const removePid = (): void => {
    try {
      if (pidFile && fs.readFileSync(pidFile, "utf8").trim() === String(process.pid)) fs.unlinkSync(pidFile);
    } catch {
      // already gone
    }
  };
  const exit = (): void => {
    removePid();
    flushLogFiles();
    process.exit(0);
  };
  // A worker that crashes takes only itself down in nginx, and the master starts another.
  // Here the worker is this process: log what escaped (a module's timer, a stray promise)
  // and keep serving.
  process.on("uncaughtException", (e) => {
    current.main.errorLog.log("alert", `uncaught exception: ${(e as Error)?.stack ?? String(e)}`);
  });
  process.on("unhandledRejection", (e) => {
    current.main.errorLog.log("alert", `unhandled rejection: ${(e as Error)?.stack ?? String(e)}`);
  });
  let stopping = false;
  process.on("SIGTERM", () => void server.stop().then(exit));
  process.on("SIGINT", () => void server.stop().then(exit));
  process.on("SIGQUIT", () => {
    if (stopping) return;
    stopping = true;
    current.main.errorLog.log("notice", "gracefully shutting down");
    void server.quit().then(exit);
  });
  process.on("SIGUSR1", () => {
    current.main.errorLog.log("notice", "reopening logs");
    reopenLogFiles();
  });
  let reloading: Promise<void> = Promise.resolve();
  process.on("SIGHUP", () => {
    reloading = reloading.then(async () => {
      current.main.errorLog.log("notice", "signal 1 (SIGHUP) received, reconfiguring");
      const next = loadHttpConfig(flags);
      if (!next.config) {
        for (const e of next.errors) current.main.errorLog.log("emerg", e.replace(/^\[emerg\] /, ""));
        return;
      }
      try {
        await server.reload(next.config);
        current = next.config;
      } catch (e) {
        current.main.errorLog.log("emerg", e instanceof ConfigError ? e.format().replace(/^\[emerg\] /, "") : (e as Error).message);
      }
    });
  });
  return await new Promise<number>(() => {
    // Serve until a signal ends the process.
  });
}

const SIGNALS: Readonly<Record<string, { sig: NodeJS.Signals; num: number }>> = {
  stop: { sig: "SIGTERM", num: 15 },
  quit: { sig: "SIGQUIT", num: 3 },
  reload: { sig: "SIGHUP", num: 1 },
  reopen: { sig: "SIGUSR1", num: 10 },
};

/** `tsresty -s stop|quit|reload|reopen`: read the pid file the configuration names and signal it. */
export async function sendSignal(flags: NginxFlags, name: string): Promise<number> {
  const s = SIGNALS[name];
  if (!s) {
    say(`[emerg] invalid option: "-s ${name}"`);
    return 1;
  }
  const { config, errors } = loadHttpConfig(flags);
  if (!config) {
    say(errors[0] ?? "[emerg] configuration failed");
    return 1;
  }
  const pidFile = config.main.pidFile;
  let text: string;
  try {
    text = fs.readFileSync(pidFile, "latin1");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    say(`[error] open() "${pidFile}" failed (${code === "ENOENT" ? "2: No such file or directory" : code})`);
    return 1;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) {
    say(`[error] invalid PID number "${text.trim()}" in "${pidFile}"`);
    return 1;
  }
  try {
    process.kill(pid, s.sig);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    say(`[alert] kill(${pid}, ${s.num}) failed (${code === "ESRCH" ? "3: No such process" : code})`);
    return 1;
  }
  return 0;
}

/** `tsresty serve`'s entry (see ../command-table.ts). */
export const execute: Execute = ({ flags }) => serve(flags);

/** The pid file: written at start, removed at exit if it still names this process. */
function pidFileOf(config: HttpConfig): { write(): boolean; remove(): void } {
  const pidFile = config.main.pidFile;
  return {
    write() {
      if (!pidFile) return true;
      try {
        fs.writeFileSync(pidFile, `${process.pid}\n`);
        return true;
      } catch (e) {
        say(`[emerg] open() "${pidFile}" failed (${(e as NodeJS.ErrnoException).code})`);
        return false;
      }
    },
    remove() {
      try {
        if (pidFile && fs.readFileSync(pidFile, "utf8").trim() === String(process.pid)) fs.unlinkSync(pidFile);
      } catch {
        // already gone
      }
    },
  };
}

/** `worker_processes N`: this thread is the master (src/http/workers/master.ts); see docs/workers.md. */
async function serveWorkers(flags: NginxFlags, config: HttpConfig, master: import("../../http/workers/master.js").Master): Promise<number> {
  try {
    await master.start(config);
  } catch (e) {
    say(e instanceof ConfigError ? e.format() : (e as Error).message.replace(/^(?!\[)/, "[emerg] "));
    await master.shutdown(false);
    return 1;
  }
  const pid = pidFileOf(config);
  if (!pid.write()) {
    await master.shutdown(false);
    return 1;
  }
  const log = (): HttpConfig => master.config ?? config;
  const exit = (): void => {
    pid.remove();
    flushLogFiles();
    process.exit(0);
  };
  process.on("uncaughtException", (e) => {
    log().main.errorLog.log("alert", `uncaught exception: ${(e as Error)?.stack ?? String(e)}`);
  });
  process.on("unhandledRejection", (e) => {
    log().main.errorLog.log("alert", `unhandled rejection: ${(e as Error)?.stack ?? String(e)}`);
  });
  let stopping = false;
  const stop = (graceful: boolean, signal: string): void => {
    if (stopping) return;
    stopping = true;
    log().main.errorLog.log("notice", `signal ${signal} received, ${graceful ? "shutting down" : "exiting"}`);
    void master.shutdown(graceful).then(() => {
      log().main.errorLog.log("notice", "exit");
      exit();
    });
  };
  process.on("SIGTERM", () => stop(false, "15 (SIGTERM)"));
  process.on("SIGINT", () => stop(false, "2 (SIGINT)"));
  process.on("SIGQUIT", () => stop(true, "3 (SIGQUIT)"));
  process.on("SIGUSR1", () => {
    log().main.errorLog.log("notice", "signal 10 (SIGUSR1) received, reopening logs");
    reopenLogFiles();
    master.reopen();
  });
  // Test hook, not a user feature: SIGUSR2 ends worker 0 as a kill -9 would (test/http/workers.test.ts).
  if (process.env.TSRESTY_TEST_KILL_WORKER === "1") process.on("SIGUSR2", () => master.kill(0));
  let reloading: Promise<void> = Promise.resolve();
  process.on("SIGHUP", () => {
    reloading = reloading.then(async () => {
      if (stopping) return;
      log().main.errorLog.log("notice", "signal 1 (SIGHUP) received, reconfiguring");
      const next = loadHttpConfig(flags);
      if (!next.config) {
        for (const e of next.errors) log().main.errorLog.log("emerg", e.replace(/^\[emerg\] /, ""));
        return;
      }
      try {
        await master.reload(next.config);
      } catch (e) {
        const msg = e instanceof ConfigError ? e.format() : (e as Error).message;
        log().main.errorLog.log("emerg", msg.replace(/^\[\w+\] /, ""));
      }
    });
  });
  return await new Promise<number>(() => {
    // Serve until a signal ends the process.
  });
}
