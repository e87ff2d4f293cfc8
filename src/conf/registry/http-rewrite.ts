// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { HTTP_SRV_LOC_SIF_LIF, SRV_LOC, SRV_LOC_SIF_LIF } from "./contexts.js";

export const httpRewrite: ModuleTable = {
  module: "ngx_http_rewrite_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "rewrite", contexts: SRV_LOC_SIF_LIF, args: "TAKE23", status: "supported", note: "regexes are JavaScript regexes (PCRE syntax differences translated); captures in arguments and redirects escaped as nginx does when the request URI was escaped" },
    { name: "return", contexts: SRV_LOC_SIF_LIF, args: "TAKE12", status: "supported" },
    { name: "break", contexts: SRV_LOC_SIF_LIF, args: "NOARGS", status: "supported" },
    { name: "if", contexts: SRV_LOC, args: "1MORE", block: "if", status: "supported", note: "the block is a location of its own, as in nginx; file tests use stat(2)" },
    { name: "set", contexts: SRV_LOC_SIF_LIF, args: "TAKE2", status: "supported" },
    { name: "rewrite_log", contexts: HTTP_SRV_LOC_SIF_LIF, args: "FLAG", dup: true, status: "supported" },
    { name: "uninitialized_variable_warn", contexts: HTTP_SRV_LOC_SIF_LIF, args: "FLAG", dup: true, status: "supported" },
  ],
};
