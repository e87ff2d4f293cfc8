-- /usr/local/openresty/nginx/lua/db_pool.lua
-- (case 7's module, which case 15 requires; found through lua_package_path)
local _M = {}

local mysql = require "resty.mysql"

-- MySQL连接池配置
local mysql_config = {
    host = "127.0.0.1",
    port = 3306,
    database = "test",  -- [local] the tutorial's database is "mydb"
    user = "root",
    password = "",  -- [local] the tutorial's password is "password"
    charset = "utf8mb4",
    max_packet_size = 1024 * 1024
}

function _M.get_mysql_connection()
    local db, err = mysql:new()
    if not db then
        return nil, err
    end

    db:set_timeout(1000)

    local ok, err = db:connect(mysql_config)
    if not ok then
        return nil, err
    end

    return db, nil
end

function _M.close_mysql(db)
    if not db then
        return
    end

    -- 放回连接池：10秒空闲超时，最多100个连接
    local ok, err = db:set_keepalive(10000, 100)
    if not ok then
        ngx.log(ngx.ERR, "failed to set keepalive: ", err)
    end
end

return _M
