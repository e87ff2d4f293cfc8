// resty.limit.req (lua-resty-limit-traffic 0.09): the leaky bucket of nginx's limit_req per
// key, in Lua over ngx.shared (see ../lua-module.ts for why Lua). Each key's state is the
// 16 bytes the original writes through the FFI: the excess in milli-requests as a C
// unsigned long, then the time in milliseconds as a uint64_t, both little-endian and
// truncated to integers as the C conversion truncates them.
import { luaModule } from "../lua-module.js";

const SOURCE = String.raw`
local ngx_shared = ngx.shared
local ngx_now = ngx.now
local abs, max, floor = math.abs, math.max, math.floor
local byte, char = string.byte, string.char
local type, assert, setmetatable = type, assert, setmetatable

local RECORD_SIZE = 16

-- 8 bytes, least significant first, of a non-negative integer below 2^53.
local function u64(n)
    local b1 = n % 256; n = (n - b1) / 256
    local b2 = n % 256; n = (n - b2) / 256
    local b3 = n % 256; n = (n - b3) / 256
    local b4 = n % 256; n = (n - b4) / 256
    local b5 = n % 256; n = (n - b5) / 256
    local b6 = n % 256; n = (n - b6) / 256
    local b7 = n % 256; n = (n - b7) / 256
    return char(b1, b2, b3, b4, b5, b6, b7, n % 256)
end

local function read_u64(s, at)
    local b1, b2, b3, b4, b5, b6, b7, b8 = byte(s, at, at + 7)
    return ((((((b8 * 256 + b7) * 256 + b6) * 256 + b5) * 256 + b4) * 256 + b3) * 256 + b2) * 256 + b1
end

local function encode(excess, last)
    return u64(floor(excess)) .. u64(floor(last))
end

local _M = { _VERSION = "0.09" }
local mt = { __index = _M }

function _M.new(dict_name, rate, burst)
    local dict = ngx_shared[dict_name]
    if not dict then
        return nil, "shared dict not found"
    end
    assert(rate > 0 and burst >= 0)
    return setmetatable({ dict = dict, rate = rate * 1000, burst = burst * 1000 }, mt)
end

-- delay in seconds and excess (requests per second) for one more request with key,
-- or nil, "rejected"; commit records it.
function _M.incoming(self, key, commit)
    local dict, rate = self.dict, self.rate
    local now = ngx_now() * 1000
    local excess = 0
    local v = dict:get(key)
    if v then
        if type(v) ~= "string" or #v ~= RECORD_SIZE then
            return nil, "shdict abused by other users"
        end
        -- the bucket drains at rate milli-requests per second since the last request
        local elapsed = now - read_u64(v, 9)
        excess = max(read_u64(v, 1) - rate * abs(elapsed) / 1000 + 1000, 0)
        if excess > self.burst then
            return nil, "rejected"
        end
    end
    if commit then
        dict:set(key, encode(excess, now))
    end
    return excess / rate, excess / 1000
end

function _M.uncommit(self, key)
    assert(key)
    local dict = self.dict
    local v = dict:get(key)
    if not v then
        return nil, "not found"
    end
    if type(v) ~= "string" or #v ~= RECORD_SIZE then
        return nil, "shdict abused by other users"
    end
    dict:set(key, encode(max(read_u64(v, 1) - 1000, 0), read_u64(v, 9)))
    return true
end

function _M.set_rate(self, rate)
    self.rate = rate * 1000
end

function _M.set_burst(self, burst)
    self.burst = burst * 1000
end

return _M
`;

/** require "resty.limit.req" */
export const makeLimitReq = luaModule("resty.limit.req", SOURCE);
