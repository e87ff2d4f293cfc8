// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { HTTP } from "./contexts.js";

export const httpGeo: ModuleTable = {
  module: "ngx_http_geo_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "geo", contexts: HTTP, args: "TAKE12", block: "geo", status: "unsupported" },
  ],
};

export const httpMap: ModuleTable = {
  module: "ngx_http_map_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "map", contexts: HTTP, args: "TAKE2", block: "map", status: "supported" },
    { name: "map_hash_max_size", contexts: HTTP, args: "TAKE1", dup: true, value: "number", status: "supported", note: "accepted; no effect under Node.js" },
    { name: "map_hash_bucket_size", contexts: HTTP, args: "TAKE1", dup: true, value: "number", status: "supported", note: "accepted; no effect under Node.js" },
  ],
};

export const httpSplitClients: ModuleTable = {
  module: "ngx_http_split_clients_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "split_clients", contexts: HTTP, args: "TAKE2", block: "split_clients", status: "unsupported" },
  ],
};
