// The libraries tsresty bundles: module name -> loader returning the module's value, as
// package.preload entries. Each Lua state calls a loader at most once (require caches it),
// so every state gets its own module tables and configuration.
import type { LuaValue } from "../lua/runtime/value.js";
import { makeCjson } from "./cjson.js";
import { makeLrucache, makeLrucachePureffi } from "./resty/lrucache.js";

export const bundledModules: Record<string, () => LuaValue> = {
  "cjson": () => makeCjson(false),
  "cjson.safe": () => makeCjson(true),
  "resty.lrucache": makeLrucache,
  "resty.lrucache.pureffi": makeLrucachePureffi,
};
