-- Case 6 of the seed tutorial (实战案例6：MySQL操作), run by content_by_lua_file.
-- Changes are marked [local] and listed in README.md.
local mysql = require "resty.mysql"

local db, err = mysql:new()
if not db then
    ngx.log(ngx.ERR, "failed to create mysql: ", err)
    return ngx.exit(500)
end

db:set_timeout(1000)

-- 连接数据库
local ok, err = db:connect({
    host = "127.0.0.1",
    port = 3306,
    database = "test",  -- [local] the tutorial's database is "mydb"
    user = "root",
    password = "",  -- [local] the tutorial's password is "password"
    charset = "utf8mb4",
    max_packet_size = 1024 * 1024
})

if not ok then
    ngx.log(ngx.ERR, "failed to connect mysql: ", err)
    return ngx.exit(500)
end

-- 执行查询
local res, err = db:query("SELECT id, name FROM users WHERE id = 1")
if not res then
    ngx.log(ngx.ERR, "query failed: ", err)
    return ngx.exit(500)
end

-- 处理结果
local cjson = require "cjson"
ngx.say(cjson.encode(res))

-- 放回连接池
db:set_keepalive(10000, 100)
