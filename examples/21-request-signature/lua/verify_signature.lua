-- Appendix A3 of the seed tutorial (请求签名验证), run by access_by_lua_file.
local function verify_signature()
    local timestamp = ngx.var.http_x_timestamp
    local sign = ngx.var.http_x_signature
    local secret = "your-secret-key"

    -- 检查时间戳（5分钟有效期）
    if not timestamp or math.abs(ngx.time() - tonumber(timestamp)) > 300 then
        return false
    end

    -- 验证签名
    local content = timestamp .. secret
    local expected_sign = ngx.md5(content)

    return sign == expected_sign
end

-- [added] the tutorial shows the function only; requests without a valid signature get 401
if not verify_signature() then
    return ngx.exit(401)
end
