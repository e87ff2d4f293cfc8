// The package's entry point for TypeScript handlers: `import type { Ngx } from "tsresty"`.
// Types only (nothing runs when it is imported); the bundled libraries are the subpaths
// `tsresty/cjson`, `tsresty/resty/redis`, `tsresty/resty/mysql` and `tsresty/resty/http`.
// See docs/typescript.md.
export type {
  Args, ArgValue, Bytes, CaptureOptions, CaptureResult, Captures, Err, Handler, Headers, Location, LuaLike, Ngx, OkErr,
  Re, RegexCtx, Req, Resp, SharedDict, TcpSocket, Timer, UdpSocket, Vars,
} from "./ngx/js/types.js";
export type { Json } from "./ngx/js/lib/cjson.js";
export type { Redis, Reply } from "./ngx/js/lib/redis.js";
export type { MySQL, QueryResult, Row } from "./ngx/js/lib/mysql.js";
export type { Http, HttpResponse, RequestParams } from "./ngx/js/lib/http.js";
