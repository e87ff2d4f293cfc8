// What resty.http needs from the running Lua code's host: the phase (cosockets only where
// Lua may wait), the request it belongs to (connections close when it ends), the
// lua_socket_* settings, the ngx table (proxy_request/proxy_response go through the Lua
// API as lua-resty-http does) and the error log. The server's threads carry an NgxHost;
// elsewhere (tsresty run, plain snippets) there is no host and the client refuses to work,
// as OpenResty refuses cosockets in init_by_lua.
import type { LuaTable } from "../../lua/runtime/table.js";
import { currentHost, requestState } from "../../ngx/host.js";
import { asyncSettings } from "../../ngx/async-host.js";
import { DEFAULT_ASYNC_SETTINGS, type AsyncSettings } from "../../ngx/async/host.js";
import { YIELDABLE } from "../../ngx/async/phase.js";

export interface HttpEnv {
  /** The phase's context name for "API disabled in the context of ..." (undefined: allowed). */
  readonly refused: string | undefined;
  /** The request (or timer) the code runs for: connections are bound to it. */
  readonly owner: object | undefined;
  readonly settings: AsyncSettings;
  readonly ngx: LuaTable | undefined;
  /** Register a cleanup for the end of the owner. */
  onCleanup(cb: () => void): void;
  /** Log at an ngx level (4 = ERR) in the request's context. */
  log(level: number, msg: string): void;
}

const NO_HOST: HttpEnv = {
  refused: "init_by_lua*",
  owner: undefined,
  settings: DEFAULT_ASYNC_SETTINGS,
  ngx: undefined,
  onCleanup: () => undefined,
  log: () => undefined,
};

/** The environment of the running Lua thread. */
export function httpEnv(): HttpEnv {
  const h = currentHost();
  if (h === undefined) return NO_HOST;
  const r = h.r;
  // One identity per main request, as the cosockets check theirs.
  const owner: object | undefined = r?.main ?? h.timer;
  return {
    refused: YIELDABLE.has(h.phase) ? undefined : h.context,
    owner,
    settings: asyncSettings(r?.loc.settings ?? h.vm.config?.httpSettings),
    ngx: h.vm.ngx,
    onCleanup(cb) {
      if (r !== undefined) (requestState(r).cleanups ??= []).push(cb);
      else h.timer?.onCleanup(cb);
    },
    log(level, msg) {
      h.vm.log(level, msg, r);
    },
  };
}
