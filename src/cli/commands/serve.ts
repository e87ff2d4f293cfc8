// `tsresty serve [-p PREFIX] [-c CONF] [-g DIRECTIVES]`: serve a configuration in the
// foreground, as `nginx -g 'daemon off;'` does, with nginx's signals; and `tsresty -s SIGNAL`,
// which signals the running instance through its pid file.
import * as fs from "node:fs";
import type { Execute } from "../command-table.js";
import type { NginxFlags } from "../flags.js";
import { loadConfig } from "../../conf/load.js";
import { formatDiagnostic, isError } from "../../conf/diagnostics.js";
import { buildConfig } from "../../http/config/build.js";
import { ConfigError } from "../../http/config/settings.js";
import type { HttpConfig } from "../../http/config/model.js";
import { HttpServer } from "../../http/server.js";
import { reopenLogFiles, flushLogFiles } from "../../http/log/log-file.js";
import "../../http/modules/index.js";

function say(line: string): void {
  process.stderr.write(Buffer.from(`tsresty: ${line}\n`, "latin1"));
}

/** Load and build; errors come back worded as nginx's, "[emerg] ... in FILE:LINE". */
export function loadHttpConfig(flags: NginxFlags): { config?: HttpConfig; errors: string[]; warnings: string[] } {
  const load = loadConfig({ prefix: flags.prefix, conf: flags.conf, globals: flags.globals });
  const warnings = load.diagnostics.filter((d) => !isError(d)).map(formatDiagnostic);
  if (!load.ok) return { errors: load.diagnostics.filter(isError).map(formatDiagnostic), warnings };
  try {
    const b = buildConfig(load);
    return { config: b.config, errors: [], warnings: [...warnings, ...b.warnings.map((w) => `[warn] ${w}`)] };
  } catch (e) {
    if (e instanceof ConfigError) return { errors: [e.format()], warnings };
    throw e;
  }
}

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
