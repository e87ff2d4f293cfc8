// From the conf AST (src/conf's LoadResult) to the runtime configuration (model.ts):
// servers and their listen addresses, server names, the location trees, merged settings,
// the logs, and each location's handler lists from the registered modules.
import type { Directive, LoadResult } from "../../conf/ast.js";
import type {
  AddressConf, HttpConfig, ListenConf, LocationConf, LocationModifier, LocationTree, MainConf, PortConf,
  ServerConf, ServerNameEntry,
} from "./model.js";
import { ConfigError, defaultSettings, mergeLevel, type ParseEnv, type Settings } from "./settings.js";
import { core, resolvePath } from "./core-settings.js";
import { openErrorLog, type ErrorLog, type ErrorLogSpec } from "../log/error-log.js";
import { AccessLog, COMBINED, compileFormat, type LogEscape, type LogFormat } from "../log/access-log.js";
import { compileRegex } from "../regex.js";
import { PHASES, PH, type PhaseHandler, type HeaderFilter, type BodyFilter } from "../phases.js";
import { httpModules } from "../module.js";
import { registerSettings, settingsFor } from "./settings.js";
import { attachSsl, SSL_DIRECTIVES } from "./ssl.js";
import { beginVariableCheck, endVariableCheck } from "../variables.js";
import { declaredVariables } from "../../ngx/declared-variables.js";

/** Directives the builder itself interprets (structure and main-level process settings). */
const STRUCTURE = new Set([
  "http", "server", "location", "listen", "server_name", "events", "worker_connections", "pid",
  "worker_processes", "daemon", "master_process", "error_log", "log_format", "include", "user",
  "worker_rlimit_nofile", "env", "load_module", "pcre_jit", "multi_accept", "use", "accept_mutex",
  "worker_cpu_affinity", "worker_priority", "timer_resolution", "lock_file", "thread_pool",
  "working_directory", "worker_shutdown_timeout", "server_names_hash_bucket_size",
  "server_names_hash_max_size", "variables_hash_max_size", "variables_hash_bucket_size",
  "types_hash_max_size", "types_hash_bucket_size", "sendfile", "tcp_nopush", "tcp_nodelay",
  "reset_timedout_connection", "lingering_close", "lingering_time", "lingering_timeout",
  "keepalive_disable", "output_buffers", "postpone_output", "aio", "directio", "open_file_cache",
  "open_file_cache_valid", "open_file_cache_min_uses", "open_file_cache_errors",
]);

function flattenIncludes(ds: readonly Directive[]): Directive[] {
  const out: Directive[] = [];
  for (const d of ds) {
    if (d.name === "include" && d.block === undefined) continue; // includes are already inlined in `tree`
    out.push(d);
  }
  return out;
}

function own(ds: readonly Directive[] | undefined): Directive[] {
  return flattenIncludes(ds ?? []);
}

interface BuildState {
  readonly env: ParseEnv;
  readonly formats: Map<string, LogFormat>;
  readonly mainErrorLog: ErrorLog;
  readonly errorLogs: Map<string, ErrorLog>;
  readonly unsupported: Directive[];
  readonly known: Set<string>;
}

export interface BuildResult {
  readonly config: HttpConfig;
  /** Warnings as nginx logs them at start ([warn] conflicting server name ...). */
  readonly warnings: readonly string[];
}

/** The build under way, for nested locations modules create while it runs (`if` blocks). */
let active: BuildState | undefined;

/**
 * The location of an `if` or `limit_except` block inside `parent` (nginx's unnamed location):
 * its settings merge over the parent's, its name and regex are the parent's; its handlers come
 * from its own directives (so the parent's rewrite script and content_by_lua do not run in it).
 * Only while a build runs.
 */
export function buildIfLocation(parent: LocationConf, d: Directive): LocationConf {
  if (!active) throw new Error("buildIfLocation outside a build");
  const lds = own(d.block);
  checkSupported(active, lds);
  const settings = mergeLevel(parent.settings, lds, active.env);
  return makeLocation(active, parent.server, parent, parent.name, parent.modifier, parent.regex, lds, settings, d);
}

export function buildConfig(load: LoadResult): BuildResult {
  for (const m of httpModules()) if (m.settings) registerSettings(m.settings);
  const env: ParseEnv = { prefix: load.prefix, confPrefix: load.confPrefix };
  const all = [...load.globals, ...load.tree];
  const mainDs = own(all);
  const find = (name: string): Directive | undefined => [...mainDs].reverse().find((d) => d.name === name);

  const mainErrSpecs: ErrorLogSpec[] = mainDs
    .filter((d) => d.name === "error_log")
    .map((d) => ({ path: d.args[0] === "stderr" ? "stderr" : resolvePath(d.args[0] ?? "", load.prefix), level: (d.args[1] ?? "error") as ErrorLogSpec["level"] }));
  const mainErrorLog = openErrorLog(mainErrSpecs.length > 0 ? mainErrSpecs : [{ path: load.prefix + "logs/error.log", level: "error" }]);
  const pidD = find("pid");
  const events = mainDs.find((d) => d.name === "events");
  const wc = events?.block?.find((d) => d.name === "worker_connections");
  const main: MainConf = {
    prefix: load.prefix,
    confFile: load.confFile,
    confPrefix: load.confPrefix,
    pidFile: pidD ? (pidD.args[0] === "off" ? "" : resolvePath(pidD.args[0] ?? "", load.prefix)) : load.prefix + "logs/nginx.pid",
    workerProcesses: find("worker_processes")?.args[0] ?? "1",
    daemon: find("daemon")?.args[0] !== "off",
    masterProcess: find("master_process")?.args[0] !== "off",
    errorLog: mainErrorLog,
    workerConnections: wc ? Number(wc.args[0]) : 512,
  };

  const known = new Set<string>([...STRUCTURE, ...SSL_DIRECTIVES]);
  for (const m of httpModules()) {
    for (const s of m.settings ?? []) known.add(s.directive);
    for (const d of m.directives ?? []) known.add(d);
  }
  const st: BuildState = {
    env, formats: new Map([["combined", compileFormat("combined", COMBINED)]]), mainErrorLog,
    errorLogs: new Map(), unsupported: [], known,
  };

  const warnings: string[] = [];
  const httpD = mainDs.find((d) => d.name === "http");
  active = st;
  beginVariableCheck();
  try {
    const built = finishBuild(st, load, all, main, httpD, env, warnings);
    const unknown = endVariableCheck(declaredVariables(all));
    if (unknown !== undefined) throw new ConfigError(`unknown "${unknown}" variable`);
    return built;
  } finally {
    endVariableCheck(new Set());
    active = undefined;
  }
}

function finishBuild(
  st: BuildState, load: LoadResult, all: Directive[], main: MainConf,
  httpD: Directive | undefined, env: ParseEnv, warnings: string[],
): BuildResult {
  const servers: ServerConf[] = [];
  let httpSettings: Settings = defaultSettings();
  const root = defaultSettings();
  root.access_log = [{ path: load.prefix + "logs/access.log", format: "combined" }];
  if (httpD) {
    const hds = own(httpD.block);
    for (const d of hds) if (d.name === "log_format") addFormat(st, d);
    checkSupported(st, hds);
    httpSettings = mergeLevel(root, hds, env);
    for (const d of hds) if (d.name === "server") servers.push(buildServer(st, d, httpSettings, servers.length));
  }
  const ports = buildPorts(servers, warnings);
  attachSsl(servers, ports, httpD ? own(httpD.block) : [], load.confPrefix);
  const config: HttpConfig = {
    main, servers, ports, httpSettings, tree: all, unsupported: st.unsupported, moduleData: new Map(),
  };
  return { config, warnings };
}

function checkSupported(st: BuildState, ds: readonly Directive[]): void {
  for (const d of ds) {
    if (!st.known.has(d.name) && !settingsFor(d.name) && !(d.name.endsWith("_by_lua") || d.name.endsWith("_by_lua_block") || d.name.endsWith("_by_lua_file"))) {
      st.unsupported.push(d);
    }
  }
}

function addFormat(st: BuildState, d: Directive): void {
  const name = d.args[0] ?? "";
  let escape: LogEscape = "default";
  let i = 1;
  const e = /^escape=(default|json|none)$/.exec(d.args[1] ?? "");
  if (!e && (d.args[1] ?? "").startsWith("escape=")) {
    throw new ConfigError(`unknown log format escaping "${d.args[1]!.slice(7)}"`, d.file, d.line);
  }
  if (e) {
    escape = e[1] as LogEscape;
    i = 2;
  }
  if (st.formats.has(name) && name !== "combined") throw new ConfigError(`duplicate "log_format" name "${name}"`, d.file, d.line);
  if (name === "combined") throw new ConfigError(`duplicate "log_format" name "combined"`, d.file, d.line);
  st.formats.set(name, compileFormat(name, d.args.slice(i).join(""), escape));
}

function errorLogFor(st: BuildState, specs: readonly ErrorLogSpec[]): ErrorLog {
  if (specs.length === 0) return st.mainErrorLog;
  const key = specs.map((s) => `${s.path}\0${s.level}`).join("\n");
  let l = st.errorLogs.get(key);
  if (!l) st.errorLogs.set(key, (l = openErrorLog(specs)));
  return l;
}

function accessLogsFor(st: BuildState, s: Settings, where: Directive | undefined): AccessLog[] {
  return core(s).access_log.map((a) => {
    const f = st.formats.get(a.format);
    if (!f) throw new ConfigError(`unknown log format "${a.format}"`, where?.file, where?.line);
    return new AccessLog(a.path, f, a.condition);
  });
}

function parseListen(d: Directive): ListenConf {
  const a = d.args[0] ?? "";
  let host = "*";
  let port = 80;
  let unixPath: string | undefined;
  if (a.startsWith("unix:")) {
    unixPath = a.slice(5);
    port = 0;
  } else {
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(a);
    if (v6) {
      host = `[${v6[1]}]`;
      if (v6[2] !== undefined) port = Number(v6[2]);
    } else if (/^\d+$/.test(a)) {
      port = Number(a);
    } else {
      const c = a.lastIndexOf(":");
      if (c >= 0) {
        host = a.slice(0, c);
        const p = a.slice(c + 1);
        if (!/^\d+$/.test(p)) throw new ConfigError(`invalid port in "${a}" of the "listen" directive`, d.file, d.line);
        port = Number(p);
      } else host = a;
      if (host === "0.0.0.0") host = "*";
      if (host === "localhost") host = "127.0.0.1";
    }
    if (port > 65535) throw new ConfigError(`invalid port in "${a}" of the "listen" directive`, d.file, d.line);
  }
  const opts = d.args.slice(1);
  return {
    host, port, unixPath,
    defaultServer: opts.includes("default_server") || opts.includes("default"),
    ssl: opts.includes("ssl"),
    http2: opts.includes("http2"),
    file: d.file,
    line: d.line,
  };
}

function buildServer(st: BuildState, d: Directive, http: Settings, index: number): ServerConf {
  const ds = own(d.block);
  checkSupported(st, ds.filter((x) => x.name !== "location"));
  const settings = mergeLevel(http, ds, st.env);
  const listens = ds.filter((x) => x.name === "listen").map(parseListen);
  if (listens.length === 0) {
    listens.push({ host: "*", port: process.getuid?.() === 0 ? 80 : 8000, defaultServer: false, ssl: false, http2: false, file: d.file, line: d.line });
  }
  const names: ServerNameEntry[] = [];
  for (const sn of ds.filter((x) => x.name === "server_name")) {
    for (const n of sn.args) {
      if (n.startsWith("~")) names.push({ name: n, regex: compileRegex(n.slice(1), false, sn) });
      else names.push({ name: n.toLowerCase(), regex: undefined });
    }
  }
  if (names.length === 0) names.push({ name: "", regex: undefined });

  const first = names[0]!.name;
  const server = {
    index, listens, names, serverName: first.startsWith(".") ? first.slice(1) : first, directives: ds, settings, core: core(settings), file: d.file, line: d.line,
  } as Partial<Record<keyof ServerConf, unknown>> as { -readonly [K in keyof ServerConf]: ServerConf[K] };
  const named = new Map<string, LocationConf>();
  server.named = named;
  const rootLoc = makeLocation(st, server, undefined, "", "", undefined, ds, settings, d);
  server.root = rootLoc;
  server.locations = buildTree(st, server, undefined, ds, settings, named);
  (rootLoc as { children: LocationTree }).children = server.locations;
  const sr: PhaseHandler[] = [];
  for (const m of httpModules()) {
    const h = m.serverRewrite?.(server);
    if (h && m.handlerFirst?.("server_rewrite", rootLoc) === true) sr.unshift(h);
    else if (h) sr.push(h);
  }
  server.serverRewrite = sr;
  return server;
}

function buildTree(
  st: BuildState, server: ServerConf, parent: LocationConf | undefined, ds: readonly Directive[],
  inherited: Settings, named: Map<string, LocationConf>,
): LocationTree {
  const exact = new Map<string, LocationConf>();
  const prefixes: LocationConf[] = [];
  const regexes: LocationConf[] = [];
  const seen = new Set<string>();
  for (const d of ds) {
    if (d.name !== "location") continue;
    let mod: LocationModifier = "";
    let name: string;
    if (d.args.length === 2) {
      mod = d.args[0] as LocationModifier;
      name = d.args[1]!;
      if (!["=", "^~", "~", "~*"].includes(mod)) throw new ConfigError(`invalid location modifier "${d.args[0]}"`, d.file, d.line);
    } else {
      name = d.args[0] ?? "";
      if (name.startsWith("@")) mod = "@";
      else if (name.startsWith("=") && name.length > 1) { mod = "="; name = name.slice(1); }
      else if (name.startsWith("^~") && name.length > 2) { mod = "^~"; name = name.slice(2); }
      else if (name.startsWith("~*") && name.length > 2) { mod = "~*"; name = name.slice(2); }
      else if (name.startsWith("~") && name.length > 1) { mod = "~"; name = name.slice(1); }
    }
    if (parent?.modifier === "@") throw new ConfigError(`location "${name}" could not be inside the named location "${parent.name}"`, d.file, d.line);
    if (parent?.modifier === "=") throw new ConfigError(`location "${name}" could not be inside the exact location "${parent.name}"`, d.file, d.line);
    if (mod === "@" && parent) throw new ConfigError(`named location "${name}" can be on the server level only`, d.file, d.line);
    if (parent && (mod === "" || mod === "^~" || mod === "=") && (parent.modifier === "" || parent.modifier === "^~") && !name.startsWith(parent.name)) {
      throw new ConfigError(`location "${name}" is outside location "${parent.name}"`, d.file, d.line);
    }
    const key = (mod === "^~" ? "" : mod) + "\0" + name;
    if (mod !== "~" && mod !== "~*" && seen.has(key)) throw new ConfigError(`duplicate location "${name}"`, d.file, d.line);
    seen.add(key);
    const lds = own(d.block);
    checkSupported(st, lds.filter((x) => x.name !== "location"));
    const settings = mergeLevel(inherited, lds, st.env);
    const regex = mod === "~" || mod === "~*" ? compileRegex(name, mod === "~*", d) : undefined;
    const loc = makeLocation(st, server, parent, name, mod, regex, lds, settings, d);
    (loc as { children: LocationTree }).children = buildTree(st, server, loc, lds, settings, named);
    if (mod === "=") exact.set(name, loc);
    else if (mod === "@") named.set(name, loc);
    else if (regex) regexes.push(loc);
    else prefixes.push(loc);
  }
  prefixes.sort((a, b) => b.name.length - a.name.length);
  return { exact, prefixes, regexes };
}

function makeLocation(
  st: BuildState, server: ServerConf, parent: LocationConf | undefined, name: string, modifier: LocationModifier,
  regex: RegExp | undefined, directives: readonly Directive[], settings: Settings, d: Directive,
): LocationConf {
  const c = core(settings);
  const loc = {
    name, modifier, regex, parent, server, directives, settings, core: c,
    children: { exact: new Map(), prefixes: [], regexes: [] },
    handlers: [], contentHandler: undefined, headerFilters: [], bodyFilters: [],
    errorLog: errorLogFor(st, c.error_log),
    accessLogs: accessLogsFor(st, settings, d),
    moduleData: new Map<string, unknown>(),
    file: d.file, line: d.line,
  } as { -readonly [K in keyof LocationConf]: LocationConf[K] };
  const mods = httpModules();
  for (const m of mods) m.compileLocation?.(loc);
  const handlers: PhaseHandler[][] = PHASES.map(() => []);
  for (const m of mods) {
    if (!m.handler) continue;
    for (const p of PHASES) {
      if (p === "find_config" || p === "post_rewrite" || p === "server_rewrite") continue;
      const h = m.handler(p, loc);
      if (h === undefined) continue;
      if (m.handlerFirst?.(p, loc)) handlers[PH[p]]!.unshift(h);
      else handlers[PH[p]]!.push(h);
    }
  }
  let content: PhaseHandler | undefined;
  for (const m of mods) content = m.contentHandler?.(loc) ?? content;
  const hf: HeaderFilter[] = [];
  const bf: BodyFilter[] = [];
  for (const m of mods) {
    const h = m.headerFilter?.(loc);
    if (h) hf.push(h);
    const b = m.bodyFilter?.(loc);
    if (b) bf.push(b);
  }
  loc.handlers = handlers;
  loc.contentHandler = content;
  loc.headerFilters = hf;
  loc.bodyFilters = bf;
  return loc;
}

function buildPorts(servers: readonly ServerConf[], warnings: string[]): PortConf[] {
  // addr key -> servers in order, and the default
  const byAddr = new Map<string, { host: string; port: number; unixPath?: string; servers: ServerConf[]; def?: ServerConf; defListen?: ListenConf }>();
  for (const s of servers) {
    for (const l of s.listens) {
      const key = l.unixPath !== undefined ? `unix:${l.unixPath}` : `${l.host}:${l.port}`;
      let a = byAddr.get(key);
      if (!a) byAddr.set(key, (a = { host: l.host, port: l.port, unixPath: l.unixPath, servers: [] }));
      if (!a.servers.includes(s)) a.servers.push(s);
      if (l.defaultServer) {
        if (a.def && a.def !== s) throw new ConfigError(`a duplicate default server for ${displayAddr(l)}`, l.file, l.line);
        a.def = s;
      }
    }
  }
  const ports = new Map<string, PortConf & { addresses: AddressConf[] }>();
  for (const a of byAddr.values()) {
    const addr = addressConf(a.host, a.port, a.servers, a.def ?? a.servers[0]!, warnings);
    if (a.unixPath !== undefined) {
      ports.set(`unix:${a.unixPath}`, { host: "", port: 0, unixPath: a.unixPath, addresses: [addr] });
      continue;
    }
    const wildKey = a.host.startsWith("[") ? `[::]:${a.port}` : `*:${a.port}`;
    const key = a.host === "*" || a.host === "[::]" ? wildKey : `${a.host}:${a.port}`;
    let p = ports.get(key);
    if (!p) ports.set(key, (p = { host: a.host, port: a.port, addresses: [] }));
    p.addresses.push(addr);
  }
  // A wildcard socket on a port serves the specific addresses on that port too.
  for (const [key, p] of [...ports]) {
    if (p.host === "*" || p.host === "[::]" || p.unixPath !== undefined) continue;
    const wild = ports.get(p.host.startsWith("[") ? `[::]:${p.port}` : `*:${p.port}`);
    if (wild) {
      wild.addresses.unshift(...p.addresses);
      ports.delete(key);
    }
  }
  return [...ports.values()];
}

function displayAddr(l: ListenConf): string {
  return `${l.host === "*" ? "0.0.0.0" : l.host}:${l.port}`;
}

function addressConf(host: string, port: number, servers: readonly ServerConf[], def: ServerConf, warnings: string[]): AddressConf {
  const exact = new Map<string, ServerConf>();
  const leading: { suffix: string; dotForm: boolean; server: ServerConf }[] = [];
  const trailing: { prefix: string; server: ServerConf }[] = [];
  const regexes: { regex: RegExp; server: ServerConf }[] = [];
  const taken = new Set<string>();
  for (const s of servers) {
    for (const n of s.names) {
      if (n.regex) {
        regexes.push({ regex: n.regex, server: s });
        continue;
      }
      if (taken.has(n.name)) {
        warnings.push(`conflicting server name "${n.name}" on ${host === "*" ? "0.0.0.0" : host}:${port}, ignored`);
        continue;
      }
      taken.add(n.name);
      if (n.name.startsWith("*.")) leading.push({ suffix: n.name.slice(1), dotForm: false, server: s });
      else if (n.name.startsWith(".")) leading.push({ suffix: n.name, dotForm: true, server: s });
      else if (n.name.endsWith(".*")) trailing.push({ prefix: n.name.slice(0, -1), server: s });
      else exact.set(n.name, s);
    }
  }
  leading.sort((a, b) => b.suffix.length - a.suffix.length);
  trailing.sort((a, b) => b.prefix.length - a.prefix.length);
  return { host, port, defaultServer: def, exact, leading, trailing, regexes };
}
