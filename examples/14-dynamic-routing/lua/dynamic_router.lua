-- /usr/local/openresty/nginx/lua/dynamic_router.lua
-- (case 14; in this example lua/dynamic_router.lua, found through lua_package_path)
local redis = require "resty.redis"
local cjson = require "cjson"

local _M = {}

function _M.get_backend(service_name)
    local red = redis:new()
    red:set_timeout(1000)

    local ok, err = red:connect("127.0.0.1", 6379)
    if not ok then
        ngx.log(ngx.ERR, "redis connect failed: ", err)
        return nil
    end

    -- 从Redis获取服务配置
    local key = "route:" .. service_name
    local config, err = red:get(key)

    red:set_keepalive(10000, 100)

    if not config or config == ngx.null then
        return nil
    end

    return cjson.decode(config)
end

return _M
