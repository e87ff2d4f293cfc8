// balancer_by_lua_block with require "ngx.balancer": the peer of each try, more tries,
// the last failure, timeouts, errors; compared with the reference nginx. The backend is a
// second server of the same configuration, on a port of its own (the harness gives each side
// one); the refused peer is port 1, where nothing listens (a port merely free now may be
// taken by another test's server before the try).
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

const backend = "__PORT_B__";
const refused = 1;

function conf(): string {
  return `
events {}
http {
  upstream backend {
    server 0.0.0.1;
    balancer_by_lua_block {
      local b = require "ngx.balancer"
      local state, code = b.get_last_failure()
      ngx.log(ngx.ERR, "balancer phase=", ngx.get_phase(), " last=", tostring(state), " ", tostring(code), " ctx=", tostring(ngx.ctx.k), " uri=", ngx.var.uri)
      local mode = ngx.var.arg_mode
      if mode == "retry" then
        if not state then
          assert(b.set_more_tries(1))
          assert(b.set_current_peer("127.0.0.1", ${refused}))
        else
          assert(b.set_current_peer("127.0.0.1:${backend}"))
        end
        return
      end
      if mode == "limit" then
        if not state then ngx.log(ngx.ERR, "more: ", tostring(select(2, b.set_more_tries(5)))) end
        assert(b.set_current_peer("127.0.0.1", ${refused}))
        return
      end
      if mode == "next" or mode == "n404" then
        if not state then b.set_more_tries(1) end
      end
      if mode == "err" then error("balancer boom") end
      if mode == "exit" then return ngx.exit(503) end
      if mode == "say" then ngx.say("no") end
      if mode == "host" then ngx.log(ngx.ERR, "host: ", tostring(select(2, b.set_current_peer("localhost", ${backend})))) end
      if mode == "v6" then ngx.log(ngx.ERR, "v6: ", tostring(select(2, b.set_current_peer("::1", ${backend})))) end
      if mode == "badto" then ngx.log(ngx.ERR, "timeouts: ", select(2, pcall(b.set_timeouts, -1)), " ", select(2, pcall(function() b.set_timeouts(1, "x") end))) end
      if mode == "timeout" then assert(b.set_timeouts(1, 1, 0.05)) end
      assert(b.set_current_peer("127.0.0.1", ${backend}))
    }
  }
  server {
    listen 127.0.0.1:${backend};
    location / {
      content_by_lua_block {
        if ngx.var.arg_mode == "next" then return ngx.exit(503) end
        if ngx.var.arg_mode == "n404" then return ngx.exit(404) end
        if ngx.var.arg_mode == "timeout" then ngx.sleep(0.5) end
        -- with a length: tsresty's proxy speaks HTTP/1.1 to upstreams (nginx 1.0: no chunked answer)
        local s = "backend " .. ngx.var.request_uri .. "\\n"
        ngx.header.content_length = #s
        ngx.print(s)
      }
    }
  }
  server {
    listen 127.0.0.1:__PORT__;
    proxy_next_upstream_tries 3;
    proxy_next_upstream error timeout http_503;
    location / {
      rewrite_by_lua_block { ngx.ctx.k = "v" }
      proxy_pass http://backend;
      log_by_lua_block { ngx.log(ngx.ERR, "addr=", ngx.var.upstream_addr, " status=", ngx.var.upstream_status) }
    }
    location /n4 {
      proxy_next_upstream http_404;
      proxy_pass http://backend;
    }
    location /outside {
      content_by_lua_block {
        local b = require "ngx.balancer"
        ngx.say(tostring(select(2, b.set_current_peer("127.0.0.1", 1))), "|", tostring(select(2, b.set_more_tries(1))), "|",
          tostring(select(3, b.get_last_failure())), "|", tostring(select(2, b.set_timeouts(1))))
      }
    }
  }
}`;
}

test("balancer_by_lua: set_current_peer, set_more_tries, get_last_failure, set_timeouts, errors", async (t) => {
  await diffCase(t, {
    name: "balancer_by_lua",
    conf: conf(),
    requests: [
      { path: "/p" },
      { path: "/p?mode=retry" },
      { path: "/p?mode=limit" },
      { path: "/p?mode=next" },
      { path: "/p?mode=err" },
      { path: "/p?mode=exit" },
      { path: "/p?mode=say" },
      { path: "/p?mode=host" },
      { path: "/p?mode=v6" },
      { path: "/p?mode=badto" },
      { path: "/p?mode=timeout" },
      { path: "/outside" },
      { path: "/n4?mode=n404" },
    ].map((q) => ({ ...q, headers: [["Connection", "close"]] as const })),
  });
});
