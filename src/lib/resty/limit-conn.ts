// resty.limit.conn (lua-resty-limit-traffic 0.09): concurrent requests per key, as nginx's
// limit_conn, with a burst of excess requests that are delayed by multiples of the mean
// request time (default_conn_delay, then adjusted by each leaving(key, latency)).
import { luaModule } from "../lua-module.js";

const SOURCE = String.raw`
local ngx_shared = ngx.shared
local floor = math.floor
local assert, setmetatable = assert, setmetatable

local _M = { _VERSION = "0.09" }
local mt = { __index = _M }

function _M.new(dict_name, max, burst, default_conn_delay)
    local dict = ngx_shared[dict_name]
    if not dict then
        return nil, "shared dict not found"
    end
    assert(max > 0 and burst >= 0 and default_conn_delay > 0)
    return setmetatable({
        dict = dict,
        max = max + 0,  -- a non-number max fails here, as in the original
        burst = burst,
        unit_delay = default_conn_delay,
    }, mt)
end

-- delay and the concurrency including this request, or nil, "rejected".
function _M.incoming(self, key, commit)
    local dict, max = self.dict, self.max
    self.committed = false
    local conn, err
    if commit then
        conn, err = dict:incr(key, 1, 0)
        if not conn then
            return nil, err
        end
        if conn > max + self.burst then
            -- over the burst: take this request back out
            conn, err = dict:incr(key, -1, conn)
            if not conn then
                return nil, err
            end
            return nil, "rejected"
        end
        self.committed = true
    else
        conn = (dict:get(key) or 0) + 1
        if conn > max + self.burst then
            return nil, "rejected"
        end
    end
    if conn > max then
        -- each full max of requests ahead costs one unit delay
        return self.unit_delay * floor((conn - 1) / max), conn
    end
    return 0, conn
end

function _M.is_committed(self)
    return self.committed
end

function _M.leaving(self, key, req_latency)
    assert(key)
    local conn, err = self.dict:incr(key, -1)
    if not conn then
        return nil, err
    end
    if req_latency then
        self.unit_delay = (req_latency + self.unit_delay) / 2
    end
    return conn
end

function _M.uncommit(self, key)
    assert(key)
    return self.dict:incr(key, -1)
end

function _M.set_conn(self, conn)
    self.max = conn
end

function _M.set_burst(self, burst)
    self.burst = burst
end

return _M
`;

/** require "resty.limit.conn" */
export const makeLimitConn = luaModule("resty.limit.conn", SOURCE);
