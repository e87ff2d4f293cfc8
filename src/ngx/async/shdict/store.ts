// The store behind one `lua_shared_dict` zone. The Lua binding (./lua.ts) checks and
// converts arguments and shapes results; a store only keeps entries, applies expiry, the
// zone's size bound and eviction, and answers each operation atomically.
//
// Today there is one implementation, MemoryStore (./memory.ts), a zone inside this process.
// Issue 10 adds a zone shared by several workers and one backed by Redis: every method may
// therefore return a Promise instead of its value. A store whose methods can return Promises
// sets `async`; the binding then gives the methods generator forms that wait, and their
// plain forms (a log_by_lua handler, a table.sort comparator) raise
// "attempt to yield across C-call boundary". A store over shared memory can stay synchronous.

/** The values a zone holds: Lua strings (latin1 byte strings), numbers and booleans. */
export type ShValue = string | number | boolean;

/** An error result, as ngx.shared.DICT words it ("not found", "no memory", ...). */
export class ShError {
  constructor(readonly msg: string) {}
}
export const NOT_FOUND = new ShError("not found");
export const EXISTS = new ShError("exists");
export const NO_MEMORY = new ShError("no memory");
export const NOT_A_NUMBER = new ShError("not a number");
export const NOT_A_LIST = new ShError("value not a list");
export const IS_A_LIST = new ShError("value is a list");

/** What a lookup sees. `expires` is an absolute epoch time in ms (the cached clock), 0 for never. */
export interface ShEntry {
  /** The value, or a list's items (oldest push at either end as the list was built). */
  readonly value: ShValue | readonly ShValue[];
  /** User flags, an int32; 0 when none were given. */
  readonly flags: number;
  readonly expires: number;
}

/** The result of set/add/replace: `err` undefined on success; `forcible` when live entries were evicted. */
export interface ShStoreResult {
  readonly err: ShError | undefined;
  readonly forcible: boolean;
}

export type StoreMode = "set" | "add" | "replace";

export type MaybePromise<T> = T | Promise<T>;

export interface ShdictStore {
  readonly name: string;
  /** True when methods may return Promises (a store across the network). */
  readonly async: boolean;
  /**
   * The entry under `key`, expired or not (get_stale reads expired ones), or undefined.
   * Marks the entry as recently used. The object may be the store's own: read it at once.
   */
  get(key: string): MaybePromise<ShEntry | undefined>;
  /**
   * set/add/replace `key`. `value` undefined deletes. `ttl` in ms, 0 for never. `safe`:
   * fail with "no memory" rather than evict live entries.
   */
  store(mode: StoreMode, key: string, value: ShValue | undefined, ttl: number, flags: number, safe: boolean): MaybePromise<ShStoreResult>;
  /**
   * Add `delta` to a number. A missing or expired key fails with "not found" unless `init`
   * is given: then it becomes init + delta, with `initTtl` ms (0: never).
   */
  incr(key: string, delta: number, init: number | undefined, initTtl: number): MaybePromise<ShIncrResult>;
  /** lpush (left) or rpush: the new length. */
  push(key: string, value: string | number, left: boolean): MaybePromise<number | ShError>;
  /** lpop (left) or rpop: the item, or undefined when the key is missing, expired or empty. */
  pop(key: string, left: boolean): MaybePromise<ShValue | undefined | ShError>;
  /** The list's length; 0 for a missing key. */
  llen(key: string): MaybePromise<number | ShError>;
  /** Remaining time to live in ms (0: never expires), or NOT_FOUND. */
  ttl(key: string): MaybePromise<number | ShError>;
  /** Set the time to live in ms (0: never), or NOT_FOUND. */
  expire(key: string, ttl: number): MaybePromise<true | ShError>;
  /** Mark every entry expired (they stay readable by get_stale until reused), as nginx. */
  flushAll(): MaybePromise<void>;
  /** Remove expired entries, at most `max` of them (0: all); returns how many. */
  flushExpired(max: number): MaybePromise<number>;
  /** Live keys, at most `max` (0: all), least recently used first. */
  keys(max: number): MaybePromise<string[]>;
  /** The zone's size in bytes. */
  capacity(): number;
  /** Bytes in wholly free pages, as ngx_slab reports them. */
  freeSpace(): MaybePromise<number>;
}

export interface ShIncrResult {
  readonly value: number | undefined;
  readonly err: ShError | undefined;
  readonly forcible: boolean;
}

// The store results every store answers with: shared frozen objects, so that an answer costs no
// allocation.
export const R_OK: ShStoreResult = Object.freeze({ err: undefined, forcible: false });
export const R_OK_FORCED: ShStoreResult = Object.freeze({ err: undefined, forcible: true });
export const R_EXISTS: ShStoreResult = Object.freeze({ err: EXISTS, forcible: false });
export const R_NOT_FOUND: ShStoreResult = Object.freeze({ err: NOT_FOUND, forcible: false });
export const R_NO_MEMORY: ShStoreResult = Object.freeze({ err: NO_MEMORY, forcible: false });
export const R_NO_MEMORY_FORCED: ShStoreResult = Object.freeze({ err: NO_MEMORY, forcible: true });
