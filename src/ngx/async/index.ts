// The asynchronous ngx API: ngx.shared, ngx.timer, ngx.thread, ngx.socket and the
// ngx.semaphore module, all reached through one AsyncHost (./host.ts).
import type { LuaTable } from "../../lua/runtime/table.js";
import type { AsyncHost } from "./host.js";
import { sharedTable, type StoreFactory } from "./shdict/lua.js";

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
}
