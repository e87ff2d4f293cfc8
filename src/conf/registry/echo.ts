// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { LOC_LIF } from "./contexts.js";

export const httpEcho: ModuleTable = {
  module: "ngx_http_echo_module",
  type: "http",
  inReference: true,
  directives: [
    { name: "echo", contexts: LOC_LIF, args: "ANY", status: "supported" },
    { name: "echo_request_body", contexts: LOC_LIF, args: "NOARGS", status: "supported" },
    { name: "echo_sleep", contexts: LOC_LIF, args: "TAKE1", status: "supported" },
    { name: "echo_flush", contexts: LOC_LIF, args: "NOARGS", status: "supported" },
    { name: "echo_blocking_sleep", contexts: LOC_LIF, args: "TAKE1", status: "partial", note: "blocks the whole process (one worker), as nginx blocks its worker" },
    { name: "echo_reset_timer", contexts: LOC_LIF, args: "NOARGS", status: "supported" },
    { name: "echo_before_body", contexts: LOC_LIF, args: "ANY", status: "partial", note: "not compared yet after return/static content" },
    { name: "echo_after_body", contexts: LOC_LIF, args: "ANY", status: "partial", note: "not compared yet after return/static content (nginx differs there)" },
    { name: "echo_location_async", contexts: LOC_LIF, args: "TAKE12", status: "supported" },
    { name: "echo_location", contexts: LOC_LIF, args: "TAKE12", status: "supported" },
    { name: "echo_subrequest_async", contexts: LOC_LIF, args: "2MORE", status: "supported" },
    { name: "echo_subrequest", contexts: LOC_LIF, args: "2MORE", status: "supported" },
    { name: "echo_duplicate", contexts: LOC_LIF, args: "2MORE", status: "supported" },
    { name: "echo_read_request_body", contexts: LOC_LIF, args: "NOARGS", status: "supported" },
    { name: "echo_foreach_split", contexts: LOC_LIF, args: "2MORE", status: "supported" },
    { name: "echo_end", contexts: LOC_LIF, args: "NOARGS", status: "supported" },
    { name: "echo_abort_parent", contexts: LOC_LIF, args: "NOARGS", status: "unsupported" },
    { name: "echo_exec", contexts: LOC_LIF, args: "TAKE12", status: "supported" },
    { name: "echo_status", contexts: LOC_LIF, args: "TAKE1", dup: true, value: "number", status: "supported" },
  ],
};
