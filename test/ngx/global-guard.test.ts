// The _G write guard: creating a global in a request handler (any phase but init and
// init_worker) logs ngx_lua's warning with the writer's traceback, once per new name; rawset
// and existing names are quiet. Compared with the reference, with a write from a module's
// main chunk (the traceback has the "[C]: in function 'require'" frame between the module
// and its requirer, and a module function called through pcall the "[C]: in function 'pcall'"
// one) and from timers (the line carries the timer's "*N" and ", context: ngx.timer, ...").
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

test("_G write guard: warnings for new globals outside init, with the writer's traceback", async (t) => {
  await diffCase(t, {
    name: "_G write guard",
    conf: `
error_log logs/error.log warn;
events {}
http {
  lua_package_path "$prefix/lua/?.lua;;";
  init_by_lua_block { init_global = 1 }
  init_worker_by_lua_block { worker_global = 1 }
  server {
    listen 127.0.0.1:__PORT__;
    location /content { content_by_lua_block {
      function glob_fn() end
      glob_fn = 2
      rawset(_G, "raw_global", 1)
      init_global = 2
      ngx.say(getmetatable(_G) ~= nil, " ", init_global, " ", worker_global)
    } }
    location /rewrite {
      rewrite_by_lua_block { local function set() rewrite_global = 1 end set() }
      content_by_lua_block { ngx.say(rewrite_global) }
    }
    location /log { log_by_lua_block { log_global = 1 } return 200 "log\\n"; }
    location /module { content_by_lua_block {
      local m = require "gmod"
      pcall(m.set)
      ngx.say(module_global, " ", module_fn_global)
    } }
    location /timer { content_by_lua_block {
      ngx.timer.at(0, function() timer_global = 1 end)
      ngx.timer.at(0, function() local m = require "gtimer" end)
      ngx.sleep(0.05)
      ngx.say(timer_global, " ", timer_module_global)
    } }
  }
}`,
    files: {
      "lua/gmod.lua": "local _M = {}\nmodule_global = 1\nfunction _M.set()\n  module_fn_global = 2\nend\nreturn _M\n",
      "lua/gtimer.lua": "timer_module_global = 3\nreturn {}\n",
    },
    requests: [{ path: "/content" }, { path: "/content" }, { path: "/rewrite" }, { path: "/log" }, { path: "/module" }, { path: "/timer" }],
  });
});
