// The asynchronous ngx API: ngx.shared, ngx.timer, ngx.thread, ngx.socket and the
// ngx.semaphore module, all reached through one AsyncHost (./host.ts).
import type { LuaTable } from "../../lua/runtime/table.js";
import type { AsyncHost } from "./host.js";

export type { AsyncHost, AsyncRequest, AsyncSettings, SharedDictZone } from "./host.js";

/** Set ngx.shared, ngx.timer, ngx.thread and ngx.socket on `ngx`. (In progress.) */
export function installAsyncApi(ngx: LuaTable, host: AsyncHost): void {
  void ngx;
  void host;
}
