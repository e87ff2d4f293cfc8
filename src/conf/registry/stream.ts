// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { MAIN, STREAM, STREAM_SRV, STREAM_STREAM_SRV, STREAM_UPS } from "./contexts.js";

export const stream: ModuleTable = {
  module: "ngx_stream_module",
  type: "core",
  inReference: false,
  directives: [
    { name: "stream", contexts: MAIN, args: "NOARGS", block: "stream", dup: true, status: "unsupported", note: "the whole block is ignored" },
  ],
};

export const streamCore: ModuleTable = {
  module: "ngx_stream_core_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "variables_hash_max_size", contexts: STREAM, args: "TAKE1", dup: true, value: "number", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "variables_hash_bucket_size", contexts: STREAM, args: "TAKE1", dup: true, value: "number", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "server", contexts: STREAM, args: "NOARGS", block: "stream_server", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "listen", contexts: STREAM_SRV, args: "1MORE", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "error_log", contexts: STREAM_STREAM_SRV, args: "1MORE", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "resolver", contexts: STREAM_STREAM_SRV, args: "1MORE", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "resolver_timeout", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "msec", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_protocol_timeout", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "msec", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "tcp_nodelay", contexts: STREAM_STREAM_SRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "preread_buffer_size", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "size", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "preread_timeout", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "msec", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamLog: ModuleTable = {
  module: "ngx_stream_log_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "log_format", contexts: STREAM, args: "2MORE", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "access_log", contexts: STREAM_STREAM_SRV, args: "1MORE", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "open_log_file_cache", contexts: STREAM_STREAM_SRV, args: "TAKE1234", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamProxy: ModuleTable = {
  module: "ngx_stream_proxy_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "proxy_pass", contexts: STREAM_SRV, args: "TAKE1", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_bind", contexts: STREAM_STREAM_SRV, args: "TAKE12", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_socket_keepalive", contexts: STREAM_STREAM_SRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_connect_timeout", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "msec", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_timeout", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "msec", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_buffer_size", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "size", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_downstream_buffer", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "size", status: "unsupported", note: "inside an ignored stream/mail block", nginxWarning: "the \"proxy_downstream_buffer\" directive is deprecated, use the \"proxy_buffer_size\" directive instead" },
    { name: "proxy_upstream_buffer", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "size", status: "unsupported", note: "inside an ignored stream/mail block", nginxWarning: "the \"proxy_upstream_buffer\" directive is deprecated, use the \"proxy_buffer_size\" directive instead" },
    { name: "proxy_upload_rate", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_download_rate", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_requests", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "number", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_responses", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "number", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_next_upstream", contexts: STREAM_STREAM_SRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_next_upstream_tries", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "number", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_next_upstream_timeout", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "msec", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_protocol", contexts: STREAM_STREAM_SRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_half_close", contexts: STREAM_STREAM_SRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_ssl", contexts: STREAM_STREAM_SRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_ssl_session_reuse", contexts: STREAM_STREAM_SRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_ssl_protocols", contexts: STREAM_STREAM_SRV, args: "1MORE", value: { anyOf: ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] }, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_ssl_ciphers", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_ssl_name", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_ssl_server_name", contexts: STREAM_STREAM_SRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_ssl_verify", contexts: STREAM_STREAM_SRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_ssl_verify_depth", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "number", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_ssl_trusted_certificate", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_ssl_crl", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_ssl_certificate", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_ssl_certificate_key", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_ssl_password_file", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "proxy_ssl_conf_command", contexts: STREAM_STREAM_SRV, args: "TAKE2", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamUpstream: ModuleTable = {
  module: "ngx_stream_upstream_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "upstream", contexts: STREAM, args: "TAKE1", block: "stream_upstream", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "server", contexts: STREAM_UPS, args: "1MORE", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamSsl: ModuleTable = {
  module: "ngx_stream_ssl_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "ssl_handshake_timeout", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "msec", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_certificate", contexts: STREAM_STREAM_SRV, args: "TAKE1", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_certificate_key", contexts: STREAM_STREAM_SRV, args: "TAKE1", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_password_file", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_dhparam", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_ecdh_curve", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_protocols", contexts: STREAM_STREAM_SRV, args: "1MORE", value: { anyOf: ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] }, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_ciphers", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_verify_client", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: { oneOf: ["off", "on", "optional", "optional_no_ca"] }, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_verify_depth", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "number", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_client_certificate", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_trusted_certificate", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_prefer_server_ciphers", contexts: STREAM_STREAM_SRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_session_cache", contexts: STREAM_STREAM_SRV, args: "TAKE12", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_session_tickets", contexts: STREAM_STREAM_SRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_session_ticket_key", contexts: STREAM_STREAM_SRV, args: "TAKE1", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_session_timeout", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: "sec", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_crl", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_conf_command", contexts: STREAM_STREAM_SRV, args: "TAKE2", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "ssl_alpn", contexts: STREAM_STREAM_SRV, args: "1MORE", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamRealip: ModuleTable = {
  module: "ngx_stream_realip_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "set_real_ip_from", contexts: STREAM_STREAM_SRV, args: "TAKE1", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamLimitConn: ModuleTable = {
  module: "ngx_stream_limit_conn_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "limit_conn_zone", contexts: STREAM, args: "TAKE2", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "limit_conn", contexts: STREAM_STREAM_SRV, args: "TAKE2", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "limit_conn_log_level", contexts: STREAM_STREAM_SRV, args: "TAKE1", dup: true, value: { oneOf: ["info", "notice", "warn", "error"] }, status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "limit_conn_dry_run", contexts: STREAM_STREAM_SRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamAccess: ModuleTable = {
  module: "ngx_stream_access_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "allow", contexts: STREAM_STREAM_SRV, args: "TAKE1", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "deny", contexts: STREAM_STREAM_SRV, args: "TAKE1", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamGeo: ModuleTable = {
  module: "ngx_stream_geo_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "geo", contexts: STREAM, args: "TAKE12", block: "geo", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamMap: ModuleTable = {
  module: "ngx_stream_map_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "map", contexts: STREAM, args: "TAKE2", block: "map", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "map_hash_max_size", contexts: STREAM, args: "TAKE1", dup: true, value: "number", status: "unsupported", note: "inside an ignored stream/mail block" },
    { name: "map_hash_bucket_size", contexts: STREAM, args: "TAKE1", dup: true, value: "number", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamSplitClients: ModuleTable = {
  module: "ngx_stream_split_clients_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "split_clients", contexts: STREAM, args: "TAKE2", block: "split_clients", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamReturn: ModuleTable = {
  module: "ngx_stream_return_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "return", contexts: STREAM_SRV, args: "TAKE1", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamSet: ModuleTable = {
  module: "ngx_stream_set_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "set", contexts: STREAM_SRV, args: "TAKE2", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamUpstreamHash: ModuleTable = {
  module: "ngx_stream_upstream_hash_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "hash", contexts: STREAM_UPS, args: "TAKE12", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamUpstreamLeastConn: ModuleTable = {
  module: "ngx_stream_upstream_least_conn_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "least_conn", contexts: STREAM_UPS, args: "NOARGS", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamUpstreamRandom: ModuleTable = {
  module: "ngx_stream_upstream_random_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "random", contexts: STREAM_UPS, args: "NOARGS_TAKE12", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamUpstreamZone: ModuleTable = {
  module: "ngx_stream_upstream_zone_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "zone", contexts: STREAM_UPS, args: "TAKE12", status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};

export const streamSslPreread: ModuleTable = {
  module: "ngx_stream_ssl_preread_module",
  type: "stream",
  inReference: false,
  directives: [
    { name: "ssl_preread", contexts: STREAM_STREAM_SRV, args: "FLAG", dup: true, status: "unsupported", note: "inside an ignored stream/mail block" },
  ],
};
