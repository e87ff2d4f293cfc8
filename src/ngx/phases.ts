// The Lua phases and which API may run in which, as data. Every ngx function checks its
// entry here before doing anything, and refuses with OpenResty's words:
// "API disabled in the context of log_by_lua*". docs/ngx-api.md is generated from API_PHASES.

export const LUA_PHASES = [
  "init", "init_worker", "set", "server_rewrite", "rewrite", "access", "content", "header_filter", "body_filter",
  "log", "timer", "exit_worker", "balancer", "ssl_cert", "ssl_client_hello",
  "ssl_session_fetch", "ssl_session_store",
] as const;
export type LuaPhase = (typeof LUA_PHASES)[number];

/** The context name in "API disabled in the context of ..." messages. */
export const PHASE_CONTEXT: Readonly<Record<LuaPhase, string>> = {
  init: "init_by_lua*",
  init_worker: "init_worker_by_lua*",
  set: "set_by_lua*",
  server_rewrite: "server_rewrite_by_lua*",
  rewrite: "rewrite_by_lua*",
  access: "access_by_lua*",
  content: "content_by_lua*",
  header_filter: "header_filter_by_lua*",
  body_filter: "body_filter_by_lua*",
  log: "log_by_lua*",
  timer: "ngx.timer",
  exit_worker: "exit_worker_by_lua*",
  balancer: "balancer_by_lua*",
  ssl_cert: "ssl_certificate_by_lua*",
  ssl_client_hello: "ssl_client_hello_by_lua*",
  ssl_session_fetch: "ssl_session_fetch_by_lua*",
  ssl_session_store: "ssl_session_store_by_lua*",
};

/** What nginx names, in every line logged from the phase, as it runs (connection->log->action). */
export const PHASE_ACTION: Readonly<Partial<Record<LuaPhase, string>>> = {
  log: "logging request",
  balancer: "connecting to upstream",
};

// Phase sets as the lua-nginx-module README lists each API's "context:" line.
const RAC = ["rewrite", "access", "content"] as const;
const RACT = [...RAC, "timer"] as const;
const REQ = ["set", "rewrite", "access", "content", "header_filter", "body_filter", "log"] as const;
const REQT = [...REQ, "timer"] as const;
const ALL = LUA_PHASES;
const NOT_INIT = ["init_worker", ...REQT, "exit_worker"] as const;

/** API name -> the phases it runs in. A name missing here runs everywhere. */
export const API_PHASES: Readonly<Record<string, readonly LuaPhase[]>> = {
  "ngx.say": RAC,
  "ngx.print": RAC,
  "ngx.flush": RAC,
  "ngx.eof": RAC,
  "ngx.send_headers": RAC,
  "ngx.exit": [...RACT, "header_filter"],
  "ngx.exec": RAC,
  "ngx.redirect": RAC,
  "ngx.sleep": [...RACT],
  "ngx.status": REQ,
  "ngx.header": REQ,
  "ngx.ctx": REQT,
  "ngx.var": REQ,
  "ngx.on_abort": RACT,
  "ngx.location.capture": RAC,
  "ngx.location.capture_multi": RAC,
  "ngx.req.get_method": REQ,
  "ngx.req.set_method": ["set", "rewrite", "access", "content", "header_filter", "body_filter"],
  "ngx.req.get_uri_args": REQ,
  "ngx.req.set_uri_args": ["set", "rewrite", "access", "content", "header_filter", "body_filter"],
  "ngx.req.get_post_args": ["rewrite", "access", "content", "header_filter", "body_filter", "log"],
  "ngx.req.read_body": RAC,
  "ngx.req.socket": RAC,
  "ngx.req.discard_body": RAC,
  "ngx.req.get_body_data": ["rewrite", "access", "content", "log"],
  "ngx.req.get_body_file": RAC,
  "ngx.req.set_body_data": RAC,
  "ngx.req.set_body_file": RAC,
  "ngx.req.init_body": RAC,
  "ngx.req.append_body": RAC,
  "ngx.req.finish_body": RAC,
  "ngx.req.get_headers": REQ,
  "ngx.req.set_header": ["set", "rewrite", "access", "content", "header_filter", "body_filter"],
  "ngx.req.clear_header": ["set", "rewrite", "access", "content", "header_filter", "body_filter"],
  "ngx.req.http_version": REQ,
  "ngx.req.raw_header": REQ,
  "ngx.req.start_time": REQ,
  "ngx.req.is_internal": REQ,
  "ngx.req.set_uri": ["set", "rewrite", "access", "content"],
  "ngx.req.set_uri_args_jump": ["rewrite"],
  "ngx.resp.get_headers": REQ,
  "ngx.run_worker_thread": RACT,
  "ngx.get_phase": ALL,
  "ngx.worker.id": NOT_INIT,
  "ngx.update_time": ALL,
};

/** Phases that have a request. */
export const REQUEST_PHASES: ReadonlySet<LuaPhase> = new Set([...REQ, "server_rewrite", "balancer"]);

const STORE_REFUSED = new Set(["ngx.sleep", "ngx.run_worker_thread", "ngx.on_abort"]);

export function allowed(api: string, phase: LuaPhase): boolean {
  const l = API_PHASES[api];
  // server_rewrite_by_lua may call what rewrite_by_lua may (lua-nginx-module lists both in each check).
  if (l === undefined) return true;
  // balancer_by_lua may call what reads the request (what log_by_lua may), and ngx.exit.
  if (phase === "balancer") return l.includes("log") || api === "ngx.exit";
  // The TLS handshake phases have no request: they may call what a timer may (sleep, cosockets).
  if (phase === "ssl_cert" || phase === "ssl_client_hello" || phase === "ssl_session_fetch") return l.includes("timer");
  // ssl_session_store_by_lua may not wait at all (checked: ngx.sleep is disabled there).
  if (phase === "ssl_session_store") return l.includes("timer") && !STORE_REFUSED.has(api);
  return l.includes(phase === "server_rewrite" ? "rewrite" : phase);
}
