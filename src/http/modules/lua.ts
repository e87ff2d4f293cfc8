// ngx_http_lua_module: the *_by_lua directives in their inline, _block and _file forms, the
// lua_* settings, and the phase handlers that run Lua for a request. The ngx API itself is
// in src/ngx; this file decides what a Lua thread's end means for the request in each
// phase (OpenResty's rules for ngx.exit, ngx.exec, errors).
import { installGlobalWriteGuard } from "../../ngx/global-guard.js";
import type { Directive } from "../../conf/ast.js";
import type { HttpConfig, LocationConf, ServerConf } from "../config/model.js";
import type { HttpModule } from "../module.js";
import type { Request } from "../request.js";
import { requestHooks } from "../request.js";
import { DONE, ERROR, NEXT, OK, type BodyChunk, type PhaseHandler, type PhaseName, type PhaseResult } from "../phases.js";
import { ConfigError, flag, list, msTime, num, registerSettings, size, str, type SettingSpec } from "../config/settings.js";
import { REWRITE_OPS } from "./rewrite.js";
import { compileComplexValue } from "../script.js";
import { setVariable } from "../variables.js";
import { parseSize } from "../config/values.js";
import { LuaVm } from "../../ngx/vm.js";
import { NgxHost, requestState } from "../../ngx/host.js";
import { entryAbortText, failedToRunText, runEntry, type ThreadEnd } from "../../ngx/thread.js";
import { dropHttp10, flushHttp10, touchHeaders } from "../../ngx/output.js";
import { makePrint } from "../../ngx/log.js";
import { loadAsyncApi } from "../../ngx/async-host.js";
import { watchClientAbort } from "../../ngx/on-abort.js";
import type { LuaPhase } from "../../ngx/phases.js";
import { tostring } from "../../lua/runtime/ops.js";
import { parseRedisZoneArgs, withRedisZones, type RedisZoneDecl } from "../../ngx/async/shdict/redis-config.js";
import { bindChunk, recordChunk, reloadChunk, takePending, type LuaChunk } from "./lua/chunks.js";
import { recordBalancers, setBalancerRunner } from "./lua/balancer.js";
import { setRegexCacheMax } from "../../ngx/re.js";
import { configureCapture } from "../../ngx/errlog.js";
import { loadCrl, loadTrustedCertificate } from "../../ngx/async/socket/tcp-ssl.js";
import { makeRunWorkerThread, threadPools } from "./lua/worker-thread.js";
import { registerSslAddresses, setSslStarter } from "./lua/ssl-cert.js";

const FORMS = (base: string): string[] => [base, `${base}_block`, `${base}_file`];

/** A setting whose value is the chunk of one of a phase's three directives (inherited as nginx merges them). */
function chunkSetting(base: string, suspendable: boolean): SettingSpec<LuaChunk | undefined>[] {
  return FORMS(base).map((directive) => ({
    directive,
    key: `lua:${base}`,
    default: undefined,
    parse: (d: Directive) => recordChunk(d, suspendable),
  }));
}

export const LUA_SETTINGS: readonly SettingSpec[] = [
  flag("lua_code_cache", true),
  str("lua_package_path", ""),
  str("lua_package_cpath", ""),
  flag("lua_need_request_body", false),
  flag("rewrite_by_lua_no_postpone", false),
  flag("access_by_lua_no_postpone", false),
  flag("lua_check_client_abort", false),
  flag("lua_transform_underscores_in_response_headers", true),
  flag("lua_use_default_type", true),
  flag("lua_http10_buffering", true),
  num("lua_regex_cache_max_entries", 1024),
  size("lua_capture_error_log", 0),
  str("lua_ssl_trusted_certificate", ""),
  num("lua_ssl_verify_depth", 1),
  { directive: "lua_ssl_protocols", key: "lua_ssl_protocols", default: ["TLSv1", "TLSv1.1", "TLSv1.2"], parse: (d: Directive) => d.args },
  str("lua_ssl_ciphers", "DEFAULT"),
  str("lua_ssl_crl", ""),
  num("lua_regex_match_limit", 0),
  msTime("lua_socket_connect_timeout", 60000),
  msTime("lua_socket_send_timeout", 60000),
  msTime("lua_socket_read_timeout", 60000),
  size("lua_socket_buffer_size", 4096),
  num("lua_socket_pool_size", 30),
  msTime("lua_socket_keepalive_timeout", 60000),
  flag("lua_socket_log_errors", true),
  num("lua_max_pending_timers", 1024),
  num("lua_max_running_timers", 256),
  list("lua_shared_dict", (d) => ({ name: d.args[0] ?? "", size: parseSize(d.args[1] ?? "") ?? 0 }), "lua_shared_dict"),
  // tsresty's own: a zone kept in Redis (docs/redis-zone.md)
  list("tsresty_shared_dict_redis", (d): RedisZoneDecl => {
    const r = parseRedisZoneArgs(d.args, d.name);
    if (typeof r === "string") throw new ConfigError(r, d.file, d.line);
    return { ...r, file: d.file, line: d.line };
  }),
  ...chunkSetting("init_by_lua", false),
  ...chunkSetting("init_worker_by_lua", false),
  ...chunkSetting("exit_worker_by_lua", false),
  ...chunkSetting("server_rewrite_by_lua", true),
  ...chunkSetting("rewrite_by_lua", true),
  ...chunkSetting("access_by_lua", true),
  ...chunkSetting("header_filter_by_lua", false),
  ...chunkSetting("body_filter_by_lua", false),
  ...chunkSetting("log_by_lua", false),
  ...chunkSetting("ssl_certificate_by_lua", true),
  ...chunkSetting("ssl_client_hello_by_lua", true),
  ...chunkSetting("ssl_session_fetch_by_lua", true),
  ...chunkSetting("ssl_session_store_by_lua", false),
];

registerSettings(LUA_SETTINGS);

// ------------------------------------------------------------------ binding

interface Bound {
  readonly vm: LuaVm;
  readonly prefix: string;
  readonly confPrefix: string;
  readonly codeCacheOff: boolean;
  readonly config: HttpConfig;
}

// The configuration a chunk belongs to, to make fresh VMs under lua_code_cache off.
const boundOf = new WeakMap<LuaChunk, Bound>();

function vmOptions(cfg: HttpConfig): ConstructorParameters<typeof LuaVm>[0] {
  const s = cfg.httpSettings;
  const opt = (k: string): string | undefined => (typeof s[k] === "string" && s[k] !== "" ? (s[k] as string) : undefined);
  return {
    prefix: cfg.main.prefix,
    packagePath: opt("lua_package_path"),
    packageCpath: opt("lua_package_cpath"),
    errorLog: cfg.main.errorLog,
    codeCache: s.lua_code_cache !== false,
    sharedDicts: withRedisZones((s.lua_shared_dict as { name: string; size: number }[] | undefined) ?? [],
      (s.tsresty_shared_dict_redis as RedisZoneDecl[] | undefined) ?? [],
      (msg, file, line) => { throw new ConfigError(msg, file, line); }),
  };
}

function newVm(cfg: HttpConfig): LuaVm {
  const vm = new LuaVm(vmOptions(cfg));
  vm.config = cfg;
  vm.G.setStr("print", makePrint(vm));
  vm.ngx.setStr("run_worker_thread", makeRunWorkerThread(threadPools(cfg.tree), () => new LuaVm(vmOptions(cfg))));
  installGlobalWriteGuard(vm);
  return vm;
}

/** The chunk to run for this request: itself, or under lua_code_cache off a fresh load in a fresh VM. */
function chunkFor(c: LuaChunk, r: Request | undefined): LuaChunk {
  const b = boundOf.get(c);
  if (b === undefined || !b.codeCacheOff || r === undefined || r.loc.settings.lua_code_cache !== false) return c;
  let vm = r.main.notes.get("lua.vm") as LuaVm | undefined;
  if (vm === undefined) r.main.notes.set("lua.vm", (vm = newVm(b.config)));
  return reloadChunk(c, vm, b.prefix, b.confPrefix);
}

// ------------------------------------------------------------------ running a chunk

/** Run the chunk for `phase`; a load error is reported as a thrown message. */
function start(c: LuaChunk, phase: LuaPhase, r: Request | undefined, setup?: (h: NgxHost) => void):
  { h: NgxHost; end: ThreadEnd | Promise<ThreadEnd> } | { loadError: string } {
  const cc = chunkFor(c, r);
  if (cc.fn === undefined || cc.vm === undefined) return { loadError: cc.loadError ?? "Lua code not loaded" };
  const h = new NgxHost(phase, cc.vm, r);
  setup?.(h);
  return { h, end: runEntry(cc.fn, h) };
}

/** What an entry thread's end means for the request (rewrite, access, content). */
function afterEntry(r: Request, h: NgxHost, end: ThreadEnd): PhaseResult {
  if (r.finalized) return DONE;
  const content = h.phase === "content";
  // lua_http10_buffering's held output goes out when the content handler ends, whatever ngx.exit
  // or ngx.redirect said (the reference answers 200 with it); else it is dropped.
  if (content && end.error === undefined && h.exec === undefined) {
    if (flushHttp10(r)) {
      if (!r.eofSent) r.eof();
      return OK;
    }
  } else dropHttp10(r);
  if (end.error !== undefined) {
    r.log("error", entryAbortText(end.error));
    if (r.headerSent) {
      r.terminate();
      return DONE;
    }
    return 500;
  }
  if (h.exec !== undefined) {
    const { uri, args } = h.exec;
    if (uri.startsWith("@")) r.namedRedirect(uri);
    else r.internalRedirect(...execTarget(uri, args));
    return DONE;
  }
  const code = h.exitCode;
  if (code === undefined || code === OK || (code === NEXT && !content)) {
    if (!content) {
      // Output from rewrite/access ends the request there, as ngx_lua's handlers answer NGX_HTTP_OK.
      // Without output, access_by_lua answers NGX_OK (which satisfy any counts as allowed).
      if (!r.headerSent) return h.phase === "access" ? OK : NEXT;
      if (!r.eofSent) r.eof();
      r.finalize(0);
      return DONE;
    }
    if (!r.headerSent) touchHeaders(r);
    if (!r.eofSent) r.eof();
    return OK;
  }
  if (code === ERROR) return ERROR;
  if (code >= 200) {
    if (r.headerSent) {
      if (code >= 300 && code !== r.status) {
        r.log("error", `attempt to set status ${code} via ngx.exit after sending out the response status ${r.status}`);
      }
      if (!r.eofSent) r.eof();
      r.finalize(0);
      return DONE;
    }
    if (code < 300 && code !== 204) {
      if (r.status === 0) r.status = code;
      touchHeaders(r);
      r.eof();
      r.finalize(0);
      return DONE;
    }
    // ngx.exit(status) sets the response status: an error_page redirect keeps it, as nginx.
    r.status = code;
    return code;
  }
  return content ? OK : NEXT;
}

/** ngx.exec's URI and args: args in the URI come first; none at all clears the request's (nginx's internal redirect). */
function execTarget(uri: string, args: string | undefined): [string, string] {
  const q = uri.indexOf("?");
  if (q < 0) return [uri, args ?? ""];
  const inUri = uri.slice(q + 1);
  return [uri.slice(0, q), args === undefined || args === "" ? inUri : `${inUri}&${args}`];
}

function entryHandler(c: LuaChunk, phase: "server_rewrite" | "rewrite" | "access" | "content"): PhaseHandler {
  const run = (r: Request): PhaseResult | Promise<PhaseResult> => {
    if (phase === "content") requestState(r).enteredContent = true;
    const s = start(c, phase, r);
    if ("loadError" in s) {
      r.log("error", s.loadError);
      return 500;
    }
    const { h, end } = s;
    if (end instanceof Promise) {
      watchClientAbort(r, h, end);
      return end.then((e) => afterEntry(r, h, e));
    }
    return afterEntry(r, h, end);
  };
  return (r) => {
    // lua_need_request_body: the body is read before the handler runs.
    if (r.loc.settings.lua_need_request_body === true && r.body === undefined) {
      return r.readBody().then(() => run(r), (e: { status?: number }) => e.status ?? 400).then((x) => x);
    }
    return run(r);
  };
}

/** Run a chunk that may not wait (set, header/body filter, log, init...). Errors as ngx_lua words them. */
function runPlain(c: LuaChunk, phase: LuaPhase, r: Request | undefined, setup?: (h: NgxHost) => void): { h?: NgxHost; error?: string } {
  const s = start(c, phase, r, setup);
  if ("loadError" in s) return { error: s.loadError };
  let end = s.end;
  if (end instanceof Promise) {
    // Only reached if a builtin waited where it may not: the phase check refuses first.
    void end;
    end = { error: undefined, value: [] };
  }
  if (end.error !== undefined) return { h: s.h, error: failedToRunText(s.h.context, end.error) };
  return { h: s.h };
}

setBalancerRunner((c, r, setup) => {
  const { h, error } = runPlain(c, "balancer", r, setup);
  return { error, exitCode: h?.exitCode };
});

setSslStarter((c, phase, setup) => start(c, phase, undefined, setup));

function headerFilter(c: LuaChunk): (r: Request) => PhaseResult | void {
  return (r) => {
    const { error } = runPlain(c, "header_filter", r);
    if (error !== undefined) {
      r.log("error", error);
      return ERROR;
    }
    return OK;
  };
}

function bodyFilter(c: LuaChunk): (r: Request, chunk: BodyChunk) => void {
  return (r, chunk) => {
    const st = requestState(r);
    if (st.bodyEof) {
      chunk.data = "";
      return;
    }
    const { error } = runPlain(c, "body_filter", r, (h) => {
      h.chunk = chunk;
    });
    if (error !== undefined) {
      r.log("error", error);
      chunk.data = "";
      chunk.eof = true;
      r.keepalive = false;
    }
  };
}

function logHandler(c: LuaChunk): PhaseHandler {
  return (r) => {
    const { error } = runPlain(c, "log", r);
    if (error !== undefined) r.log("error", error, "logging request");
    return OK;
  };
}

// ------------------------------------------------------------------ set_by_lua

function compileSet(d: Directive): (r: Request) => PhaseResult {
  const isBlock = d.name.endsWith("_block");
  const v = d.args[0] ?? "";
  const varName = v.startsWith("$") ? v.slice(1) : v;
  const c = recordChunk(d, false, 1);
  const args = (isBlock ? d.args.slice(1) : d.args.slice(2)).map(compileComplexValue);
  return (r) => {
    const vals = args.map((a) => a(r));
    const s = start(c, "set", r, (h) => {
      h.setArgs = vals;
    });
    if ("loadError" in s) {
      r.log("error", s.loadError);
      return 500;
    }
    let end = s.end;
    if (end instanceof Promise) end = { error: undefined, value: [] };
    if (end.error !== undefined) {
      r.log("error", failedToRunText("set_by_lua*", end.error));
      return 500;
    }
    const res = Array.isArray(end.value) ? end.value[0] : end.value;
    setVariable(r, varName, res === undefined ? "" : tostring(res));
    return NEXT;
  };
}

for (const n of FORMS("set_by_lua")) REWRITE_OPS[n] = compileSet;

// ------------------------------------------------------------------ the module

const CONTENT = new Set(FORMS("content_by_lua"));

function own(loc: LocationConf, key: string): LuaChunk | undefined {
  return loc.settings[`lua:${key}`] as LuaChunk | undefined;
}

async function runInitLike(cfg: HttpConfig, key: string, phase: LuaPhase, label: string, fatal: boolean): Promise<void> {
  const vm = cfg.moduleData.get("lua") as LuaVm | undefined;
  const c = cfg.httpSettings[`lua:${key}`] as LuaChunk | undefined;
  if (vm === undefined || c === undefined) return;
  const { error } = runPlain(c, phase, undefined);
  if (error === undefined) return;
  const msg = `${label} error: ${error.replace(/^failed to run [^:]+: /, "")}`;
  if (fatal) {
    const { ConfigError } = await import("../config/settings.js");
    throw new ConfigError(msg);
  }
  cfg.main.errorLog.log("error", msg);
}

export const luaModule: HttpModule = {
  name: "lua",
  settings: LUA_SETTINGS,
  directives: [...CONTENT, ...FORMS("set_by_lua")],
  handler(phase: PhaseName, loc: LocationConf) {
    if (phase === "rewrite") {
      const c = own(loc, "rewrite_by_lua");
      return c ? entryHandler(c, "rewrite") : undefined;
    }
    if (phase === "access") {
      const c = own(loc, "access_by_lua");
      return c ? entryHandler(c, "access") : undefined;
    }
    if (phase === "log") {
      const c = own(loc, "log_by_lua");
      return c ? logHandler(c) : undefined;
    }
    return undefined;
  },
  // nginx postpones rewrite_by_lua and access_by_lua to the end of their phases unless
  // *_no_postpone is on: then they run first, before every other module's handler (checked on
  // the reference: before `set`, allow/deny and more_set_input_headers).
  handlerFirst(phase: PhaseName, loc: LocationConf) {
    // server_rewrite_by_lua runs before the server-level rewrite/set (checked on the reference).
    if (phase === "server_rewrite") return true;
    if (phase === "rewrite") return loc.settings.rewrite_by_lua_no_postpone === true;
    if (phase === "access") return loc.settings.access_by_lua_no_postpone === true;
    return false;
  },
  serverRewrite(srv: ServerConf) {
    const c = own(srv.root, "server_rewrite_by_lua");
    return c ? entryHandler(c, "server_rewrite") : undefined;
  },
  contentHandler(loc: LocationConf) {
    let d: Directive | undefined;
    for (const x of loc.directives) if (CONTENT.has(x.name)) d = x;
    if (d === undefined) return undefined;
    return entryHandler(recordChunk(d, true), "content");
  },
  headerFilter(loc) {
    const c = own(loc, "header_filter_by_lua");
    return c ? headerFilter(c) : undefined;
  },
  bodyFilter(loc) {
    const c = own(loc, "body_filter_by_lua");
    return c ? bodyFilter(c) : undefined;
  },
  async postConfiguration(cfg: HttpConfig) {
    recordBalancers(cfg.tree);
    registerSslAddresses(cfg);
    setRegexCacheMax(cfg.httpSettings.lua_regex_cache_max_entries as number);
    configureCapture(cfg.httpSettings.lua_capture_error_log as number);
    for (const d of findDirectives(cfg.tree, "lua_ssl_trusted_certificate")) {
      const err = loadTrustedCertificate(d.args[0] ?? "", cfg.main.confPrefix);
      if (err !== undefined) throw new ConfigError(err);
    }
    for (const d of findDirectives(cfg.tree, "lua_ssl_crl")) {
      const err = loadCrl(d.args[0] ?? "", cfg.main.confPrefix);
      if (err !== undefined) throw new ConfigError(err);
    }
    const chunks = takePending();
    await loadAsyncApi();
    const vm = newVm(cfg);
    cfg.moduleData.set("lua", vm);
    // `lua_code_cache off` at any level (http, server, location): chunkFor then looks at the
    // request's location.
    const offs = findDirectives(cfg.tree, "lua_code_cache").filter((d) => d.args[0] === "off");
    const b: Bound = { vm, prefix: cfg.main.prefix, confPrefix: cfg.main.confPrefix, codeCacheOff: offs.length > 0, config: cfg };
    for (const c of chunks) {
      bindChunk(c, vm, b.prefix, b.confPrefix);
      boundOf.set(c, b);
    }
    for (const d of offs) {
      const where = ` in ${d.file}:${d.line}`;
      cfg.main.errorLog.log("alert", `lua_code_cache is off; this will hurt performance${where}`);
      process.stderr.write(`nginx: [alert] lua_code_cache is off; this will hurt performance${where}\n`);
    }
    await runInitLike(cfg, "init_by_lua", "init", "init_by_lua", true);
  },
  async initWorker(cfg: HttpConfig) {
    await runInitLike(cfg, "init_worker_by_lua", "init_worker", "init_worker_by_lua", false);
  },
  async exitWorker(cfg: HttpConfig) {
    const vm = cfg.moduleData.get("lua") as LuaVm | undefined;
    if (vm === undefined) return;
    vm.exiting = true;
    for (const cb of [...vm.exitHooks]) {
      try {
        cb();
      } catch {
        // one hook failing must not keep the others from running
      }
    }
    await runInitLike(cfg, "exit_worker_by_lua", "exit_worker", "exit_worker_by_lua", false);
  },
};

function findDirectives(ds: readonly Directive[], name: string, out: Directive[] = []): Directive[] {
  for (const d of ds) {
    if (d.name === name) out.push(d);
    if (d.block) findDirectives(d.block, name, out);
  }
  return out;
}

// ngx.on_abort and the async API's cleanups run when the main request ends.
requestHooks.cleanup.push((r) => {
  const s = r.notes.get("lua") as ReturnType<typeof requestState> | undefined;
  if (s?.cleanups) for (const cb of s.cleanups.splice(0)) cb();
});

