// resty.lrucache and resty.lrucache.pureffi on the lru-cache package.
// lru-cache keeps the recency order and evicts; TTLs and user flags are kept here, per
// entry, because lua-resty-lrucache returns an expired value as "stale" (nil, value,
// flags) and keeps it until it is evicted or overwritten, which lru-cache's own TTLs do not.
import { LRUCache } from "lru-cache";
import { LuaTable } from "../../lua/runtime/table.js";
import { LuaError } from "../../lua/runtime/error.js";
import { where } from "../../lua/runtime/callstack.js";
import { tostring } from "../../lua/runtime/ops.js";
import { toNumber, typeName } from "../../lua/runtime/convert.js";
import type { LuaResult, LuaValue } from "../../lua/runtime/value.js";
import { badSelf, indexMeta, moduleTable } from "../util.js";

type Key = NonNullable<LuaValue>;

interface Entry {
  value: LuaValue;
  /** Absolute expiry in seconds, or -1 for none (as lua-resty-lrucache's node.expire). */
  expire: number;
  flags: number;
}

/** Seconds, with milliseconds, like ngx.now(). Replaceable for tests. */
let clock: () => number = () => Date.now() / 1000;

/** Set the clock the caches read (seconds). Returns the previous one. */
export function setLrucacheClock(fn: () => number): () => number {
  const prev = clock;
  clock = fn;
  return prev;
}

/** A cache object: a Lua table (as in Lua, type() is "table") carrying the JS cache. */
class CacheTable extends LuaTable {
  constructor(
    readonly lru: LRUCache<Key, Entry>,
    readonly size: number,
    /** pureffi stores keys as strings: tostring(key) for the others. */
    readonly stringKeys: boolean,
  ) {
    super();
  }
}

function cacheOf(self: LuaValue): CacheTable {
  if (self instanceof CacheTable) return self;
  if (self instanceof LuaTable) throw new LuaError(where(1) + "attempt to call a nil value (not an lrucache object)");
  return badSelf(self);
}

/** The key as the cache stores it, with Lua's errors for keys a table cannot hold. */
function keyOf(c: CacheTable, key: LuaValue): Key {
  if (c.stringKeys) return typeof key === "string" ? key : tostring(key);
  if (key === undefined) throw new LuaError(where(1) + "table index is nil");
  if (typeof key === "number" && key !== key) throw new LuaError(where(1) + "table index is NaN");
  return key;
}

/** node.user_flags is a C unsigned int. */
function toFlags(flags: LuaValue): number {
  if (typeof flags === "number" && flags >= 0) return Math.trunc(flags) % 4294967296;
  return 0;
}

function makeModule(version: string, pureffi: boolean): LuaTable {
  // As in the Lua module: the module table is also the objects' __index.
  const M = moduleTable({
    new: (size: LuaValue, loadFactor?: LuaValue): LuaResult => {
      if (typeof size !== "number") throw new LuaError(where(1) + `attempt to compare ${typeName(size)} with number`);
      if (size < 1) return [undefined, "size too small"];
      void loadFactor; // pureffi sizes its hash buckets with it: nothing to size here
      // The Lua versions allocate floor(size) queue nodes.
      const c = new CacheTable(new LRUCache<Key, Entry>({ max: Math.floor(size) }), size, pureffi);
      c.mt = mt;
      return c;
    },
    count: (self: LuaValue): LuaResult => cacheOf(self).lru.size,
    capacity: (self: LuaValue): LuaResult => cacheOf(self).size,
    get: (self: LuaValue, key: LuaValue): LuaResult => {
      const c = cacheOf(self);
      const k = keyOf(c, key);
      const e = c.lru.peek(k);
      // lrucache.lua misses on a nil value (its hash part holds none); pureffi finds the key.
      if (e === undefined || (e.value === undefined && !c.stringKeys)) return undefined;
      c.lru.get(k); // a hit, even of an expired entry, makes it the most recently used
      if (e.expire >= 0 && e.expire < clock()) return [undefined, e.value, e.flags];
      return [e.value, undefined, e.flags];
    },
    set: (self: LuaValue, key: LuaValue, value: LuaValue, ttl?: LuaValue, flags?: LuaValue): LuaResult => {
      const c = cacheOf(self);
      const k = keyOf(c, key);
      let expire = -1;
      if (ttl !== undefined && ttl !== false) {
        const secs = toNumber(ttl);
        if (secs === undefined) throw new LuaError(where(1) + `attempt to perform arithmetic on local 'ttl' (a ${typeName(ttl)} value)`);
        expire = clock() + secs;
      }
      c.lru.set(k, { value, expire, flags: toFlags(flags) });
      return [];
    },
    delete: (self: LuaValue, key: LuaValue): LuaResult => {
      const c = cacheOf(self);
      return c.lru.delete(keyOf(c, key));
    },
    flush_all: (self: LuaValue): LuaResult => {
      cacheOf(self).lru.clear();
      return [];
    },
    get_keys: (self: LuaValue, maxCount?: LuaValue, res?: LuaValue): LuaResult => {
      const c = cacheOf(self);
      const max = typeof maxCount === "number" && maxCount !== 0 ? maxCount : c.lru.size;
      const out = res instanceof LuaTable ? res : new LuaTable();
      let i = 0;
      // keys() runs from the most to the least recently used, as the Lua queue does.
      for (const k of c.lru.keys()) {
        if (i >= max) break;
        i++;
        out.set(i, k);
      }
      out.set(i + 1, undefined); // the trailing hole that ends a reused res table
      return out;
    },
  }, { _VERSION: version });
  const mt = indexMeta(M);
  return M;
}

/** require "resty.lrucache" */
export function makeLrucache(): LuaTable {
  return makeModule("0.13", false);
}

/** require "resty.lrucache.pureffi": the same API; keys are compared as strings (tostring). */
export function makeLrucachePureffi(): LuaTable {
  return makeModule("0.13", true);
}
