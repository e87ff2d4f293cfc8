// The Redis side of a Redis-backed zone (docs/redis-zone.md): each shdict operation as one
// atomic Redis command or script, run by the helper thread (./redis-worker.ts) over its own
// ioredis connection. Operations and replies are plain data, so that they cross the thread
// boundary by structured clone. Keys and values are latin1 byte strings; they become
// Buffers only at the ioredis call.
import type { Redis as RedisClient, RedisOptions } from "ioredis";
import { lazyRequire } from "../../../lazy-require.js";
import type { RedisZoneConf } from "./redis-config.js";
import type { StoreMode } from "./store.js";

type RedisCtor = new (url: string, opts: RedisOptions) => RedisClient;
/** ioredis, loaded by the helper thread as it starts (see redis-worker.ts). */
export const ioredis = lazyRequire<{ default: RedisCtor }>("ioredis");

/** One shdict operation on a zone's key (values already encoded by ./redis-codec.ts). */
export type RedisOp =
  | { readonly op: "get"; readonly key: string }
  | { readonly op: "store"; readonly mode: StoreMode; readonly key: string; readonly value: string | null; readonly ttl: number }
  | { readonly op: "incr"; readonly key: string; readonly delta: string; readonly init: string | null; readonly ttl: number }
  | { readonly op: "push"; readonly key: string; readonly value: string; readonly left: boolean }
  | { readonly op: "pop"; readonly key: string; readonly left: boolean }
  | { readonly op: "llen"; readonly key: string }
  | { readonly op: "ttl"; readonly key: string }
  | { readonly op: "expire"; readonly key: string; readonly ttl: number }
  | { readonly op: "flushAll" }
  | { readonly op: "keys"; readonly max: number }
  | { readonly op: "memory" };

/**
 * What an operation answers: a shdict-level failure is `{ e: "not found" }` (and the like);
 * a network or server failure is an exception (see netError).
 */
export type RedisReply = string | number | boolean | null | readonly string[] | { readonly e: string };

// incr in one step: type check, init with its ttl, or add to the number keeping flags and
// TTL. Numbers are written with %.17g, which reads back to the same double.
const INCR = `
local t = redis.call('TYPE', KEYS[1]).ok
if t == 'none' then
  if ARGV[2] == '' then return {0, 'not found'} end
  local s = string.format('%.17g', tonumber(ARGV[2]) + tonumber(ARGV[1]))
  if tonumber(ARGV[3]) > 0 then redis.call('SET', KEYS[1], 'n0:' .. s, 'PX', ARGV[3])
  else redis.call('SET', KEYS[1], 'n0:' .. s) end
  return {1, s}
end
if t ~= 'string' then return {0, 'not a number'} end
local cur = redis.call('GET', KEYS[1])
if string.sub(cur, 1, 1) ~= 'n' then return {0, 'not a number'} end
local c = string.find(cur, ':', 1, true)
local s = string.format('%.17g', tonumber(string.sub(cur, c + 1)) + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], string.sub(cur, 1, c) .. s, 'KEEPTTL')
return {1, s}
`;

// expire: PEXPIRE, or PERSIST for 0 (which answers 0 for a key without a TTL, so the
// existence is checked first).
const EXPIRE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if tonumber(ARGV[1]) == 0 then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1
`;

interface Scripted {
  shIncr(key: Buffer, delta: string, init: string, ttl: number): Promise<[number, string]>;
  shExpire(key: Buffer, ttl: number): Promise<number>;
}

/** The error text a Lua caller gets for a failure of the connection or the server. */
export function netError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const msg = err.message ?? String(e);
  if (err.code === "ECONNREFUSED" || msg.includes("ECONNREFUSED")) return "connection refused";
  if (err.code === "ETIMEDOUT" || /timed out|ETIMEDOUT/.test(msg)) return "timeout";
  if (msg.startsWith("OOM ")) return "no memory";
  if (/Connection is closed|Stream isn't writeable|ECONNRESET|EPIPE/.test(msg)) return "closed";
  return msg;
}

const isWrongType = (e: unknown): boolean => (e as Error).message?.startsWith("WRONGTYPE") === true;

/** SCAN's pattern for the keys starting with `prefix` (glob characters escaped). */
function scanPattern(prefix: string): Buffer {
  return Buffer.from(prefix.replace(/[*?[\]\\]/g, "\\$&") + "*", "latin1");
}

/** One SCAN step over the zone's keys (binary-safe: the pattern goes as bytes). */
async function scan(c: RedisClient, cursor: string, prefix: string): Promise<[string, Buffer[]]> {
  const [next, keys] = (await c.callBuffer("SCAN", cursor, "MATCH", scanPattern(prefix), "COUNT", "1000")) as [Buffer, Buffer[]];
  return [next.toString(), keys];
}

/** One Redis server as a zone's helper thread talks to it; connects on demand. */
export class RedisLink {
  private readonly client: RedisClient & Scripted;
  private connecting: Promise<void> | undefined;
  /** The socket's own error (ECONNREFUSED...): connect() itself only says "Connection is closed." */
  private lastError: unknown;

  constructor(conf: RedisZoneConf) {
    const Redis = ioredis().default;
    // No offline queue and no reconnect loop: an operation while the server is away fails
    // at once (the next one tries to connect again), instead of waiting for it to return.
    const c = new Redis(conf.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: conf.timeout,
      commandTimeout: conf.timeout,
    });
    c.on("error", (e: unknown) => {
      // kept for the operation that meets the failure (see ready)
      this.lastError = e;
    });
    c.defineCommand("shIncr", { numberOfKeys: 1, lua: INCR });
    c.defineCommand("shExpire", { numberOfKeys: 1, lua: EXPIRE });
    this.client = c as RedisClient & Scripted;
  }

  private async ready(): Promise<RedisClient & Scripted> {
    const c = this.client;
    if (c.status === "ready") return c;
    this.connecting ??= (async () => {
      this.lastError = undefined;
      try {
        await c.connect();
      } catch (e) {
        throw this.lastError ?? e;
      } finally {
        this.connecting = undefined;
      }
    })();
    await this.connecting;
    return c;
  }

  /** Run `op` on the zone under `prefix`; throws on a network or server failure. */
  async run(prefix: string, op: RedisOp): Promise<RedisReply> {
    const c = await this.ready();
    const k = (key: string): Buffer => Buffer.from(prefix + key, "latin1");
    const str = (b: Buffer | null): string | null => (b === null ? null : b.toString("latin1"));
    switch (op.op) {
      case "get":
        try {
          return str(await c.getBuffer(k(op.key)));
        } catch (e) {
          if (isWrongType(e)) return true; // a list
          throw e;
        }
      case "store": {
        const key = k(op.key);
        if (op.value === null) {
          await c.del(key);
          return "ok";
        }
        const v = Buffer.from(op.value, "latin1");
        const cond = op.mode === "add" ? "NX" : op.mode === "replace" ? "XX" : undefined;
        const args: (string | number)[] = op.ttl > 0 ? ["PX", op.ttl] : [];
        if (cond !== undefined) args.push(cond);
        const r = await c.call("SET", key, v, ...args);
        if (r !== null) return "ok";
        return op.mode === "add" ? "exists" : "not found";
      }
      case "incr": {
        const [ok, s] = await c.shIncr(k(op.key), op.delta, op.init ?? "", op.ttl);
        return ok === 1 ? s : { e: s };
      }
      case "push":
        try {
          const v = Buffer.from(op.value, "latin1");
          return await (op.left ? c.lpush(k(op.key), v) : c.rpush(k(op.key), v));
        } catch (e) {
          if (isWrongType(e)) return { e: "value not a list" };
          throw e;
        }
      case "pop":
        try {
          return str(await (op.left ? c.lpopBuffer(k(op.key)) : c.rpopBuffer(k(op.key))));
        } catch (e) {
          if (isWrongType(e)) return { e: "value not a list" };
          throw e;
        }
      case "llen":
        try {
          return await c.llen(k(op.key));
        } catch (e) {
          if (isWrongType(e)) return { e: "value not a list" };
          throw e;
        }
      case "ttl": {
        const t = await c.pttl(k(op.key));
        return t === -2 ? { e: "not found" } : t === -1 ? 0 : t;
      }
      case "expire":
        return (await c.shExpire(k(op.key), op.ttl)) === 1 ? true : { e: "not found" };
      case "flushAll": {
        // SCAN and UNLINK in batches: only this zone's keys, not atomic as a whole.
        let cursor = "0";
        let n = 0;
        do {
          const [next, keys] = await scan(c, cursor, prefix);
          cursor = next;
          if (keys.length > 0) n += await c.unlink(...keys);
        } while (cursor !== "0");
        return n;
      }
      case "keys": {
        // SCAN may return a key twice: a Set keeps each once.
        const out = new Set<string>();
        let cursor = "0";
        do {
          const [next, keys] = await scan(c, cursor, prefix);
          cursor = next;
          for (const key of keys) {
            out.add(key.toString("latin1").slice(prefix.length));
            if (op.max > 0 && out.size >= op.max) return [...out];
          }
        } while (cursor !== "0");
        return [...out];
      }
      case "memory": {
        const info = await c.info("memory");
        const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1] ?? 0);
        return [String(field("maxmemory")), String(field("used_memory"))];
      }
    }
  }
}
