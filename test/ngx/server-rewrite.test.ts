// server_rewrite_by_lua_block / _file: Lua in the server-rewrite phase, before location
// selection and before the server-level rewrite/set directives, inherited from http; compared
// with the reference nginx.
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

const CONF = `
events {}
http {
  server_rewrite_by_lua_block { ngx.log(ngx.ERR, "http-level phase=", ngx.get_phase()) }
  server {
    listen 127.0.0.1:__PORT__;
    set $a "one";
    server_rewrite_by_lua_block {
      ngx.log(ngx.ERR, "server phase=", ngx.get_phase(), " a=", ngx.var.a, " b=", ngx.var.b, " uri=", ngx.var.uri)
      ngx.var.a = "lua"
      if ngx.var.arg_exit then ngx.exit(tonumber(ngx.var.arg_exit)) end
      if ngx.var.arg_exec then ngx.exec(ngx.var.arg_exec) end
      if ngx.var.arg_redir then ngx.redirect("/x") end
      if ngx.var.arg_say then ngx.say("said") end
      if ngx.var.arg_err then error("boom") end
      if ngx.var.arg_uri then ngx.req.set_uri("/other") end
      if ngx.var.arg_sleep then ngx.sleep(0.001) ngx.log(ngx.ERR, "slept") end
    }
    set $b "two";
    location / {
      rewrite_by_lua_block { ngx.log(ngx.ERR, "location rewrite") }
      content_by_lua_block { ngx.say("a=", ngx.var.a, " b=", ngx.var.b, " uri=", ngx.var.uri) }
    }
    location /other { content_by_lua_block { ngx.say("other") } }
    location /target { content_by_lua_block { ngx.say("target ", ngx.var.uri) } }
  }
  server {
    listen 127.0.0.1:__PORT__;
    server_name inherits;
    location / { content_by_lua_block { ngx.say("inherited") } }
  }
  server {
    listen 127.0.0.1:__PORT__;
    server_name file;
    server_rewrite_by_lua_file lua/sr.lua;
    location / { content_by_lua_block { ngx.say("file ", ngx.ctx.from_file) } }
  }
}`;

test("server_rewrite_by_lua_block: order, exit, exec, redirect, output, errors, set_uri, sleep, inheritance", async (t) => {
  await diffCase(t, {
    name: "server_rewrite_by_lua",
    conf: CONF,
    files: { "lua/sr.lua": "ngx.ctx.from_file = 'yes'\nif ngx.var.arg_err then\n  local x = nil\n  return x.y\nend\n" },
    requests: [
      { path: "/p" },
      { path: "/p?exit=403" },
      { path: "/p?exit=200" },
      { path: "/p?exec=/target" },
      { path: "/p?redir=1" },
      { path: "/p?say=1" },
      { path: "/p?err=1" },
      { path: "/p?uri=1" },
      { path: "/p?sleep=1" },
      { path: "/", headers: [["Host", "inherits"]] },
      { path: "/", headers: [["Host", "file"]] },
      { path: "/?err=1", headers: [["Host", "file"]] },
    ],
  });
});

test("ngx.exec: no args clears the request's, args in the URI and as a parameter are joined", async (t) => {
  await diffCase(t, {
    name: "ngx.exec args",
    conf: `
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    location /a { rewrite_by_lua_block { ngx.exec("/t") } }
    location /b { content_by_lua_block { ngx.exec("/t?x=1") } }
    location /c { content_by_lua_block { ngx.exec("/t?x=1", "y=2") } }
    location /d { content_by_lua_block { ngx.exec("/t", { z = 3 }) } }
    location /t { content_by_lua_block { ngx.say("args=", ngx.var.args or "none") } }
  }
}`,
    requests: [{ path: "/a?q=1" }, { path: "/b?q=1" }, { path: "/c?q=1" }, { path: "/d?q=1" }],
  });
});

test("server_rewrite_by_lua runs for subrequests and internal redirects too", async (t) => {
  await diffCase(t, {
    name: "server_rewrite_by_lua in subrequests",
    conf: `
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    server_rewrite_by_lua_block {
      ngx.log(ngx.ERR, "server_rewrite uri=", ngx.var.uri, " internal=", tostring(ngx.req.is_internal()))
      ngx.ctx.n = (ngx.ctx.n or 0) + 1
    }
    location /main {
      content_by_lua_block {
        local res = ngx.location.capture("/sub")
        ngx.print(res.body)
        ngx.say("main n=", ngx.ctx.n)
      }
    }
    location /sub { content_by_lua_block { ngx.say("sub n=", ngx.ctx.n) } }
    location /redir { rewrite ^ /sub last; }
    location /err { error_page 404 = /sub; return 404; }
  }
}`,
    requests: [{ path: "/main" }, { path: "/redir" }, { path: "/err" }],
  });
});
