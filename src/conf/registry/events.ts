// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { EVENTS, MAIN } from "./contexts.js";

export const events: ModuleTable = {
  module: "ngx_events_module",
  type: "core",
  inReference: true,
  directives: [
    { name: "events", contexts: MAIN, args: "NOARGS", block: "events", dup: true, status: "supported" },
  ],
};

export const eventCore: ModuleTable = {
  module: "ngx_event_core_module",
  type: "event",
  inReference: true,
  directives: [
    { name: "worker_connections", contexts: EVENTS, args: "TAKE1", dup: true, status: "supported", note: "accepted; no effect under Node.js" },
    { name: "use", contexts: EVENTS, args: "TAKE1", dup: true, status: "supported", note: "accepted; no effect under Node.js" },
    { name: "multi_accept", contexts: EVENTS, args: "FLAG", dup: true, status: "supported", note: "accepted; no effect under Node.js" },
    { name: "accept_mutex", contexts: EVENTS, args: "FLAG", dup: true, status: "supported", note: "accepted; no effect under Node.js" },
    { name: "accept_mutex_delay", contexts: EVENTS, args: "TAKE1", dup: true, value: "msec", status: "supported", note: "accepted; no effect under Node.js" },
    { name: "debug_connection", contexts: EVENTS, args: "TAKE1", status: "unsupported" },
  ],
};

export const epoll: ModuleTable = {
  module: "ngx_epoll_module",
  type: "event",
  inReference: true,
  directives: [
    { name: "epoll_events", contexts: EVENTS, args: "TAKE1", dup: true, value: "number", status: "supported", note: "accepted; no effect under Node.js" },
    { name: "worker_aio_requests", contexts: EVENTS, args: "TAKE1", dup: true, value: "number", status: "supported", note: "accepted; no effect under Node.js" },
  ],
};
