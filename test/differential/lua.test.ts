// Differential cases for the Lua module: the same configuration on tsresty and on the
// reference nginx + lua-nginx-module; status, headers, body and error-log lines compared.
import { test } from "node:test";
import { diffCase } from "./harness.js";

const server = (locations: string): string => `
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
${locations}
  }
}`;

// The seed tutorial page on phases (shared/seeds/003): /mixed logs the seven phase lines in order.
test("seed: /mixed logs set, rewrite, access, content, header_filter, body_filter, log in order", async (t) => {
  await diffCase(t, {
    name: "mixed",
    conf: server(`
    location /mixed {
        set_by_lua_block $a {
            ngx.log(ngx.ERR, "set_by_lua*")
        }
        rewrite_by_lua_block {
            ngx.log(ngx.ERR, "rewrite_by_lua*")
        }
        access_by_lua_block {
            ngx.log(ngx.ERR, "access_by_lua*")
        }
        content_by_lua_block {
            ngx.log(ngx.ERR, "content_by_lua*")
        }
        header_filter_by_lua_block {
            ngx.log(ngx.ERR, "header_filter_by_lua*")
        }
        body_filter_by_lua_block {
            ngx.log(ngx.ERR, "body_filter_by_lua*")
        }
        log_by_lua_block {
            ngx.log(ngx.ERR, "log_by_lua*")
        }
    }`),
    requests: [{ path: "/mixed" }],
  });
});

test("uncaught errors: entry thread aborted, traceback, 500", async (t) => {
  await diffCase(t, {
    name: "errors",
    conf: server(`
    location /err {
      content_by_lua_block {
        local function f(x)
          return x.y
        end
        f(nil)
      }
    }
    location /errt { content_by_lua_block { error({}) } }
    location /errs { content_by_lua_block { error("boom") } }
    location /logp { log_by_lua_block { ngx.say("x") } content_by_lua_block { ngx.say("c") } }`),
    requests: [{ path: "/err" }, { path: "/errt" }, { path: "/errs" }, { path: "/logp" }],
  });
});

test("output: say, print, exit per phase, status, header, redirect, flush/eof", async (t) => {
  await diffCase(t, {
    name: "output",
    conf: server(`
    location /empty { content_by_lua_block { } }
    location /say { content_by_lua_block { ngx.say("hello", 1, true, {"t", 2}) ngx.print("x") } }
    location /exit0 { rewrite_by_lua_block { ngx.exit(0) } content_by_lua_block { ngx.say("c") } }
    location /exit200 { rewrite_by_lua_block { ngx.exit(200) } content_by_lua_block { ngx.say("c") } }
    location /exit201 { access_by_lua_block { ngx.status = 201 ngx.say("x") ngx.exit(201) } }
    location /exit404 { content_by_lua_block { ngx.say("x") ngx.exit(404) } }
    location /exit403 { access_by_lua_block { ngx.exit(403) } }
    location /hdr { content_by_lua_block { ngx.header.x_foo = {"a","b"} ngx.header["Content-Type"]="text/html" ngx.header.cache_control="no" ngx.say(ngx.header.X_FOO[2]) ngx.header.z = 1 } }
    location /st { content_by_lua_block { ngx.status = 202 ngx.say(ngx.status) ngx.status = 300 } }
    location /redir { content_by_lua_block { ngx.redirect("/foo") } }
    location /redir2 { content_by_lua_block { ngx.redirect("http://x.com/a", 301) } }
    location /flush { content_by_lua_block { ngx.say("a") ngx.flush(true) ngx.say("b") ngx.eof() ngx.say("c") } }
    location /log { content_by_lua_block { ngx.log(ngx.WARN, "w ", 2, " ", nil, true) ngx.log(ngx.ERR, "e") ngx.say("ok") } }`),
    requests: ["/empty", "/say", "/exit0", "/exit200", "/exit201", "/exit404", "/exit403", "/hdr", "/st", "/redir", "/redir2", "/flush", "/log"].map((path) => ({ path })),
  });
});

test("ngx.re and the encoding functions", async (t) => {
  await diffCase(t, {
    name: "re",
    conf: server(`
    location /re { content_by_lua_block {
      local function show(...) local t = {...} for i = 1, select('#', ...) do t[i] = tostring(t[i]) end ngx.say(table.concat(t, " | ")) end
      show(ngx.re.match("x", "(abc"))
      show(ngx.re.match("x", "abc)"))
      show(ngx.re.match("x", "*a"))
      show(ngx.re.match("x", "[a"))
      show(ngx.re.match("x", "(a)\\\\2"))
      local m = ngx.re.match("hello 123 world", "(?<w>[a-z]+) (\\\\d+)(x)?")
      show(m[0], m[1], m[2], m[3], m.w)
      local ctx = { pos = 3 }
      show(ngx.re.find("abcabc", "b", "jo", ctx), ctx.pos)
      show(ngx.re.sub("hello world", "o", "[$0]"))
      show(ngx.re.gsub("hello world", "(o)", "<$1>"))
      show(ngx.re.gsub("abc", "", "-"))
      for m in ngx.re.gmatch("a1b22c333", "\\\\d+") do show(m[0]) end
      show(ngx.re.match("line1\\nline2\\n", "line2$")[0])
      show(ngx.re.match("a\\r", "a.")[0] == "a\\r")
      show(ngx.unescape_uri("a+b%20c%zz"), ngx.escape_uri("a b/c?d="), ngx.encode_args({a = 1}))
      show(ngx.decode_base64("aGVsbG8"), ngx.decode_base64("a"), ngx.encode_base64("hello", true), ngx.crc32_long("hello"), ngx.quote_sql_str("a'b\\n"))
      show(ngx.cookie_time(1290079655), ngx.http_time(1290079655), ngx.parse_http_time("Thu, 18 Nov 2010 11:27:35 GMT"))
      show(ngx.re.sub("abc", "b", "$"))
    } }`),
    requests: [{ path: "/re" }],
  });
});
