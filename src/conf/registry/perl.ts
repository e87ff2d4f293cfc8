// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { HTTP, LOC_LMT } from "./contexts.js";

export const httpPerl: ModuleTable = {
  module: "ngx_http_perl_module",
  type: "http",
  inReference: false,
  directives: [
    { name: "perl_modules", contexts: HTTP, args: "TAKE1", status: "unsupported", note: "embedded Perl is out of scope" },
    { name: "perl_require", contexts: HTTP, args: "TAKE1", status: "unsupported", note: "embedded Perl is out of scope" },
    { name: "perl", contexts: LOC_LMT, args: "TAKE1", status: "unsupported", note: "embedded Perl is out of scope" },
    { name: "perl_set", contexts: HTTP, args: "TAKE2", status: "unsupported", note: "embedded Perl is out of scope" },
  ],
};
