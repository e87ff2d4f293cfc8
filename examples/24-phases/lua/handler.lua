-- [added] 请求处理 (the page's `content_by_lua_file ...;`): the API itself, which only sees plain text.
local cjson = require "cjson"
ngx.req.read_body()
ngx.say(cjson.encode({ echo = ngx.req.get_body_data() or "" }))
