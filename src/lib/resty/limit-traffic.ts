// resty.limit.traffic (lua-resty-limit-traffic 0.09): combine(limiters, keys, states) runs
// several limiters on one request. The last limiter is asked with commit first, the others
// without; only when all accept are the others committed, and a late rejection gives the
// earlier commits and the last limiter's back with uncommit. The delay is the largest of them.
import { luaModule } from "../lua-module.js";

const SOURCE = String.raw`
local max = math.max

local _M = { _VERSION = "0.09" }

function _M.combine(limiters, keys, states)
    local n = #limiters
    local max_delay = 0
    for i = 1, n do
        local lim = limiters[i]
        local delay, err = lim:incoming(keys[i], i == n)
        if not delay then
            return nil, err
        end
        if i == n then
            if states then
                states[i] = err
            end
            max_delay = delay
        end
    end
    for i = 1, n - 1 do
        local lim = limiters[i]
        local delay, err = lim:incoming(keys[i], true)
        if not delay then
            for j = 1, i - 1 do
                -- errors of the give-back are ignored: the rejection is the answer
                limiters[j]:uncommit(keys[j])
            end
            limiters[n]:uncommit(keys[n])
            return nil, err
        end
        if states then
            states[i] = err
        end
        max_delay = max(max_delay, delay)
    end
    return max_delay
end

return _M
`;

/** require "resty.limit.traffic" */
export const makeLimitTraffic = luaModule("resty.limit.traffic", SOURCE);
