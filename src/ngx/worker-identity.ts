// Which nginx worker this Lua state belongs to. tsresty's single-thread server is worker 0 of
// 1; under `worker_processes N` each worker thread sets its own slot before its VM is made
// (src/http/workers/worker-main.ts), and the master thread, which runs init_by_lua, has none.
import type { StoreFactory } from "./async/index.js";

export interface WorkerIdentity {
  /** ngx.worker.id(): undefined in the master (init_by_lua), as nginx's nil. */
  id: number | undefined;
  /** ngx.worker.count(): worker_processes. */
  count: number;
  /** The shared dictionaries' stores when the zones live in shared memory (several workers). */
  storeFactory: StoreFactory | undefined;
}

export const workerIdentity: WorkerIdentity = { id: 0, count: 1, storeFactory: undefined };
