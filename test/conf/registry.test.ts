// The directive registry: complete for the modules issue 3 names, consistent, and with
// statuses that say what tsresty does today.

import { test } from "node:test";
import assert from "node:assert/strict";
import { listRegistry, lookupDirective, resolveDirective, isLuaBlockDirective, MODULES } from "../../src/conf/registry/index.js";

test("every entry is well formed", () => {
  const statuses = new Set(["supported", "partial", "planned", "unsupported"]);
  for (const e of listRegistry()) {
    assert.ok(e.contexts.length > 0, e.name);
    assert.ok(statuses.has(e.status), e.name);
    assert.match(e.name, /^[a-z0-9_]+$/, e.name);
    if (e.dupGroup !== undefined) assert.equal(e.dup, true, e.name);
  }
  assert.ok(listRegistry().length > 800);
});

test("the modules issue 3 lists are all there", () => {
  const modules = new Set(MODULES.map((m) => m.module));
  for (const m of [
    "ngx_core_module", "ngx_events_module", "ngx_event_core_module", "ngx_http_core_module", "ngx_http_upstream_module",
    "ngx_http_map_module", "ngx_http_geo_module", "ngx_http_split_clients_module", "ngx_http_log_module", "ngx_http_rewrite_module",
    "ngx_http_index_module", "ngx_http_autoindex_module", "ngx_http_proxy_module", "ngx_http_access_module",
    "ngx_http_auth_basic_module", "ngx_http_limit_req_module", "ngx_http_limit_conn_module", "ngx_http_ssl_module",
    "ngx_http_gzip_filter_module", "ngx_http_headers_filter_module", "ngx_http_charset_filter_module", "ngx_http_realip_module",
    "ngx_http_stub_status_module", "ngx_http_mirror_module", "ngx_http_fastcgi_module", "ngx_http_uwsgi_module",
    "ngx_http_scgi_module", "ngx_http_grpc_module", "ngx_http_memcached_module", "ngx_stream_module", "ngx_mail_module",
    "ngx_http_lua_module", "ngx_http_echo_module", "ngx_http_headers_more_filter_module", "ngx_http_set_misc_module",
  ]) {
    assert.ok(modules.has(m), m);
  }
});

test("every ngx_http_lua_module directive of the README is known", () => {
  const readme = `access_by_lua access_by_lua_block access_by_lua_file access_by_lua_no_postpone balancer_by_lua_block
    balancer_by_lua_file body_filter_by_lua body_filter_by_lua_block body_filter_by_lua_file content_by_lua content_by_lua_block
    content_by_lua_file exit_worker_by_lua_block exit_worker_by_lua_file header_filter_by_lua header_filter_by_lua_block
    header_filter_by_lua_file init_by_lua init_by_lua_block init_by_lua_file init_worker_by_lua init_worker_by_lua_block
    init_worker_by_lua_file log_by_lua log_by_lua_block log_by_lua_file lua_capture_error_log lua_check_client_abort lua_code_cache
    lua_http10_buffering lua_load_resty_core lua_malloc_trim lua_max_pending_timers lua_max_running_timers lua_need_request_body
    lua_package_cpath lua_package_path lua_regex_cache_max_entries lua_regex_match_limit lua_sa_restart lua_shared_dict
    lua_socket_buffer_size lua_socket_connect_timeout lua_socket_keepalive_timeout lua_socket_log_errors lua_socket_pool_size
    lua_socket_read_timeout lua_socket_send_lowat lua_socket_send_timeout lua_ssl_certificate lua_ssl_certificate_key
    lua_ssl_ciphers lua_ssl_conf_command lua_ssl_crl lua_ssl_protocols lua_ssl_trusted_certificate lua_ssl_verify_depth
    lua_thread_cache_max_entries lua_transform_underscores_in_response_headers lua_use_default_type lua_worker_thread_vm_pool_size
    rewrite_by_lua rewrite_by_lua_block rewrite_by_lua_file rewrite_by_lua_no_postpone server_rewrite_by_lua_block
    server_rewrite_by_lua_file set_by_lua set_by_lua_block set_by_lua_file ssl_certificate_by_lua_block ssl_certificate_by_lua_file
    ssl_client_hello_by_lua_block ssl_client_hello_by_lua_file ssl_session_fetch_by_lua_block ssl_session_fetch_by_lua_file
    ssl_session_store_by_lua_block ssl_session_store_by_lua_file`.split(/\s+/);
  for (const name of readme) assert.ok(lookupDirective(name).some((e) => e.module === "ngx_http_lua_module"), name);
});

test("statuses follow the plan", () => {
  const status = (name: string, module?: string): string =>
    lookupDirective(name).find((e) => module === undefined || e.module === module)!.status;
  // Nothing that works may stay "planned": the core and the Lua phases work.
  for (const name of ["content_by_lua_block", "access_by_lua_file", "set_by_lua", "init_by_lua_block", "location", "server_name",
    "pid", "client_max_body_size", "keepalive_timeout", "lua_package_path", "lua_code_cache", "lua_socket_read_timeout",
    "balancer_by_lua_block", "server_rewrite_by_lua_block"]) {
    assert.equal(status(name), "supported", name);
  }
  assert.equal(status("listen"), "partial");
  // Accepted but never run: these must say so (and `tsresty -t` warns about them).
  for (const name of ["resolver"]) {
    assert.equal(status(name), "unsupported", name);
  }
  assert.equal(status("ssl_certificate_by_lua_block"), "partial");
  // These modules were checked entry by entry against tsresty and the reference.
  const checked = new Set(["ngx_core_module", "ngx_http_core_module", "ngx_http_lua_module"]);
  const planned = listRegistry().filter((e) => checked.has(e.module) && e.status === "planned").map((e) => e.name);
  assert.deepEqual(planned, [], "planned entries left");
  assert.equal(status("lua_shared_dict"), "supported");
  assert.equal(status("ssl_certificate"), "partial");
  for (const name of ["echo", "set_escape_uri", "more_clear_headers"]) assert.equal(status(name), "supported", name);
  assert.equal(status("more_set_headers"), "partial");
  assert.equal(status("proxy_pass"), "partial");
  for (const name of ["add_header", "satisfy", "limit_except"]) assert.equal(status(name), "supported", name);
  for (const name of ["return", "rewrite", "if", "set", "expires", "error_page", "map"]) {
    assert.equal(status(name), "supported", name);
  }
  for (const name of ["fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass", "ssi", "perl"]) {
    assert.equal(status(name), "unsupported", name);
  }
  for (const name of ["gzip", "gzip_static", "autoindex", "charset_map", "source_charset"]) assert.equal(status(name), "supported", name);
  assert.equal(status("stream", "ngx_stream_module"), "unsupported");
  assert.equal(status("mail", "ngx_mail_module"), "unsupported");
  assert.equal(status("include"), "supported");
  assert.equal(status("load_module"), "supported");
  assert.equal(status("sendfile"), "supported");
});

test("contexts and argument rules as nginx has them", () => {
  const one = (name: string) => lookupDirective(name)[0]!;
  assert.deepEqual(one("root").contexts, ["http", "server", "location", "if_in_location"]);
  assert.equal(one("root").args, "TAKE1");
  assert.deepEqual(one("return").contexts, ["server", "location", "if_in_server", "if_in_location"]);
  assert.equal(one("return").args, "TAKE12");
  assert.equal(one("set_by_lua_block").args, "TAKE1");
  assert.equal(one("set_by_lua_block").block, "lua");
  assert.equal(one("keepalive_timeout").args, "TAKE12");
  assert.equal(one("sendfile").args, "FLAG");
  assert.equal(one("error_page").args, "2MORE");
  assert.equal(one("events").block, "events");
  assert.equal(one("if").block, "if");
  assert.equal(one("map").block, "map");
  assert.equal(one("include").contexts.length, 14);
});

test("one name in several modules: the context decides, in nginx's module order", () => {
  const found = (name: string, ctx: Parameters<typeof resolveDirective>[1]) => {
    const r = resolveDirective(name, ctx);
    return r.kind === "found" ? r.entry.module : r.kind;
  };
  assert.equal(found("server", "http"), "ngx_http_core_module");
  assert.equal(found("server", "upstream"), "ngx_http_upstream_module");
  assert.equal(found("server", "stream"), "ngx_stream_core_module");
  assert.equal(found("server", "location"), "not allowed here");
  assert.equal(found("no_such_directive", "http"), "unknown");
  assert.equal(found("include", "if_in_location"), "ngx_conf_module");
});

test("Lua block directives are the *_by_lua_block ones", () => {
  assert.ok(isLuaBlockDirective("content_by_lua_block"));
  assert.ok(isLuaBlockDirective("set_by_lua_block"));
  assert.ok(!isLuaBlockDirective("content_by_lua"));
  assert.ok(!isLuaBlockDirective("lua_shared_dict"));
});
