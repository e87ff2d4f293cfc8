// lua-resty-core's ngx.* modules (0.1.25): ngx.re (split, opt), ngx.base64 (the URL-safe
// alphabet), ngx.resp.add_header, ngx.req.add_header and ngx.process. In Lua over the ngx
// API (see ../lua-module.ts): split drives ngx.re.match with a ctx exactly where the
// original drives PCRE, so it inherits the regex engine's options and errors.
import { luaModule } from "../lua-module.js";
import type { ModuleLoader } from "../../lua/stdlib/package.js";

const VERSION = "0.1.25";

const RE = String.raw`
local re_match = ngx.re.match
local sub, tostring, type, error = string.sub, tostring, type, error
local math_max = math.max
local new_tab = require "table.new"

local _M = { version = "${VERSION}" }

-- The next match at or after the 0-based offset ctx.pos: its 1-based start, the index after
-- it and the first capture; ctx.pos moves past it (one further for an empty match).
local function next_match(subj, regex, opts, ctx, mctx)
    mctx.pos = math_max(ctx.pos, 0) + 1
    local m, err = re_match(subj, regex, opts, mctx)
    if err then
        return nil, nil, nil, err
    end
    if not m then
        return nil
    end
    local stop = mctx.pos - 1          -- 0-based end, exclusive
    local start = stop - #m[0]
    if start == stop then
        ctx.pos = stop + 1
    else
        ctx.pos = stop
    end
    local cap = m[1]
    if type(cap) ~= "string" then
        cap = nil
    end
    return start + 1, stop + 1, cap
end

function _M.split(subj, regex, opts, ctx, max, res)
    subj = tostring(subj)
    if not ctx then
        ctx = { pos = 1 }
    elseif not ctx.pos then
        ctx.pos = 1
    end
    max = max or 0
    if not res then
        res = new_tab(max > 0 and max < 4 and max or 4, 0)
    elseif type(res) ~= "table" then
        error("res is not a table", 2)
    end
    local len = #subj
    if ctx.pos > len then
        res[1] = nil
        return res
    end
    local mctx = {}
    local piece_start = ctx.pos
    local n = 0
    local last_empty
    ctx.pos = piece_start - 1
    local count = 1
    while max <= 0 or count < max do
        local from, to, cap, err = next_match(subj, regex, opts, ctx, mctx)
        if err then
            return nil, err
        end
        if not from then
            break
        end
        if last_empty then
            piece_start = last_empty
        end
        if from == to then
            last_empty = from
        end
        -- an empty match right where the piece starts splits nothing
        if from > piece_start or not last_empty then
            count = count + 1
            n = n + 1
            res[n] = sub(subj, piece_start, from - 1)
            if cap then
                n = n + 1
                res[n] = cap
            end
            piece_start = to
            if piece_start > len then
                break
            end
        end
    end
    if max <= 0 and piece_start > len then
        -- without max, empty pieces at the end are dropped
        for i = n, 1, -1 do
            if res[i] ~= "" then
                n = i
                break
            end
            res[i] = nil
        end
    else
        n = n + 1
        res[n] = sub(subj, piece_start)
    end
    res[n + 1] = nil
    return res
end

function _M.opt(option, value)
    if option == "jit_stack_size" then
        -- the regex engine has no JIT stack to size
        return
    end
    error("unrecognized option name", 2)
end

return _M
`;

const BASE64 = String.raw`
local encode_base64, decode_base64 = ngx.encode_base64, ngx.decode_base64
local find, sub, gsub, type = string.find, string.sub, string.gsub, type

local _M = { version = "${VERSION}" }

local TO_URL = { ["+"] = "-", ["/"] = "_" }
local FROM_URL = { ["-"] = "+", ["_"] = "/" }

function _M.encode_base64url(s)
    if type(s) ~= "string" then
        return nil, "must provide a string"
    end
    return (gsub(encode_base64(s, true), "[+/]", TO_URL))
end

function _M.decode_base64url(s)
    if type(s) ~= "string" then
        return nil, "must provide a string"
    end
    -- as nginx: input ends at the first "=", and every byte before it must be of the alphabet
    local eq = find(s, "=", 1, true)
    if eq then
        s = sub(s, 1, eq - 1)
    end
    if find(s, "[^%w%-_]") or #s % 4 == 1 then
        return nil, "invalid input"
    end
    return decode_base64((gsub(s, "[-_]", FROM_URL)))
end

return _M
`;

const RESP = String.raw`
local type = type
local _M = { version = "${VERSION}" }

-- one more value for a response header (ngx.header replaces)
function _M.add_header(key, value)
    local header = ngx.header
    local old = header[key]
    if old == nil then
        header[key] = value
        return
    end
    local all = type(old) == "table" and old or { old }
    if type(value) == "table" then
        for i = 1, #value do
            all[#all + 1] = value[i]
        end
    else
        all[#all + 1] = value
    end
    header[key] = all
end

return _M
`;

const REQ = String.raw`
local type = type
local _M = { version = "${VERSION}" }

-- one more value for a request header (ngx.req.set_header replaces)
function _M.add_header(key, value)
    local old = ngx.req.get_headers()[key]
    if old == nil then
        ngx.req.set_header(key, value)
        return
    end
    local all = type(old) == "table" and old or { old }
    if type(value) == "table" then
        for i = 1, #value do
            all[#all + 1] = value[i]
        end
    else
        all[#all + 1] = value
    end
    ngx.req.set_header(key, all)
end

return _M
`;

const PROCESS = String.raw`
local _M = { version = "${VERSION}" }

-- tsresty runs one worker process, started as nginx starts its workers
function _M.type()
    return ngx.get_phase() == "init" and "master" or "worker"
end

function _M.enable_privileged_agent(connections)
    if ngx.get_phase() ~= "init" then
        return nil, "API disabled in the current context"
    end
    connections = connections or 512
    if type(connections) ~= "number" or connections < 0 then
        return nil, "bad 'connections' argument: number expected and greater than 0"
    end
    return nil, "privileged agent processes are not supported"
end

function _M.signal_graceful_exit()
end

function _M.get_master_pid()
    return nil
end

return _M
`;

export const ngxCoreModules: Record<string, ModuleLoader> = {
  "ngx.re": luaModule("ngx.re", RE),
  "ngx.base64": luaModule("ngx.base64", BASE64),
  "ngx.resp": luaModule("ngx.resp", RESP),
  "ngx.req": luaModule("ngx.req", REQ),
  "ngx.process": luaModule("ngx.process", PROCESS),
};
