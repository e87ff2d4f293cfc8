// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { HTTP_SRV_LOC, SRV_LOC } from "./contexts.js";

export const httpMirror: ModuleTable = {
  module: "ngx_http_mirror_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "mirror", contexts: HTTP_SRV_LOC, args: "TAKE1", status: "unsupported" },
    { name: "mirror_request_body", contexts: HTTP_SRV_LOC, args: "FLAG", dup: true, status: "unsupported" },
  ],
};

export const httpStubStatus: ModuleTable = {
  module: "ngx_http_stub_status_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "stub_status", contexts: SRV_LOC, args: "NOARGS_TAKE1", status: "partial", note: "HTTP/2 connections are not counted" },
  ],
};
