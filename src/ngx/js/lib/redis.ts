// `import Redis from "tsresty/resty/redis"`: lua-resty-redis's API (src/lib/resty/redis.ts)
// for TypeScript. Every method of the Lua object is a method here, every Redis command too
// (`red.hget(...)`); methods that wait in Lua return Promises of `[result, err]`.
import { makeRedisModule } from "../../../lib/resty/redis.js";
import { luaClass } from "../lua-object.js";
import type { Err } from "../types.js";

/** A reply: a string, a number, an array of replies, or null (Redis nil: ngx.null). */
export type Reply = string | number | null | Reply[];

/** Methods whose one result comes back alone rather than as a tuple. */
const SINGLE = new Set(["array_to_hash"]);

/** The methods of lua-resty-redis, with their result shapes. */
export interface RedisMethods {
  set_timeout(ms: number): [ok: 1 | null, err: Err];
  set_timeouts(connect: number, send: number, read: number): [ok: 1 | null, err: Err];
  connect(host: string, port?: number | Record<string, unknown>, options?: Record<string, unknown>): Promise<[ok: 1 | null, err: Err]>;
  set_keepalive(max_idle_timeout?: number, pool_size?: number): [ok: 1 | null, err: Err];
  get_reused_times(): [count: number | null, err: Err];
  close(): [ok: 1 | null, err: Err];
  init_pipeline(n?: number): [ok: 1 | null, err: Err];
  cancel_pipeline(): [ok: 1 | null, err: Err];
  commit_pipeline(): Promise<[replies: Reply[] | null, err: Err]>;
  read_reply(): Promise<[reply: Reply, err: Err]>;
  hmset(key: string, ...fieldsAndValues: unknown[]): Promise<[reply: Reply, err: Err]>;
  array_to_hash(a: Reply[]): Record<string, Reply>;
}

/** Any Redis command: `red.get("k")`, `red.hset("h", "f", "v")`... */
export type RedisCommands = { [command: string]: (...args: unknown[]) => Promise<[reply: Reply, err: Err]> };

export type Redis = RedisMethods & Omit<RedisCommands, keyof RedisMethods>;

/** new Redis(): redis:new() (in a request or timer, or in a plain Node.js script). */
const Redis = luaClass<Redis>("redis", makeRedisModule, SINGLE);

export { Redis };
export default Redis;
