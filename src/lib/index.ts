// The libraries tsresty bundles: module name -> loader returning the module's value, as
// package.preload entries. Each Lua state calls a loader at most once (require caches it),
// so every state gets its own module tables and configuration.
import { createRequire } from "node:module";
import { restyCoreModules } from "./resty/core.js";
import { ngxCoreModules } from "./resty/core-ngx.js";
import { moduleTable } from "./util.js";
import type { LuaTable } from "../lua/runtime/table.js";
import type { LuaValue } from "../lua/runtime/value.js";
import type { ModuleLoader } from "../lua/stdlib/package.js";

// Each library's code is loaded on its first require (synchronously: Node 20.19+ requires ES
// modules), so that a program pays only for what it uses: importing them all took 75-200 ms
// of every `tsresty run` and server start. resty.core's and ngx.*'s Lua sources are small and
// stay eager.
const load = createRequire(import.meta.url);
function lazy<M>(path: string, make: (m: M, G: LuaTable) => LuaValue): ModuleLoader {
  let m: M | undefined;
  return (G) => make((m ??= load(path) as M), G);
}
type Cjson = typeof import("./cjson.js");
type Lru = typeof import("./resty/lrucache.js");
type Str = typeof import("./resty/string.js");

export const bundledModules: Record<string, ModuleLoader> = {
  "cjson": lazy<Cjson>("./cjson.js", (m) => m.makeCjson(false)),
  "cjson.safe": lazy<Cjson>("./cjson.js", (m) => m.makeCjson(true)),
  "resty.lrucache": lazy<Lru>("./resty/lrucache.js", (m) => m.makeLrucache()),
  "resty.lrucache.pureffi": lazy<Lru>("./resty/lrucache.js", (m) => m.makeLrucachePureffi()),
  "resty.string": lazy<Str>("./resty/string.js", (m) => m.makeRestyString()),
  "resty.md5": lazy<Str>("./resty/string.js", (m) => m.makeDigestModule("md5")),
  "resty.sha": () => moduleTable({}, { _VERSION: "0.16" }),
  "resty.sha1": lazy<Str>("./resty/string.js", (m) => m.makeDigestModule("sha1")),
  "resty.sha224": lazy<Str>("./resty/string.js", (m) => m.makeDigestModule("sha224")),
  "resty.sha256": lazy<Str>("./resty/string.js", (m) => m.makeDigestModule("sha256")),
  "resty.sha384": lazy<Str>("./resty/string.js", (m) => m.makeDigestModule("sha384")),
  "resty.sha512": lazy<Str>("./resty/string.js", (m) => m.makeDigestModule("sha512")),
  "resty.random": lazy<Str>("./resty/string.js", (m) => m.makeRestyRandom()),
  "resty.aes": lazy<typeof import("./resty/aes.js")>("./resty/aes.js", (m) => m.makeRestyAes()),
  "resty.jwt": lazy<typeof import("./resty/jwt.js")>("./resty/jwt.js", (m) => m.makeJwt()),
  "resty.jwt-validators": lazy<typeof import("./resty/jwt-validators.js")>("./resty/jwt-validators.js", (m) => m.makeJwtValidators()),
  "resty.http": lazy<typeof import("./resty/http.js")>("./resty/http.js", (m) => m.makeRestyHttp()),
  "resty.http_headers": lazy<typeof import("./resty/http-headers.js")>("./resty/http-headers.js", (m) => m.makeHttpHeaders()),
  "resty.redis": lazy<typeof import("./resty/redis.js")>("./resty/redis.js", (m) => m.makeRedisModule()),
  "resty.mysql": lazy<typeof import("./resty/mysql.js")>("./resty/mysql.js", (m) => m.makeMysql()),
  "prometheus": lazy<typeof import("./prometheus.js")>("./prometheus.js", (m, G) => m.makePrometheus(G)),
  ...restyCoreModules,
  "resty.upload": lazy<typeof import("./resty/upload.js")>("./resty/upload.js", (m, G) => m.makeUpload(G)),
  ...ngxCoreModules,
  "resty.limit.req": lazy<typeof import("./resty/limit-req.js")>("./resty/limit-req.js", (m, G) => m.makeLimitReq(G)),
  "resty.limit.count": lazy<typeof import("./resty/limit-count.js")>("./resty/limit-count.js", (m, G) => m.makeLimitCount(G)),
  "resty.limit.conn": lazy<typeof import("./resty/limit-conn.js")>("./resty/limit-conn.js", (m, G) => m.makeLimitConn(G)),
  "resty.limit.traffic": lazy<typeof import("./resty/limit-traffic.js")>("./resty/limit-traffic.js", (m, G) => m.makeLimitTraffic(G)),
  "resty.lock": lazy<typeof import("./resty/lock.js")>("./resty/lock.js", (m, G) => m.makeLock(G)),
  "ngx.balancer": lazy<typeof import("../ngx/balancer.js")>("../ngx/balancer.js", (m) => m.makeBalancerModule()),
  "ngx.ssl": lazy<typeof import("../ngx/ssl.js")>("../ngx/ssl.js", (m) => m.makeSslModule()),
  "ngx.ssl.session": lazy<typeof import("../ngx/ssl-session.js")>("../ngx/ssl-session.js", (m) => m.makeSslSessionModule()),
  "ngx.ssl.clienthello": lazy<typeof import("../ngx/ssl-clienthello.js")>("../ngx/ssl-clienthello.js", (m) => m.makeClientHelloModule()),
  "ngx.errlog": lazy<typeof import("../ngx/errlog.js")>("../ngx/errlog.js", (m) => m.makeErrlogModule()),
};
