// error_page, internal, recursive_error_pages, server_tokens, msie_padding and nginx's own
// error pages for every status, compared with the reference nginx.
import { test } from "node:test";
import { diffCase, type DiffRequest } from "../differential/harness.js";

const get = (path: string, headers: [string, string][] = []): DiffRequest => ({ path, headers });

const ERROR_PAGE_CONF = `
events {}
http {
  access_log off;
  error_page 418 /http-level;
  server {
    listen 127.0.0.1:__PORT__;
    error_page 404 /err404;
    location / { return 404; }
    location /err404 { return 200 "custom 404 page $uri $args $request_method $status\\n"; }
    location /http-level { return 200 "http-level page\\n"; }
    location /teapot { error_page 500 /x; return 418; }
    location /e1 { error_page 403 =200 /err404?a=b; return 403; }
    location /e2 { error_page 403 = /e2t; return 403; }
    location /e2t { return 201 "e2t\\n"; }
    location /e3 { error_page 500 502 http://example.com/x; return 502; }
    location /e4 { error_page 500 =301 http://example.com/y; return 500; }
    location /e4b { error_page 500 =307 /rel?x=1; return 500; }
    location /e5 { error_page 403 @named; return 403; }
    location @named { return 200 "named $uri\\n"; }
    location /e6 { error_page 404 /nf; return 404; }
    location /nf { return 404; }
    location /e7 { recursive_error_pages on; error_page 404 /e7b; return 404; }
    location /e7b { error_page 404 /err404; return 404; }
    location /e7c { error_page 404 /e7d; return 404; }
    location /e7d { error_page 404 /err404; return 404; }
    location /int { internal; return 200 "int $uri\\n"; }
    location /e8 { error_page 404 /int; return 404; }
    location /e9 { error_page 404 /int$arg_x; return 404; }
    location /e10 { error_page 500 /loop; return 500; }
    location /loop { rewrite ^ /loop last; }
    location /lua { error_page 404 = /err404; content_by_lua_block { ngx.exit(404) } }
    location /luaexit { error_page 503 /err404; content_by_lua_block { ngx.exit(503) } }
    location /rw { rewrite ^ /int last; }
  }
}`;

test("error_page: URIs, =code, =, redirects, named locations, inheritance, recursion, internal", async (t) => {
  await diffCase(t, {
    name: "error_page", conf: ERROR_PAGE_CONF, requests: [
      get("/nope?q=1"), get("/teapot"), get("/e1?q=1"), get("/e2"), get("/e3"), get("/e4"), get("/e4b"), get("/e5"),
      get("/e6"), get("/e7"), get("/e7c"), get("/e8"), get("/e9?x=1"), get("/e10"), get("/int"), get("/lua"),
      get("/luaexit"), get("/rw"),
      { method: "HEAD", path: "/nope" },
      { method: "POST", path: "/nope", body: "abc" },
    ],
  });
});

const CODES = [
  ...Array.from({ length: 200 }, (_, i) => 400 + i),
  300, 305, 306, 399,
];

const PAGES_CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
${CODES.map((c) => `    location = /s${c} { return ${c}; }`).join("\n")}
    location = /tok-off { server_tokens off; return 404; }
    location = /tok-build { server_tokens build; return 404; }
    location = /tok-off-200 { server_tokens off; return 200 "x"; }
    location = /nopad { msie_padding off; return 404; }
  }
}`;

test("nginx's default error pages for every status, server_tokens, msie_padding", async (t) => {
  await diffCase(t, {
    name: "error pages", conf: PAGES_CONF, requests: [
      ...CODES.filter((c) => c !== 444 && c !== 499).map((c) => get(`/s${c}`)),
      get("/tok-off"), get("/tok-build"), get("/tok-off-200"),
      get("/s404", [["User-Agent", "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)"]]),
      get("/s302", [["User-Agent", "Mozilla/4.0 (compatible; MSIE 6.0)"]]),
      get("/nopad", [["User-Agent", "MSIE 6.0"]]),
    ],
  });
});

const LUA_CONF = `
events {}
http {
  access_log off;
  server { listen 127.0.0.1:__PORT__;
    location /a { add_header X-A a always; error_page 404 /luaerr; return 404; }
    location /luaerr { add_header X-Err err; add_header X-Err-Always yes always; content_by_lua_block { ngx.say("status ", ngx.status, " uri ", ngx.var.uri) } }
    location /b { error_page 404 = /luastatus; return 404; }
    location /luastatus { content_by_lua_block { ngx.status = 202 ngx.say("202 from lua") } }
    location /c { error_page 404 /err.html; return 404; }
    location /d { if ($arg_x) { error_page 404 /luaerr; } return 404; }
    location /e { expires max; if ($arg_x) { add_header X-If 1; } return 200 "e\\n"; }
    location /f { error_page 404 /err.html; content_by_lua_block { ngx.exit(ngx.HTTP_NOT_FOUND) } }
    location /g { error_page 500 /luaerr; content_by_lua_block { error("boom") } }
    location /h { error_page 404 /luaerr; content_by_lua_block { ngx.say("partial") ngx.exit(404) } }
    location /i { error_page 302 /luaerr; return 302 /x; }
    location /j { error_page 404 /sub; return 404; }
    location /sub { content_by_lua_block {
      for _, u in ipairs({"/inner", "/inner2", "/inner3", "/inner4.html"}) do
        local r = ngx.location.capture(u)
        local hs = {}
        for k, v in pairs(r.header) do hs[#hs + 1] = k .. "=" .. tostring(v) end
        table.sort(hs)
        ngx.say(u, " ", r.status, " [", r.body, "] ", table.concat(hs, ","))
      end
    } }
    location /inner { return 404; }
    location /inner2 { error_page 404 /page; return 404; }
    location /page { return 200 "page\n"; }
    location /inner3 { return 502; }
    location /inner4.html { return 404; }
  }
}
`;

test("error_page with Lua: statuses, headers of the target, ngx.exit, errors, subrequests", async (t) => {
  await diffCase(t, {
    name: "error_page-lua", conf: LUA_CONF, files: { "html/err.html": "static error page\n" },
    requests: ["/a", "/b", "/c", "/d?x=1", "/d", "/e?x=1", "/f", "/g", "/h", "/i", "/j", "/sub"].map((p) => get(p)),
  });
});

const KEEPALIVE_CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /e500 { error_page 500 /page; return 500; }
    location /e404 { error_page 404 /page; return 404; }
    location /page { return 200 "page\\n"; }
    location /ok { return 200 "ok\\n"; }
  }
}`;

const pipelined = (first: string): DiffRequest => ({
  raw: `${first} HTTP/1.1\r\nHost: a\r\n\r\nGET /ok HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
  responses: 2,
});

test("error_page and keep-alive: a 500 closes the connection, a 404 keeps it", async (t) => {
  await diffCase(t, {
    name: "error_page-keepalive", conf: KEEPALIVE_CONF, requests: [
      pipelined("GET /e500"), pipelined("GET /e404"),
      { raw: "POST /e404 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /ok HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", responses: 2 },
    ],
  });
});

const DEFAULT_CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location / { root html; index index.html; }
    location /boom { return 503; }
    error_page 500 502 503 504 /50x.html;
    location = /50x.html { root html; }
  }
}`;

test("nginx's default configuration: error pages from a file keep the error's status", async (t) => {
  await diffCase(t, {
    name: "error_page-50x", conf: DEFAULT_CONF, files: { "html/50x.html": "<h1>error</h1>\n", "html/index.html": "home\n" },
    requests: ["/boom", "/", "/missing", "/50x.html"].map((p) => get(p)),
    // the files are written a moment apart on each side
    ignoreHeaders: ["last-modified", "etag"],
  });
});
