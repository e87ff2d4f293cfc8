// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { HTTP_SRV_LOC_LIF } from "./contexts.js";

export const httpHeadersMoreFilter: ModuleTable = {
  module: "ngx_http_headers_more_filter_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "more_set_headers", contexts: HTTP_SRV_LOC_LIF, args: "1MORE", status: "partial", note: "a Content-Length it sets stays in its usual place (nginx writes it last)" },
    { name: "more_clear_headers", contexts: HTTP_SRV_LOC_LIF, args: "1MORE", status: "supported" },
    { name: "more_set_input_headers", contexts: HTTP_SRV_LOC_LIF, args: "1MORE", status: "supported" },
    { name: "more_clear_input_headers", contexts: HTTP_SRV_LOC_LIF, args: "1MORE", status: "supported" },
  ],
};
