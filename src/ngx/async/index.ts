// The asynchronous ngx API: ngx.shared, ngx.timer, ngx.thread, ngx.socket and the
// ngx.semaphore module, all reached through one AsyncHost (./host.ts).
import type { LuaTable } from "../../lua/runtime/table.js";
import type { AsyncHost } from "./host.js";
import { LuaTable as Table } from "../../lua/runtime/table.js";
import type { LuaFunction, LuaValue } from "../../lua/runtime/value.js";
import { sharedTable, type StoreFactory } from "./shdict/lua.js";
import { TimerState, timerTable } from "./timer.js";
import { threadTable } from "./thread.js";
import { semaphoreModule } from "./semaphore.js";
import { socketTable } from "./socket/index.js";
import { registerAsyncHost } from "./running-host.js";

export { waitUserThreads } from "./thread.js";

export type { AsyncHost, AsyncRequest, AsyncSettings, SharedDictZone } from "./host.js";
export { DEFAULT_ASYNC_SETTINGS } from "./host.js";
export { parseZoneSize, MIN_ZONE_SIZE, zoneStore, type StoreFactory } from "./shdict/lua.js";
export type { ShdictStore } from "./shdict/store.js";

export interface AsyncApiOptions {
  /** Makes each zone's store (default: in this process). */
  readonly storeFactory?: StoreFactory;
  /**
   * The Lua state's globals: when given, `require "ngx.semaphore"` (and its old name
   * "resty.semaphore") is registered in its package.preload. Otherwise register
   * asyncPreloads(host) yourself.
   */
  readonly globals?: LuaTable;
}

/** Set ngx.shared, ngx.timer, ngx.thread and ngx.socket on `ngx`. */
export function installAsyncApi(ngx: LuaTable, host: AsyncHost, opts: AsyncApiOptions = {}): void {
  ngx.setStr("shared", sharedTable(host.sharedDicts, opts.storeFactory));
  ngx.setStr("timer", timerTable(new TimerState(host)));
  ngx.setStr("thread", threadTable(host));
  ngx.setStr("socket", socketTable(host));
  registerAsyncHost(host);
  if (opts.globals !== undefined) {
    const pkg = opts.globals.getStr("package");
    const preload = pkg instanceof Table ? pkg.getStr("preload") : undefined;
    if (preload instanceof Table) {
      for (const [name, make] of Object.entries(asyncPreloads(host))) {
        const loader = (() => make()) as LuaFunction;
        loader.$name = name;
        preload.setStr(name, loader);
      }
    }
  }
}

/**
 * The modules of the async API for package.preload: `require "ngx.semaphore"`. (lua-nginx-module
 * 0.10.23 has no "resty.semaphore": its require fails there, and here too.)
 */
export function asyncPreloads(host: AsyncHost): Record<string, () => LuaValue> {
  let sem: LuaValue;
  return { "ngx.semaphore": () => (sem ??= semaphoreModule(host)) };
}
