// `tsresty parse [-p PREFIX] [-c CONF] [--json]`: the configuration as tsresty reads it.
// With --json, crossplane's schema on stdout; without, each file re-printed in a
// normalised form, and the errors and warnings on stderr. Exit status 1 when any error.

import type { Execute } from "../command-table.js";
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

/** `tsresty parse`'s entry (see ../command-table.ts). */
export const execute: Execute = ({ opts, flags }) =>
  parseCommand({ p: flags.prefix, c: flags.conf, json: opts.json === true, indent: opts.indent as string | undefined });
