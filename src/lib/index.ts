// The libraries tsresty bundles: module name -> loader returning the module's value, as
// package.preload entries. Each Lua state calls a loader at most once (require caches it),
// so every state gets its own module tables and configuration.
import { makeCjson } from "./cjson.js";
import { makeLrucache, makeLrucachePureffi } from "./resty/lrucache.js";
import { makeDigestModule, makeRestyRandom, makeRestyString } from "./resty/string.js";
import { makeRestyAes } from "./resty/aes.js";
import { makeJwt } from "./resty/jwt.js";
import { makeJwtValidators } from "./resty/jwt-validators.js";
import { makeLimitReq } from "./resty/limit-req.js";
import { makeLimitCount } from "./resty/limit-count.js";
import { makeLimitConn } from "./resty/limit-conn.js";
import { makeLimitTraffic } from "./resty/limit-traffic.js";
import { makeLock } from "./resty/lock.js";
import { makePrometheus } from "./prometheus.js";
import { restyCoreModules } from "./resty/core.js";
import { makeUpload } from "./resty/upload.js";
import { ngxCoreModules } from "./resty/core-ngx.js";
import { makeMysql } from "./resty/mysql.js";
import { makeRedisModule } from "./resty/redis.js";
import { makeRestyHttp } from "./resty/http.js";
import { makeHttpHeaders } from "./resty/http-headers.js";
import { moduleTable } from "./util.js";
import type { ModuleLoader } from "../lua/stdlib/package.js";

export const bundledModules: Record<string, ModuleLoader> = {
  "cjson": () => makeCjson(false),
  "cjson.safe": () => makeCjson(true),
  "resty.lrucache": makeLrucache,
  "resty.lrucache.pureffi": makeLrucachePureffi,
  "resty.string": makeRestyString,
  "resty.md5": () => makeDigestModule("md5"),
  "resty.sha": () => moduleTable({}, { _VERSION: "0.16" }),
  "resty.sha1": () => makeDigestModule("sha1"),
  "resty.sha224": () => makeDigestModule("sha224"),
  "resty.sha256": () => makeDigestModule("sha256"),
  "resty.sha384": () => makeDigestModule("sha384"),
  "resty.sha512": () => makeDigestModule("sha512"),
  "resty.random": makeRestyRandom,
  "resty.aes": makeRestyAes,
  "resty.jwt": makeJwt,
  "resty.jwt-validators": makeJwtValidators,
  "resty.http": makeRestyHttp,
  "resty.http_headers": makeHttpHeaders,
  "resty.redis": makeRedisModule,
  "resty.mysql": makeMysql,
  "prometheus": makePrometheus,
  ...restyCoreModules,
  "resty.upload": makeUpload,
  ...ngxCoreModules,
  "resty.limit.req": makeLimitReq,
  "resty.limit.count": makeLimitCount,
  "resty.limit.conn": makeLimitConn,
  "resty.limit.traffic": makeLimitTraffic,
  "resty.lock": makeLock,
};
