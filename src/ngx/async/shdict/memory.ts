// A zone inside this process: a Map for lookups, an intrusive doubly-linked list for
// least-recently-used order, and the slab model (./slab.ts) for the size bound. Each
// operation runs to completion synchronously, which is the atomicity nginx's zone mutex
// gives within one worker.
import { cachedNowMs } from "../../clock.js";
import { SlabPool, zonePages, type Allocation } from "./slab.js";
import {
  IS_A_LIST, NOT_A_LIST, NOT_A_NUMBER, NOT_FOUND, NO_MEMORY,
  R_OK, R_OK_FORCED, R_EXISTS, R_NOT_FOUND, R_NO_MEMORY, R_NO_MEMORY_FORCED,
  type ShEntry, type ShError, type ShIncrResult, type ShStoreResult, type ShValue, type ShdictStore, type StoreMode,
} from "./store.js";

// Bytes of an entry's node in nginx: the rbtree node up to its colour (32) and the shdict
// node up to its data (36), then key and value; a list item's node is 21 bytes + its value.
const NODE = 68;
const LIST_HEAD = 16;
const LIST_ITEM = 21;

function valueBytes(v: ShValue): number {
  return typeof v === "string" ? v.length : typeof v === "number" ? 8 : 1;
}

class Entry implements ShEntry {
  prev: Entry | undefined = undefined;
  next: Entry | undefined = undefined;
  /** A list's per-item allocations, parallel to `value`. */
  itemAllocs: Allocation[] | undefined = undefined;
  constructor(
    readonly key: string,
    public value: ShValue | ShValue[],
    public flags: number,
    public expires: number,
    public alloc: Allocation,
  ) {}
}


/** How many entries nginx evicts at most while looking for room (ngx_http_lua_shdict_set_helper). */
const EVICT_TRIES = 30;

export class MemoryStore implements ShdictStore {
  readonly async = false;
  private readonly map = new Map<string, Entry>();
  /** Most recently used end. */
  private head: Entry | undefined = undefined;
  /** Least recently used end. */
  private tail: Entry | undefined = undefined;
  private readonly slab: SlabPool;
  /** nginx's cached clock (ms); overridable for tests. */
  now: () => number = cachedNowMs;

  constructor(readonly name: string, readonly size: number) {
    this.slab = new SlabPool(zonePages(size));
    // The zone's own header (rbtree, sentinel, LRU queue) and its log context live in the
    // zone too, in chunk pages of their own, as ngx_http_lua_shdict_init_zone allocates them.
    this.slab.alloc(80);
    this.slab.alloc(27 + name.length);
  }

  capacity(): number {
    return this.size;
  }

  freeSpace(): number {
    return this.slab.freePages * 4096;
  }

  // --- LRU list -------------------------------------------------------------------------

  private unlink(e: Entry): void {
    if (e.prev !== undefined) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next !== undefined) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = e.next = undefined;
  }

  private pushHead(e: Entry): void {
    e.next = this.head;
    e.prev = undefined;
    if (this.head !== undefined) this.head.prev = e;
    else this.tail = e;
    this.head = e;
  }

  private touch(e: Entry): void {
    if (this.head === e) return;
    this.unlink(e);
    this.pushHead(e);
  }

  private remove(e: Entry): void {
    this.unlink(e);
    this.map.delete(e.key);
    this.slab.free(e.alloc);
    if (e.itemAllocs !== undefined) for (const a of e.itemAllocs) this.slab.free(a);
  }

  /**
   * ngx_http_lua_shdict_expire: from the LRU end, remove up to 2 expired entries; with
   * `force`, first remove the LRU entry whatever it is. Returns how many went.
   */
  private expireSome(force: boolean): number {
    let freed = 0;
    let n = force ? 0 : 1;
    const now = this.now();
    while (n < 3) {
      const e = this.tail;
      if (e === undefined) return freed;
      if (n++ !== 0 && (e.expires === 0 || e.expires > now)) return freed;
      this.remove(e);
      freed++;
    }
    return freed;
  }

  /** Allocate, evicting least recently used entries unless `safe`. */
  private allocate(bytes: number, safe: boolean): { a: Allocation | undefined; forcible: boolean } {
    let a = this.slab.alloc(bytes);
    let forcible = false;
    if (a === undefined && !safe) {
      for (let i = 0; i < EVICT_TRIES; i++) {
        if (this.expireSome(true) === 0) break;
        forcible = true;
        a = this.slab.alloc(bytes);
        if (a !== undefined) break;
      }
    }
    return { a, forcible };
  }

  private live(e: Entry | undefined, now: number): Entry | undefined {
    return e !== undefined && (e.expires === 0 || e.expires > now) ? e : undefined;
  }

  // --- operations -----------------------------------------------------------------------

  get(key: string): ShEntry | undefined {
    const e = this.map.get(key);
    if (e !== undefined) this.touch(e);
    return e;
  }

  store(mode: StoreMode, key: string, value: ShValue | undefined, ttl: number, flags: number, safe: boolean): ShStoreResult {
    const now = this.now();
    const old = this.map.get(key);
    const live = this.live(old, now);
    if (mode === "add" && live !== undefined) {
      this.touch(live);
      return R_EXISTS;
    }
    if (mode === "replace" && live === undefined) return R_NOT_FOUND;
    // Room is made first from expired entries at the LRU end, as nginx does on every store.
    this.expireSome(false);
    const expires = ttl > 0 ? now + ttl : 0;
    const cur = this.map.get(key);
    if (value === undefined) {
      if (cur !== undefined) this.remove(cur);
      return R_OK;
    }
    const bytes = NODE + key.length + valueBytes(value);
    if (cur !== undefined && cur.itemAllocs === undefined && typeof cur.value !== "object" &&
        NODE + key.length + valueBytes(cur.value) === bytes) {
      // Same size: the node is reused in place.
      cur.value = value;
      cur.flags = flags;
      cur.expires = expires;
      this.touch(cur);
      return R_OK;
    }
    if (cur !== undefined) this.remove(cur);
    const { a, forcible } = this.allocate(bytes, safe);
    if (a === undefined) return forcible ? R_NO_MEMORY_FORCED : R_NO_MEMORY;
    const e = new Entry(key, value, flags, expires, a);
    this.map.set(key, e);
    this.pushHead(e);
    return forcible ? R_OK_FORCED : R_OK;
  }

  incr(key: string, delta: number, init: number | undefined, initTtl: number): ShIncrResult {
    const now = this.now();
    const e = this.live(this.map.get(key), now);
    if (e === undefined) {
      if (init === undefined) return { value: undefined, err: NOT_FOUND, forcible: false };
      const v = init + delta;
      const r = this.store("set", key, v, initTtl, 0, false);
      if (r.err !== undefined) return { value: undefined, err: r.err, forcible: r.forcible };
      return { value: v, err: undefined, forcible: r.forcible };
    }
    this.touch(e);
    if (typeof e.value !== "number") return { value: undefined, err: NOT_A_NUMBER, forcible: false };
    e.value += delta;
    return { value: e.value, err: undefined, forcible: false };
  }

  push(key: string, value: string | number, left: boolean): number | ShError {
    const now = this.now();
    let e = this.map.get(key);
    if (e !== undefined && !(e.expires === 0 || e.expires > now)) {
      // An expired entry is dropped before a list takes its key.
      this.remove(e);
      e = undefined;
    }
    if (e !== undefined && e.itemAllocs === undefined) return NOT_A_LIST;
    if (e === undefined) {
      this.expireSome(false);
      const { a } = this.allocate(NODE + key.length + LIST_HEAD, false);
      if (a === undefined) return NO_MEMORY;
      e = new Entry(key, [], 0, 0, a);
      e.itemAllocs = [];
      this.map.set(key, e);
      this.pushHead(e);
    } else {
      this.touch(e);
    }
    const item = this.allocate(LIST_ITEM + valueBytes(value), false).a;
    // The list itself may have been evicted while making room for its item.
    if (item === undefined || this.map.get(key) !== e) {
      if (item !== undefined) this.slab.free(item);
      if (this.map.get(key) === e && (e.value as ShValue[]).length === 0) this.remove(e);
      return NO_MEMORY;
    }
    const items = e.value as ShValue[];
    if (left) {
      items.unshift(value);
      e.itemAllocs!.unshift(item);
    } else {
      items.push(value);
      e.itemAllocs!.push(item);
    }
    return items.length;
  }

  pop(key: string, left: boolean): ShValue | undefined | ShError {
    const e = this.live(this.map.get(key), this.now());
    if (e === undefined) return undefined;
    if (e.itemAllocs === undefined) return NOT_A_LIST;
    this.touch(e);
    const items = e.value as ShValue[];
    if (items.length === 0) return undefined;
    const v = left ? items.shift()! : items.pop()!;
    this.slab.free(left ? e.itemAllocs.shift()! : e.itemAllocs.pop()!);
    // An emptied list is removed, as nginx removes it.
    if (items.length === 0) this.remove(e);
    return v;
  }

  llen(key: string): number | ShError {
    const e = this.live(this.map.get(key), this.now());
    if (e === undefined) return 0;
    if (e.itemAllocs === undefined) return NOT_A_LIST;
    this.touch(e);
    return (e.value as ShValue[]).length;
  }

  ttl(key: string): number | ShError {
    const now = this.now();
    const e = this.live(this.map.get(key), now);
    if (e === undefined) return NOT_FOUND;
    return e.expires === 0 ? 0 : e.expires - now;
  }

  expire(key: string, ttl: number): true | ShError {
    const now = this.now();
    const e = this.live(this.map.get(key), now);
    if (e === undefined) return NOT_FOUND;
    e.expires = ttl === 0 ? 0 : now + ttl;
    return true;
  }

  flushAll(): void {
    // nginx marks every node expired (expires = 1) rather than freeing it, then runs its
    // expiry once with force: up to 3 nodes are freed at once (flush_expired counts the rest).
    for (let e = this.head; e !== undefined; e = e.next) e.expires = 1;
    this.expireSome(true);
  }

  flushExpired(max: number): number {
    const now = this.now();
    let n = 0;
    for (let e = this.tail; e !== undefined;) {
      const prev = e.prev;
      if (e.expires !== 0 && e.expires <= now) {
        this.remove(e);
        n++;
        if (max > 0 && n >= max) break;
      }
      e = prev;
    }
    return n;
  }

  keys(max: number): string[] {
    const now = this.now();
    const out: string[] = [];
    for (let e = this.tail; e !== undefined; e = e.prev) {
      if (e.expires !== 0 && e.expires <= now) continue;
      out.push(e.key);
      if (max > 0 && out.length >= max) break;
    }
    return out;
  }
}

/** Is this value one of a list's items (the binding's "value is a list" test)? */
export function isList(v: ShEntry["value"]): v is readonly ShValue[] {
  return typeof v === "object";
}

export { IS_A_LIST };
