// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { HTTP, HTTP_SRV_LOC, HTTP_SRV_LOC_LMT, SRV_LOC } from "./contexts.js";

export const httpAuthRequest: ModuleTable = {
  module: "ngx_http_auth_request_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "auth_request", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "auth_request_set", contexts: HTTP_SRV_LOC, args: "TAKE2", status: "unsupported" },
  ],
};

export const httpAuthBasic: ModuleTable = {
  module: "ngx_http_auth_basic_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "auth_basic", contexts: HTTP_SRV_LOC_LMT, args: "TAKE1", dup: true, status: "supported" },
    { name: "auth_basic_user_file", contexts: HTTP_SRV_LOC_LMT, args: "TAKE1", dup: true, status: "partial", note: "{PLAIN}, {SHA}, {SSHA}, $apr1$, $1$, $5$, $6$; crypt(3) DES, bcrypt and yescrypt hashes never match" },
  ],
};

export const httpAccess: ModuleTable = {
  module: "ngx_http_access_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "allow", contexts: HTTP_SRV_LOC_LMT, args: "TAKE1", status: "supported" },
    { name: "deny", contexts: HTTP_SRV_LOC_LMT, args: "TAKE1", status: "supported" },
  ],
};

export const httpLimitConn: ModuleTable = {
  module: "ngx_http_limit_conn_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "limit_conn_zone", contexts: HTTP, args: "TAKE2", status: "supported", note: "shared by every worker thread, sized and full as nginx's (src/http/modules/limit-shared-zone.ts)" },
    { name: "limit_conn", contexts: HTTP_SRV_LOC, args: "TAKE2", status: "supported" },
    { name: "limit_conn_log_level", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: { oneOf: ["info", "notice", "warn", "error"] }, status: "supported" },
    { name: "limit_conn_status", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: "number", status: "supported" },
    { name: "limit_conn_dry_run", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "supported" },
  ],
};

export const httpLimitReq: ModuleTable = {
  module: "ngx_http_limit_req_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "limit_req_zone", contexts: HTTP, args: "TAKE3", status: "supported", note: "shared by every worker thread, sized, expired and full as nginx's (src/http/modules/limit-shared-zone.ts)" },
    { name: "limit_req", contexts: HTTP_SRV_LOC, args: "TAKE123", status: "supported" },
    { name: "limit_req_log_level", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: { oneOf: ["info", "notice", "warn", "error"] }, status: "supported" },
    { name: "limit_req_status", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: "number", status: "supported" },
    { name: "limit_req_dry_run", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "supported" },
  ],
};

export const httpRealip: ModuleTable = {
  module: "ngx_http_realip_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "set_real_ip_from", contexts: HTTP_SRV_LOC, args: "TAKE1", status: "unsupported" },
    { name: "real_ip_header", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "real_ip_recursive", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "unsupported" },
  ],
};

export const httpReferer: ModuleTable = {
  module: "ngx_http_referer_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "valid_referers", contexts: SRV_LOC, args: "1MORE", status: "unsupported" },
    { name: "referer_hash_max_size", contexts: SRV_LOC, args: "TAKE1", dup: true, value: "number", status: "unsupported" },
    { name: "referer_hash_bucket_size", contexts: SRV_LOC, args: "TAKE1", dup: true, value: "number", status: "unsupported" },
  ],
};

export const httpBrowser: ModuleTable = {
  module: "ngx_http_browser_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "modern_browser", contexts: HTTP_SRV_LOC, args: "TAKE12", status: "unsupported" },
    { name: "ancient_browser", contexts: HTTP_SRV_LOC, args: "1MORE", status: "unsupported" },
    { name: "modern_browser_value", contexts: HTTP_SRV_LOC, args: "TAKE1", status: "unsupported" },
    { name: "ancient_browser_value", contexts: HTTP_SRV_LOC, args: "TAKE1", status: "unsupported" },
  ],
};

export const httpSecureLink: ModuleTable = {
  module: "ngx_http_secure_link_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "secure_link", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "secure_link_md5", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "secure_link_secret", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, status: "unsupported" },
  ],
};
