// add_header and expires (ngx_http_headers_module), compared with the reference nginx;
// times that move (Expires of a relative time) are checked in process.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { diffCase, type DiffRequest } from "../differential/harness.js";
import { startInProcess } from "./support.js";

const get = (path: string, headers: [string, string][] = []): DiffRequest => ({ path, headers });

const ADD_HEADER_CONF = `
events {}
http {
  access_log off;
  add_header X-Http http;
  server {
    listen 127.0.0.1:__PORT__;
    add_header X-Srv srv;
    add_header X-Srv-Always srv always;
    location / { return 200 "inherits the server's\\n"; }
    location /own {
      add_header X-Own own;
      add_header X-Always a always;
      add_header X-Empty "";
      add_header X-Var "u=$uri a=$arg_a";
      add_header X-Twice 1;
      add_header X-Twice 2;
      return 200 "own\\n";
    }
    location /own404 { add_header X-Own own; add_header X-Always a always; return 404; }
    location /own500 { add_header X-Own own; add_header X-Always a always; return 500; }
    location /s201 { add_header X-Own own; return 201 "created\\n"; }
    location /s204 { add_header X-Own own; return 204; }
    location /s301 { add_header X-Own own; return 301 /x; }
    location /s302 { add_header X-Own own; return 302 /x; }
    location /s303 { add_header X-Own own; return 303 /x; }
    location /s307 { add_header X-Own own; return 307 /x; }
    location /s308 { add_header X-Own own; return 308 /x; }
    location /s403 { add_header X-Own own; return 403 "text\\n"; }
    location /lm {
      add_header Last-Modified "Wed, 01 Jan 2020 00:00:00 GMT";
      add_header ETag '"abc"';
      add_header Cache-Control no-store;
      add_header Link "</a>; rel=preload";
      add_header Link "</b>; rel=preload";
      return 200 "lm\\n";
    }
    location /lua {
      add_header X-Added added;
      content_by_lua_block {
        ngx.header["X-From-Lua"] = "lua"
        ngx.header["Last-Modified"] = "Thu, 02 Jan 2020 00:00:00 GMT"
        ngx.say("lua")
      }
    }
    location /luaexit { add_header X-Added added; add_header X-Added-Always yes always; content_by_lua_block { ngx.exit(404) } }
    location /inner {
      location /inner/nested { return 200 "nested\\n"; }
      add_header X-Inner inner;
      return 200 "inner\\n";
    }
    # add_header Server/Date add lines beside nginx's own; a header set by name replaces them.
    location /srvdate { add_header Server mine; add_header Date d1; return 200 "sd\n"; }
    location /luasrv { add_header Server added; content_by_lua_block { ngx.header.Server = "lua-srv" ngx.say("ls") } }
    location /luaclr { add_header Server added; header_filter_by_lua_block { ngx.header.Server = nil } return 200 "lc\n"; }
    location /luaclr2 { content_by_lua_block { ngx.header.Server = "x" ngx.header.Server = nil ngx.header.Date = nil ngx.say("lc2") } }
    location /if {
      add_header X-Loc loc;
      if ($arg_x) { add_header X-If if; }
      return 200 "if\\n";
    }
  }
}`;

test("add_header: statuses, always, inheritance, special headers", async (t) => {
  await diffCase(t, {
    name: "add_header", conf: ADD_HEADER_CONF, requests: [
      get("/"), get("/own?a=1"), get("/own404"), get("/own500"), get("/s201"), get("/s204"), get("/s301"), get("/s302"),
      get("/s303"), get("/s307"), get("/s308"), get("/s403"), get("/lm"), get("/lua"), get("/luaexit"), get("/inner"),
      get("/inner/nested"), get("/if"), get("/if?x=1"), { method: "HEAD", path: "/own" }, get("/srvdate"), get("/luasrv"), get("/luaclr"), get("/luaclr2"),
    ],
  });
});

const EXPIRES_CONF = `
events {}
http {
  access_log off;
  map $arg_e $exp { default off; a epoch; b max; c -1; }
  expires epoch;
  server {
    listen 127.0.0.1:__PORT__;
    location / { return 200 "inherited epoch\\n"; }
    location /max { expires max; return 200 "x"; }
    location /max-cc { expires max; add_header Cache-Control private; return 200 "x"; }
    location /off { expires off; return 200 "x"; }
    location /e404 { expires max; return 404; }
    location /e301 { expires max; return 301 /x; }
    location /var { expires $exp; return 200 "x"; }
    location /modified-none { expires modified -1h; return 200 "x"; }
    location /lua-cc {
      expires max;
      content_by_lua_block { ngx.header["Cache-Control"] = { "a", "b" } ngx.say("x") }
    }
  }
}`;

test("expires: epoch, max, off, statuses, variables, existing Cache-Control", async (t) => {
  await diffCase(t, {
    name: "expires", conf: EXPIRES_CONF, requests: [
      get("/"), get("/max"), get("/max-cc"), get("/off"), get("/e404"), get("/e301"), get("/var"), get("/var?e=a"),
      get("/var?e=b"), get("/var?e=c"), get("/modified-none"), get("/lua-cc"),
    ],
    // -1 depends on the second the request is served in.
    ignoreHeaders: ["expires"],
  });
});

test("expires with times: Expires and max-age as nginx computes them", async () => {
  const s = await startInProcess(`
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /1h { expires 1h; return 200 "x"; }
    location /neg { expires -30s; return 200 "x"; }
    location /zero { expires 0; return 200 "x"; }
    location /mod { expires modified 2d; content_by_lua_block { ngx.header["Last-Modified"] = "Wed, 01 Jan 2020 00:00:00 GMT" ngx.say("x") } }
    location /daily { expires @12h30m; return 200 "x"; }
  }
}`);
  try {
    const hdr = async (p: string): Promise<Map<string, string>> => {
      const [res] = await s.get(p);
      return new Map(res!.headers.map(([k, v]) => [k.toLowerCase(), v]));
    };
    const secs = (d: string | undefined): number => Date.parse(d ?? "") / 1000;
    let h = await hdr("/1h");
    assert.equal(h.get("cache-control"), "max-age=3600");
    assert.equal(secs(h.get("expires")) - secs(h.get("date")), 3600);
    h = await hdr("/neg");
    assert.equal(h.get("cache-control"), "no-cache");
    assert.equal(secs(h.get("expires")) - secs(h.get("date")), -30);
    h = await hdr("/zero");
    assert.equal(h.get("cache-control"), "max-age=0");
    assert.equal(h.get("expires"), h.get("date"));
    h = await hdr("/mod");
    assert.equal(h.get("expires"), "Fri, 03 Jan 2020 00:00:00 GMT");
    assert.equal(h.get("cache-control"), "no-cache");
    h = await hdr("/daily");
    const at = new Date(secs(h.get("expires")) * 1000);
    assert.equal(at.getHours() * 60 + at.getMinutes(), 12 * 60 + 30);
    const age = Number(/^max-age=(\d+)$/.exec(h.get("cache-control") ?? "")?.[1]);
    assert.ok(age > 0 && age <= 86400);
  } finally {
    await s.close();
  }
});

const SPECIAL_NAMES_CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /ct { add_header Content-Type text/x-added; return 200 "x"; }
    location /cl { add_header Content-Length 99; return 200 "x"; }
    location /loc { add_header Location /added; return 200 "x"; }
    location /conn { add_header Connection keep-going; return 200 "x"; }
    location /cc { add_header Cache-Control a; add_header Cache-Control b; expires max; return 200 "x"; }
  }
}`;

test("add_header of names nginx writes itself: added as further lines", async (t) => {
  await diffCase(t, { name: "add_header-names", conf: SPECIAL_NAMES_CONF, requests: ["/ct", "/cl", "/loc", "/conn", "/cc"].map((p) => get(p)) });
});
