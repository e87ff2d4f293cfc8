// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { HTTP, HTTP_SRV_LOC, HTTP_SRV_LOC_LIF_LMT } from "./contexts.js";

export const httpLog: ModuleTable = {
  module: "ngx_http_log_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "log_format", contexts: HTTP, args: "2MORE", status: "supported" },
    { name: "access_log", contexts: HTTP_SRV_LOC_LIF_LMT, args: "1MORE", status: "supported" },
    { name: "open_log_file_cache", contexts: HTTP_SRV_LOC, args: "TAKE1234", dup: true, status: "supported", note: "accepted; no effect under Node.js" },
  ],
};
