// Checks that nginx's directive handlers make while reading the configuration, beyond
// the generic ones (context, argument count, "is duplicate"): one function per directive,
// each returning nginx's message or null. Only handlers whose errors people meet are here.

import type { Where } from "./diagnostics.js";
import type { DirectiveNode } from "./grammar-actions.js";
import type { RegistryEntry } from "./registry/index.js";
import { integer, parseScaled, parseTime } from "./value-checks.js";
import { REWRITE_CHECKS } from "./rewrite-checks.js";
import { BUNDLED_MODULE_CHECKS } from "./bundled-module-checks.js";
import { STATIC_LOG_CHECKS } from "./static-log-checks.js";

/** A location as ngx_http_core_location reads its arguments. */
export interface LocationInfo {
  readonly name: string;
  readonly kind: "exact" | "prefix" | "regex" | "named";
}

/** A `server` of an http block: its listen addresses and names, for the name check. */
export interface ServerInfo {
  readonly listens: string[];
  readonly names: string[];
}

/** What one http block remembers until it ends. */
export interface HttpState {
  readonly defaultServers: Set<string>;
  readonly servers: ServerInfo[];
  /** Checks nginx makes once the whole http block is read (duplicate locations). */
  readonly locationSets: Array<Array<{ readonly info: LocationInfo; readonly where: Where }>>;
}

/** What a block remembers while it is read. */
export interface BlockState {
  readonly dups: Map<string, string>;
  readonly listens: Set<string>;
  /** Locations directly inside this block, for the duplicate check. */
  locations: Array<{ readonly info: LocationInfo; readonly where: Where }> | null;
  /** Set when this block is a location. */
  readonly location: LocationInfo | null;
  /** Set when this block is an http server. */
  readonly server: ServerInfo | null;
}

export interface MainState {
  /** nginx counts its modules when the first of events/http/stream/mail opens. */
  modulesUsed: boolean;
  /** lua_shared_dict zones: name and size in bytes. */
  readonly sharedDicts: Map<string, bigint>;
}

export interface CheckEnv {
  readonly block: BlockState;
  readonly http: HttpState | null;
  readonly main: MainState;
}

/** nginx's complaint: a message at level emerg, or another level when it says so (a warning lets the directive through). */
export type Complaint = string | { readonly level: "error" | "warn"; readonly message: string; readonly unplaced?: boolean };

export type DirectiveCheck = (d: DirectiveNode, env: CheckEnv, entry: RegistryEntry) => Complaint | null;

/** The arguments of `location` as nginx understands them, or its complaint. */
export function parseLocation(args: readonly string[]): LocationInfo | string {
  if (args.length === 2) {
    const [mod, name] = args as [string, string];
    const kinds: Record<string, LocationInfo["kind"]> = { "=": "exact", "^~": "prefix", "~": "regex", "~*": "regex" };
    const kind = kinds[mod];
    return kind === undefined ? `invalid location modifier "${mod}"` : { name, kind };
  }
  const v = args[0]!;
  if (v.startsWith("=")) return { name: v.slice(1), kind: "exact" };
  if (v.startsWith("^~")) return { name: v.slice(2), kind: "prefix" };
  if (v.startsWith("~*")) return { name: v.slice(2), kind: "regex" };
  if (v.startsWith("~")) return { name: v.slice(1), kind: "regex" };
  if (v.startsWith("@")) return { name: v, kind: "named" };
  return { name: v, kind: "prefix" };
}

function checkLocation(d: DirectiveNode, env: CheckEnv): string | null {
  const info = parseLocation(d.args);
  if (typeof info === "string") return info;
  const parent = env.block.location;
  if (parent !== null) {
    if (parent.kind === "exact") return `location "${info.name}" cannot be inside the exact location "${parent.name}"`;
    if (parent.kind === "named") return `location "${info.name}" cannot be inside the named location "${parent.name}"`;
    if (info.kind === "named") return `named location "${info.name}" can be on the server level only`;
    if (info.kind !== "regex" && !info.name.startsWith(parent.name)) {
      return `location "${info.name}" is outside location "${parent.name}"`;
    }
  }
  return null;
}

/** `listen` addresses as nginx prints them: 80 and *:80 are 0.0.0.0:80. */
export function listenAddress(arg: string): string {
  if (arg.startsWith("unix:")) return arg;
  if (arg.startsWith("[")) {
    const end = arg.indexOf("]");
    const port = end !== -1 && arg[end + 1] === ":" ? arg.slice(end + 2) : "80";
    return `${arg.slice(0, end + 1)}:${port}`;
  }
  if (/^\d+$/.test(arg)) return `0.0.0.0:${arg}`;
  const colon = arg.lastIndexOf(":");
  let host = colon === -1 ? arg : arg.slice(0, colon);
  const port = colon === -1 ? "80" : arg.slice(colon + 1);
  if (host === "*") host = "0.0.0.0";
  if (host === "localhost") host = "127.0.0.1";
  return `${host}:${port}`;
}

function checkListen(d: DirectiveNode, env: CheckEnv): string | null {
  const addr = listenAddress(d.args[0]!);
  if (env.block.listens.has(addr)) return `a duplicate listen ${addr}`;
  env.block.listens.add(addr);
  env.block.server?.listens.push(addr);
  if (env.http !== null && d.args.slice(1).some((a) => a === "default_server" || a === "default")) {
    if (env.http.defaultServers.has(addr)) return `a duplicate default server for ${addr}`;
    env.http.defaultServers.add(addr);
  }
  return null;
}

function variableName(arg: string | undefined): string | null {
  return arg !== undefined && arg.startsWith("$") ? null : `invalid variable name "${arg ?? ""}"`;
}

/** ngx_http_rewrite_if_condition, without compiling regexes or resolving variables. */
export function checkIfCondition(args: readonly string[]): string | null {
  const v = [...args];
  let last = v.length - 1;
  if (v[0] === undefined || !v[0].startsWith("(")) return `invalid condition "${v[0] ?? ""}"`;
  let cur = 0;
  if (v[0].length === 1) cur = 1;
  else v[0] = v[0].slice(1);
  if (!v[last]!.endsWith(")")) return `invalid condition "${v[last]}"`;
  if (v[last]!.length === 1) last--;
  else v[last] = v[last]!.slice(0, -1);
  const p = v[cur] ?? "";
  if (p.length > 1 && p[0] === "$") {
    if (cur !== last && cur + 2 !== last) return `invalid condition "${p}"`;
    if (cur === last) return null;
    const op = v[cur + 1]!;
    return ["=", "!=", "~", "~*", "!~", "!~*"].includes(op) ? null : `unexpected "${op}" in condition`;
  }
  if (/^!?-[fdex]$/.test(p) && cur + 1 === last) return null;
  return `invalid condition "${p}"`;
}

function checkServerName(d: DirectiveNode, env: CheckEnv): Complaint | null {
  let warning: Complaint | null = null;
  for (const name of d.args) {
    if ((name.startsWith("*") && (name.length < 3 || name[1] !== ".")) || (name.startsWith(".") && name.length < 2)) {
      return `server name "${name}" is invalid`;
    }
    if (name.includes("/") && warning === null) warning = { level: "warn", message: `server name "${name}" has suspicious symbols` };
    env.block.server?.names.push(name.toLowerCase());
  }
  return warning;
}

/** `return code [text]`, `return code URL` or `return URL`. */
function checkReturn(d: DirectiveNode): string | null {
  const first = d.args[0]!;
  if (d.args.length === 1 && /^(http:\/\/|https:\/\/|\$scheme)/.test(first)) return null;
  return /^\d+$/.test(first) && Number(first) <= 999 ? null : `invalid return code "${first}"`;
}

/**
 * `proxy_pass URL`: nginx knows http:// and https://, and refuses a URI part where there is
 * no location prefix to replace (regex and named locations, `if`, `limit_except`). A URL
 * with variables is read per request.
 */
function checkProxyPass(d: DirectiveNode, env: CheckEnv): string | null {
  const url = d.args[0]!;
  if (url.includes("$")) return null;
  const scheme = /^https?:\/\//i.exec(url);
  if (!scheme) return `invalid URL prefix in "${url}"`;
  const loc = env.block.location;
  // A unix socket's URI part follows the ':' after its path (http://unix:/path:/uri).
  const rest = url.slice(scheme[0].length);
  const hasUri = /^unix:/i.test(rest) ? rest.indexOf(":", 5) >= 0 : rest.includes("/");
  if (hasUri && (loc === null || loc.kind === "regex" || loc.kind === "named")) {
    return `"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block`;
  }
  return null;
}

/** The Lua handlers that refuse empty code (the block, string and file forms alike). */
const NEEDS_CODE = /^(init|server_rewrite|rewrite|access|content|log|header_filter|body_filter)_by_lua(_block|_file)?$/;

function runnableLua(d: DirectiveNode): Complaint | null {
  const code = d.lua !== undefined ? d.lua.code : d.args[0];
  return code === "" ? { level: "error", message: "invalid location config: no runnable Lua code" } : null;
}

/** lua-nginx-module's smallest zone is 8k (NGX_HTTP_LUA_SHDICT_MINSIZE). */
function checkSharedDict(d: DirectiveNode, env: CheckEnv): string | null {
  const [name, size] = d.args as [string, string];
  const bytes = parseScaled(size, "kKmM");
  if (bytes === null || bytes < 8192n) return `invalid lua shared dict size "${size}"`;
  if (env.main.sharedDicts.has(name)) return `lua_shared_dict "${name}" is already defined as "${name}"`;
  env.main.sharedDicts.set(name, bytes);
  return null;
}

function checkLoadModule(_d: DirectiveNode, env: CheckEnv): string | null {
  return env.main.modulesUsed ? '"load_module" directive is specified too late' : null;
}

function opensModules(_d: DirectiveNode, env: CheckEnv): null {
  env.main.modulesUsed = true;
  return null;
}

export const DIRECTIVE_CHECKS: ReadonlyMap<string, DirectiveCheck> = new Map<string, DirectiveCheck>([
  ["location", (d, env, e) => (e.module === "ngx_http_core_module" ? checkLocation(d, env) : null)],
  ["listen", (d, env, e) => (e.module === "ngx_http_core_module" ? checkListen(d, env) : null)],
  ["if", (d) => checkIfCondition(d.args)],
  ["set", (d) => variableName(d.args[0])],
  ["map", (d) => variableName(d.args[1])],
  ["split_clients", (d) => variableName(d.args[1])],
  ["geo", (d) => variableName(d.args[d.args.length - 1])],
  ["server_name", (d, env, e) => (e.module === "ngx_http_core_module" ? checkServerName(d, env) : null)],
  ["return", (d, _env, e) => (e.module === "ngx_http_rewrite_module" ? checkReturn(d) : null)],
  ["proxy_pass", (d, env, e) => (e.module === "ngx_http_proxy_module" ? checkProxyPass(d, env) : null)],
  ["load_module", checkLoadModule],
  ["worker_connections", (d) => (integer(d.args[0]!) === null ? `invalid number "${d.args[0]}"` : null)],
  [
    "worker_processes",
    (d) => (d.args[0] === "auto" || integer(d.args[0]!) !== null ? null : '"worker_processes" directive invalid value'),
  ],
  [
    "keepalive_timeout",
    (d, _env, e) =>
      e.module !== "ngx_http_core_module" ||
      (parseTime(d.args[0]!, false) !== null && (d.args[1] === undefined || parseTime(d.args[1], true) !== null))
        ? null
        : '"keepalive_timeout" directive invalid value',
  ],
  ["lua_shared_dict", checkSharedDict],
  [
    "lua_regex_cache_max_entries",
    (d) => (integer(d.args[0]!) === null ? '"lua_regex_cache_max_entries" directive invalid number' : null),
  ],
  ["events", opensModules],
  ["http", opensModules],
  ["stream", opensModules],
  ["mail", opensModules],
]);

for (const name of ["init", "server_rewrite", "rewrite", "access", "content", "log", "header_filter", "body_filter"]) {
  for (const form of ["_by_lua", "_by_lua_block", "_by_lua_file"]) {
    if (NEEDS_CODE.test(name + form)) (DIRECTIVE_CHECKS as Map<string, DirectiveCheck>).set(name + form, runnableLua);
  }
}

// The rewrite, headers and error_page modules' checks (rewrite-checks.ts) and the log and
// try_files ones (static-log-checks.ts), after those above.
for (const [name, check] of [...REWRITE_CHECKS, ...STATIC_LOG_CHECKS, ...BUNDLED_MODULE_CHECKS]) {
  const before = DIRECTIVE_CHECKS.get(name);
  (DIRECTIVE_CHECKS as Map<string, DirectiveCheck>).set(name, before ? (d, env, e) => before(d, env, e) ?? check(d, env, e) : check);
}
