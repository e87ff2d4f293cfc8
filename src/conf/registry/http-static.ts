// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { HTTP_SRV_LOC, LOC, SRV_LOC } from "./contexts.js";

export const httpGzipStatic: ModuleTable = {
  module: "ngx_http_gzip_static_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "gzip_static", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: { oneOf: ["off", "on", "always"] }, status: "supported" },
  ],
};

export const httpDav: ModuleTable = {
  module: "ngx_http_dav_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "dav_methods", contexts: HTTP_SRV_LOC, args: "1MORE", value: { anyOf: ["off", "put", "delete", "mkcol", "copy", "move"] }, status: "unsupported", note: "WebDAV is out of scope" },
    { name: "create_full_put_path", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "unsupported", note: "WebDAV is out of scope" },
    { name: "min_delete_depth", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: "number", status: "unsupported", note: "WebDAV is out of scope" },
    { name: "dav_access", contexts: HTTP_SRV_LOC, args: "TAKE123", dup: true, status: "unsupported", note: "WebDAV is out of scope" },
  ],
};

export const httpAutoindex: ModuleTable = {
  module: "ngx_http_autoindex_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "autoindex", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "supported" },
    { name: "autoindex_format", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: { oneOf: ["html", "json", "jsonp", "xml"] }, status: "supported" },
    { name: "autoindex_localtime", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "supported" },
    { name: "autoindex_exact_size", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "supported" },
  ],
};

export const httpIndex: ModuleTable = {
  module: "ngx_http_index_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "index", contexts: HTTP_SRV_LOC, args: "1MORE", status: "supported" },
  ],
};

export const httpRandomIndex: ModuleTable = {
  module: "ngx_http_random_index_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "random_index", contexts: LOC, args: "FLAG", dup: true, status: "unsupported" },
  ],
};

export const httpTryFiles: ModuleTable = {
  module: "ngx_http_try_files_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "try_files", contexts: SRV_LOC, args: "2MORE", dup: true, status: "supported" },
  ],
};

export const httpEmptyGif: ModuleTable = {
  module: "ngx_http_empty_gif_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "empty_gif", contexts: LOC, args: "NOARGS", status: "unsupported" },
  ],
};

export const httpFlv: ModuleTable = {
  module: "ngx_http_flv_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "flv", contexts: LOC, args: "NOARGS", status: "unsupported", note: "out of scope" },
  ],
};

export const httpMp4: ModuleTable = {
  module: "ngx_http_mp4_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "mp4", contexts: LOC, args: "NOARGS", status: "unsupported", note: "out of scope" },
    { name: "mp4_buffer_size", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: "size", status: "unsupported", note: "out of scope" },
    { name: "mp4_max_buffer_size", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: "size", status: "unsupported", note: "out of scope" },
    { name: "mp4_start_key_frame", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "unsupported", note: "out of scope" },
  ],
};

export const httpSliceFilter: ModuleTable = {
  module: "ngx_http_slice_filter_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "slice", contexts: HTTP_SRV_LOC, args: "TAKE1", dup: true, value: "size", status: "unsupported" },
  ],
};
