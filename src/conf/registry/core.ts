// Generated once from the reference nginx's own command tables (read with gdb from
// Debian's nginx 1.22 and its OpenResty modules) and checked directive by directive with
// nginx -t; edited by hand since. Statuses say what tsresty does with each directive.

import type { ModuleTable } from "./types.js";
import { ANYWHERE, MAIN } from "./contexts.js";

export const core: ModuleTable = {
  module: "ngx_core_module",
  type: "core",
  inReference: true,
  directives: [
    { name: "daemon", contexts: MAIN, args: "FLAG", dup: true, status: "partial", note: "off is what tsresty does; on is accepted and ignored: tsresty stays in the foreground" },
    { name: "master_process", contexts: MAIN, args: "FLAG", dup: true, status: "supported", note: "off serves in one thread whatever worker_processes says, as nginx" },
    { name: "timer_resolution", contexts: MAIN, args: "TAKE1", dup: true, value: "msec", status: "supported", note: "accepted; no effect under Node.js" },
    { name: "pid", contexts: MAIN, args: "TAKE1", dup: true, status: "supported", note: "written at start, removed at exit, read by `tsresty -s`" },
    { name: "lock_file", contexts: MAIN, args: "TAKE1", dup: true, status: "supported", note: "accepted; no effect under Node.js" },
    { name: "worker_processes", contexts: MAIN, args: "TAKE1", dup: true, status: "partial", note: "N and auto as worker threads sharing the listen sockets and shared dicts (docs/workers.md); ngx.worker.pid() is the process pid in every worker" },
    { name: "debug_points", contexts: MAIN, args: "TAKE1", dup: true, value: { oneOf: ["stop", "abort"] }, status: "unsupported" },
    { name: "user", contexts: MAIN, args: "TAKE12", dup: true, status: "unsupported" },
    { name: "worker_priority", contexts: MAIN, args: "TAKE1", dup: true, status: "supported", note: "accepted; no effect under Node.js" },
    { name: "worker_cpu_affinity", contexts: MAIN, args: "1MORE", dup: true, status: "supported", note: "accepted; no effect under Node.js" },
    { name: "worker_rlimit_nofile", contexts: MAIN, args: "TAKE1", dup: true, value: "number", status: "supported", note: "accepted; no effect under Node.js" },
    { name: "worker_rlimit_core", contexts: MAIN, args: "TAKE1", dup: true, value: "offset", status: "supported", note: "accepted; no effect under Node.js" },
    { name: "worker_shutdown_timeout", contexts: MAIN, args: "TAKE1", dup: true, value: "msec", status: "partial", note: "with worker_processes above 1: a draining worker ends its connections then (one thread: not yet)" },
    { name: "working_directory", contexts: MAIN, args: "TAKE1", dup: true, status: "supported", note: "accepted; no effect under Node.js" },
    { name: "env", contexts: MAIN, args: "TAKE1", status: "partial", note: "accepted; every variable of the environment stays visible to os.getenv" },
    { name: "load_module", contexts: MAIN, args: "TAKE1", status: "supported", note: "accepted and ignored: the modules are built in" },
  ],
};

export const errlog: ModuleTable = {
  module: "ngx_errlog_module",
  type: "core",
  inReference: true,
  directives: [
    { name: "error_log", contexts: MAIN, args: "1MORE", status: "supported" },
  ],
};

export const conf: ModuleTable = {
  module: "ngx_conf_module",
  type: "conf",
  inReference: true,
  directives: [
    { name: "include", contexts: ANYWHERE, args: "TAKE1", status: "supported", note: "globs sorted, relative to the configuration file's directory" },
  ],
};

export const openssl: ModuleTable = {
  module: "ngx_openssl_module",
  type: "core",
  inReference: true,
  directives: [
    { name: "ssl_engine", contexts: MAIN, args: "TAKE1", status: "unsupported" },
  ],
};

export const regex: ModuleTable = {
  module: "ngx_regex_module",
  type: "core",
  inReference: true,
  directives: [
    { name: "pcre_jit", contexts: MAIN, args: "FLAG", dup: true, status: "supported", note: "accepted; no effect under Node.js" },
  ],
};

export const threadPool: ModuleTable = {
  module: "ngx_thread_pool_module",
  type: "core",
  inReference: true,
  directives: [
    { name: "thread_pool", contexts: MAIN, args: "TAKE23", status: "unsupported" },
  ],
};
