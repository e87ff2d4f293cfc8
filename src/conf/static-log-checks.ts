// What the log module's and try_files' handlers refuse while nginx reads the configuration
// (`tsresty -t`): an unknown escaping in log_format, parameters after `access_log off`, a
// try_files `=code` that is no number up to 999.
import type { DirectiveCheck } from "./directive-checks.js";

export const STATIC_LOG_CHECKS: readonly (readonly [string, DirectiveCheck])[] = [
  [
    "log_format",
    (d) => {
      const a = d.args[1] ?? "";
      if (!a.startsWith("escape=")) return null;
      const v = a.slice(7);
      return v === "default" || v === "json" || v === "none" ? null : `unknown log format escaping "${v}"`;
    },
  ],
  ["access_log", (d) => (d.args[0] === "off" && d.args.length > 1 ? `invalid parameter "${d.args[1]}"` : null)],
  [
    "try_files",
    (d) => {
      const last = d.args[d.args.length - 1] ?? "";
      if (!last.startsWith("=")) return null;
      const n = last.slice(1);
      return /^[0-9]+$/.test(n) && Number(n) <= 999 ? null : `invalid code "${last}"`;
    },
  ],
];
