// nginx's core variables, as data: a table of getters (and setters where nginx allows
// writing), prefix families ($http_*, $arg_*, $cookie_*, $sent_http_*), regex captures
// ($1..$9 and named ones), and user variables (`set`, named captures, ngx.var).
//
// Writable built-ins: $args, $query_string, $limit_rate. Every other built-in is read-only,
// as in nginx; user variables are writable once declared.
import * as os from "node:os";
import { realpathSync } from "node:fs";
import { randomBytes } from "node:crypto";
import type { Request } from "./request.js";
import { findArg } from "./uri.js";
import { NGINX_VERSION } from "../version.js";
import { msec, timeIso8601Now, timeLocalNow } from "./log/time-format.js";
import { docRoot, mapUriToPath } from "./modules/static-path.js";

export interface VariableDef {
  /** undefined is nginx's "not found" (logged as `-`, nil in Lua). */
  get(r: Request, suffix: string): string | undefined;
  set?(r: Request, value: string, suffix: string): void;
}

const hostname = os.hostname();

/** $http_NAME: a request header; Cookie and X-Forwarded-For join their lines as nginx does. */
function httpHeader(r: Request, suffix: string): string | undefined {
  const name = suffix.replace(/_/g, "-");
  if (suffix === "cookie") {
    const all = r.headersIn.getAll("cookie");
    return all.length === 0 ? undefined : all.join("; ");
  }
  if (suffix === "x_forwarded_for") {
    const all = r.headersIn.getAll("x-forwarded-for");
    return all.length === 0 ? undefined : all.join(", ");
  }
  const v = r.headersIn.get(name);
  if (v !== undefined || suffix.indexOf("_") < 0) return v;
  // A header whose name has underscores (underscores_in_headers on): nginx compares each name
  // with '-' read as '_' (ngx_http_variable_unknown_header).
  const raw = r.headersIn.raw;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase().replace(/-/g, "_") === suffix) return raw[i + 1];
  return undefined;
}

function sentHeader(r: Request, suffix: string): string | undefined {
  switch (suffix) {
    case "content_type":
      return r.contentType === undefined ? undefined : r.charset ? `${r.contentType}; charset=${r.charset}` : r.contentType;
    case "content_length":
      return r.contentLength >= 0 ? String(r.contentLength) : undefined;
    case "location":
      return r.location ?? r.headersOut.get("location");
    case "last_modified":
      return r.lastModified ?? r.headersOut.get("last-modified");
    case "connection":
      return r.headerSent ? (r.keepalive ? "keep-alive" : "close") : "";
    case "keep_alive":
      return r.keepalive && r.loc.core.keepalive_header >= 0 ? `timeout=${r.loc.core.keepalive_header}` : "";
    case "transfer_encoding":
      return r.chunked ? "chunked" : "";
  }
  const all = r.headersOut.getAll(suffix.replace(/_/g, "-"));
  if (all.length === 0) return undefined;
  return all.join(suffix === "cache_control" ? "; " : ", ");
}

function cookie(r: Request, name: string): string | undefined {
  const lname = name.toLowerCase();
  for (const line of r.headersIn.getAll("cookie")) {
    for (const part of line.split(/[;,]/)) {
      const p = part.replace(/^[ \t]+/, "");
      const eq = p.indexOf("=");
      if (eq < 0) continue;
      if (p.slice(0, eq).toLowerCase() === lname) return p.slice(eq + 1).replace(/[ \t]+$/, "");
    }
  }
  return undefined;
}

function binaryAddr(a: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (m) return String.fromCharCode(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]));
  return a;
}

/** $document_root: the root or alias, variables evaluated, relative to the prefix. */
function documentRoot(r: Request): string {
  return docRoot(r.loc).base(r);
}

/** $request_filename: the file the static module would open (ngx_http_map_uri_to_path). */
function requestFilename(r: Request): string {
  return mapUriToPath(r).path;
}

function remoteUser(r: Request): string | undefined {
  const a = r.headersIn.get("authorization");
  if (!a || !/^basic /i.test(a)) return undefined;
  const dec = Buffer.from(a.slice(6).trim(), "base64").toString("latin1");
  const c = dec.indexOf(":");
  return c < 0 ? undefined : dec.slice(0, c);
}

const argsVar: VariableDef = {
  // Empty is not found (`-` in logs, nil in Lua), as in nginx.
  get: (r) => (r.args !== "" ? r.args : undefined),
  set: (r, v) => {
    r.args = v;
  },
};

/** Exact-name variables. */
export const VARIABLES: Record<string, VariableDef> = {
  // A request too malformed to have these leaves them not found (`-` in its log line).
  uri: { get: (r) => r.uri || undefined },
  document_uri: { get: (r) => r.uri || undefined },
  request_uri: { get: (r) => r.main.requestUri || undefined },
  args: argsVar,
  query_string: argsVar,
  is_args: { get: (r) => (r.args.length > 0 ? "?" : "") },
  remote_addr: { get: (r) => r.conn.remoteAddress },
  binary_remote_addr: { get: (r) => binaryAddr(r.conn.remoteAddress) },
  remote_port: { get: (r) => String(r.conn.remotePort) },
  remote_user: { get: remoteUser },
  server_addr: { get: (r) => r.conn.localAddress },
  server_port: { get: (r) => String(r.conn.localPort) },
  server_name: { get: (r) => r.server.serverName },
  host: { get: (r) => (r.host !== "" ? r.host : (r.server.serverName)) },
  hostname: { get: () => hostname },
  scheme: { get: (r) => (r.conn.tls ? "https" : "http") },
  https: { get: (r) => (r.conn.tls ? "on" : "") },
  ssl_protocol: { get: (r) => r.conn.tls?.protocol },
  ssl_cipher: { get: (r) => r.conn.tls?.cipher },
  ssl_server_name: { get: (r) => r.conn.tls?.serverName || undefined }, // not found without SNI (ngx.var gives nil)
  ssl_session_reused: { get: (r) => (r.conn.tls === undefined ? undefined : r.conn.tls.sessionReused ? "r" : ".") },
  request_method: { get: (r) => r.main.method || undefined },
  request: { get: (r) => r.main.requestLine },
  // An error_page's response reports the error's status (nginx's r->err_status).
  status: { get: (r) => String(r.errStatus || r.status).padStart(3, "0") },
  body_bytes_sent: { get: (r) => String(r.bodyBytesSent) },
  bytes_sent: { get: (r) => String(r.headerBytes + r.bodyBytesSent) },
  request_length: { get: (r) => String(r.main.headBytes + (r.main.body?.length ?? 0)) },
  request_time: { get: (r) => ((Date.now() - r.main.start) / 1000).toFixed(3) },
  request_id: {
    get: (r) => {
      let id = r.main.notes.get("request_id") as string | undefined;
      if (!id) r.main.notes.set("request_id", (id = randomBytes(16).toString("hex")));
      return id;
    },
  },
  request_body: { get: (r) => r.main.body?.data?.toString("latin1") },
  request_body_file: { get: (r) => r.main.body?.file },
  request_completion: { get: (r) => (r.finalized ? "OK" : "") },
  msec: { get: () => msec() },
  time_local: { get: () => timeLocalNow() },
  time_iso8601: { get: () => timeIso8601Now() },
  content_type: { get: (r) => r.headersIn.get("content-type") },
  content_length: {
    get: (r) => {
      const v = r.headersIn.get("content-length");
      if (v !== undefined) return v;
      // A chunked body has a length once read (or discarded: 0), as nginx sets it then.
      return r.main.exchange?.head?.chunked && r.main.body ? String(r.main.body.length) : undefined;
    },
  },
  document_root: { get: documentRoot },
  realpath_root: {
    get: (r) => {
      try {
        return realpathSync(documentRoot(r));
      } catch {
        return undefined;
      }
    },
  },
  request_filename: { get: requestFilename },
  server_protocol: { get: (r) => r.protocol || undefined },
  connection: { get: (r) => String(r.conn.id) },
  connection_requests: { get: (r) => String(r.conn.requests) },
  nginx_version: { get: () => NGINX_VERSION },
  pid: { get: () => String(process.pid) },
  limit_rate: {
    get: (r) => String((r.notes.get("limit_rate") as number | undefined) ?? 0),
    set: (r, v) => {
      r.notes.set("limit_rate", Number(v) || 0);
    },
  },
};

/** Prefix families: `$http_user_agent` is ("http_", "user_agent"). Longest prefix first. */
export const PREFIX_VARIABLES: [string, VariableDef][] = [
  ["sent_http_", { get: sentHeader }],
  ["cookie_", { get: cookie }],
  ["http_", { get: httpHeader }],
  ["arg_", { get: (r, s) => findArg(r.args, s) }],
];

export function registerVariable(name: string, def: VariableDef): void {
  VARIABLES[name] = def;
  getters.delete(name);
}

/** A user variable that no request set yet: the rewrite module answers for names `set` declares. */
let uninitialized: (r: Request, name: string) => string | undefined = () => undefined;

export function setUninitializedHandler(h: (r: Request, name: string) => string | undefined): void {
  uninitialized = h;
}

export function registerPrefixVariable(prefix: string, def: VariableDef): void {
  PREFIX_VARIABLES.push([prefix, def]);
  PREFIX_VARIABLES.sort((a, b) => b[0].length - a[0].length);
}

export type VariableGetter = (r: Request) => string | undefined;

const captureGetter = (n: number): VariableGetter => (r) => r.captures?.[n];

const getters = new Map<string, VariableGetter>();

/**
 * The getter for `$name`, resolved once (at configuration load, or on the first ngx.var use
 * of a name). Names that are no built-in read the request's user variables.
 */
export function variableGetter(name: string): VariableGetter {
  if (check !== undefined) check.used.add(name.toLowerCase());
  let g = getters.get(name);
  if (g) return g;
  if (/^[0-9]$/.test(name)) g = captureGetter(Number(name));
  else {
    const def = VARIABLES[name];
    if (def) g = (r) => def.get(r, "");
    else {
      for (const [p, d] of PREFIX_VARIABLES) {
        if (name.startsWith(p)) {
          const suffix = name.slice(p.length);
          g = (r) => d.get(r, suffix);
          break;
        }
      }
    }
  }
  g ??= (r) => r.vars.get(name) ?? uninitialized(r, name);
  getters.set(name, g);
  return g;
}

export function getVariable(r: Request, name: string): string | undefined {
  return variableGetter(name)(r);
}

export type SetResult = "ok" | "not changeable" | "not found";

/** ngx.var.NAME = value, and `set`: built-ins with a setter, or declared user variables. */
export function setVariable(r: Request, name: string, value: string, declared?: ReadonlySet<string>): SetResult {
  const def = VARIABLES[name];
  if (def) {
    if (!def.set) return "not changeable";
    def.set(r, value, "");
    return "ok";
  }
  for (const [p, d] of PREFIX_VARIABLES) {
    if (name.startsWith(p)) {
      if (!d.set) return "not changeable";
      d.set(r, value, name.slice(p.length));
      return "ok";
    }
  }
  if (declared && !declared.has(name) && !r.vars.has(name)) return "not found";
  r.vars.set(name, value);
  return "ok";
}

/** Whether `name` is a variable nginx knows (for configuration checks: `unknown "x" variable`). */
export function isKnownVariable(name: string, declared: ReadonlySet<string>): boolean {
  if (/^[0-9]$/.test(name) || VARIABLES[name] || declared.has(name)) return true;
  return PREFIX_VARIABLES.some(([p]) => name.startsWith(p));
}

// nginx resolves every variable a configuration references once it is read
// (ngx_http_variables_init_vars) and refuses a name that nothing defines: `unknown "x"
// variable`. While a build runs, the names resolved at load and the named captures of its
// regexes (which define variables) are collected here, then checked.
let check: { used: Set<string>; captures: Set<string> } | undefined;

/** Start collecting for a configuration build. */
export function beginVariableCheck(): void {
  check = { used: new Set(), captures: new Set() };
}

/** A regex of the configuration: its named captures are variables from now on. */
export function noteRegexCaptures(source: string): void {
  if (check === undefined) return;
  for (const m of source.matchAll(/\(\?(?:P?<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')/g)) {
    check.captures.add((m[1] ?? m[2]!).toLowerCase());
  }
}

/** Stop collecting; the first name referenced that nothing defines, if any. */
export function endVariableCheck(declared: ReadonlySet<string>): string | undefined {
  const c = check;
  check = undefined;
  if (c === undefined) return undefined;
  for (const name of c.used) if (!c.captures.has(name) && !isKnownVariable(name, declared)) return name;
  return undefined;
}
