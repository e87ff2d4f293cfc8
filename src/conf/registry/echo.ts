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
    { name: "echo", contexts: LOC_LIF, args: "ANY", status: "planned", note: "issue 6" },
    { name: "echo_request_body", contexts: LOC_LIF, args: "NOARGS", status: "planned", note: "issue 6" },
    { name: "echo_sleep", contexts: LOC_LIF, args: "TAKE1", status: "planned", note: "issue 6" },
    { name: "echo_flush", contexts: LOC_LIF, args: "NOARGS", status: "planned", note: "issue 6" },
    { name: "echo_blocking_sleep", contexts: LOC_LIF, args: "TAKE1", status: "unsupported" },
    { name: "echo_reset_timer", contexts: LOC_LIF, args: "NOARGS", status: "planned", note: "issue 6" },
    { name: "echo_before_body", contexts: LOC_LIF, args: "ANY", status: "planned", note: "issue 6" },
    { name: "echo_after_body", contexts: LOC_LIF, args: "ANY", status: "planned", note: "issue 6" },
    { name: "echo_location_async", contexts: LOC_LIF, args: "TAKE12", status: "planned", note: "issue 6" },
    { name: "echo_location", contexts: LOC_LIF, args: "TAKE12", status: "planned", note: "issue 6" },
    { name: "echo_subrequest_async", contexts: LOC_LIF, args: "2MORE", status: "planned", note: "issue 6" },
    { name: "echo_subrequest", contexts: LOC_LIF, args: "2MORE", status: "planned", note: "issue 6" },
    { name: "echo_duplicate", contexts: LOC_LIF, args: "2MORE", status: "planned", note: "issue 6" },
    { name: "echo_read_request_body", contexts: LOC_LIF, args: "NOARGS", status: "planned", note: "issue 6" },
    { name: "echo_foreach_split", contexts: LOC_LIF, args: "2MORE", status: "unsupported" },
    { name: "echo_end", contexts: LOC_LIF, args: "NOARGS", status: "unsupported" },
    { name: "echo_abort_parent", contexts: LOC_LIF, args: "NOARGS", status: "unsupported" },
    { name: "echo_exec", contexts: LOC_LIF, args: "TAKE12", status: "planned", note: "issue 6" },
    { name: "echo_status", contexts: LOC_LIF, args: "TAKE1", dup: true, value: "number", status: "planned", note: "issue 6" },
  ],
};
