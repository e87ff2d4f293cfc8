-- Edit this file while the server runs: with lua_code_cache off, the next request runs the new code.
ngx.say("dev version 1")
