// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { HTTP, HTTP_SRV_LOC, HTTP_SRV_LOC_LIF } from "./contexts.js";

export const httpGzipFilter: ModuleTable = {
  module: "ngx_http_gzip_filter_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "gzip", contexts: HTTP_SRV_LOC_LIF, args: "FLAG", dup: true, status: "supported" },
    { name: "gzip_buffers", contexts: HTTP_SRV_LOC, args: "TAKE2", dup: true, value: "bufs", status: "supported", note: "accepted; no effect (zlib buffers on its own)" },
    { name: "gzip_types", contexts: HTTP_SRV_LOC, args: "1MORE", status: "supported" },
    { name: "gzip_comp_level", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: "number", status: "supported" },
    { name: "gzip_window", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: "size", status: "supported", note: "accepted; no effect (zlib buffers on its own)" },
    { name: "gzip_hash", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: "size", status: "supported", note: "accepted; no effect (zlib buffers on its own)" },
    { name: "postpone_gzipping", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: "size", status: "supported", note: "accepted; no effect (zlib buffers on its own)" },
    { name: "gzip_no_buffer", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "supported", note: "accepted; no effect (zlib buffers on its own)" },
    { name: "gzip_min_length", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: "size", status: "supported" },
  ],
};

export const httpSsiFilter: ModuleTable = {
  module: "ngx_http_ssi_filter_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "ssi", contexts: HTTP_SRV_LOC_LIF, args: "FLAG", dup: true, status: "unsupported", note: "SSI is out of scope" },
    { name: "ssi_silent_errors", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "unsupported", note: "SSI is out of scope" },
    { name: "ssi_ignore_recycled_buffers", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "unsupported", note: "SSI is out of scope" },
    { name: "ssi_min_file_chunk", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: "size", status: "unsupported", note: "SSI is out of scope" },
    { name: "ssi_value_length", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: "size", status: "unsupported", note: "SSI is out of scope" },
    { name: "ssi_types", contexts: HTTP_SRV_LOC, args: "1MORE", status: "unsupported", note: "SSI is out of scope" },
    { name: "ssi_last_modified", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "unsupported", note: "SSI is out of scope" },
  ],
};

export const httpCharsetFilter: ModuleTable = {
  module: "ngx_http_charset_filter_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "charset", contexts: HTTP_SRV_LOC_LIF, args: "TAKE1", dup: true, status: "supported" },
    { name: "source_charset", contexts: HTTP_SRV_LOC_LIF, args: "TAKE1", dup: true, status: "supported" },
    { name: "override_charset", contexts: HTTP_SRV_LOC_LIF, args: "FLAG", dup: true, status: "supported" },
    { name: "charset_types", contexts: HTTP_SRV_LOC, args: "1MORE", status: "supported" },
    { name: "charset_map", contexts: HTTP, args: "TAKE2", block: "charset_map", status: "supported", note: "koi-utf, koi-win and win-utf are bundled (used when conf/ has no such file), rendered from the character tables: they also map the box-drawing characters nginx's files leave out" },
  ],
};

export const httpSubFilter: ModuleTable = {
  module: "ngx_http_sub_filter_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "sub_filter", contexts: HTTP_SRV_LOC, args: "TAKE2", status: "unsupported" },
    { name: "sub_filter_types", contexts: HTTP_SRV_LOC, args: "1MORE", status: "unsupported" },
    { name: "sub_filter_once", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "unsupported" },
    { name: "sub_filter_last_modified", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "unsupported" },
  ],
};

export const httpAdditionFilter: ModuleTable = {
  module: "ngx_http_addition_filter_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "add_before_body", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "add_after_body", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "addition_types", contexts: HTTP_SRV_LOC, args: "1MORE", status: "unsupported" },
  ],
};

export const httpGunzipFilter: ModuleTable = {
  module: "ngx_http_gunzip_filter_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "gunzip", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "partial", note: "the compressed body is held and inflated at its end (nginx inflates as it streams)" },
    { name: "gunzip_buffers", contexts: HTTP_SRV_LOC, args: "TAKE2", dup: true, value: "bufs", status: "supported", note: "accepted; no effect" },
  ],
};

export const httpUseridFilter: ModuleTable = {
  module: "ngx_http_userid_filter_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "userid", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: { oneOf: ["off", "log", "v1", "on"] }, status: "unsupported" },
    { name: "userid_service", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: "number", status: "unsupported" },
    { name: "userid_name", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "userid_domain", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "userid_path", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "userid_expires", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "userid_flags", contexts: HTTP_SRV_LOC, args: "TAKE123", value: { anyOf: ["off", "secure", "httponly", "samesite=strict", "samesite=lax", "samesite=none"] }, status: "unsupported" },
    { name: "userid_p3p", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, status: "unsupported" },
    { name: "userid_mark", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, status: "unsupported" },
  ],
};

export const httpHeadersFilter: ModuleTable = {
  module: "ngx_http_headers_filter_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "expires", contexts: HTTP_SRV_LOC_LIF, args: "TAKE12", dup: true, status: "supported" },
    { name: "add_header", contexts: HTTP_SRV_LOC_LIF, args: "TAKE23", status: "supported" },
    { name: "add_trailer", contexts: HTTP_SRV_LOC_LIF, args: "TAKE23", status: "unsupported" },
  ],
};
