// The package's entry point for TypeScript handlers: `import type { Ngx } from "tsresty"`.
// Types only (nothing runs when it is imported); the bundled libraries are the subpaths
// `tsresty/cjson` and `tsresty/resty/redis`. See docs/typescript.md.
export type {
  Args, ArgValue, Bytes, CaptureOptions, CaptureResult, Captures, Err, Handler, Headers, Location, LuaLike, Ngx, OkErr,
  Re, RegexCtx, Req, Resp, SharedDict, Timer, Vars,
} from "./ngx/js/types.js";
export type { Json } from "./ngx/js/lib/cjson.js";
export type { Redis, Reply } from "./ngx/js/lib/redis.js";
