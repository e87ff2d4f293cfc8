// A zone shared by every worker thread: all of it (the key index, the nodes with their
// keys and values, the LRU list, the slab allocator's pages and bookkeeping) lives in one
// SharedArrayBuffer, made once in the main thread by createSharedZone and handed to each
// worker, which wraps it in a SharedStore. Operations are synchronous and each runs whole
// under the zone's lock (./shared-lock.ts), as nginx runs each shdict operation under its
// zone's mutex: incr, add, safe_add and the list operations never lose an update.
//
// The answers are MemoryStore's (./memory.ts), operation for operation: the same node and
// list-item sizes allocated from the same slab policy (./shared-slab.ts), the same eviction
// (up to 30 LRU entries per store, `forcible`), expiry from the cached clock.
import { cachedNowMs } from "../../clock.js";
import {
  H, I, LIST_HEAD_BYTES, LIST_ITEM_BYTES, MAGIC, N, NODE_BYTES, PAGE,
  T_FALSE, T_LIST, T_NUMBER, T_STRING, T_TRUE, zoneLayout, type ZoneLayout,
} from "./shared-layout.js";
import { SharedSlab } from "./shared-slab.js";
import { SharedHash, hashKey } from "./shared-hash.js";
import { ZoneLock } from "./shared-lock.js";
import { CACHE_MAX_LEN, CACHE_MIN_LEN, DecodedStrings } from "./shared-strings.js";
import {
  NOT_A_LIST, NOT_A_NUMBER, NOT_FOUND, NO_MEMORY,
  R_OK, R_OK_FORCED, R_EXISTS, R_NOT_FOUND, R_NO_MEMORY, R_NO_MEMORY_FORCED,
  type ShEntry, type ShError, type ShIncrResult, type ShStoreResult, type ShValue, type ShdictStore, type StoreMode,
} from "./store.js";

export { forceUnlock } from "./shared-lock.js";

const INCR_NOT_FOUND: ShIncrResult = Object.freeze({ value: undefined, err: NOT_FOUND, forcible: false });
const INCR_NOT_A_NUMBER: ShIncrResult = Object.freeze({ value: undefined, err: NOT_A_NUMBER, forcible: false });

/** How many entries nginx evicts at most while looking for room (as MemoryStore). */
const EVICT_TRIES = 30;

/** The buffer of a new zone (call once, in the main thread; hand it to every worker). */
export function createSharedZone(name: string, size: number): SharedArrayBuffer {
  const layout = zoneLayout(size);
  const sab = new SharedArrayBuffer(layout.bytes);
  const slab = new SharedSlab(sab, layout);
  slab.init();
  // The zone's own header and log context, as ngx_http_lua_shdict_init_zone allocates them.
  slab.alloc(80);
  slab.alloc(27 + name.length);
  new Int32Array(sab)[H.MAGIC] = MAGIC;
  return sab;
}

/** What get returns: one object per store, refilled by each get (read it at once). */
class EntryView implements ShEntry {
  value: ShValue | ShValue[] = "";
  flags = 0;
  expires = 0;
}

function valueBytes(v: ShValue): number {
  return typeof v === "string" ? v.length : typeof v === "number" ? 8 : 1;
}

export class SharedStore implements ShdictStore {
  readonly async = false;
  /** nginx's cached clock (ms); overridable for tests. */
  now: () => number = cachedNowMs;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly buf: Buffer;
  private readonly slab: SharedSlab;
  private readonly hash: SharedHash;
  private readonly mutex: ZoneLock;
  private readonly view = new EntryView();
  private readonly decoded = new DecodedStrings();
  /** Whether the last allocate() evicted live entries. */
  private forced = false;

  constructor(readonly name: string, readonly size: number, sab: SharedArrayBuffer) {
    const layout: ZoneLayout = zoneLayout(size);
    this.i32 = new Int32Array(sab);
    if (sab.byteLength !== layout.bytes || this.i32[H.MAGIC] !== MAGIC) {
      throw new Error(`shared dict zone "${name}": the buffer was not made by createSharedZone(name, ${size})`);
    }
    this.f64 = new Float64Array(sab);
    this.buf = Buffer.from(sab);
    this.slab = new SharedSlab(sab, layout);
    this.hash = new SharedHash(this.i32, this.slab, layout);
    this.mutex = new ZoneLock(this.i32);
  }

  capacity(): number {
    return this.size;
  }

  freeSpace(): number {
    return Atomics.load(this.i32, H.FREE_PAGES) * PAGE;
  }

  // --- nodes ----------------------------------------------------------------------------

  private expires(a: number): number {
    return this.f64[(a >> 3) + N.EXPIRES_F64]!;
  }

  private isLive(a: number, now: number): boolean {
    const e = this.f64[(a >> 3) + N.EXPIRES_F64]!;
    return e === 0 || e > now;
  }

  private valueBytesAt(a: number): number {
    const f = a >> 2;
    const t = this.i32[f + N.TYPE]!;
    return t === T_STRING ? this.i32[f + N.VALUE_LEN]! : t === T_NUMBER ? 8 : 1;
  }

  /** Write a non-list value into the node at `a`. */
  private setValue(a: number, value: ShValue): void {
    const f = a >> 2;
    if (typeof value === "string") {
      this.i32[f + N.TYPE] = T_STRING;
      this.i32[f + N.VALUE_LEN] = value.length;
      this.slab.writeString(this.buf, a, N.KEY + this.i32[f + N.KEY_LEN]!, value);
      // Stamp the value with the zone's write count: readers' cached copies of the old one go stale.
      const lo = (this.i32[H.SEQ_LO]! + 1) | 0;
      this.i32[H.SEQ_LO] = lo;
      if (lo === 0) this.i32[H.SEQ_HI]!++;
      this.i32[f + N.SEQ_LO] = lo;
      this.i32[f + N.SEQ_HI] = this.i32[H.SEQ_HI]!;
    } else if (typeof value === "number") {
      this.i32[f + N.TYPE] = T_NUMBER;
      this.f64[(a >> 3) + N.NUMBER_F64] = value;
    } else {
      this.i32[f + N.TYPE] = value ? T_TRUE : T_FALSE;
    }
  }

  private valueAt(a: number): ShValue | ShValue[] {
    const f = a >> 2;
    switch (this.i32[f + N.TYPE]) {
      case T_STRING: {
        const len = this.i32[f + N.VALUE_LEN]!;
        if (len < CACHE_MIN_LEN || len > CACHE_MAX_LEN) return this.slab.readString(this.buf, a, N.KEY + this.i32[f + N.KEY_LEN]!, len);
        const lo = this.i32[f + N.SEQ_LO]!;
        const hi = this.i32[f + N.SEQ_HI]!;
        let s = this.decoded.get(a, lo, hi);
        if (s === undefined) {
          s = this.slab.readString(this.buf, a, N.KEY + this.i32[f + N.KEY_LEN]!, len);
          this.decoded.put(a, lo, hi, s);
        }
        return s;
      }
      case T_NUMBER:
        return this.f64[(a >> 3) + N.NUMBER_F64]!;
      case T_TRUE:
        return true;
      case T_FALSE:
        return false;
      default: {
        const items: ShValue[] = [];
        for (let it = this.i32[f + N.LIST_HEAD]!; it !== 0; it = this.i32[(it >> 2) + I.NEXT]!) items.push(this.itemValue(it));
        return items;
      }
    }
  }

  private keyAt(a: number): string {
    return this.slab.readString(this.buf, a, N.KEY, this.i32[(a >> 2) + N.KEY_LEN]!);
  }

  /** A new node for `key`, linked in the index and at the LRU head. */
  private newNode(a: number, key: string, h: number, flags: number, expires: number): void {
    const f = a >> 2;
    this.i32[f + N.HASH] = h;
    this.i32[f + N.KEY_LEN] = key.length;
    this.i32[f + N.FLAGS] = flags;
    this.f64[(a >> 3) + N.EXPIRES_F64] = expires;
    this.slab.writeString(this.buf, a, N.KEY, key);
    this.hash.insert(a);
    this.pushHead(a);
  }

  // --- list items -----------------------------------------------------------------------

  private itemValue(it: number): ShValue {
    const f = it >> 2;
    if (this.i32[f + I.TYPE] === T_NUMBER) return this.f64[(it >> 3) + I.NUMBER_F64]!;
    return this.slab.readString(this.buf, it, I.BYTES, this.i32[f + I.LEN]!);
  }

  private setItem(it: number, value: string | number): void {
    const f = it >> 2;
    if (typeof value === "number") {
      this.i32[f + I.TYPE] = T_NUMBER;
      this.f64[(it >> 3) + I.NUMBER_F64] = value;
    } else {
      this.i32[f + I.TYPE] = T_STRING;
      this.i32[f + I.LEN] = value.length;
      this.slab.writeString(this.buf, it, I.BYTES, value);
    }
  }

  // --- LRU list -------------------------------------------------------------------------

  private unlink(a: number): void {
    const i32 = this.i32;
    const f = a >> 2;
    const prev = i32[f + N.LRU_PREV]!;
    const next = i32[f + N.LRU_NEXT]!;
    if (prev !== 0) i32[(prev >> 2) + N.LRU_NEXT] = next;
    else i32[H.LRU_HEAD] = next;
    if (next !== 0) i32[(next >> 2) + N.LRU_PREV] = prev;
    else i32[H.LRU_TAIL] = prev;
  }

  private pushHead(a: number): void {
    const i32 = this.i32;
    const f = a >> 2;
    const head = i32[H.LRU_HEAD]!;
    i32[f + N.LRU_NEXT] = head;
    i32[f + N.LRU_PREV] = 0;
    if (head !== 0) i32[(head >> 2) + N.LRU_PREV] = a;
    else i32[H.LRU_TAIL] = a;
    i32[H.LRU_HEAD] = a;
  }

  private touch(a: number): void {
    if (this.i32[H.LRU_HEAD] === a) return;
    this.unlink(a);
    this.pushHead(a);
  }

  private remove(a: number): void {
    this.unlink(a);
    this.hash.remove(a);
    const f = a >> 2;
    if (this.i32[f + N.TYPE] === T_LIST) {
      for (let it = this.i32[f + N.LIST_HEAD]!; it !== 0;) {
        const next = this.i32[(it >> 2) + I.NEXT]!;
        this.slab.free(it);
        it = next;
      }
    }
    this.slab.free(a);
  }

  /** ngx_http_lua_shdict_expire, as MemoryStore.expireSome. */
  private expireSome(force: boolean): number {
    let freed = 0;
    let n = force ? 0 : 1;
    const now = this.now();
    while (n < 3) {
      const a = this.i32[H.LRU_TAIL]!;
      if (a === 0) return freed;
      if (n++ !== 0 && this.isLive(a, now)) return freed;
      this.remove(a);
      freed++;
    }
    return freed;
  }

  /** Allocate, evicting least recently used entries unless `safe`; sets `forced`. Returns 0 when full. */
  private allocate(bytes: number, safe: boolean): number {
    let a = this.slab.alloc(bytes);
    this.forced = false;
    if (a === 0 && !safe) {
      for (let i = 0; i < EVICT_TRIES; i++) {
        if (this.expireSome(true) === 0) break;
        this.forced = true;
        a = this.slab.alloc(bytes);
        if (a !== 0) break;
      }
    }
    return a;
  }

  // --- operations (each under the lock) -------------------------------------------------

  get(key: string): ShEntry | undefined {
    const h = hashKey(key);
    this.mutex.lock();
    try {
      const a = this.hash.find(key, h);
      if (a === 0) return undefined;
      this.touch(a);
      const v = this.view;
      v.value = this.valueAt(a);
      v.flags = this.i32[(a >> 2) + N.FLAGS]!;
      v.expires = this.expires(a);
      return v;
    } finally {
      this.mutex.unlock();
    }
  }

  store(mode: StoreMode, key: string, value: ShValue | undefined, ttl: number, flags: number, safe: boolean): ShStoreResult {
    const h = hashKey(key);
    this.mutex.lock();
    try {
      return this.storeLocked(mode, key, h, value, ttl, flags, safe);
    } finally {
      this.mutex.unlock();
    }
  }

  private storeLocked(mode: StoreMode, key: string, h: number, value: ShValue | undefined, ttl: number, flags: number, safe: boolean): ShStoreResult {
    const now = this.now();
    const old = this.hash.find(key, h);
    const live = old !== 0 && this.isLive(old, now);
    if (mode === "add" && live) {
      this.touch(old);
      return R_EXISTS;
    }
    if (mode === "replace" && !live) return R_NOT_FOUND;
    // Room is made first from expired entries at the LRU end, as nginx does on every store.
    this.expireSome(false);
    const expires = ttl > 0 ? now + ttl : 0;
    const cur = this.hash.find(key, h);
    if (value === undefined) {
      if (cur !== 0) this.remove(cur);
      return R_OK;
    }
    const bytes = NODE_BYTES + key.length + valueBytes(value);
    if (cur !== 0 && this.i32[(cur >> 2) + N.TYPE] !== T_LIST && NODE_BYTES + key.length + this.valueBytesAt(cur) === bytes) {
      // Same size: the node is reused in place.
      this.setValue(cur, value);
      this.i32[(cur >> 2) + N.FLAGS] = flags;
      this.f64[(cur >> 3) + N.EXPIRES_F64] = expires;
      this.touch(cur);
      return R_OK;
    }
    if (cur !== 0) this.remove(cur);
    const a = this.allocate(bytes, safe);
    if (a === 0) return this.forced ? R_NO_MEMORY_FORCED : R_NO_MEMORY;
    this.newNode(a, key, h, flags, expires);
    this.setValue(a, value);
    return this.forced ? R_OK_FORCED : R_OK;
  }

  incr(key: string, delta: number, init: number | undefined, initTtl: number): ShIncrResult {
    const h = hashKey(key);
    this.mutex.lock();
    try {
      const now = this.now();
      const a = this.hash.find(key, h);
      if (a === 0 || !this.isLive(a, now)) {
        if (init === undefined) return INCR_NOT_FOUND;
        const v = init + delta;
        const r = this.storeLocked("set", key, h, v, initTtl, 0, false);
        if (r.err !== undefined) return { value: undefined, err: r.err, forcible: r.forcible };
        return { value: v, err: undefined, forcible: r.forcible };
      }
      this.touch(a);
      if (this.i32[(a >> 2) + N.TYPE] !== T_NUMBER) return INCR_NOT_A_NUMBER;
      const i = (a >> 3) + N.NUMBER_F64;
      const v = this.f64[i]! + delta;
      this.f64[i] = v;
      return { value: v, err: undefined, forcible: false };
    } finally {
      this.mutex.unlock();
    }
  }

  push(key: string, value: string | number, left: boolean): number | ShError {
    const h = hashKey(key);
    this.mutex.lock();
    try {
      const i32 = this.i32;
      const now = this.now();
      let e = this.hash.find(key, h);
      if (e !== 0 && !this.isLive(e, now)) {
        // An expired entry is dropped before a list takes its key.
        this.remove(e);
        e = 0;
      }
      if (e !== 0 && i32[(e >> 2) + N.TYPE] !== T_LIST) return NOT_A_LIST;
      if (e === 0) {
        this.expireSome(false);
        e = this.allocate(NODE_BYTES + key.length + LIST_HEAD_BYTES, false);
        if (e === 0) return NO_MEMORY;
        const f = e >> 2;
        i32[f + N.TYPE] = T_LIST;
        i32[f + N.LIST_HEAD] = 0;
        i32[f + N.LIST_TAIL] = 0;
        i32[f + N.LIST_LEN] = 0;
        this.newNode(e, key, h, 0, 0);
      } else {
        this.touch(e);
      }
      const item = this.allocate(LIST_ITEM_BYTES + valueBytes(value), false);
      // The list itself may have been evicted while making room for its item.
      const still = this.hash.find(key, h) === e;
      if (item === 0 || !still) {
        if (item !== 0) this.slab.free(item);
        if (still && i32[(e >> 2) + N.LIST_LEN] === 0) this.remove(e);
        return NO_MEMORY;
      }
      this.setItem(item, value);
      const f = e >> 2;
      const it = item >> 2;
      if (left) {
        const head = i32[f + N.LIST_HEAD]!;
        i32[it + I.PREV] = 0;
        i32[it + I.NEXT] = head;
        if (head !== 0) i32[(head >> 2) + I.PREV] = item;
        else i32[f + N.LIST_TAIL] = item;
        i32[f + N.LIST_HEAD] = item;
      } else {
        const tail = i32[f + N.LIST_TAIL]!;
        i32[it + I.NEXT] = 0;
        i32[it + I.PREV] = tail;
        if (tail !== 0) i32[(tail >> 2) + I.NEXT] = item;
        else i32[f + N.LIST_HEAD] = item;
        i32[f + N.LIST_TAIL] = item;
      }
      return ++i32[f + N.LIST_LEN]!;
    } finally {
      this.mutex.unlock();
    }
  }

  pop(key: string, left: boolean): ShValue | undefined | ShError {
    const h = hashKey(key);
    this.mutex.lock();
    try {
      const i32 = this.i32;
      const e = this.hash.find(key, h);
      if (e === 0 || !this.isLive(e, this.now())) return undefined;
      const f = e >> 2;
      if (i32[f + N.TYPE] !== T_LIST) return NOT_A_LIST;
      this.touch(e);
      const len = i32[f + N.LIST_LEN]!;
      if (len === 0) return undefined;
      const item = left ? i32[f + N.LIST_HEAD]! : i32[f + N.LIST_TAIL]!;
      const v = this.itemValue(item);
      if (left) {
        const next = i32[(item >> 2) + I.NEXT]!;
        i32[f + N.LIST_HEAD] = next;
        if (next !== 0) i32[(next >> 2) + I.PREV] = 0;
        else i32[f + N.LIST_TAIL] = 0;
      } else {
        const prev = i32[(item >> 2) + I.PREV]!;
        i32[f + N.LIST_TAIL] = prev;
        if (prev !== 0) i32[(prev >> 2) + I.NEXT] = 0;
        else i32[f + N.LIST_HEAD] = 0;
      }
      this.slab.free(item);
      i32[f + N.LIST_LEN] = len - 1;
      // An emptied list is removed, as nginx removes it.
      if (len === 1) this.remove(e);
      return v;
    } finally {
      this.mutex.unlock();
    }
  }

  llen(key: string): number | ShError {
    const h = hashKey(key);
    this.mutex.lock();
    try {
      const e = this.hash.find(key, h);
      if (e === 0 || !this.isLive(e, this.now())) return 0;
      if (this.i32[(e >> 2) + N.TYPE] !== T_LIST) return NOT_A_LIST;
      this.touch(e);
      return this.i32[(e >> 2) + N.LIST_LEN]!;
    } finally {
      this.mutex.unlock();
    }
  }

  ttl(key: string): number | ShError {
    const h = hashKey(key);
    this.mutex.lock();
    try {
      const now = this.now();
      const e = this.hash.find(key, h);
      if (e === 0 || !this.isLive(e, now)) return NOT_FOUND;
      const x = this.expires(e);
      return x === 0 ? 0 : x - now;
    } finally {
      this.mutex.unlock();
    }
  }

  expire(key: string, ttl: number): true | ShError {
    const h = hashKey(key);
    this.mutex.lock();
    try {
      const now = this.now();
      const e = this.hash.find(key, h);
      if (e === 0 || !this.isLive(e, now)) return NOT_FOUND;
      this.f64[(e >> 3) + N.EXPIRES_F64] = ttl === 0 ? 0 : now + ttl;
      return true;
    } finally {
      this.mutex.unlock();
    }
  }

  flushAll(): void {
    this.mutex.lock();
    try {
      // nginx marks every node expired (expires = 1) rather than freeing it, then runs its
      // expiry once with force: up to 3 nodes are freed at once (as MemoryStore.flushAll).
      for (let a = this.i32[H.LRU_HEAD]!; a !== 0; a = this.i32[(a >> 2) + N.LRU_NEXT]!) {
        this.f64[(a >> 3) + N.EXPIRES_F64] = 1;
      }
      this.expireSome(true);
    } finally {
      this.mutex.unlock();
    }
  }

  flushExpired(max: number): number {
    this.mutex.lock();
    try {
      const now = this.now();
      let n = 0;
      for (let a = this.i32[H.LRU_TAIL]!; a !== 0;) {
        const prev = this.i32[(a >> 2) + N.LRU_PREV]!;
        if (!this.isLive(a, now)) {
          this.remove(a);
          n++;
          if (max > 0 && n >= max) break;
        }
        a = prev;
      }
      return n;
    } finally {
      this.mutex.unlock();
    }
  }

  keys(max: number): string[] {
    this.mutex.lock();
    try {
      const now = this.now();
      const out: string[] = [];
      for (let a = this.i32[H.LRU_TAIL]!; a !== 0; a = this.i32[(a >> 2) + N.LRU_PREV]!) {
        if (!this.isLive(a, now)) continue;
        out.push(this.keyAt(a));
        if (max > 0 && out.length >= max) break;
      }
      return out;
    } finally {
      this.mutex.unlock();
    }
  }
}
