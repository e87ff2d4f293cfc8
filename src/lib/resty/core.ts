// resty.core and its resty.core.* modules (lua-resty-core 0.1.25). In OpenResty they replace
// ngx.* functions with FFI versions on require; tsresty's ngx table already is the API, so
// requiring them only has to succeed and return what code reads from them: versions, the
// FFI_* codes, new_tab/clear_tab, allows_subsystem, str_replace_char, get_ctx_table and the
// monotonic clock. The FFI internals (get_string_buf, the regex compiler, ...) are absent.
import { luaModule } from "../lua-module.js";
import { moduleTable } from "../util.js";
import type { LuaResult } from "../../lua/runtime/value.js";
import type { ModuleLoader } from "../../lua/stdlib/package.js";

const VERSION = "0.1.25";

const BASE = String.raw`
local _M = {
    version = "${VERSION}",
    new_tab = require "table.new",
    clear_tab = require "table.clear",
    FFI_OK = 0,
    FFI_NO_REQ_CTX = -100,
    FFI_BAD_CONTEXT = -101,
    FFI_ERROR = -1,
    FFI_AGAIN = -2,
    FFI_BUSY = -3,
    FFI_DONE = -4,
    FFI_DECLINED = -5,
}

-- returns nothing when the running subsystem (http) is among the arguments
function _M.allows_subsystem(...)
    for i = 1, select("#", ...) do
        if select(i, ...) == "http" then
            return
        end
    end
    error("unsupported subsystem: http", 2)
end

return _M
`;

const UTILS = String.raw`
local find, gsub = string.find, string.gsub
local _M = { version = "${VERSION}" }

-- every byte find in str becomes the byte replace
function _M.str_replace_char(str, find_char, replace)
    if not find(str, find_char, nil, true) then
        return str
    end
    -- as a pattern: punctuation escaped; in the replacement only % is special
    return (gsub(str, (gsub(find_char, "%W", "%%%0")), (gsub(replace, "%%", "%%%%"))))
end

return _M
`;

const CTX = String.raw`
local ngx = ngx
local _M = { _VERSION = "${VERSION}" }

-- the request's ngx.ctx; a table passed in becomes it when the request has none yet
function _M.get_ctx_table(ctx)
    if ctx ~= nil and next(ngx.ctx) == nil then
        ngx.ctx = ctx
    end
    return ngx.ctx
end

return _M
`;

const MISC = String.raw`
local _M = { _VERSION = "${VERSION}" }
local getters, setters = {}, {}

-- ngx.* fields backed by functions (OpenResty's own extension point): kept, not wired
function _M.register_ngx_magic_key_getter(key, func)
    getters[key] = func
end

function _M.register_ngx_magic_key_setter(key, func)
    setters[key] = func
end

return _M
`;

/** CLOCK_MONOTONIC in milliseconds. */
function monotonicMsec(): number {
  return Number(process.hrtime.bigint() / 1000000n);
}

const makeTime: ModuleLoader = () =>
  moduleTable({
    monotonic_msec: (): LuaResult => monotonicMsec(),
    monotonic_time: (): LuaResult => monotonicMsec() / 1000,
  }, { version: VERSION });

/** The modules that only carry a version. */
const VERSION_ONLY = ["base64", "coroutine", "exit", "hash", "ndk", "param", "phase", "regex",
  "request", "response", "shdict", "socket", "uri", "var"];

export const restyCoreModules: Record<string, ModuleLoader> = {
  "resty.core": () => moduleTable({}, { version: VERSION }),
  "resty.core.base": luaModule("resty.core.base", BASE),
  "resty.core.utils": luaModule("resty.core.utils", UTILS),
  "resty.core.ctx": luaModule("resty.core.ctx", CTX),
  "resty.core.misc": luaModule("resty.core.misc", MISC),
  "resty.core.time": makeTime,
  "resty.core.worker": () => moduleTable({}, { _VERSION: VERSION }),
  ...Object.fromEntries(VERSION_ONLY.map((n) => [`resty.core.${n}`, () => moduleTable({}, { version: VERSION })])),
};
