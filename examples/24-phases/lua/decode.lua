-- [added] 请求加密解码 (the page's `access_by_lua_file ...;`): the request body arrives encoded
-- (base64 here, standing in for the page's AES) and is replaced by the plain text.
ngx.req.read_body()
local body = ngx.req.get_body_data()
if body then
    local plain = ngx.decode_base64(body)
    if not plain then
        return ngx.exit(400)
    end
    ngx.req.set_body_data(plain)
end
