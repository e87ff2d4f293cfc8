// ngx.log's prefix names the Lua function it is called from (`helper(): `) as ngx_lua does,
// and only the base name of a file chunk (`logs.lua:3:`); ngx.escape_uri's default (URI component) table keeps !'()*: both compared with the
// reference.
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

test("ngx.log names the calling function; escape_uri keeps !'()*", async (t) => {
  await diffCase(t, {
    name: "ngx.log function names, escape_uri",
    conf: `
error_log logs/error.log info;
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    location /log { content_by_lua_block {
      local function helper() ngx.log(ngx.ERR, "in helper") end
      helper()
      local t = {}
      function t.field() ngx.log(ngx.WARN, "in field") end
      t.field()
      function t:meth() print("in method") end
      t:meth()
      pcall(function() ngx.log(ngx.ERR, "anonymous") end)
      ngx.log(ngx.ERR, "main")
      ngx.say("ok")
    } }
    location /file { content_by_lua_file lua/logs.lua; }
    location /escape { content_by_lua_block {
      local all = {}
      for i = 0, 255 do all[#all + 1] = string.char(i) end
      ngx.say(ngx.escape_uri(table.concat(all)))
      ngx.say(ngx.escape_uri(table.concat(all), 0))
    } }
  }
}`,
    files: { "lua/logs.lua": "local function f() ngx.log(ngx.ERR, 'from a file function') end\nf()\nngx.log(ngx.ERR, 'from a file')\nngx.say('ok')\n" },
    requests: [{ path: "/log" }, { path: "/escape" }, { path: "/file" }],
  });
});
