// Errors and warnings as values, and their one-line form: nginx's `[emerg] TEXT in FILE:LINE`,
// `TEXT in command line` for -g, or the bare text for checks of the whole configuration.

import type { Diagnostic, Severity } from "./ast.js";

/** Where a diagnostic points: a file and line, or the -g string. */
export type Where = { readonly file: string; readonly line: number } | "command line" | null;

export function diagnostic(level: Severity, message: string, where: Where): Diagnostic {
  if (where === null) return { level, message };
  if (where === "command line") return { level, message, commandLine: true };
  return { level, message, file: where.file, line: where.line };
}

/** Levels that make `nginx -t` fail. */
export function isError(d: Diagnostic): boolean {
  return d.level !== "warn" && d.level !== "notice";
}

/** `[emerg] unknown directive "foo" in /conf/nginx.conf:3` (bytes, as nginx writes them). */
export function formatDiagnostic(d: Diagnostic): string {
  let where = "";
  if (d.commandLine === true) where = " in command line";
  else if (d.file !== undefined) where = ` in ${d.file}:${d.line ?? 0}`;
  return `[${d.level}] ${d.message}${where}`;
}
