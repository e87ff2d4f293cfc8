// What the master and its worker threads say to each other.
import type { NginxFlags } from "../../cli/flags.js";
import type { ZoneMemory } from "./shared-zones.js";

/** A worker's workerData. */
export interface WorkerInit {
  readonly flags: NginxFlags;
  /** ngx.worker.id() and ngx.worker.count(). */
  readonly id: number;
  readonly count: number;
  /** Listening sockets by address key (listen-sockets.ts), dup()s this worker owns. */
  readonly fds: Readonly<Record<string, readonly number[]>>;
  readonly zones: readonly ZoneMemory[];
}

export type ToWorker = { readonly type: "quit" } | { readonly type: "stop" } | { readonly type: "reopen" };

export type FromWorker = { readonly type: "ready" } | { readonly type: "failed"; readonly message: string };
