// What the rewrite, headers and error_page modules' handlers refuse while nginx reads the
// configuration (`tsresty -t`): bad flags and parameters, regexes PCRE2 would not compile,
// error_page codes, expires values, `set` on a read-only built-in variable.
import type { DirectiveCheck } from "./directive-checks.js";
import { regexError } from "./regex-syntax.js";

const REWRITE_FLAGS = new Set(["last", "break", "redirect", "permanent"]);

/** Built-in variables nginx refuses to `set` (the common ones; `args` and the like may be set). */
export const READ_ONLY = new Set([
  "uri", "document_uri", "request_uri", "host", "hostname", "remote_addr", "remote_port", "server_addr", "server_port",
  "server_name", "server_protocol", "scheme", "https", "request_method", "request", "status", "request_body",
  "request_time", "msec", "time_local", "time_iso8601", "nginx_version", "pid", "content_type", "content_length",
  "document_root", "realpath_root", "request_filename", "is_args", "body_bytes_sent", "bytes_sent", "connection",
  "connection_requests", "request_id", "request_length", "remote_user", "binary_remote_addr",
]);

function checkRewrite(args: readonly string[]): string | null {
  const flag = args[2];
  return regexError(args[0] ?? "", false) ?? (flag !== undefined && !REWRITE_FLAGS.has(flag) ? `invalid parameter "${flag}"` : null);
}

/** The regex of `if ($x ~ RE)` (the condition's shape is checked before this). */
function checkIfRegex(args: readonly string[]): string | null {
  const w = args.map((a, i) => (i === 0 ? a.replace(/^\(/, "") : a)).filter((a) => a !== "");
  const last = w.length - 1;
  if (last >= 0) w[last] = w[last]!.replace(/\)$/, "");
  if (w[last] === "") w.pop();
  const op = w[1];
  if (w.length !== 3 || op === undefined || !/^!?~\*?$/.test(op)) return null;
  return regexError(w[2]!, op.endsWith("*"));
}

function checkErrorPage(args: readonly string[]): string | null {
  const i = args.length - 2;
  let n = 1;
  if (args[i]!.startsWith("=")) {
    if (i === 0) return `invalid value "${args[i]}"`;
    if (args[i]!.length > 1 && !/^[0-9]+$/.test(args[i]!.slice(1))) return `invalid value "${args[i]}"`;
    n = 2;
  }
  for (let k = 0; k < args.length - n; k++) {
    const v = args[k]!;
    if (!/^[0-9]+$/.test(v) || Number(v) === 499) return `invalid value "${v}"`;
    if (Number(v) < 300 || Number(v) > 599) return `value "${v}" must be between 300 and 599`;
  }
  return null;
}

const TIME = /^(?:[0-9]+|(?:[0-9]+(?:ms|[smhdwMy]) *)+)$/;

function checkExpires(args: readonly string[]): string | null {
  if (args.length === 2 && args[0] !== "modified") return `invalid value "${args[0]}"`;
  const v = args[args.length - 1]!;
  if (v.includes("$") || (args.length === 1 && (v === "epoch" || v === "max" || v === "off"))) return null;
  if (v.startsWith("@")) {
    const t = v.slice(1);
    if (!TIME.test(t) || /ms/.test(t)) return '"expires" directive invalid value';
    const secs = t.match(/[0-9]+[smhdwMy]?/g)!.reduce((a, p) => a + Number(/[0-9]+/.exec(p)![0]) * UNIT[p.replace(/[0-9]/g, "")]!, 0);
    return secs >= 86400 ? '"expires" directive daily time value must be less than 24 hours' : null;
  }
  return TIME.test(v.replace(/^[+-]/, "")) ? null : '"expires" directive invalid value';
}

const UNIT: Readonly<Record<string, number>> = { "": 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800, M: 2592000, y: 31536000 };

export const REWRITE_CHECKS: readonly (readonly [string, DirectiveCheck])[] = [
  ["rewrite", (d, _env, e) => (e.module === "ngx_http_rewrite_module" ? checkRewrite(d.args) : null)],
  ["if", (d, _env, e) => (e.module === "ngx_http_rewrite_module" ? checkIfRegex(d.args) : null)],
  ["error_page", (d, _env, e) => (e.module === "ngx_http_core_module" ? checkErrorPage(d.args) : null)],
  ["add_header", (d) => (d.args[2] !== undefined && d.args[2] !== "always" ? `invalid parameter "${d.args[2]}"` : null)],
  ["expires", (d) => checkExpires(d.args)],
  [
    "set",
    (d, _env, e) => {
      const name = (d.args[0] ?? "").slice(1).toLowerCase();
      return e.module === "ngx_http_rewrite_module" && READ_ONLY.has(name) ? `the duplicate "${name}" variable` : null;
    },
  ],
];
