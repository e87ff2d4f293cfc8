// resty.limit.count (lua-resty-limit-traffic 0.09): a fixed window of `limit` requests per
// `window` seconds per key, GitHub's API rate limiting. The count goes down from limit in a
// shared dict entry that expires with the window (incr's init_ttl, ngx_lua >= 0.10.12).
import { luaModule } from "../lua-module.js";

const SOURCE = String.raw`
local ngx_shared = ngx.shared
local assert, setmetatable = assert, setmetatable

local _M = { _VERSION = "0.09" }
local mt = { __index = _M }

function _M.new(dict_name, limit, window)
    local dict = ngx_shared[dict_name]
    if not dict then
        return nil, "shared dict not found"
    end
    assert(limit > 0 and window > 0)
    return setmetatable({ dict = dict, limit = limit, window = window }, mt)
end

-- 0 and the requests left in the window, or nil, "rejected".
function _M.incoming(self, key, commit)
    local dict, limit = self.dict, self.limit
    local remaining, err
    if commit then
        remaining, err = dict:incr(key, -1, limit, self.window)
        if not remaining then
            return nil, err
        end
    else
        remaining = (dict:get(key) or limit) - 1
    end
    if remaining < 0 then
        return nil, "rejected"
    end
    return 0, remaining
end

-- gives the request back; the window may have ended since (then the count is full again).
function _M.uncommit(self, key)
    assert(key)
    local remaining, err = self.dict:incr(key, 1)
    if not remaining then
        if err ~= "not found" then
            return nil, err
        end
        remaining = self.limit
    end
    return remaining
end

return _M
`;

/** require "resty.limit.count" */
export const makeLimitCount = luaModule("resty.limit.count", SOURCE);
