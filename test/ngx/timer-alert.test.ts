// lua_max_running_timers exceeded, compared with nginx + ngx_lua: the timer is dropped with
// the alert naming the callback's definition site as lua_getinfo(">S") gives it (the
// chunk's source, "=content_by_lua(nginx.conf:N)" for inline blocks, "@/path" for files, and
// the line of its `function` keyword); timers' argument errors.
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

const CONF = `
error_log logs/error.log info;
events {}
http {
  lua_max_running_timers 2;
  lua_package_path "$prefix/lua/?.lua;;";
  server {
    listen 127.0.0.1:__PORT__;
    location /inline { content_by_lua_block {
      local f = function() ngx.sleep(0.1) end
      for i = 1, 4 do
        local ok, err = ngx.timer.at(0, f)
        ngx.say(ok, err)
      end
      ngx.timer.at(0, function() ngx.sleep(0.1) end)
      ngx.say(ngx.timer.running_count(), " ", ngx.timer.pending_count())
      ngx.sleep(0.3)
      ngx.say(ngx.timer.running_count(), " ", ngx.timer.pending_count())
    } }
    location /file { content_by_lua_file lua/t.lua; }
    location /module { content_by_lua_block {
      local m = require "tm"
      for i = 1, 3 do ngx.timer.at(0, m.run) end
      ngx.sleep(0.3)
      ngx.say("module")
    } }
    location /args { content_by_lua_block {
      ngx.say(pcall(ngx.timer.at, 0, ngx.sleep))
      ngx.say(pcall(ngx.timer.at, "x", function() end))
      ngx.say(pcall(ngx.timer.every, 1, "f"))
      ngx.say(pcall(ngx.timer.at, 0))
    } }
  }
}
`;

const FILES = {
  "lua/t.lua": "local function g()\n  ngx.sleep(0.1)\nend\n\nfor i = 1, 3 do ngx.timer.at(0, g) end\nngx.sleep(0.3)\nngx.say(\"file\")\n",
  "lua/tm.lua": "local _M = {}\n\n\nfunction _M.run(premature)\n  ngx.sleep(0.1)\nend\n\nreturn _M\n",
};

test("lua_max_running_timers: the alert with the callback's definition site", async (t) => {
  await diffCase(t, {
    name: "timer-alert",
    conf: CONF,
    files: FILES,
    requests: [{ path: "/inline" }, { path: "/file" }, { path: "/module" }, { path: "/args" }],
  });
});
