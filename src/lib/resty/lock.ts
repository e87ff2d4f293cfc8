// resty.lock (lua-resty-lock 0.09): a non-blocking lock on a shared dict key. Taking a held
// lock waits with ngx.sleep, the step growing by `ratio` up to `max_step`, until `timeout`.
// In Lua (see ../lua-module.ts) so that lock() suspends like any Lua code calling ngx.sleep.
// The original also frees a forgotten lock when the lock object is garbage collected (an
// FFI finalizer); here a forgotten lock is only freed by its exptime.
import { luaModule } from "../lua-module.js";

const SOURCE = String.raw`
local shared = ngx.shared
local sleep = ngx.sleep
local max, min = math.max, math.min
local setmetatable = setmetatable

local _M = { _VERSION = "0.09" }
local mt = { __index = _M }

-- lock:new(dict_name, opts): called as a method of the module.
function _M.new(_, dict_name, opts)
    local dict = shared[dict_name]
    if not dict then
        return nil, "dictionary not found"
    end
    local timeout, exptime, step, ratio, max_step
    if opts then
        timeout, exptime = opts.timeout, opts.exptime
        step, ratio, max_step = opts.step, opts.ratio, opts.max_step
    end
    exptime = exptime or 30
    if timeout then
        -- waiting longer than the lock can live makes no sense
        timeout = min(timeout, exptime)
        if step then
            step = min(step, timeout)
        end
    end
    return setmetatable({
        dict = dict,
        timeout = timeout or 5,
        exptime = exptime,
        step = step or 0.001,
        ratio = ratio or 2,
        max_step = max_step or 0.5,
    }, mt)
end

-- seconds waited, or nil and "timeout", "locked" (this object holds a lock) or the dict's error.
function _M.lock(self, key)
    if not key then
        return nil, "nil key"
    end
    if self.key ~= nil then
        return nil, "locked"
    end
    local dict, exptime = self.dict, self.exptime
    local ok, err = dict:add(key, true, exptime)
    if ok then
        self.key = key
        return 0
    end
    if err ~= "exists" then
        return nil, err
    end
    local step, ratio, max_step = self.step, self.ratio, self.max_step
    local timeout = self.timeout
    local elapsed = 0
    while timeout > 0 do
        sleep(step)
        elapsed = elapsed + step
        timeout = timeout - step
        ok, err = dict:add(key, true, exptime)
        if ok then
            self.key = key
            return elapsed
        end
        if err ~= "exists" then
            return nil, err
        end
        if timeout <= 0 then
            break
        end
        step = min(max(0.001, step * ratio), timeout, max_step)
    end
    return nil, "timeout"
end

function _M.unlock(self)
    local key = self.key
    if key == nil then
        return nil, "unlocked"
    end
    self.key = nil
    local ok, err = self.dict:delete(key)
    if not ok then
        return nil, err
    end
    return 1
end

-- gives the held lock a new expiry (default exptime) from now.
function _M.expire(self, time)
    local key = self.key
    if key == nil then
        return nil, "unlocked"
    end
    local ok, err = self.dict:replace(key, true, time or self.exptime)
    if not ok then
        return nil, err
    end
    return true
end

return _M
`;

/** require "resty.lock" */
export const makeLock = luaModule("resty.lock", SOURCE);
