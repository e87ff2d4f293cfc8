-- /usr/local/openresty/nginx/lua/jwt_auth.lua
-- (case 12's module, which case 13 requires; found through lua_package_path)
local jwt = require "resty.jwt"
local cjson = require "cjson"

local _M = {}

-- JWT密钥
local jwt_secret = "your-secret-key-change-me"

-- 生成JWT Token
function _M.generate_token(payload)
    local jwt_token = jwt:sign(
        jwt_secret,
        {
            header = {typ = "JWT", alg = "HS256"},
            payload = payload
        }
    )
    return jwt_token
end

-- 验证JWT Token
function _M.verify_token()
    -- 从请求头获取token
    local auth_header = ngx.var.http_Authorization

    if not auth_header then
        ngx.status = 401
        ngx.say('{"error":"No authorization header"}')
        return ngx.exit(401)
    end

    -- 提取token (格式: Bearer <token>)
    local token = string.match(auth_header, "Bearer%s+(.+)")

    if not token then
        ngx.status = 401
        ngx.say('{"error":"Invalid authorization header"}')
        return ngx.exit(401)
    end

    -- 验证token
    local jwt_obj = jwt:verify(jwt_secret, token)

    if not jwt_obj.verified then
        ngx.status = 401
        ngx.say('{"error":"Invalid token","reason":"', jwt_obj.reason, '"}')
        return ngx.exit(401)
    end

    -- 返回payload
    return jwt_obj.payload
end

return _M
