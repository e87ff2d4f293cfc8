// limit_req's nodes in a shared zone (ngx_http_limit_req_node_t): per key its excess in
// milli-requests, the time it was last updated and the requests between lookup and
// accounting (count), in an LRU list whose oldest idle nodes expire, one or two per new
// node, and the oldest by force when the zone is full. Every method takes the zone's lock
// for its whole work, as nginx holds the zone's mutex around lookup and accounting.
import { H, N } from "../../ngx/async/shdict/shared-layout.js";
import { hashKey } from "../../ngx/async/shdict/shared-hash.js";
import { LimitZoneBase, limitZoneBuffer } from "./limit-shared-zone.js";

// Node fields; HASH_NEXT, HASH and KEY_LEN are where the shared hash index reads them.
const LRU_PREV = 1;
const LRU_NEXT = 2;
const COUNT = 5;
/** float64 indexes (address / 8 + field). */
const EXCESS_F64 = 3;
const LAST_F64 = 4;
const KEY = 40;
/** nginx's node: offsetof(ngx_rbtree_node_t, color) + offsetof(ngx_http_limit_req_node_t, data). */
const NODE_BYTES = 80;

export const OK = 0;
export const AGAIN = 1;
export const BUSY = 2;
export const ERROR = 3;
export type LookupRc = typeof OK | typeof AGAIN | typeof BUSY | typeof ERROR;

/** ms of clock since `last`, clamped as nginx clamps a clock going back. */
function elapsed(now: number, last: number): number {
  const ms = now - last;
  return ms < -60000 ? 1 : ms < 0 ? 0 : ms;
}

export class ReqZoneMemory extends LimitZoneBase {
  /** The excess the last lookup saw (its *ep). */
  excess = 0;
  /** The node the last AGAIN lookup counted (its ctx->node). */
  node = 0;

  constructor(name: string, size: number, private readonly rate: number) {
    super(name, limitZoneBuffer("limit_req", name, size), size, KEY);
  }

  /** ngx_http_limit_req_lookup. */
  lookup(key: string, burst: number, account: boolean, now: number): LookupRc {
    const i32 = this.i32;
    const f64 = this.f64;
    this.mutex.lock();
    const h = hashKey(key);
    let a = this.hash.find(key, h);
    if (a !== 0) {
      this.toHead(a);
      const ms = elapsed(now, f64[(a >> 3) + LAST_F64]!);
      let e = f64[(a >> 3) + EXCESS_F64]! - Math.trunc((this.rate * ms) / 1000) + 1000;
      if (e < 0) e = 0;
      this.excess = e;
      if (e > burst) {
        this.mutex.unlock();
        return BUSY;
      }
      if (account) {
        f64[(a >> 3) + EXCESS_F64] = e;
        if (ms) f64[(a >> 3) + LAST_F64] = now;
        this.mutex.unlock();
        return OK;
      }
      i32[(a >> 2) + COUNT]!++;
      this.node = a;
      this.mutex.unlock();
      return AGAIN;
    }
    this.excess = 0;
    const size = NODE_BYTES + key.length;
    this.expire(1, now);
    a = this.slab.alloc(size);
    if (a === 0) {
      this.expire(0, now);
      a = this.slab.alloc(size);
      if (a === 0) {
        this.mutex.unlock();
        return ERROR;
      }
    }
    const f = a >> 2;
    i32[f + N.HASH] = h;
    i32[f + N.KEY_LEN] = key.length;
    f64[(a >> 3) + EXCESS_F64] = 0;
    this.slab.writeString(this.buf, a, KEY, key);
    this.hash.insert(a);
    this.pushHead(a);
    if (account) {
      f64[(a >> 3) + LAST_F64] = now;
      i32[f + COUNT] = 0;
      this.mutex.unlock();
      return OK;
    }
    f64[(a >> 3) + LAST_F64] = 0;
    i32[f + COUNT] = 1;
    this.node = a;
    this.mutex.unlock();
    return AGAIN;
  }

  /** ngx_http_limit_req_account for one earlier limit's node: its new excess. */
  account(a: number, now: number): number {
    const f64 = this.f64;
    this.mutex.lock();
    const ms = elapsed(now, f64[(a >> 3) + LAST_F64]!);
    let e = f64[(a >> 3) + EXCESS_F64]! - Math.trunc((this.rate * ms) / 1000) + 1000;
    if (e < 0) e = 0;
    if (ms) f64[(a >> 3) + LAST_F64] = now;
    f64[(a >> 3) + EXCESS_F64] = e;
    this.i32[(a >> 2) + COUNT]!--;
    this.mutex.unlock();
    return e;
  }

  /** ngx_http_limit_req_unlock: a counted node given back unaccounted (a later limit rejected). */
  release(a: number): void {
    this.mutex.lock();
    this.i32[(a >> 2) + COUNT]!--;
    this.mutex.unlock();
  }

  /**
   * ngx_http_limit_req_expire: n = 1 frees one or two of the oldest nodes that have been
   * idle a minute and drained; n = 0 first frees the oldest by force. A counted node stops it.
   */
  private expire(n: number, now: number): void {
    const i32 = this.i32;
    while (n < 3) {
      const a = i32[H.LRU_TAIL]!;
      if (a === 0 || i32[(a >> 2) + COUNT] !== 0) return;
      if (n++ !== 0) {
        const ms = Math.abs(now - this.f64[(a >> 3) + LAST_F64]!);
        if (ms < 60000) return;
        if (this.f64[(a >> 3) + EXCESS_F64]! - Math.trunc((this.rate * ms) / 1000) > 0) return;
      }
      this.unlink(a);
      this.hash.remove(a);
      this.slab.free(a);
    }
  }

  // The LRU list: head the most recently used.

  private pushHead(a: number): void {
    const i32 = this.i32;
    const head = i32[H.LRU_HEAD]!;
    i32[(a >> 2) + LRU_PREV] = 0;
    i32[(a >> 2) + LRU_NEXT] = head;
    if (head !== 0) i32[(head >> 2) + LRU_PREV] = a;
    else i32[H.LRU_TAIL] = a;
    i32[H.LRU_HEAD] = a;
  }

  private unlink(a: number): void {
    const i32 = this.i32;
    const prev = i32[(a >> 2) + LRU_PREV]!;
    const next = i32[(a >> 2) + LRU_NEXT]!;
    if (prev !== 0) i32[(prev >> 2) + LRU_NEXT] = next;
    else i32[H.LRU_HEAD] = next;
    if (next !== 0) i32[(next >> 2) + LRU_PREV] = prev;
    else i32[H.LRU_TAIL] = prev;
  }

  private toHead(a: number): void {
    if (this.i32[H.LRU_HEAD] === a) return;
    this.unlink(a);
    this.pushHead(a);
  }
}
