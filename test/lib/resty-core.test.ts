// resty.core and resty.core.*: requiring them succeeds, and what code reads from them
// (versions, FFI codes, new_tab/clear_tab, allows_subsystem, str_replace_char, the ctx
// table, the monotonic clock) matches the reference's lua-resty-core 0.1.25.
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

const CONF = String.raw`
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /core {
      content_by_lua_block {
        local core = require "resty.core"
        ngx.say(type(core), " ", core.version)
        for _, n in ipairs({ "base", "base64", "coroutine", "ctx", "exit", "hash", "misc", "ndk",
                             "param", "phase", "regex", "request", "response", "shdict", "socket",
                             "time", "uri", "utils", "var", "worker" }) do
          local m = require("resty.core." .. n)
          ngx.say(n, " ", type(m), " ", tostring(m.version or m._VERSION))
        end
        local base = require "resty.core.base"
        ngx.say(base.FFI_OK, " ", base.FFI_NO_REQ_CTX, " ", base.FFI_BAD_CONTEXT, " ", base.FFI_ERROR, " ",
                base.FFI_AGAIN, " ", base.FFI_BUSY, " ", base.FFI_DONE, " ", base.FFI_DECLINED)
        local t = base.new_tab(4, 4)
        t[1], t.x = 1, 2
        base.clear_tab(t)
        ngx.say(type(t), " ", next(t))
        ngx.say(base.allows_subsystem("stream", "http"))
        ngx.say(pcall(base.allows_subsystem, "stream"))
        local utils = require "resty.core.utils"
        ngx.say(utils.str_replace_char("a-b-c", "-", "_"), " ", utils.str_replace_char("a.b%c", "%", "."),
                " ", utils.str_replace_char("abc", "z", "y"), " ", utils.str_replace_char("a.b", ".", "%"))
        local time = require "resty.core.time"
        local m1 = time.monotonic_msec()
        ngx.say(type(m1), " ", m1 > 0, " ", math.floor(m1) == m1, " ", time.monotonic_time() >= m1 / 1000)
        ngx.ctx.k = "v"
        ngx.say(require("resty.core.ctx").get_ctx_table().k)
        ngx.say(type(require("ngx.semaphore").new))
      }
    }
  }
}`;

test("resty.core and resty.core.* agree with the reference", async (t) => {
  await diffCase(t, { name: "resty-core", conf: CONF, requests: [{ path: "/core" }] });
});
