// The key index of a shared zone: an array of buckets in the shared buffer, each the head
// of a chain threaded through the nodes (N.HASH_NEXT). A node keeps its key's hash, so a
// lookup compares bytes only with nodes of the same hash. Every method assumes the zone's
// lock is held.
import { N, type ZoneLayout } from "./shared-layout.js";
import type { SharedSlab } from "./shared-slab.js";

/** FNV-1a over the key's bytes (latin1: one char per byte). */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h | 0;
}

export class SharedHash {
  private readonly buckets: number;
  private readonly mask: number;

  /** `keyOffset`: where a node's key bytes start (limit_req/limit_conn nodes put them elsewhere). */
  constructor(private readonly i32: Int32Array, private readonly slab: SharedSlab, layout: ZoneLayout, private readonly keyOffset: number = N.KEY) {
    this.buckets = layout.buckets >> 2;
    this.mask = layout.bucketMask;
  }

  /** The node of `key` (whose hash is `h`), or 0. */
  find(key: string, h: number): number {
    const i32 = this.i32;
    let a = i32[this.buckets + (h & this.mask)]!;
    while (a !== 0) {
      const f = a >> 2;
      if (i32[f + N.HASH] === h && i32[f + N.KEY_LEN] === key.length && this.slab.equals(a, this.keyOffset, key)) return a;
      a = i32[f + N.HASH_NEXT]!;
    }
    return 0;
  }

  /** Link the node at `a`, its hash already in N.HASH. */
  insert(a: number): void {
    const i32 = this.i32;
    const b = this.buckets + (i32[(a >> 2) + N.HASH]! & this.mask);
    i32[(a >> 2) + N.HASH_NEXT] = i32[b]!;
    i32[b] = a;
  }

  /** Unlink the node at `a`. */
  remove(a: number): void {
    const i32 = this.i32;
    let slot = this.buckets + (i32[(a >> 2) + N.HASH]! & this.mask);
    for (let c = i32[slot]!; c !== 0; c = i32[slot]!) {
      if (c === a) {
        i32[slot] = i32[(a >> 2) + N.HASH_NEXT]!;
        return;
      }
      slot = (c >> 2) + N.HASH_NEXT;
    }
  }
}
