// lua_shared_dict zones under worker_processes N: the master creates each zone's memory once
// (a SharedArrayBuffer from "shared-store", src/ngx/async/shdict/shared-store.ts) and every
// thread, the master for init_by_lua and each worker, opens a synchronous store over it.
import type { HttpConfig } from "../config/model.js";
import type { ShdictStore, StoreFactory } from "../../ngx/async/index.js";
import { adoptLimitZones, limitZoneBuffer, limitZonesOf } from "../modules/limit-shared-zone.js";

export interface ZoneMemory {
  readonly name: string;
  readonly size: number;
  readonly sab: SharedArrayBuffer;
  /** limit_req_zone or limit_conn_zone memory (src/http/modules/limit-shared-zone.ts); absent for lua_shared_dict. */
  readonly kind?: "limit_req" | "limit_conn";
}

interface SharedStoreModule {
  createSharedZone(name: string, size: number): SharedArrayBuffer;
  SharedStore: new (name: string, size: number, sab: SharedArrayBuffer) => ShdictStore;
  /** Free a zone's lock if the thread `threadId` died holding it; true when it did. */
  forceUnlock(sab: SharedArrayBuffer, threadId: number): boolean;
}

let mod: SharedStoreModule | null | undefined;

/**
 * The shared store module, or undefined while it is not there (each worker then has its own
 * in-process zones, and the master says so once). A computed specifier: the build must not
 * depend on a colleague's file landing.
 */
export async function sharedStoreModule(): Promise<SharedStoreModule | undefined> {
  if (mod === undefined) {
    const spec = "../../ngx/async/shdict/shared-store.js";
    try {
      const m = (await import(spec)) as Partial<SharedStoreModule>;
      mod = typeof m.createSharedZone === "function" && typeof m.SharedStore === "function" && typeof m.forceUnlock === "function" ? (m as SharedStoreModule) : null;
    } catch {
      mod = null;
    }
  }
  return mod ?? undefined;
}

export function zonesOf(cfg: HttpConfig): { name: string; size: number }[] {
  const zones = (cfg.httpSettings.lua_shared_dict as { name: string; size: number }[] | undefined) ?? [];
  // Zones kept in Redis (tsresty_shared_dict_redis, docs/redis-zone.md) need no shared memory.
  const redis = new Set(((cfg.httpSettings.tsresty_shared_dict_redis as { zone: string }[] | undefined) ?? []).map((d) => d.zone));
  return redis.size === 0 ? zones : zones.filter((z) => !redis.has(z.name));
}

/** The master's zones by name: a zone keeps its memory across reloads while its size is the same, as nginx's. */
export class ZoneRegistry {
  private readonly zones = new Map<string, ZoneMemory>();

  constructor(private readonly m: SharedStoreModule) {}

  /**
   * ngx_unlock_mutexes: a worker that died holding a zone's lock must not block the others.
   * Returns the names of the zones it held.
   */
  unlockDead(threadId: number): string[] {
    const freed: string[] = [];
    for (const z of this.zones.values()) if (this.m.forceUnlock(z.sab, threadId)) freed.push(z.name);
    return freed;
  }

  memoryFor(cfg: HttpConfig): ZoneMemory[] {
    const dicts = zonesOf(cfg).map((z) => {
      const old = this.zones.get(z.name);
      if (old !== undefined && old.size === z.size) return old;
      const zm = { name: z.name, size: z.size, sab: this.m.createSharedZone(z.name, z.size) };
      this.zones.set(z.name, zm);
      return zm;
    });
    const limits = limitZonesOf(cfg).map((z) => {
      const id = z.kind + "\0" + z.name;
      const old = this.zones.get(id);
      if (old !== undefined && old.size === z.size) return old;
      // the buffer this thread's own configuration build made already, if any (no second copy)
      const zm: ZoneMemory = { name: z.name, size: z.size, kind: z.kind, sab: limitZoneBuffer(z.kind, z.name, z.size) };
      this.zones.set(id, zm);
      return zm;
    });
    return [...dicts, ...limits];
  }
}

/** A StoreFactory over zones' shared memory (a zone missing from `zones` stays in-process). */
export function sharedStoreFactory(m: SharedStoreModule, zones: readonly ZoneMemory[], fallback: StoreFactory): StoreFactory {
  // every thread that opens the dictionaries also counts limit_req/limit_conn in the master's zones
  adoptLimitZones(zones);
  const byName = new Map(zones.filter((z) => z.kind === undefined).map((z) => [z.name, z]));
  return (z) => {
    // a Redis zone (tsresty_shared_dict_redis) is shared through its server already
    if (z.redis !== undefined) return fallback(z);
    const zm = byName.get(z.name);
    return zm !== undefined && zm.size === z.size ? new m.SharedStore(z.name, z.size, zm.sab) : fallback(z);
  };
}

type Writer = "store" | "incr" | "push" | "pop" | "expire" | "flushAll" | "flushExpired";

/**
 * While a worker replays init_by_lua (to get its globals: the master already ran it for real),
 * writes to the zones must not happen a second time. The write methods are shadowed by
 * answers that leave the zone alone until `unmute()` removes the shadows: nothing stays on
 * the hot path afterwards.
 */
export class ReplayMute {
  private readonly muted: { store: ShdictStore; keys: Writer[] }[] = [];

  mute(s: ShdictStore): ShdictStore {
    const shadows: { [K in Writer]: ShdictStore[K] } = {
      store: () => ({ err: undefined, forcible: false }),
      incr: (key, delta, init) => {
        // the master's run already added: answer with the value it left
        const e = s.get(key) as ReturnType<ShdictStore["get"]>;
        const v = e instanceof Promise ? undefined : e?.value;
        return { value: typeof v === "number" ? v : init !== undefined ? init + delta : undefined, err: undefined, forcible: false };
      },
      push: (key) => s.llen(key),
      pop: () => undefined,
      expire: () => true,
      flushAll: () => undefined,
      flushExpired: () => 0,
    };
    const keys: Writer[] = [];
    const target = s as unknown as Record<string, unknown>;
    for (const k of Object.keys(shadows) as Writer[]) {
      if (Object.prototype.hasOwnProperty.call(s, k)) continue;
      target[k] = shadows[k];
      keys.push(k);
    }
    this.muted.push({ store: s, keys });
    // A Redis zone's synchronous twin answers the plain (non-yielding) calls of init_by_lua.
    const twin = (s as { readonly blocking?: ShdictStore }).blocking;
    if (twin !== undefined) this.mute(twin);
    return s;
  }

  unmute(): void {
    for (const { store, keys } of this.muted.splice(0)) {
      // Last added, first deleted: V8 then rolls the object's map back instead of turning it
      // into a dictionary, and the store's methods stay fast.
      for (let i = keys.length - 1; i >= 0; i--) delete (store as unknown as Record<string, unknown>)[keys[i]!];
    }
  }
}
