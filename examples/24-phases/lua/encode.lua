-- [added] 应答加密编码 (the page's `body_filter_by_lua_file ...;`): the whole answer, encoded
-- (base64 here, standing in for the page's AES) once its last chunk has passed.
local chunk, eof = ngx.arg[1], ngx.arg[2]
local buffered = ngx.ctx.buffered or {}
ngx.ctx.buffered = buffered
buffered[#buffered + 1] = chunk
if eof then
    ngx.arg[1] = ngx.encode_base64(table.concat(buffered))
else
    ngx.arg[1] = nil
end
