// A `lua_shared_dict` zone kept in Redis (tsresty_shared_dict_redis; docs/redis-zone.md).
// RedisStore is asynchronous: Lua code that can yield waits for the reply on the event
// loop. Its `blocking` twin answers the same operations synchronously through the helper
// thread (Atomics.wait), for Lua code that cannot yield: the binding (./lua.ts) gives
// plain calls the twin and generator calls this store, so the zone works in every phase.
import { redisHelper, type RedisHelper } from "./redis-helper.js";
import type { RedisOp, RedisReply } from "./redis-ops.js";
import type { HelperReply } from "./redis-worker.js";
import { redisBackend, type RedisZoneConf } from "./redis-config.js";
import { decodeNumber, decodeValue, encodeNumber, encodeValue } from "./redis-codec.js";
import {
  EXISTS, NOT_A_LIST, NOT_A_NUMBER, NOT_FOUND, NO_MEMORY, ShError,
  type MaybePromise, type ShEntry, type ShIncrResult, type ShStoreResult, type ShValue, type ShdictStore, type StoreMode,
} from "./store.js";

const OK: ShStoreResult = Object.freeze({ err: undefined, forcible: false });
const KNOWN: Record<string, ShError> = {
  "not found": NOT_FOUND, exists: EXISTS, "no memory": NO_MEMORY, "not a number": NOT_A_NUMBER, "value not a list": NOT_A_LIST,
};
const shError = (msg: string): ShError => KNOWN[msg] ?? new ShError(msg);
const LIST: ShEntry = Object.freeze({ value: Object.freeze([]) as readonly ShValue[], flags: 0, expires: 0 });

function isErr(v: RedisReply | undefined): v is { readonly e: string } {
  return typeof v === "object" && v !== null && "e" in v;
}

/** A failure with no place in a method's result: thrown by the blocking twin, a rejection for the async store. */
export class RedisZoneFailure extends ShError {}

export class RedisStore implements ShdictStore {
  readonly async: boolean;
  /** The synchronous twin (undefined on the twin itself). */
  readonly blocking: RedisStore | undefined;
  /** What the zone cache compares across reloads: the same server and prefix keep the store. */
  readonly backend: string;
  private readonly helper: RedisHelper;
  private readonly zone: number;
  /** How long a blocking call waits at most: a connect and a command. */
  private readonly waitMs: number;

  constructor(readonly name: string, readonly size: number, readonly conf: RedisZoneConf, twinOf?: RedisStore) {
    this.backend = redisBackend(conf);
    this.waitMs = 2 * conf.timeout + 100;
    if (twinOf !== undefined) {
      this.async = false;
      this.blocking = undefined;
      this.helper = twinOf.helper;
      this.zone = twinOf.zone;
    } else {
      this.async = true;
      this.helper = redisHelper();
      this.zone = this.helper.zone(conf);
      this.blocking = new RedisStore(name, size, conf, this);
    }
  }

  /**
   * Run `op` and shape its reply with `ok`; a network failure goes to `fail` when the
   * method has a place for an error, else it is thrown (blocking) or rejected (async).
   */
  private run<T>(op: RedisOp, ok: (v: RedisReply) => T, fail?: (msg: string) => T): MaybePromise<T> {
    const settle = (r: HelperReply): T => {
      if (r.err === undefined) return ok(r.v ?? null);
      if (fail !== undefined) return fail(r.err);
      throw new RedisZoneFailure(r.err);
    };
    if (!this.async) return settle(this.helper.callSync(this.zone, op, this.waitMs));
    return this.helper.call(this.zone, op).then((r) => {
      try {
        return settle(r);
      } catch (e) {
        // the binding turns a rejection's message into nil, err
        throw new Error((e as ShError).msg);
      }
    });
  }

  get(key: string): MaybePromise<ShEntry | undefined> {
    return this.run({ op: "get", key }, (v) => {
      if (v === null) return undefined;
      if (v === true) return LIST;
      const d = decodeValue(v as string);
      return { value: d.value, flags: d.flags, expires: 0 };
    });
  }

  store(mode: StoreMode, key: string, value: ShValue | undefined, ttl: number, flags: number, _safe: boolean): MaybePromise<ShStoreResult> {
    // A negative ttl cannot reach here (the binding refuses it); Redis evicts by its own policy, never "forcible".
    const op: RedisOp = { op: "store", mode, key, value: value === undefined ? null : encodeValue(value, flags), ttl };
    return this.run(op, (v) => (v === "ok" ? OK : { err: shError(v as string), forcible: false }),
      (msg) => ({ err: shError(msg), forcible: false }));
  }

  incr(key: string, delta: number, init: number | undefined, initTtl: number): MaybePromise<ShIncrResult> {
    const op: RedisOp = { op: "incr", key, delta: encodeNumber(delta), init: init === undefined ? null : encodeNumber(init), ttl: initTtl };
    return this.run(op, (v) => (isErr(v) ? { value: undefined, err: shError(v.e), forcible: false } : { value: decodeNumber(v as string), err: undefined, forcible: false }),
      (msg) => ({ value: undefined, err: shError(msg), forcible: false }));
  }

  push(key: string, value: string | number, left: boolean): MaybePromise<number | ShError> {
    return this.run({ op: "push", key, value: encodeValue(value, 0), left }, (v) => (isErr(v) ? shError(v.e) : (v as number)), shError);
  }

  pop(key: string, left: boolean): MaybePromise<ShValue | undefined | ShError> {
    return this.run({ op: "pop", key, left }, (v) => (isErr(v) ? shError(v.e) : v === null ? undefined : decodeValue(v as string).value), shError);
  }

  llen(key: string): MaybePromise<number | ShError> {
    return this.run({ op: "llen", key }, (v) => (isErr(v) ? shError(v.e) : (v as number)), shError);
  }

  ttl(key: string): MaybePromise<number | ShError> {
    return this.run({ op: "ttl", key }, (v) => (isErr(v) ? shError(v.e) : (v as number)), shError);
  }

  expire(key: string, ttl: number): MaybePromise<true | ShError> {
    return this.run({ op: "expire", key, ttl }, (v) => (isErr(v) ? shError(v.e) : true), shError);
  }

  flushAll(): MaybePromise<void> {
    return this.run({ op: "flushAll" }, () => undefined);
  }

  flushExpired(_max: number): number {
    // Redis removes expired keys itself: none is ever left for flush_expired.
    return 0;
  }

  keys(max: number): MaybePromise<string[]> {
    return this.run({ op: "keys", max }, (v) => [...(v as readonly string[])]);
  }

  capacity(): number {
    return this.size;
  }

  /** Room left under the Redis server's maxmemory; the zone's size when the server has no limit. */
  freeSpace(): MaybePromise<number> {
    return this.run({ op: "memory" }, (v) => {
      const [max, used] = (v as readonly string[]).map(Number) as [number, number];
      return max > 0 ? Math.max(0, max - used) : this.size;
    });
  }
}
