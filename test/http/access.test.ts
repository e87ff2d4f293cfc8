// allow and deny, satisfy and limit_except (ngx_http_access_module and the core's access
// phase), compared with the reference nginx over real HTTP. Clients connect from 127.0.0.1.
import { test } from "node:test";
import { diffCase, type DiffRequest } from "../differential/harness.js";

const get = (path: string, headers: [string, string][] = []): DiffRequest => ({ path, headers });
const basic = (user: string, pass: string): [string, string] => ["Authorization", "Basic " + Buffer.from(user + ":" + pass).toString("base64")];

const ACCESS_CONF = `
events {}
http {
  access_log off;
  error_log logs/error.log info;
  deny 10.0.0.0/8;
  server {
    listen 127.0.0.1:__PORT__;
    location / { return 200 "inherited: only 10/8 denied\\n"; }
    location /deny { deny all; return 200 "never\\n"; }
    location /allow { allow 127.0.0.1; deny all; return 200 "allowed\\n"; }
    location /first { deny 127.0.0.0/8; allow all; return 200 "never\\n"; }
    location /cidr { allow 127.0.0.0/24; deny all; return 200 "cidr\\n"; }
    location /other { allow 192.168.1.0/24; deny all; return 200 "never\\n"; }
    location /v6 { deny ::1; allow all; return 200 "v6 rule does not match v4\\n"; }
    location /v6all { allow ::/0; deny all; return 200 "never\\n"; }
    location /unix { deny unix:; return 200 "unix rule does not match tcp\\n"; }
    location /nested {
      deny all;
      location /nested/open { allow all; return 200 "own rules replace\\n"; }
      location /nested/closed { return 200 "never\\n"; }
    }
    location /static { deny all; }
    # limit_except: nginx runs the block's configuration (no return/rewrite of the location)
    # for the methods not listed, so these locations serve static files.
    location /lmt { limit_except GET { deny all; } }
    location /lmtpost { limit_except POST PUT { allow 10.0.0.1; deny all; } }
    location /lmtinh { deny all; limit_except GET { allow all; } }
    error_page 403 /err403;
    location = /err403 { return 200 "custom 403 page\\n"; }
    location /withpage { deny all; return 200 "never\\n"; }
  }
}
`;

test("allow and deny: first match wins, families, inheritance, limit_except", async (t) => {
  await diffCase(t, {
    name: "access", conf: ACCESS_CONF, mtime: 1700000000, files: { "html/lmt": "lmt\n", "html/lmtpost": "lmtpost\n", "html/lmtinh": "lmtinh\n" }, requests: [
      get("/"), get("/deny"), get("/allow"), get("/first"), get("/cidr"), get("/other"), get("/v6"), get("/v6all"),
      get("/unix"), get("/nested/open"), get("/nested/closed"), get("/static/x"),
      get("/lmt"), { method: "HEAD", path: "/lmt" }, { method: "POST", path: "/lmt", body: "x" }, { method: "DELETE", path: "/lmt" },
      get("/lmtpost"), { method: "POST", path: "/lmtpost", body: "" }, { method: "PUT", path: "/lmtpost", body: "" },
      get("/lmtinh"), { method: "HEAD", path: "/lmtinh" }, { method: "POST", path: "/lmtinh", body: "" },
      get("/withpage"),
    ],
  });
});

// Checked on the reference: for a method limit_except does not list, the location's rewrite
// script (set, rewrite, return) and content_by_lua do not run, the Lua phases, header filters
// and add_header are inherited, and proxy_pass is carried into the block.
const LIMIT_EXCEPT_CONF = `
events {}
http {
  access_log off;
  error_log logs/error.log info;
  server {
    listen 127.0.0.1:__PORT__;
    location /ret { limit_except GET { deny all; } add_header X-A 1 always; return 200 "ret\\n"; }
    location /open { limit_except GET { allow all; } return 200 "open\\n"; }
    location /rw { limit_except GET { allow all; } rewrite ^ /target last; }
    location /target { return 200 "target\\n"; }
    location /lua { limit_except GET { allow all; } content_by_lua_block { ngx.say("lua ", ngx.req.get_method()) } }
    location /phases {
      limit_except GET { allow all; }
      set $v 1;
      rewrite_by_lua_block { ngx.header["X-R"] = "r" }
      access_by_lua_block { ngx.header["X-A"] = "a" }
      header_filter_by_lua_block { ngx.header["X-H"] = "h" }
      log_by_lua_block { ngx.log(ngx.ERR, "logged [", ngx.var.v, "]") }
      default_type text/x-mine;
    }
    location /up { limit_except GET { allow all; } proxy_pass http://127.0.0.1:9/; }
    location @named { limit_except GET { deny all; } return 200 "named\\n"; }
    location /tonamed { try_files /nothing @named; }
  }
}
`;

test("limit_except: requests with other methods run under the block's configuration", async (t) => {
  const post = (path: string): DiffRequest => ({ method: "POST", path, body: "x" });
  await diffCase(t, {
    name: "limit_except", conf: LIMIT_EXCEPT_CONF, mtime: 1700000000,
    files: { "html/open": "open file\n", "html/rw": "rw file\n", "html/phases": "phases file\n" },
    requests: [
      get("/ret"), post("/ret"), get("/open"), post("/open"), { method: "DELETE", path: "/open" }, get("/rw"), post("/rw"),
      get("/lua"), post("/lua"), get("/phases"), post("/phases"), post("/up"), get("/tonamed"), post("/tonamed"),
    ],
  });
});

// nginx's access phase applies satisfy to every access handler's answer, access_by_lua's
// included (it runs last): under `any`, a denial by the rules can still be allowed by Lua
// finishing or calling ngx.exit(ngx.OK), and a 401 from Lua wins over the rules' 403.
const SATISFY_LUA_CONF = `
events {}
http {
  access_log off;
  error_log logs/error.log info;
  server {
    listen 127.0.0.1:__PORT__;
    location /a { satisfy any; allow 127.0.0.1; deny all; access_by_lua_block { ngx.exit(403) } content_by_lua_block { ngx.say("a") } }
    location /b { satisfy any; deny all; access_by_lua_block { ngx.exit(ngx.OK) } content_by_lua_block { ngx.say("b") } }
    location /c { satisfy any; deny all; access_by_lua_block { ngx.header["X-L"] = 1 } content_by_lua_block { ngx.say("c") } }
    location /d { satisfy all; allow all; access_by_lua_block { ngx.exit(403) } content_by_lua_block { ngx.say("d") } }
    location /e { satisfy any; allow 127.0.0.1; access_by_lua_block { ngx.header["X-L"] = 1 } content_by_lua_block { ngx.say("e") } }
    location /f { satisfy any; access_by_lua_block { ngx.exit(403) } content_by_lua_block { ngx.say("f") } }
    location /g { satisfy any; deny all; access_by_lua_block { ngx.exit(401) } content_by_lua_block { ngx.say("g") } }
    location /h { satisfy all; access_by_lua_block { ngx.log(ngx.ERR, "lua access") } content_by_lua_block { ngx.say("h") } }
    location /sub { content_by_lua_block { local r = ngx.location.capture("/denied") ngx.say("sub ", r.status, " ", r.body) } }
    location /denied { deny all; access_by_lua_block { ngx.exit(403) } content_by_lua_block { ngx.print("in") } }
  }
}
`;

test("satisfy with access_by_lua: the access phase's rule covers Lua's answer; subrequests skip the phase", async (t) => {
  await diffCase(t, {
    name: "satisfy-lua", conf: SATISFY_LUA_CONF, requests: ["/a", "/b", "/c", "/d", "/e", "/f", "/g", "/h", "/sub", "/denied"].map((p) => get(p)),
  });
});

const SATISFY_CONF = `
events {}
http {
  access_log off;
  error_log logs/error.log info;
  server {
    listen 127.0.0.1:__PORT__;
    auth_basic "Zone";
    auth_basic_user_file htpasswd;
    location /all_allowed { allow 127.0.0.1; return 200 "all: ip ok, auth needed\\n"; }
    location /all_denied { deny all; return 200 "never\\n"; }
    location /any_allowed { satisfy any; allow 127.0.0.1; deny all; return 200 "any: ip is enough\\n"; }
    location /any_denied { satisfy any; deny all; return 200 "any: auth is enough\\n"; }
    location /any_norule { satisfy any; return 200 "any: auth only\\n"; }
  }
}
`;

test("satisfy all and any with auth_basic", async (t) => {
  const good = basic("alice", "secret");
  const bad = basic("alice", "nope");
  await diffCase(t, {
    name: "satisfy", conf: SATISFY_CONF, files: { "conf/htpasswd": "alice:{PLAIN}secret\n" }, requests: [
      get("/all_allowed"), get("/all_allowed", [good]), get("/all_allowed", [bad]),
      get("/all_denied"), get("/all_denied", [good]),
      get("/any_allowed"), get("/any_allowed", [bad]),
      get("/any_denied"), get("/any_denied", [good]), get("/any_denied", [bad]),
      get("/any_norule"), get("/any_norule", [good]),
    ],
  });
});
