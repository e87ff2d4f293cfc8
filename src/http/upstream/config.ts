// `upstream NAME { ... }` blocks, read from the http{} level of the configuration tree:
// servers with their parameters, the balancing method and the keep-alive cache. Host names
// are resolved when the configuration is bound (as nginx resolves them at load).
import type { Directive } from "../../conf/ast.js";
import { ConfigError } from "../config/settings.js";
import { parseTimeMs } from "../config/values.js";

export interface ServerSpec {
  /** As written ("127.0.0.1:8081", "localhost"): the consistent hash hashes this. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** `server unix:/path`: the socket's path (host is "localhost", port 0). */
  readonly path?: string | undefined;
  readonly weight: number;
  readonly maxFails: number;
  /** Milliseconds. */
  readonly failTimeout: number;
  readonly maxConns: number;
  readonly backup: boolean;
  readonly down: boolean;
  readonly file: string;
  readonly line: number;
}

export type BalanceMethod = "round_robin" | "ip_hash" | "hash" | "least_conn";

export interface UpstreamSpec {
  readonly name: string;
  readonly servers: readonly ServerSpec[];
  readonly method: BalanceMethod;
  /** hash KEY: the key's text (a complex value) and whether it is `consistent`. */
  readonly hashKey: string | undefined;
  readonly consistent: boolean;
  /** keepalive N (0: connections are not kept). */
  readonly keepalive: number;
  readonly keepaliveTimeout: number;
  readonly keepaliveRequests: number;
  readonly keepaliveTime: number;
  /** Whether it was written as a block (an implicit one comes from proxy_pass host:port). */
  readonly explicit: boolean;
  readonly file: string;
  readonly line: number;
}

/** `host[:port]` → host and port (default 80, 443 for https); undefined when the port is invalid. */
export function splitHostPort(s: string, defaultPort = 80): { host: string; port: number; hasPort: boolean } | undefined {
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  let host: string;
  let port: string | undefined;
  if (v6) {
    host = v6[1]!;
    port = v6[2];
  } else {
    const c = s.lastIndexOf(":");
    if (c >= 0) {
      host = s.slice(0, c);
      port = s.slice(c + 1);
    } else host = s;
  }
  if (port === undefined) return { host, port: defaultPort, hasPort: false };
  if (!/^[0-9]+$/.test(port) || Number(port) < 1 || Number(port) > 65535) return undefined;
  return { host, port: Number(port), hasPort: true };
}

function parseServer(d: Directive, opts: { allowWeight: boolean; allowBackup: boolean }): ServerSpec {
  const addr = d.args[0] ?? "";
  const unix = /^unix:/i.test(addr) ? addr.slice(5) : undefined;
  const hp = unix !== undefined ? { host: "localhost", port: 0 } : splitHostPort(addr);
  if (!hp || hp.host === "") throw new ConfigError(`invalid port in upstream "${addr}"`, d.file, d.line);
  let weight = 1, maxFails = 1, failTimeout = 10_000, maxConns = 0, backup = false, down = false;
  for (const a of d.args.slice(1)) {
    const eq = a.indexOf("=");
    const k = eq < 0 ? a : a.slice(0, eq);
    const v = eq < 0 ? "" : a.slice(eq + 1);
    const n = /^[0-9]+$/.test(v) ? Number(v) : NaN;
    if (k === "weight" && eq > 0 && n > 0 && opts.allowWeight) weight = n;
    else if (k === "max_fails" && eq > 0 && n >= 0) maxFails = n;
    else if (k === "max_conns" && eq > 0 && n >= 0) maxConns = n;
    else if (k === "fail_timeout" && eq > 0 && parseTimeMs(v) !== undefined) failTimeout = parseTimeMs(v)!;
    else if (a === "backup" && opts.allowBackup) backup = true;
    else if (a === "down") down = true;
    else throw new ConfigError(`invalid parameter "${a}"`, d.file, d.line);
  }
  return { name: addr, host: hp.host, port: hp.port, path: unix, weight, maxFails, failTimeout, maxConns, backup, down, file: d.file, line: d.line };
}

function num(d: Directive): number {
  const a = d.args[0] ?? "";
  if (!/^[0-9]+$/.test(a) || Number(a) === 0) throw new ConfigError(`invalid value "${a}" in "${d.name}" directive`, d.file, d.line);
  return Number(a);
}

function time(d: Directive): number {
  const v = parseTimeMs(d.args[0] ?? "");
  if (v === undefined) throw new ConfigError(`"${d.name}" directive invalid value`, d.file, d.line);
  return v;
}

/** Every `upstream` block of the http{} level, by name. */
export function readUpstreams(tree: readonly Directive[]): Map<string, UpstreamSpec> {
  const out = new Map<string, UpstreamSpec>();
  for (const http of tree) {
    if (http.name !== "http" || !http.block) continue;
    for (const d of http.block) {
      if (d.name !== "upstream" || !d.block) continue;
      const name = (d.args[0] ?? "").toLowerCase();
      if (out.has(name)) throw new ConfigError(`duplicate upstream "${d.args[0]}"`, d.file, d.line);
      out.set(name, readUpstream(d));
    }
  }
  return out;
}

function readUpstream(u: Directive): UpstreamSpec {
  const body = u.block ?? [];
  let method: BalanceMethod = "round_robin";
  let hashKey: string | undefined;
  let consistent = false;
  let keepalive = 0, keepaliveTimeout = 60_000, keepaliveRequests = 1000, keepaliveTime = 3_600_000;
  for (const d of body) {
    if (d.name === "ip_hash") method = "ip_hash";
    else if (d.name === "least_conn") method = "least_conn";
    else if (d.name === "hash") {
      method = "hash";
      hashKey = d.args[0] ?? "";
      if (d.args[1] !== undefined && d.args[1] !== "consistent") throw new ConfigError(`invalid parameter "${d.args[1]}"`, d.file, d.line);
      consistent = d.args[1] === "consistent";
    } else if (d.name === "keepalive") keepalive = num(d);
    else if (d.name === "keepalive_timeout") keepaliveTimeout = time(d);
    else if (d.name === "keepalive_time") keepaliveTime = time(d);
    else if (d.name === "keepalive_requests") keepaliveRequests = num(d);
  }
  // nginx's balancers refuse the parameters they cannot honour ("weight" with ip_hash before 1.3.1 aside).
  const opts = { allowWeight: true, allowBackup: method === "round_robin" || method === "least_conn" };
  const servers = body.filter((d) => d.name === "server").map((d) => parseServer(d, opts));
  if (servers.length === 0) throw new ConfigError(`no servers are inside upstream`, u.file, u.line);
  return {
    name: u.args[0] ?? "", servers, method, hashKey, consistent, keepalive, keepaliveTimeout, keepaliveRequests,
    keepaliveTime, explicit: true, file: u.file, line: u.line,
  };
}

/** The upstream proxy_pass http://host:port makes when no block has that name. */
export function implicitUpstream(host: string, port: number, d: Directive, written?: string, path?: string): UpstreamSpec {
  // Named as written in proxy_pass ("backend", "backend:8080"): nginx's messages quote it so.
  const name = written ?? (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`);
  return {
    name, method: "round_robin", hashKey: undefined, consistent: false, keepalive: 0, keepaliveTimeout: 60_000,
    keepaliveRequests: 1000, keepaliveTime: 3_600_000, explicit: false, file: d.file, line: d.line,
    servers: [{ name, host, port, path, weight: 1, maxFails: 1, failTimeout: 10_000, maxConns: 0, backup: false, down: false, file: d.file, line: d.line }],
  };
}
