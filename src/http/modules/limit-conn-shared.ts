// limit_conn's counters in a shared zone (ngx_http_limit_conn_node_t): one node per key
// with the requests in progress, freed when the last of them ends. A node that cannot be
// allocated rejects the request, after the slab's own
// `ngx_slab_alloc() failed: no memory in limit_conn_zone "NAME"` line.
import { N } from "../../ngx/async/shdict/shared-layout.js";
import { hashKey } from "../../ngx/async/shdict/shared-hash.js";
import { LimitZoneBase, limitZoneBuffer } from "./limit-shared-zone.js";

// Node fields; HASH_NEXT, HASH and KEY_LEN are where the shared hash index reads them.
const CONN = 1;
const KEY = 20;
/** nginx's node: offsetof(ngx_rbtree_node_t, color) + offsetof(ngx_http_limit_conn_node_t, data). */
const NODE_BYTES = 36;

/** acquire's answers besides a node's address. */
export const FULL = 0;
export const NO_MEMORY = -1;

export class ConnZoneMemory extends LimitZoneBase {
  constructor(name: string, size: number) {
    super(name, limitZoneBuffer("limit_conn", name, size), size, KEY);
  }

  /** Take one unit of `key` under `limit`: the node's address, FULL, or NO_MEMORY. */
  acquire(key: string, limit: number): number {
    const i32 = this.i32;
    this.mutex.lock();
    const h = hashKey(key);
    let a = this.hash.find(key, h);
    if (a !== 0) {
      if (i32[(a >> 2) + CONN]! >= limit) {
        this.mutex.unlock();
        return FULL;
      }
      i32[(a >> 2) + CONN]!++;
      this.mutex.unlock();
      return a;
    }
    a = this.slab.alloc(NODE_BYTES + key.length);
    if (a === 0) {
      this.mutex.unlock();
      return NO_MEMORY;
    }
    i32[(a >> 2) + N.HASH] = h;
    i32[(a >> 2) + N.KEY_LEN] = key.length;
    i32[(a >> 2) + CONN] = 1;
    this.slab.writeString(this.buf, a, KEY, key);
    this.hash.insert(a);
    this.mutex.unlock();
    return a;
  }

  /** Give back a unit taken at node `a` (ngx_http_limit_conn_cleanup). */
  release(a: number): void {
    const i32 = this.i32;
    this.mutex.lock();
    if (--i32[(a >> 2) + CONN]! === 0) {
      this.hash.remove(a);
      this.slab.free(a);
    }
    this.mutex.unlock();
  }
}
