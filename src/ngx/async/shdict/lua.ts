// ngx.shared.DICT: the Lua face of a zone. Arguments are checked and results shaped here
// as lua-resty-core's shdict.lua shapes them; the store (./store.ts) does the rest.
import { LuaTable } from "../../../lua/runtime/table.js";
import { luaError } from "../../../lua/runtime/error.js";
import { addressOf, numberToString, stringToNumber, typeName } from "../../../lua/runtime/convert.js";
import type { LuaFunction, LuaResult, LuaValue, Suspension } from "../../../lua/runtime/value.js";
import { MemoryStore } from "./memory.js";
import { RedisStore } from "./redis-store.js";
import { redisBackend } from "./redis-config.js";
import { ShError, type MaybePromise, type ShEntry, type ShValue, type ShdictStore, type StoreMode } from "./store.js";
import type { SharedDictZone } from "../host.js";
import { cachedNowMs } from "../../clock.js";

/** The table ngx.shared.NAME: a plain Lua table whose metatable holds the methods. */
export class ZoneTable extends LuaTable {
  /** For a store with a synchronous twin (Redis): the table plain (non-yielding) calls use. */
  twin: ZoneTable | undefined;
  constructor(readonly store: ShdictStore) {
    super();
  }
}

/** Makes the store of a zone; the default keeps it in this process. */
export type StoreFactory = (zone: SharedDictZone) => ShdictStore;

// Zones outlive a configuration: nginx keeps a zone's contents across a reload when its
// name and size are unchanged, so the stores are kept here by name.
const zones = new Map<string, ShdictStore & { size?: number }>();

export const memoryStoreFactory: StoreFactory = (z) =>
  z.redis !== undefined ? new RedisStore(z.name, z.size, z.redis) : new MemoryStore(z.name, z.size);

const backendOf = (s: ShdictStore): string | undefined => (s instanceof RedisStore ? s.backend : undefined);

/** The store for `zone`, reusing the one of a previous configuration with the same name, size and backend. */
export function zoneStore(zone: SharedDictZone, factory: StoreFactory = memoryStoreFactory): ShdictStore {
  const old = zones.get(zone.name);
  const backend = zone.redis === undefined ? undefined : redisBackend(zone.redis);
  if (old !== undefined && old.capacity() === zone.size && backendOf(old) === backend) return old;
  // A Redis zone (tsresty_shared_dict_redis) is one whatever the factory: a factory that
  // knows of Redis zones (memoryStoreFactory, or one falling back to it) may wrap it.
  let s = factory(zone);
  if (zone.redis !== undefined && !(s instanceof RedisStore)) s = new RedisStore(zone.name, zone.size, zone.redis);
  zones.set(zone.name, s);
  return s;
}

/** The smallest zone nginx accepts ("invalid lua shared dict size" below it). */
export const MIN_ZONE_SIZE = 8192;

type Res = LuaResult | Promise<LuaResult>;

function then<T>(r: MaybePromise<T>, f: (v: T) => LuaResult): Res {
  if (r instanceof Promise) {
    // The Promise a builtin yields must resolve: a failed store answers nil, err.
    return r.then(f, (e: unknown) => [undefined, e instanceof Error ? e.message : String(e)]);
  }
  return f(r);
}

function zoneOf(self: LuaValue): ShdictStore {
  if (self instanceof ZoneTable) return self.store;
  return luaError('bad "zone" argument');
}

const KEY_ERR_NIL: LuaValue[] = [undefined, "nil key"];
const KEY_ERR_EMPTY: LuaValue[] = [undefined, "empty key"];
const KEY_ERR_LONG: LuaValue[] = [undefined, "key too long"];

/** The key as a string, or the error result. resty.core takes tostring() of any non-nil key. */
function keyOf(k: LuaValue): string | LuaValue[] {
  let s: string;
  if (typeof k === "string") s = k;
  else if (k === undefined) return KEY_ERR_NIL;
  else if (typeof k === "number") s = numberToString(k);
  else if (typeof k === "boolean") s = k ? "true" : "false";
  else s = `${typeName(k)}: ${addressOf(k as object)}`;
  if (s.length === 0) return KEY_ERR_EMPTY;
  if (s.length > 65535) return KEY_ERR_LONG;
  return s;
}

function num(v: LuaValue): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string") return stringToNumber(v);
  return undefined;
}

/** exptime in seconds to ms, as nginx truncates it. */
function exptimeOf(v: LuaValue, what = "exptime"): number {
  if (v === undefined) return 0;
  const n = num(v);
  if (n === undefined) return luaError(`bad "${what}" argument`);
  if (n < 0) return luaError(`bad "${what}" argument`);
  return Math.floor(n * 1000);
}

/** User flags, converted to a C int as the FFI call converts them. */
function flagsOf(v: LuaValue): number {
  if (v === undefined) return 0;
  if (typeof v === "boolean") return luaError("attempt to compare boolean with number");
  const n = num(v);
  if (n === undefined) return luaError(`bad argument #5 to 'set' (number expected, got ${typeName(v)})`);
  const t = Math.trunc(n);
  return t >= -2147483648 && t <= 2147483647 ? t : -2147483648;
}

function valueResult(e: ShEntry | undefined, stale: boolean, now: number): LuaResult {
  if (e === undefined) return undefined;
  const expired = e.expires !== 0 && e.expires <= now;
  if (typeof e.value === "object") return [undefined, "value is a list"];
  if (stale) return [e.value, e.flags === 0 ? undefined : e.flags, expired];
  if (expired) return undefined;
  return e.flags === 0 ? e.value : [e.value, e.flags];
}

function errResult(e: ShError): LuaValue[] {
  return [undefined, e.msg];
}

function storeMethod(mode: StoreMode, safe: boolean): (self: LuaValue, key: LuaValue, value: LuaValue, exptime: LuaValue, flags: LuaValue) => Res {
  return (self, key, value, exptime, flags) => {
    const store = zoneOf(self);
    const k = keyOf(key);
    if (typeof k !== "string") return k;
    const t = typeof value;
    if (t !== "string" && t !== "number" && t !== "boolean" && value !== undefined) return [undefined, "bad value type"];
    const ttl = exptimeOf(exptime);
    const fl = flagsOf(flags);
    return then(store.store(mode, k, value as ShValue | undefined, ttl, fl, safe), (r) =>
      r.err === undefined ? [true, undefined, r.forcible] : [false, r.err.msg, r.forcible]);
  };
}

const methods: Record<string, (...a: LuaValue[]) => Res> = {
  get(self, key) {
    const store = zoneOf(self);
    const k = keyOf(key);
    if (typeof k !== "string") return k;
    return then(store.get(k), (e) => valueResult(e, false, cachedNowMs()));
  },
  get_stale(self, key) {
    const store = zoneOf(self);
    const k = keyOf(key);
    if (typeof k !== "string") return k;
    return then(store.get(k), (e) => valueResult(e, true, cachedNowMs()));
  },
  set: storeMethod("set", false),
  safe_set: storeMethod("set", true),
  add: storeMethod("add", false),
  safe_add: storeMethod("add", true),
  replace: storeMethod("replace", false),
  delete(self, key) {
    const store = zoneOf(self);
    const k = keyOf(key);
    if (typeof k !== "string") return k;
    // set(key, nil): a store that can fail (Redis) answers false, err as set does
    return then(store.store("set", k, undefined, 0, 0, false), (r) => (r.err === undefined ? [true, undefined, false] : [false, r.err.msg, false]));
  },
  incr(self, key, value, init, initTtl) {
    const store = zoneOf(self);
    const k = keyOf(key);
    if (typeof k !== "string") return k;
    const delta = num(value);
    if (delta === undefined) return luaError(`cannot convert '${typeName(value)}' to 'double'`);
    let initN: number | undefined;
    if (init !== undefined) {
      initN = num(init);
      if (initN === undefined) return luaError(`cannot convert '${typeName(init)}' to 'double'`);
    }
    let ttl = 0;
    if (initTtl !== undefined) {
      if (init === undefined) return luaError('must provide "init" when providing "init_ttl"');
      ttl = exptimeOf(initTtl, "init_ttl");
    }
    return then(store.incr(k, delta, initN, ttl), (r) => {
      if (r.err !== undefined) return init === undefined ? errResult(r.err) : [undefined, r.err.msg, r.forcible];
      return init === undefined ? r.value : [r.value, undefined, r.forcible];
    });
  },
  lpush(self, key, value) {
    return push(self, key, value, true);
  },
  rpush(self, key, value) {
    return push(self, key, value, false);
  },
  lpop(self, key) {
    return pop(self, key, true);
  },
  rpop(self, key) {
    return pop(self, key, false);
  },
  llen(self, key) {
    const store = zoneOf(self);
    const k = keyOf(key);
    if (typeof k !== "string") return k;
    return then(store.llen(k), (r) => (r instanceof ShError ? errResult(r) : r));
  },
  ttl(self, key) {
    const store = zoneOf(self);
    const k = keyOf(key);
    if (typeof k !== "string") return k;
    return then(store.ttl(k), (r) => (r instanceof ShError ? errResult(r) : r / 1000));
  },
  expire(self, key, exptime) {
    const store = zoneOf(self);
    const k = keyOf(key);
    if (typeof k !== "string") return k;
    if (exptime === undefined) return luaError('bad "exptime" argument');
    const n = num(exptime);
    if (n === undefined) return luaError('bad "exptime" argument');
    return then(store.expire(k, Math.floor(n * 1000)), (r) => (r instanceof ShError ? errResult(r) : true));
  },
  flush_all(self) {
    return then(zoneOf(self).flushAll(), () => []);
  },
  flush_expired(self, max) {
    const store = zoneOf(self);
    const m = max === undefined ? 0 : num(max);
    if (m === undefined) return luaError(`bad argument #1 to 'flush_expired' (number expected, got ${typeName(max)})`);
    return then(store.flushExpired(m > 0 ? Math.floor(m) : 0), (n) => n);
  },
  get_keys(self, max) {
    const store = zoneOf(self);
    const m = max === undefined ? 1024 : num(max);
    if (m === undefined) return luaError(`bad argument #1 to 'get_keys' (number expected, got ${typeName(max)})`);
    return then(store.keys(m > 0 ? Math.floor(m) : 0), (ks) => new LuaTable(ks));
  },
  capacity(self) {
    return zoneOf(self).capacity();
  },
  free_space(self) {
    return then(zoneOf(self).freeSpace(), (n) => n);
  },
};

function push(self: LuaValue, key: LuaValue, value: LuaValue, left: boolean): Res {
  const store = zoneOf(self);
  const k = keyOf(key);
  if (typeof k !== "string") return k;
  if (typeof value !== "string" && typeof value !== "number") return [undefined, "bad value type"];
  return then(store.push(k, value, left), (r) => (r instanceof ShError ? errResult(r) : r));
}

function pop(self: LuaValue, key: LuaValue, left: boolean): Res {
  const store = zoneOf(self);
  const k = keyOf(key);
  if (typeof k !== "string") return k;
  return then(store.pop(k, left), (r) => (r instanceof ShError ? errResult(r) : r));
}

function yieldError(): never {
  return luaError("attempt to yield across C-call boundary");
}

/** A plain call on a zone with a synchronous twin: the twin answers, its failures are nil, err. */
function blockingCall(impl: (...a: LuaValue[]) => Res, a: LuaValue[]): LuaResult {
  const z = a[0];
  if (z instanceof ZoneTable && z.twin !== undefined) a[0] = z.twin;
  try {
    const r = impl(...a);
    return r instanceof Promise ? yieldError() : r;
  } catch (e) {
    if (e instanceof ShError) return [undefined, e.msg];
    throw e;
  }
}

type Kind = "sync" | "async" | "hybrid";

/**
 * The method table for synchronous stores (plain forms only), asynchronous ones, and
 * asynchronous ones with a synchronous twin (plain forms call the twin).
 */
function methodTable(kind: Kind): LuaTable {
  const async = kind !== "sync";
  const t = new LuaTable();
  for (const [name, impl] of Object.entries(methods)) {
    const plain = (kind === "hybrid"
      ? (...a: LuaValue[]): LuaResult => blockingCall(impl, a)
      : (...a: LuaValue[]): LuaResult => {
        const r = impl(...a);
        return r instanceof Promise ? yieldError() : r;
      }) as LuaFunction;
    plain.$name = name;
    if (async) {
      plain.$g = function* (...a: LuaValue[]): Generator<Suspension, LuaResult, unknown> {
        const r = impl(...a);
        if (r instanceof Promise) return (yield r) as LuaResult;
        return r;
      };
    }
    t.setStr(name, plain);
  }
  return t;
}

const metatables = new Map<Kind, LuaTable>();

function metatable(kind: Kind): LuaTable {
  let mt = metatables.get(kind);
  if (mt === undefined) {
    mt = new LuaTable();
    mt.setStr("__index", methodTable(kind));
    metatables.set(kind, mt);
  }
  return mt;
}

/** The synchronous twin of a store, if it has one (a Redis zone's blocking store). */
function twinOf(s: ShdictStore): ShdictStore | undefined {
  return (s as { readonly blocking?: ShdictStore }).blocking;
}

/** The ngx.shared table for a configuration's zones. */
export function sharedTable(defs: readonly SharedDictZone[], factory?: StoreFactory): LuaTable {
  const shared = new LuaTable();
  for (const z of defs) {
    const store = zoneStore(z, factory);
    const zt = new ZoneTable(store);
    const twin = twinOf(store);
    if (twin !== undefined) zt.twin = new ZoneTable(twin);
    zt.mt = metatable(twin !== undefined ? "hybrid" : store.async ? "async" : "sync");
    shared.setStr(z.name, zt);
  }
  return shared;
}

/** Parse `lua_shared_dict`'s size ("10m", "512k", "8192"); undefined when invalid or under 8k. */
export function parseZoneSize(s: string): number | undefined {
  const m = /^(\d+)([kKmMgG]?)$/.exec(s);
  if (m === null) return undefined;
  const mult = { "": 1, k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 }[m[2]!.toLowerCase()]!;
  const n = Number(m[1]) * mult;
  return n >= MIN_ZONE_SIZE ? n : undefined;
}
