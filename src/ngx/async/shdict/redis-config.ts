// `tsresty_shared_dict_redis ZONE URL [prefix=P] [timeout=MS];` — tsresty's own directive
// (the reference nginx rejects it as an unknown directive): the `lua_shared_dict` zone
// ZONE keeps its entries in a Redis server, so that several tsresty instances share it.
// The zone must also be declared by `lua_shared_dict` (its size is what capacity() says).

/** Where a zone's entries live in Redis. */
export interface RedisZoneConf {
  /** redis://[:password@]host[:port][/db] or rediss:// (TLS), as ioredis reads it. */
  readonly url: string;
  /** Prepended to every key of the zone (default "tsresty:shdict:ZONE:"). */
  readonly prefix: string;
  /** Connect and command timeout in ms (default 1000). */
  readonly timeout: number;
}

export const DEFAULT_REDIS_TIMEOUT = 1000;

/** What tells two Redis zones apart: a zone reloaded with the same one keeps its store. */
export function redisBackend(conf: RedisZoneConf): string {
  return `${conf.url} ${conf.prefix} ${conf.timeout}`;
}

/** The directive's arguments as a zone name and its conf, or the error message nginx-style. */
export function parseRedisZoneArgs(args: readonly string[], directive: string): { zone: string; conf: RedisZoneConf } | string {
  const [zone, url, ...opts] = args;
  if (zone === undefined || url === undefined) return `invalid number of arguments in "${directive}" directive`;
  if (!/^rediss?:\/\/[^/\s]+(\/\d+)?$/.test(url)) return `invalid redis url "${url}" in "${directive}" directive`;
  let prefix = `tsresty:shdict:${zone}:`;
  let timeout = DEFAULT_REDIS_TIMEOUT;
  for (const o of opts) {
    // An empty prefix would make the zone the whole database (flush_all would empty it).
    if (o.startsWith("prefix=") && o.length > 7) prefix = o.slice(7);
    else if (/^timeout=\d+(ms|s)?$/.test(o)) {
      const m = /^timeout=(\d+)(ms|s)?$/.exec(o)!;
      timeout = Number(m[1]) * (m[2] === "s" ? 1000 : 1);
    } else return `invalid parameter "${o}" in "${directive}" directive`;
  }
  if (timeout <= 0) return `invalid parameter "timeout=0" in "${directive}" directive`;
  return { zone, conf: { url, prefix, timeout } };
}

/** One `tsresty_shared_dict_redis` directive, with where it stands for error messages. */
export interface RedisZoneDecl {
  readonly zone: string;
  readonly conf: RedisZoneConf;
  readonly file?: string;
  readonly line?: number;
}

/**
 * The `lua_shared_dict` zones with the Redis ones marked. A Redis zone that no
 * `lua_shared_dict` declares is an error, given to `fail` (which throws).
 */
export function withRedisZones<Z extends { readonly name: string; readonly size: number }>(
  dicts: readonly Z[], decls: readonly RedisZoneDecl[],
  fail: (msg: string, file?: string, line?: number) => never,
): (Z | (Z & { readonly redis: RedisZoneConf }))[] {
  if (decls.length === 0) return [...dicts];
  const byZone = new Map(decls.map((d) => [d.zone, d]));
  for (const d of decls) {
    if (!dicts.some((z) => z.name === d.zone)) fail(`tsresty_shared_dict_redis: no lua_shared_dict "${d.zone}"`, d.file, d.line);
  }
  return dicts.map((z) => {
    const d = byZone.get(z.name);
    return d === undefined ? z : { ...z, redis: d.conf };
  });
}
