-- Appendix A2 of the seed tutorial (IP白名单检查), run by access_by_lua_file.
local function is_ip_allowed(ip)
    local whitelist = {
        ["127.0.0.1"] = true,
        ["192.168.1.100"] = true
    }

    return whitelist[ip] == true
end

-- 使用
if not is_ip_allowed(ngx.var.remote_addr) then
    return ngx.exit(403)
end
