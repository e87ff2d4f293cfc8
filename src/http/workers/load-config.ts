// Load and build a configuration, with errors worded as nginx's ("[emerg] ... in FILE:LINE"):
// what `tsresty serve` does at start and on reload, in the master and in each worker thread.
import { loadConfig } from "../../conf/load.js";
import { formatDiagnostic, isError } from "../../conf/diagnostics.js";
import { buildConfig } from "../config/build.js";
import { ConfigError } from "../config/settings.js";
import type { HttpConfig } from "../config/model.js";
import type { NginxFlags } from "../../cli/flags.js";

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

/** worker_processes: a count, or `auto` for the machine's parallelism; undefined when invalid. */
export function workerCount(value: string, parallelism: number): number | undefined {
  if (value === "auto") return parallelism;
  return /^[0-9]+$/.test(value) && Number(value) > 0 ? Number(value) : undefined;
}
