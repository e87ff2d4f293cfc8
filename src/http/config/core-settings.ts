// The settings of nginx's core modules that the HTTP core itself reads (ngx_http_core_module,
// the log modules, error_log), as a table. CoreSettings is their typed view.
import type { Directive } from "../../conf/ast.js";
import { LEVEL_NUMBER, type ErrorLogSpec, type LogLevel } from "../log/error-log.js";
import { ConfigError, flag, invalid, list, msTime, num, registerSettings, size, str, type ParseEnv, type SettingSpec, type Settings } from "./settings.js";
import { parseSize, parseTimeMs } from "./values.js";

export interface AccessLogSpec {
  /** Absolute path. */
  readonly path: string;
  readonly format: string;
  /** if=condition: a variable reference; the entry is skipped when it is "" or "0". */
  readonly condition?: string;
}

export interface RootSetting {
  readonly path: string;
  readonly alias: boolean;
  readonly hasVariables: boolean;
}

export interface CoreSettings {
  readonly default_type: string;
  readonly server_tokens: "on" | "off" | "build";
  readonly keepalive_timeout: number;
  /** The Keep-Alive: timeout=N header value in seconds, or -1 for none. */
  readonly keepalive_header: number;
  readonly keepalive_requests: number;
  readonly client_max_body_size: number;
  readonly client_body_buffer_size: number;
  readonly client_body_temp_path: string;
  readonly client_body_in_file_only: boolean;
  readonly client_header_buffer_size: number;
  readonly large_client_header_buffers: { readonly number: number; readonly size: number };
  readonly client_header_timeout: number;
  readonly client_body_timeout: number;
  readonly send_timeout: number;
  readonly merge_slashes: boolean;
  readonly underscores_in_headers: boolean;
  readonly ignore_invalid_headers: boolean;
  readonly root: RootSetting;
  readonly internal: boolean;
  readonly chunked_transfer_encoding: boolean;
  readonly msie_padding: boolean;
  readonly absolute_redirect: boolean;
  readonly port_in_redirect: boolean;
  readonly server_name_in_redirect: boolean;
  readonly log_not_found: boolean;
  readonly log_subrequest: boolean;
  readonly error_log: readonly ErrorLogSpec[];
  readonly access_log: readonly AccessLogSpec[];
  readonly recursive_error_pages: boolean;
}

export function core(s: Settings): CoreSettings {
  return s as unknown as CoreSettings;
}

export function resolvePath(p: string, base: string): string {
  return p.startsWith("/") ? p : base + p;
}

const errorLog: SettingSpec<readonly ErrorLogSpec[]> = list("error_log", (d: Directive, env: ParseEnv): ErrorLogSpec => {
  const target = d.args[0] ?? "";
  const level = (d.args[1] ?? "error") as LogLevel;
  if (!(level in LEVEL_NUMBER)) throw new ConfigError(`invalid log level "${level}"`, d.file, d.line);
  const path = target === "stderr" ? "stderr" : resolvePath(target, env.prefix);
  return { path, level };
});

const ACCESS_LOG_OFF: readonly AccessLogSpec[] = Object.freeze([]);

const accessLog: SettingSpec<readonly AccessLogSpec[]> = {
  directive: "access_log",
  key: "access_log",
  default: [],
  parse(d, prev, env) {
    // `off` anywhere in a level turns that level's logging off, as in nginx.
    if (d.args[0] === "off" || prev === ACCESS_LOG_OFF) return ACCESS_LOG_OFF;
    let condition: string | undefined;
    let format = "combined";
    for (const a of d.args.slice(1)) {
      if (a.startsWith("if=")) condition = a.slice(3);
      else if (a.startsWith("buffer=") || a.startsWith("flush=") || a.startsWith("gzip")) continue;
      else format = a;
    }
    return [...(prev ?? []), { path: resolvePath(d.args[0] ?? "", env.prefix), format, condition }];
  },
};

const keepaliveTimeout: SettingSpec<number> = msTime("keepalive_timeout", 75_000);
const keepaliveHeader: SettingSpec<number> = {
  directive: "keepalive_timeout",
  key: "keepalive_header",
  default: -1,
  parse(d) {
    if (d.args.length < 2) return -1;
    const v = parseTimeMs(d.args[1]!);
    if (v === undefined) throw invalid(d, d.args[1]!);
    return Math.floor(v / 1000);
  },
};

const rootSpec = (directive: "root" | "alias"): SettingSpec<RootSetting> => ({
  directive,
  key: "root",
  default: { path: "html", alias: false, hasVariables: false },
  parse(d, prev) {
    if (prev !== undefined) {
      throw new ConfigError(prev.alias === (directive === "alias") ? `"${directive}" directive is duplicate` : `"${directive}" directive is duplicate, "${prev.alias ? "alias" : "root"}" directive was specified earlier`, d.file, d.line);
    }
    const p = d.args[0] ?? "";
    return { path: p, alias: directive === "alias", hasVariables: p.includes("$") };
  },
});

const largeBuffers: SettingSpec<{ number: number; size: number }> = {
  directive: "large_client_header_buffers",
  key: "large_client_header_buffers",
  default: { number: 4, size: 8192 },
  parse(d) {
    const n = Number(d.args[0]);
    const s = parseSize(d.args[1] ?? "");
    if (!Number.isInteger(n) || n <= 0 || s === undefined) throw invalid(d, d.args.join(" "));
    return { number: n, size: s };
  },
};

const serverTokens: SettingSpec<string> = {
  directive: "server_tokens",
  key: "server_tokens",
  default: "on",
  parse(d) {
    const v = d.args[0] ?? "";
    if (v !== "on" && v !== "off" && v !== "build") {
      throw new ConfigError(`invalid value "${v}" in "server_tokens" directive, it must be "on", "off" or "build"`, d.file, d.line);
    }
    return v;
  },
};

const internal: SettingSpec<boolean> = { directive: "internal", key: "internal", default: false, parse: () => true };

export const CORE_SETTINGS: readonly SettingSpec[] = [
  str("default_type", "text/plain"),
  serverTokens,
  keepaliveTimeout,
  keepaliveHeader,
  num("keepalive_requests", 1000),
  size("client_max_body_size", 1024 * 1024),
  size("client_body_buffer_size", 16 * 1024),
  { ...str("client_body_temp_path", "client_body_temp"), parse: (d: Directive, _p: unknown, env: ParseEnv) => resolvePath(d.args[0] ?? "", env.prefix) } as SettingSpec,
  {
    // on | clean | off: both on and clean keep the body in a file (clean only also removes it after)
    directive: "client_body_in_file_only", key: "client_body_in_file_only", default: false,
    parse(d: Directive) {
      const v = d.args[0] ?? "";
      if (v === "on" || v === "clean") return true;
      if (v === "off") return false;
      throw invalid(d, v);
    },
  } satisfies SettingSpec<boolean>,
  size("client_header_buffer_size", 1024),
  largeBuffers,
  msTime("client_header_timeout", 60_000),
  msTime("client_body_timeout", 60_000),
  msTime("send_timeout", 60_000),
  flag("merge_slashes", true),
  flag("underscores_in_headers", false),
  flag("ignore_invalid_headers", true),
  rootSpec("root"),
  rootSpec("alias"),
  internal,
  flag("chunked_transfer_encoding", true),
  flag("msie_padding", true),
  flag("absolute_redirect", true),
  flag("port_in_redirect", true),
  flag("server_name_in_redirect", false),
  flag("log_not_found", true),
  flag("log_subrequest", false),
  flag("recursive_error_pages", false),
  errorLog,
  accessLog,
] as SettingSpec[];

registerSettings(CORE_SETTINGS);
