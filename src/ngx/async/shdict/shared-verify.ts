// A consistency check of a shared zone's structure, for tests and debugging (never on a
// request's path): the LRU list is a proper doubly-linked list, every node on it is found
// through the key index under its own key and the index holds nothing else, list nodes
// hold as many items as they say, and the slab's page accounting adds up. Takes the lock.
import {
  DESC_INTS, D, H, I, KIND_FREE, KIND_LARGE, MAX_SHIFT, MIN_SHIFT, N, T_LIST, zoneLayout,
} from "./shared-layout.js";
import { ZoneLock } from "./shared-lock.js";

/** The problems found (empty when the zone is whole) and the number of entries. */
export function verifySharedZone(size: number, sab: SharedArrayBuffer): { errors: string[]; entries: number } {
  const L = zoneLayout(size);
  const i32 = new Int32Array(sab);
  const lock = new ZoneLock(i32);
  const errors: string[] = [];
  lock.lock();
  try {
    // LRU list, both ways.
    const nodes = new Set<number>();
    let prev = 0;
    for (let a = i32[H.LRU_HEAD]!; a !== 0; a = i32[(a >> 2) + N.LRU_NEXT]!) {
      if (nodes.has(a)) {
        errors.push(`LRU list loops at ${a}`);
        break;
      }
      if (i32[(a >> 2) + N.LRU_PREV] !== prev) errors.push(`node ${a}: LRU prev ${i32[(a >> 2) + N.LRU_PREV]} is not ${prev}`);
      nodes.add(a);
      prev = a;
    }
    if (i32[H.LRU_TAIL] !== prev) errors.push(`LRU tail ${i32[H.LRU_TAIL]} is not the last node ${prev}`);
    // The index holds exactly the LRU's nodes, each in its hash's bucket.
    let indexed = 0;
    for (let b = 0; b <= L.bucketMask; b++) {
      for (let a = i32[(L.buckets >> 2) + b]!; a !== 0; a = i32[(a >> 2) + N.HASH_NEXT]!) {
        indexed++;
        if (!nodes.has(a)) errors.push(`bucket ${b}: node ${a} is not on the LRU list`);
        if ((i32[(a >> 2) + N.HASH]! & L.bucketMask) !== b) errors.push(`node ${a} is in bucket ${b}, not its hash's`);
        if (indexed > nodes.size + 1) break;
      }
    }
    if (indexed !== nodes.size) errors.push(`${indexed} nodes indexed, ${nodes.size} on the LRU list`);
    // Lists.
    for (const a of nodes) {
      if (i32[(a >> 2) + N.TYPE] !== T_LIST) continue;
      let n = 0;
      let last = 0;
      for (let it = i32[(a >> 2) + N.LIST_HEAD]!; it !== 0 && n <= i32[(a >> 2) + N.LIST_LEN]!; it = i32[(it >> 2) + I.NEXT]!) {
        if (i32[(it >> 2) + I.PREV] !== last) errors.push(`list ${a}: item ${it} prev is wrong`);
        last = it;
        n++;
      }
      if (n !== i32[(a >> 2) + N.LIST_LEN]) errors.push(`list ${a}: ${n} items, length says ${i32[(a >> 2) + N.LIST_LEN]}`);
      if (i32[(a >> 2) + N.LIST_TAIL] !== last) errors.push(`list ${a}: tail is not the last item`);
    }
    // Pages: free ones counted, partial lists pointing at pages of their class with free chunks.
    let free = 0;
    for (let p = 0; p < L.pages; p++) {
      const d = (L.desc >> 2) + p * DESC_INTS;
      const kind = i32[d + D.KIND]!;
      if (kind === KIND_FREE) free++;
      else if (kind !== KIND_LARGE && (kind < MIN_SHIFT || kind > MAX_SHIFT)) errors.push(`page ${p}: kind ${kind}`);
    }
    if (free !== i32[H.FREE_PAGES]) errors.push(`${free} free pages, the count says ${i32[H.FREE_PAGES]}`);
    for (let s = MIN_SHIFT; s <= MAX_SHIFT; s++) {
      const base = (L.partial >> 2) + (s - MIN_SHIFT) * L.pages;
      for (let k = 0; k < i32[H.PARTIAL_LEN + s]!; k++) {
        const p = i32[base + k]!;
        const d = (L.desc >> 2) + p * DESC_INTS;
        if (i32[d + D.KIND] !== s || i32[d + D.POS] !== k || i32[d + D.FREE]! <= 0) {
          errors.push(`class ${s}: partial page ${p} at ${k} is not a page of the class with free chunks`);
        }
      }
    }
    return { errors, entries: nodes.size };
  } finally {
    lock.unlock();
  }
}
