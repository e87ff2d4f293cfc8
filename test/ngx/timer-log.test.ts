// Log lines from timers, compared with nginx + ngx_lua: a timer's lines carry a fake connection
// of their own (`*N`) and ngx_lua's suffix ", context: ngx.timer, client: C, server: S" taken
// from the connection that created the timer (server is the listening address:port, not the
// server_name); a timer from init_worker_by_lua has no connection: ", context: ngx.timer"
// only. Covered: ngx.log, print, the _G write guard's warning, an uncaught error's
// "lua entry thread aborted" with its traceback, timers from rewrite, content and log phases,
// ngx.timer.every, a timer created by a timer, and a light thread's log line inside a timer.
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

const CONF = `
error_log logs/error.log info;
events {}
http {
  lua_package_path "$prefix/lua/?.lua;;";
  init_worker_by_lua_block {
    ngx.timer.at(0, function() ngx.log(ngx.WARN, "from init_worker timer") end)
  }
  server {
    listen 127.0.0.1:__PORT__;
    server_name timers.test;
    location /phases {
      rewrite_by_lua_block { ngx.timer.at(0, function() ngx.log(ngx.WARN, "rewrite timer") end) ngx.sleep(0.05) }
      content_by_lua_block {
        ngx.timer.at(0, function()
          ngx.log(ngx.WARN, "content timer")
          print("printed")
          timer_global = 1
        end)
        ngx.sleep(0.05)
        ngx.say("phases")
      }
      log_by_lua_block { ngx.timer.at(0, function() ngx.log(ngx.WARN, "log timer") end) }
    }
    location /error { content_by_lua_block {
      ngx.timer.at(0, function() error("timer boom") end)
      ngx.sleep(0.05)
      ngx.timer.at(0, function() local x = nil; x.y = 1 end)
      ngx.sleep(0.05)
      ngx.timer.at(0, require("tmod").run)
      ngx.sleep(0.05)
      ngx.say("error")
    } }
    location /every { content_by_lua_block {
      local n = 0
      local ok = ngx.timer.every(0.02, function()
        n = n + 1
        if n <= 2 then ngx.log(ngx.WARN, "every ", n) end
      end)
      ngx.sleep(0.15)
      ngx.say("every ", ok)
    } }
    location /nested { content_by_lua_block {
      ngx.timer.at(0, function()
        ngx.timer.at(0, function() ngx.log(ngx.WARN, "timer from a timer") end)
        local th = ngx.thread.spawn(function() ngx.log(ngx.WARN, "light thread in a timer") end)
        ngx.thread.wait(th)
      end)
      ngx.sleep(0.1)
      ngx.say("nested")
    } }
  }
}
`;

const FILES = {
  "lua/tmod.lua": "local _M = {}\n\nfunction _M.run(premature)\n  error(\"module timer boom\")\nend\n\nreturn _M\n",
};

test("timer log lines: the creating connection's context, ngx_lua's suffix", async (t) => {
  await diffCase(t, {
    name: "timer-log",
    conf: CONF,
    files: FILES,
    requests: [{ path: "/phases" }, { path: "/error" }, { path: "/every" }, { path: "/nested" }],
  });
});
