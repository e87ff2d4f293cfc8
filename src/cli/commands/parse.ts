// `tsresty parse [-p PREFIX] [-c CONF] [--json]`: the configuration as tsresty reads it.
// With --json, crossplane's schema on stdout; without, each file re-printed in a
// normalised form, and the errors and warnings on stderr. Exit status 1 when any error.

import type { Command } from "commander";
import { loadConfig } from "../../conf/load.js";
import { toCrossplane } from "../../conf/crossplane.js";
import { printConfig } from "../../conf/print.js";
import { formatDiagnostic, isError } from "../../conf/diagnostics.js";

interface ParseOptions {
  p?: string;
  c?: string;
  json?: boolean;
  indent?: string;
}

export function parseCommand(opts: ParseOptions): number {
  const result = loadConfig({ prefix: opts.p, conf: opts.c, keepGoing: true });
  if (opts.json === true) {
    const indent = opts.indent !== undefined ? Number(opts.indent) : undefined;
    process.stdout.write(JSON.stringify(toCrossplane(result), null, indent) + "\n");
  } else {
    process.stdout.write(Buffer.from(printConfig(result.files), "latin1"));
    for (const d of result.diagnostics) process.stderr.write(Buffer.from(`tsresty: ${formatDiagnostic(d)}\n`, "latin1"));
  }
  return result.diagnostics.some(isError) ? 1 : 0;
}

export function registerParse(program: Command): void {
  program
    .command("parse")
    .description("print the configuration as parsed (crossplane's JSON schema with --json)")
    .option("-p <prefix>", "set the prefix path (default: the current directory)")
    .option("-c <file>", "set the configuration file (default: conf/nginx.conf)")
    .option("--json", "print crossplane's JSON")
    .option("--indent <n>", "indent the JSON by n spaces")
    .action((opts: ParseOptions) => {
      process.exitCode = parseCommand(opts);
    });
}
