// A light thread that dies with an error, compared with nginx + ngx_lua: "lua user thread
// aborted: runtime error: MSG" with a traceback by coroutine: "coroutine 0:" the thread's
// frames, then "coroutine 1:", ... those it was spawned from: the parent inside spawn (an
// error at once, also from a thread spawned by a thread, or inside coroutine.resume), or
// waiting in ngx.thread.wait (an error after a wait); in a timer too. Only wait's first value
// is printed: ngx_lua 0.10.23 returns whatever the dead thread's stack holds after it. (Not
// covered: a thread that dies after its own child ended at once; ngx_lua has resumed the
// entry thread meanwhile, see docs/ngx-async.md.)
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

const CONF = `
error_log logs/error.log info;
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    server_name th.test;
    location /at-once { content_by_lua_block {
      local function inner() error("boom") end
      local t = ngx.thread.spawn(function() inner() end)
      ngx.say((ngx.thread.wait(t)))
    } }
    location /after-wait { content_by_lua_block {
      local t = ngx.thread.spawn(function() ngx.sleep(0.01) local x = nil; x.y = 1 end)
      ngx.say((ngx.thread.wait(t)))
    } }
    location /nested { content_by_lua_block {
      local t = ngx.thread.spawn(function()
        local t2 = ngx.thread.spawn(function() error({}) end)
        ngx.say((ngx.thread.wait(t2)))
      end)
      ngx.say((ngx.thread.wait(t)))
    } }
    location /in-coroutine { content_by_lua_block {
      local co = coroutine.create(function() ngx.thread.spawn(function() error("in co") end) end)
      ngx.say(coroutine.resume(co))
      ngx.sleep(0.01)
    } }
    location /timer { content_by_lua_block {
      ngx.timer.at(0, function() local t = ngx.thread.spawn(function() error("timer thread") end) ngx.thread.wait(t) end)
      ngx.sleep(0.05)
      ngx.say("ok")
    } }
  }
}
`;

test("a light thread's error: 'lua user thread aborted' with its traceback by coroutine", async (t) => {
  await diffCase(t, {
    name: "thread-abort",
    conf: CONF,
    requests: ["/at-once", "/after-wait", "/nested", "/in-coroutine", "/timer"].map((path) => ({ path })),
  });
});
