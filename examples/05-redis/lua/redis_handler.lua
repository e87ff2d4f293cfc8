-- /usr/local/openresty/nginx/lua/redis_handler.lua
-- (case 5; in this example: lua/redis_handler.lua under the prefix, run by content_by_lua_file)
local redis = require "resty.redis"

local red = redis:new()
red:set_timeout(1000) -- 1秒超时

-- 连接Redis
local ok, err = red:connect("127.0.0.1", 6379)
if not ok then
    ngx.log(ngx.ERR, "failed to connect redis: ", err)
    return ngx.exit(500)
end

-- 设置值
local ok, err = red:set("user:1:name", "John")
if not ok then
    ngx.log(ngx.ERR, "failed to set: ", err)
end

-- 获取值
local value, err = red:get("user:1:name")
if not value then
    ngx.log(ngx.ERR, "failed to get: ", err)
end

-- 放回连接池
local ok, err = red:set_keepalive(10000, 100)
if not ok then
    ngx.log(ngx.ERR, "failed to set keepalive: ", err)
end

return value
