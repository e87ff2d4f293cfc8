-- A module from lua/ (the Dockerfile copies it to /usr/local/openresty/nginx/lua/).
local cjson = require "cjson"

local _M = {}

function _M.describe()
    return cjson.encode({
        server = "openresty",
        prefix_has_lua = true,
        worker = ngx.worker.id(),
    })
end

return _M
