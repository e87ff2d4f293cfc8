// headers-more (more_set_headers, more_clear_headers, more_set_input_headers,
// more_clear_input_headers), each case compared with the reference nginx: levels adding
// up, -s and -t, wildcards, Server, add_header and Lua's ngx.header around them.
import { test } from "node:test";
import { diffCase, type DiffRequest } from "../differential/harness.js";
import { compareLoadErrors } from "./load-check.js";

const get = (path: string, headers: [string, string][] = []): DiffRequest => ({ path, headers });

test("more_set_headers / more_clear_headers", async (t) => {
  await diffCase(t, {
    name: "headers-more output",
    conf: `
events {}
http {
  access_log off;
  more_set_headers "X-Http: h";
  types { text/plain txt; text/html html; text/css css; }
  server {
    listen 127.0.0.1:__PORT__;
    more_set_headers "X-Srv: s";
    location /a { more_set_headers "X-A: 1" "X-B: 2 $uri"; return 200 "a\\n"; }
    location /inh { return 200 "inh\\n"; }
    location /clear { more_clear_headers "X-Http" Server "X-Srv"; return 200 "c\\n"; }
    location /server { more_set_headers "Server: mine"; return 200 "s\\n"; }
    location /wild { add_header X-Foo-1 a; add_header X-Foo-2 b; more_set_headers "X-Foo-3: c"; more_clear_headers "X-Foo*"; return 200 "w\\n"; }
    location /addh { add_header X-Z addz; more_set_headers "X-Z: morez"; return 200 "z\\n"; }
    location /status {
      more_set_headers -s 404 "X-S: only404";
      more_set_headers -s "200 201" "X-T: ok";
      if ($arg_s = 404) { return 404 "s\\n"; }
      if ($arg_s = 500) { return 500 "s\\n"; }
      return 200 "s\\n";
    }
    location /types {
      more_set_headers -t "text/plain" "X-Type: plain";
      more_set_headers -t "text/html text/css" -s 200 "X-Type2: h";
      more_clear_headers -t text/plain "X-Gone";
      content_by_lua_block { ngx.header["X-Gone"] = "g"; ngx.header.content_type = ngx.var.arg_t; ngx.say("t") }
    }
    location /ct { more_set_headers "Content-Type: foo/bar"; return 200 "ct\\n"; }
    location /emptyv { more_set_headers "X-Srv:" "X-Http"; return 200 "e\\n"; }
    location /inlua {
      content_by_lua_block { ngx.header["X-Srv"] = "lua"; ngx.header["X-C"] = "c"; ngx.say("x") }
      more_clear_headers X-C;
    }
    location /if { if ($arg_a) { more_set_headers "X-If: y"; } return 200 "if\\n"; }
    location /multi { more_set_headers "X-M: 1"; more_set_headers "X-M: 2"; return 200 "m\\n"; }
    location /404 { more_set_headers "X-E: e"; }
    location /sub { more_set_headers "X-Sub: s"; return 200 "sub\\n"; }
    location /cap { more_set_headers "X-Cap: c"; content_by_lua_block { local r = ngx.location.capture("/sub") ngx.say(r.header["X-Sub"], " ", r.body) } }
    location /lua { more_set_headers "X-Lua: more"; header_filter_by_lua_block { ngx.header["X-Lua"] = (ngx.header["X-Lua"] or "nil") .. "+hf" } return 200 "l\\n"; }
    location /dup { more_set_headers "X-D: 1" "X-D: 2"; add_header X-D a; add_header X-D b; return 200 "d\\n"; }
    location /dup2 { content_by_lua_block { ngx.header["X-D"] = {"a", "b"} ngx.say("x") } more_set_headers "X-D: m"; }
    location /case { more_set_headers "x-lower: v" "CONTENT-TYPE: a/b"; more_clear_headers "content-type"; return 200 "c\\n"; }
  }
}`,
    requests: [
      "/a", "/inh", "/clear", "/server", "/wild", "/addh", "/status?s=404", "/status?s=200", "/status?s=500",
      "/types?t=text/plain", "/types?t=text/css", "/types?t=text/plain;%20charset=utf-8", "/types?t=text/plainx",
      "/ct", "/emptyv", "/inlua", "/if?a=1", "/if", "/multi", "/404", "/cap", "/lua", "/dup", "/dup2", "/case",
    ].map((p) => get(p)),
  });
});

test("more_set_input_headers / more_clear_input_headers", async (t) => {
  await diffCase(t, {
    name: "headers-more input",
    conf: `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /in {
      more_set_input_headers "X-In: v-$arg_a" "Host: hh" "X-Multi: m";
      more_clear_input_headers "User-Agent" "X-Drop*";
      more_set_input_headers -t "text/plain" "X-T: typed";
      more_set_input_headers -r "X-Repl: only-if";
      content_by_lua_block {
        ngx.say("in=", ngx.var.http_x_in, " host=", ngx.var.host, "/", ngx.var.http_host, " ua=", tostring(ngx.var.http_user_agent),
          " multi=", ngx.var.http_x_multi, " d=", tostring(ngx.var.http_x_drop_1), " t=", tostring(ngx.var.http_x_t), " r=", tostring(ngx.var.http_x_repl))
        local h = ngx.req.get_headers()
        local ks = {}
        for k, v in pairs(h) do ks[#ks+1] = k .. "=" .. tostring(v) end
        table.sort(ks)
        ngx.say(table.concat(ks, ","))
      }
    }
    location /order {
      more_set_input_headers "X-In: v";
      set $before "$http_x_in";
      rewrite_by_lua_block { ngx.header["X-L"] = ngx.var.http_x_in }
      content_by_lua_block { ngx.say("before=", ngx.var.before, " now=", ngx.var.http_x_in) }
    }
    location /ret { more_set_input_headers "X-In: v"; return 200 "in=$http_x_in\\n"; }
  }
}`,
    requests: [
      get("/in?a=1", [["User-Agent", "ua"]]),
      get("/in", [["X-Drop-1", "x"], ["X-Repl", "old"], ["Content-Type", "text/plain"], ["X-Multi", "a"], ["X-Multi", "b"], ["X-In", "orig"]]),
      get("/in", [["X-Drop-1", "x"], ["Content-Type", "text/html"]]),
      get("/order"),
      get("/ret"),
    ],
  });
});

test("headers-more: load-time errors as nginx -t words them", async (t) => {
  await compareLoadErrors(t, [
    'more_set_headers -s abc "X: y";', "more_set_headers -s;", "more_set_headers -t;", "more_clear_input_headers -s 200 X;",
    'more_set_headers -s "200 404" -t text/plain "X: y";', "more_clear_headers;", "more_set_input_headers -r X-A:b;",
  ]);
});

test("headers-more on nginx's own headers, static files, Lua input headers; set_if_empty in if", async (t) => {
  await diffCase(t, {
    name: "headers-more specials",
    conf: `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /cl { more_clear_headers Content-Length Content-Type; return 200 "abc"; }
    location /loc { more_set_headers "Location: /x"; return 200 "l"; }
    location /redir { more_clear_headers Location; return 302 /y; }
    location /f.txt { more_set_headers "ETag: e" "Last-Modified: x"; }
    location /wildin { more_clear_input_headers "X-*"; echo "a=$http_x_a b=$http_x_b h=$http_host"; }
    location /lua-in { more_set_input_headers "X-A: new"; access_by_lua_block { ngx.req.set_header("X-B", ngx.var.http_x_a) } echo "$http_x_a $http_x_b"; }
    location /sm-if { set $a ""; if ($arg_q) { set_if_empty $a "q=$arg_q"; } set_if_empty $a "none"; echo $a; }
  }
}`,
    files: { "html/f.txt": "file\\n" },
    mtime: 1700000000,
    requests: [
      get("/cl"), get("/loc"), get("/redir"), get("/f.txt"), { method: "HEAD", path: "/f.txt" },
      get("/wildin", [["X-A", "1"], ["X-B", "2"]]), get("/lua-in", [["X-A", "old"]]), get("/sm-if?q=1"), get("/sm-if"),
    ],
  });
});
