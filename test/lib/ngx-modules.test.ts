// lua-resty-core's ngx.* modules (ngx.re, ngx.base64, ngx.resp, ngx.req, ngx.process,
// ngx.semaphore) compared with the reference.
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

const CONF = String.raw`
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /split {
      content_by_lua_block {
        local split = require("ngx.re").split
        local function show(...)
          local res, err = split(...)
          if not res then ngx.say("err: ", err) return end
          local out = {}
          for i = 1, #res do out[i] = "[" .. res[i] .. "]" end
          ngx.say(#res, " ", table.concat(out))
        end
        show("a,b,c,d", ",")
        show("a,b,c,d", ",", nil, nil, 2)
        show("a,b,c,d", ",", nil, nil, 1)
        show("a,b,,c,,", ",")
        show(",a,,b,,", ",", nil, nil, 10)
        show("abcd", "")
        show("abcd", "", nil, nil, 3)
        show("a1b22c333", "\\d*")
        show("a1b22c333", "(\\d+)")
        show("a1b22c", "(\\d)(\\d)?")
        show("AxBxC", "x", "i")
        show("AXBxC", "x", "i")
        show("", ",")
        show(",", ",")
        show("a,b", "(")
        show(12345, "3")
        show("a,b,c", ",", nil, { pos = 3 })
        show("a,b,c", ",", nil, { pos = 10 })
        local res = { "x", "y", "z", "w" }
        split("1,2", ",", nil, nil, nil, res)
        ngx.say(#res, " ", tostring(res[3]))
        ngx.say(pcall(split, "a", ",", nil, nil, nil, "bad"))
        ngx.say(pcall(require("ngx.re").opt, "nope", 1))
      }
    }
    location /base64 {
      content_by_lua_block {
        local b = require "ngx.base64"
        for _, s in ipairs({ "", "f", "fo", "foo", "\255\254\253", "hello?>" }) do
          local e = b.encode_base64url(s)
          ngx.say(e, " ", b.decode_base64url(e) == s)
        end
        for _, s in ipairs({ "Zm9v", "Zm9", "Zm", "Z", "Zm9v==x", "Zm+v", "Zm/v", "Zm-v", "Zm_v", "Zm 9" }) do
          local d, err = b.decode_base64url(s)
          ngx.say(s, " -> ", d and ngx.encode_base64(d) or "nil", " ", tostring(err))
        end
        ngx.say(b.encode_base64url(1))
        ngx.say(b.decode_base64url(nil))
      }
    }
    location /hdr {
      content_by_lua_block {
        require("ngx.req").add_header("X-In", "2")
        require("ngx.req").add_header("X-New", "n")
        local h = ngx.req.get_headers()
        ngx.say(type(h["x-in"]) == "table" and table.concat(h["x-in"], ",") or h["x-in"], " ", h["x-new"])
        local resp = require "ngx.resp"
        resp.add_header("X-Out", "a")
        resp.add_header("X-Out", "b")
        resp.add_header("X-Out", { "c", "d" })
        ngx.say(require("ngx.process").type())
        ngx.say(type(require("ngx.semaphore").new))
      }
    }
  }
}`;

// one case (one pair of servers) for all of them: starting the servers is the cost
test("ngx.re.split/opt, ngx.base64, ngx.req/ngx.resp add_header, ngx.process agree with the reference", async (t) => {
  await diffCase(t, {
    name: "ngx-modules", conf: CONF,
    requests: [{ path: "/split" }, { path: "/base64" }, { path: "/hdr", headers: [["X-In", "1"]] }],
  });
});
