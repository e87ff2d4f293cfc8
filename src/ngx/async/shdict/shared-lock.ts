// The zone's mutex, one int32 in the shared buffer, held for each whole operation as nginx
// holds its zone's shmtx. States as in Drepper's "Futexes are tricky": 0 free, 1 held,
// 2 held with (possible) sleepers. An uncontended lock and unlock are one
// compareExchange and one sub; a contended one spins briefly, then sleeps in Atomics.wait
// (allowed on Node's main thread too) until the holder's unlock notifies.
//
// The holder's thread id is recorded so that the main thread can release the lock of a
// worker that died holding it (forceUnlock), as nginx's master does for a dead worker.
import { threadId } from "node:worker_threads";
import { H } from "./shared-layout.js";

const SPINS = 100;
const OWNER = threadId + 1;

export class ZoneLock {
  constructor(private readonly i32: Int32Array) {}

  lock(): void {
    const i32 = this.i32;
    let c = Atomics.compareExchange(i32, H.LOCK, 0, 1);
    if (c !== 0) {
      for (let i = 0; i < SPINS && c !== 0; i++) {
        if (c === 1) c = Atomics.compareExchange(i32, H.LOCK, 0, 1);
        else c = Atomics.load(i32, H.LOCK) === 0 ? Atomics.compareExchange(i32, H.LOCK, 0, 2) : 2;
      }
      if (c !== 0) {
        if (c !== 2) c = Atomics.exchange(i32, H.LOCK, 2);
        while (c !== 0) {
          Atomics.wait(i32, H.LOCK, 2);
          c = Atomics.exchange(i32, H.LOCK, 2);
        }
      }
    }
    i32[H.OWNER] = OWNER;
  }

  unlock(): void {
    const i32 = this.i32;
    i32[H.OWNER] = 0;
    if (Atomics.sub(i32, H.LOCK, 1) !== 1) {
      Atomics.store(i32, H.LOCK, 0);
      Atomics.notify(i32, H.LOCK, 1);
    }
  }
}

/**
 * Release the zone's lock if the thread `deadThreadId` held it when it died (call from the
 * main thread when a worker exits). Returns whether it did. The zone's contents may be half
 * updated, as in nginx after a worker crash inside a shdict operation.
 */
export function forceUnlock(sab: SharedArrayBuffer, deadThreadId: number): boolean {
  const i32 = new Int32Array(sab);
  if (Atomics.load(i32, H.OWNER) !== deadThreadId + 1) return false;
  Atomics.store(i32, H.OWNER, 0);
  Atomics.store(i32, H.LOCK, 0);
  Atomics.notify(i32, H.LOCK);
  return true;
}
