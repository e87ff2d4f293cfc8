// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { HTTP, UPS } from "./contexts.js";

export const httpUpstream: ModuleTable = {
  module: "ngx_http_upstream_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "upstream", contexts: HTTP, args: "TAKE1", block: "upstream", status: "supported" },
    { name: "server", contexts: UPS, args: "1MORE", status: "partial", note: "weight, max_fails, fail_timeout, backup, down, max_conns; no resolve/service" },
  ],
};

export const httpUpstreamHash: ModuleTable = {
  module: "ngx_http_upstream_hash_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "hash", contexts: UPS, args: "TAKE12", status: "supported" },
  ],
};

export const httpUpstreamIpHash: ModuleTable = {
  module: "ngx_http_upstream_ip_hash_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "ip_hash", contexts: UPS, args: "NOARGS", status: "supported", note: "IPv6 clients hash their 16 bytes as nginx does (compared with nginx for IPv4 only)" },
  ],
};

export const httpUpstreamLeastConn: ModuleTable = {
  module: "ngx_http_upstream_least_conn_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "least_conn", contexts: UPS, args: "NOARGS", status: "supported" },
  ],
};

export const httpUpstreamRandom: ModuleTable = {
  module: "ngx_http_upstream_random_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "random", contexts: UPS, args: "NOARGS_TAKE12", status: "unsupported" },
  ],
};

export const httpUpstreamKeepalive: ModuleTable = {
  module: "ngx_http_upstream_keepalive_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "keepalive", contexts: UPS, args: "TAKE1", dup: true, status: "supported", note: "at most N idle connections over the block's peers, the least recently kept closed first" },
    { name: "keepalive_time", contexts: UPS, args: "TAKE1", dup: true, value: "msec", status: "partial", note: "accepted; not enforced" },
    { name: "keepalive_timeout", contexts: UPS, args: "TAKE1", dup: true, value: "msec", status: "supported" },
    { name: "keepalive_requests", contexts: UPS, args: "TAKE1", dup: true, value: "number", status: "supported" },
  ],
};

export const httpUpstreamZone: ModuleTable = {
  module: "ngx_http_upstream_zone_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "zone", contexts: UPS, args: "TAKE12", status: "supported", note: "accepted; no effect under Node.js" },
  ],
};
