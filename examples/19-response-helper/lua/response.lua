-- /usr/local/openresty/nginx/lua/response.lua
-- (appendix A1; in this example lua/response.lua, found through lua_package_path)
local cjson = require "cjson"
local _M = {}

function _M.success(data, message)
    ngx.header["Content-Type"] = "application/json"
    ngx.say(cjson.encode({
        code = 0,
        message = message or "success",
        data = data
    }))
end

function _M.error(code, message)
    ngx.status = code
    ngx.header["Content-Type"] = "application/json"
    ngx.say(cjson.encode({
        code = code,
        message = message,
        data = nil
    }))
    ngx.exit(code)
end

return _M
