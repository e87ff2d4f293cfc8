// Dependencies that only some programs use (ioredis, mysql2, jose: 0.1-0.6 s each to load) are
// required on first use, so that `tsresty run` and servers that never talk to Redis, MySQL
// or HTTP peers do not pay for them at startup. ioredis and mysql2 are CommonJS; jose is an ES module (Node 20.19+ requires those synchronously).
import { createRequire } from "node:module";

const requireDep = createRequire(import.meta.url);

/** A function returning the package, loaded on its first call. */
export function lazyRequire<T>(name: string): () => T {
  let m: T | undefined;
  return () => (m ??= requireDep(name) as T);
}
