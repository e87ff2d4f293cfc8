// Dependencies that only some programs use (ioredis, mysql2, undici: 0.2 s each to load) are
// required on first use, so that `tsresty run` and servers that never talk to Redis, MySQL
// or HTTP peers do not pay for them at startup. All three are CommonJS packages.
import { createRequire } from "node:module";

const requireDep = createRequire(import.meta.url);

/** A function returning the package, loaded on its first call. */
export function lazyRequire<T>(name: string): () => T {
  let m: T | undefined;
  return () => (m ??= requireDep(name) as T);
}
