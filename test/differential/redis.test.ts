// resty.redis through the real server, against the reference's lua-resty-redis: replies,
// errors, pipelines, pooling (with a backlog), a refused connection, a read timeout, pub/sub
// and the phases where the cosocket API is disabled. Keys are under a per-run prefix and deleted by the locations.
import { test } from "node:test";
import * as net from "node:net";
import { diffCase } from "./harness.js";

const K = `tsr:rdiff:${process.pid}:`;

const conf = (closedPort: number, closer: number, resetter: number): string => `
events {}
http {
  init_by_lua_block {
    local redis = require "resty.redis"
    local ok, e = pcall(redis.new, redis)
    INIT = tostring(ok) .. " " .. tostring(e):gsub("^[^ ]*:%d+: ", "")
  }
  server {
    listen 127.0.0.1:__PORT__;
    location /commands {
      content_by_lua_block {
        local redis = require "resty.redis"
        local red = redis:new()
        red:set_timeout(1000)
        local ok, err = red:connect("127.0.0.1", 6379)
        ngx.say("connect ", ok, " ", err, " reused ", red:get_reused_times())
        ngx.say(red:set("${K}k", "v"))
        ngx.say(red:get("${K}k"))
        local r, e = red:get("${K}nokey")
        ngx.say(tostring(r), " ", e, " ", r == ngx.null)
        ngx.say(red:incr("${K}n"), " ", red:incrby("${K}n", 10))
        ngx.say(red:hmset("${K}h", { a = 1 }))
        local t = red:hgetall("${K}h")
        ngx.say(type(t), " ", #t, " ", t[1], " ", t[2])
        local h = red:array_to_hash(t)
        ngx.say(h.a)
        local a, b = red:incr("${K}k")
        ngx.say(tostring(a), " ", b)
        ngx.say(red:mget("${K}k", "${K}nokey", "${K}n")[3])
        red:init_pipeline()
        ngx.say(select("#", red:set("${K}p", 1)))
        red:get("${K}p")
        red:incr("${K}k")
        red:get("${K}nokey")
        local res = red:commit_pipeline()
        for i, v in ipairs(res) do
          if type(v) == "table" then ngx.say(i, " table ", tostring(v[1]), " ", v[2]) else ngx.say(i, " ", tostring(v)) end
        end
        ngx.say(red:commit_pipeline())
        ngx.say(red:multi(), " ", red:set("${K}m", 1), " ", red:lpush("${K}m", 1))
        local x = red:exec()
        ngx.say(x[1], " ", type(x[2]), " ", tostring(x[2][1]))
        ngx.say(red:del("${K}k", "${K}n", "${K}h", "${K}p", "${K}m"))
        ngx.say(red:set_keepalive(10000, 10))
        ngx.say(red:get("x"))
        ngx.say(red:set_keepalive(10000, 10))
        ngx.say(red:close())
        local red2 = redis:new()
        ngx.say(red2:connect("127.0.0.1", 6379))
        ngx.say("reused ", red2:get_reused_times())
        ngx.say(red2:close())
      }
    }
    location /refused {
      content_by_lua_block {
        local redis = require "resty.redis"
        local red = redis:new()
        red:set_timeout(500)
        ngx.say(red:connect("127.0.0.1", ${closedPort}))
        ngx.say(red:close())
        ngx.say(red:get_reused_times())
      }
    }
    location /timeout {
      content_by_lua_block {
        local redis = require "resty.redis"
        local red = redis:new()
        red:set_timeout(100)
        ngx.say(red:connect("127.0.0.1", 6379))
        ngx.say(red:blpop("${K}empty", 5))
        ngx.say(red:close())
      }
    }
    location /pubsub {
      content_by_lua_block {
        local redis = require "resty.redis"
        local red, pub = redis:new(), redis:new()
        red:set_timeout(1000)
        assert(red:connect("127.0.0.1", 6379))
        assert(pub:connect("127.0.0.1", 6379))
        local r = red:subscribe("${K}c")
        ngx.say(r[1], " ", r[2], " ", r[3])
        ngx.say(red:set_keepalive())
        ngx.say(pub:publish("${K}c", "hi"))
        r = red:read_reply()
        ngx.say(r[1], " ", r[2], " ", r[3])
        r = red:unsubscribe("${K}c")
        ngx.say(r[1], " ", r[2], " ", r[3])
        ngx.say(red:read_reply())
        ngx.say(red:ping())
      }
    }
    location /edge {
      content_by_lua_block {
        local redis = require "resty.redis"
        local red = redis:new()
        ngx.say(red:get("x"))
        ngx.say(red:connect("unix:/nonexistent/x.sock"))
        assert(red:connect("127.0.0.1", 6379))
        ngx.say(red:subscribe("${K}c1"))
        ngx.say(red:get("x"))
        ngx.say(red:ping())
        ngx.say(red:subscribe("${K}c2", "${K}c1")[3])
        ngx.say(red:read_reply()[3])
        ngx.say(red:punsubscribe()[3])
        ngx.say(red:psubscribe("${K}p*")[3])
        ngx.say(red:unsubscribe()[3])
        ngx.say(red:read_reply()[3])
        ngx.say(red:punsubscribe()[3])
        ngx.say(red:get_reused_times())
        red:close()
        ngx.say(red:set_keepalive())
        local red = redis:new()
        assert(red:connect("127.0.0.1", 6379))
        ngx.say(red:set_keepalive(-1))
        -- A pipeline being built is the object's, not the connection's.
        local red = redis:new()
        assert(red:connect("127.0.0.1", 6379))
        red:init_pipeline()
        red:get("${K}nokey")
        ngx.say(red:set_keepalive())
        ngx.say(red:connect("127.0.0.1", 6379))
        local res = red:commit_pipeline()
        ngx.say(type(res), " ", #res, " ", tostring(res[1]))
        red:close()
      }
    }
    location /backlog {
      content_by_lua_block {
        local redis = require "resty.redis"
        local out = {}
        local function worker(name, hold, how, timeout)
          local red = redis:new()
          red:set_timeout(timeout or 1000)
          local ok, err = red:connect("127.0.0.1", 6379, { pool = "bl", pool_size = 1, backlog = 1 })
          out[#out + 1] = name .. " connect " .. tostring(ok) .. " " .. tostring(err) .. " " .. tostring(ok and red:get_reused_times())
          if not ok then return end
          ngx.sleep(hold)
          if how == "keep" then out[#out + 1] = name .. " keep " .. tostring(red:set_keepalive()) else out[#out + 1] = name .. " close " .. tostring(red:close()) end
        end
        local function run(...)
          local ts = {}
          for i, w in ipairs({...}) do ts[i] = ngx.thread.spawn(worker, unpack(w)) end
          for _, t in ipairs(ts) do ngx.thread.wait(t) end
        end
        -- a holds the pool's one connection, b waits and gets it from the pool, c finds the backlog full
        run({ "a", 0.1, "keep" }, { "b", 0.1, "close" }, { "c", 0, "keep" })
        -- e's wait runs out while d holds the connection
        run({ "d", 0.3, "close" }, { "e", 0, "keep", 100 })
        -- g waits until f closes, then opens a new one
        run({ "f", 0.1, "close" }, { "g", 0, "close" })
        ngx.say(table.concat(out, "\\n"))
      }
    }
    location /broken {
      content_by_lua_block {
        local redis = require "resty.redis"
        -- A server that closes the connection, one that resets it: what each method answers after.
        for _, port in ipairs({ ${closer}, ${resetter} }) do
          for _, what in ipairs({ "keep", "close", "reused", "pipe" }) do
            local r = redis:new()
            r:connect("127.0.0.1", port)
            local a, b = r:get("x")
            local out = { port == ${closer} and "closer" or "resetter", what, tostring(a), b }
            local c, d
            if what == "keep" then c, d = r:set_keepalive()
            elseif what == "close" then c, d = r:close()
            elseif what == "reused" then c, d = r:get_reused_times()
            else r:init_pipeline() r:get("y") c, d = r:commit_pipeline() end
            out[#out + 1] = tostring(c) out[#out + 1] = tostring(d)
            c, d = r:get("x")
            out[#out + 1] = tostring(c) out[#out + 1] = tostring(d)
            c, d = r:close()
            out[#out + 1] = tostring(c) out[#out + 1] = tostring(d)
            ngx.say(table.concat(out, " "))
          end
        end
        -- Two threads on one object: the second is refused while the first reads.
        local red = redis:new()
        assert(red:connect("127.0.0.1", 6379))
        local out = {}
        local function w(n) local a, b = red:get("${K}x" .. n) out[#out + 1] = n .. " " .. tostring(a) .. " " .. tostring(b) end
        local t1, t2 = ngx.thread.spawn(w, 1), ngx.thread.spawn(w, 2)
        ngx.thread.wait(t1) ngx.thread.wait(t2)
        ngx.say(table.concat(out, ", "))
      }
    }
    location /args {
      content_by_lua_block {
        local redis = require "resty.redis"
        for _, o in ipairs({ { pool_size = 0 }, { pool_size = "x" }, { backlog = -1 }, { backlog = "x" }, { pool = {} }, { pool = 12 } }) do
          local red = redis:new()
          local ok, a, b = pcall(red.connect, red, "127.0.0.1", 6379, o)
          ngx.say(tostring(ok), " ", tostring(a), " ", tostring(b))
          if ok then red:close() end
        end
        local red = redis:new()
        ngx.say(pcall(red.connect, red, "127.0.0.1"))
        ngx.say(pcall(red.connect, red))
        ngx.say(pcall(red.set_timeout, red, "x"))
        assert(red:connect("127.0.0.1", 6379))
        ngx.say(pcall(red.set_keepalive, red, "x"))
        red:close()
      }
    }
    location /init { content_by_lua_block { ngx.say(INIT) } }
    location /set {
      set_by_lua_block $x {
        local redis = require "resty.redis"
        local ok, e = pcall(redis.new, redis)
        return tostring(ok) .. " " .. tostring(e):gsub("^[^ ]*:%d+: ", "")
      }
      content_by_lua_block { ngx.say(ngx.var.x) }
    }
    location /filters {
      content_by_lua_block { ngx.say("body") }
      header_filter_by_lua_block {
        local redis = require "resty.redis"
        local ok, e = pcall(redis.new, redis)
        ngx.header["X-R"] = tostring(ok) .. " " .. tostring(e):gsub("^[^ ]*:%d+: ", "")
        ngx.header.content_length = nil
      }
      body_filter_by_lua_block {
        if ngx.arg[1] ~= "" then
          local redis = require "resty.redis"
          local ok, e = pcall(redis.new, redis)
          ngx.arg[1] = ngx.arg[1] .. tostring(ok) .. " " .. tostring(e):gsub("^[^ ]*:%d+: ", "") .. "\\n"
        end
      }
    }
    location /log {
      content_by_lua_block { ngx.say("ok") }
      log_by_lua_block {
        local redis = require "resty.redis"
        local ok, e = pcall(redis.new, redis)
        ngx.log(ngx.ERR, "in log: ", tostring(ok), " ", (tostring(e):gsub("^[^ ]*:%d+: ", "")))
      }
    }
  }
}`;

test("resty.redis: commands, replies, errors, pipeline, keepalive, refused, timeout, pubsub, phases", async (t) => {
  // Nothing listens on port 1 (a port merely free now may be taken by another test's server).
  const closedPort = 1;
  const closer = net.createServer((c) => c.on("data", () => c.end()));
  const resetter = net.createServer((c) => c.on("data", () => c.resetAndDestroy()));
  const listen = (s: net.Server): Promise<number> =>
    new Promise((res) => s.listen(0, "127.0.0.1", () => res((s.address() as net.AddressInfo).port)));
  try {
    await diffCase(t, {
      name: "resty.redis",
      conf: conf(closedPort, await listen(closer), await listen(resetter)),
      requests: ["/commands", "/refused", "/timeout", "/pubsub", "/edge", "/backlog", "/broken", "/args", "/init", "/set", "/filters", "/log"]
        .map((p) => ({ name: p, path: p })),
      // ngx_lua prints its socket's pointers in these lines; tsresty has none to print.
      ignoreLog: [/attempt to (send|receive) data on a closed socket/],
    });
  } finally {
    closer.close();
    resetter.close();
  }
});
