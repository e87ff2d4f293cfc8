// ngx.ctx across internal redirects, compared with nginx + ngx_lua: ngx.exec, `rewrite ...
// last`, error_page (to a URI and to a named location), ngx.exec to a named location, and a
// subrequest's own ctx. What ngx_lua keeps and what it starts afresh decides here. With them,
// what else an internal redirect keeps (the status set before it) and output from rewrite and
// access ending the request.
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

const SHOW = `ngx.say(ngx.var.uri, " n=", tostring(ngx.ctx.n), " internal=", tostring(ngx.req.is_internal()))`;

const CONF = `
events {}
http {
  error_log logs/error.log info;
  server {
    listen 127.0.0.1:__PORT__;
    location /exec { rewrite_by_lua_block { ngx.ctx.n = 1 } content_by_lua_block { ngx.ctx.n = 2 ngx.exec("/show") } }
    location /exec-named { content_by_lua_block { ngx.ctx.n = 3 ngx.exec("@named") } }
    location /exec-from-rewrite { rewrite_by_lua_block { ngx.ctx.n = 4 ngx.exec("/show") } }
    location /exec-from-access { access_by_lua_block { ngx.ctx.n = 5 ngx.exec("/show") } }
    location /rewrite-last { rewrite_by_lua_block { ngx.ctx.n = 6 } rewrite ^ /show last; }
    location /rewrite-last2 { set $x 1; rewrite_by_lua_block { ngx.ctx.n = 7 } rewrite ^ /show-rewrite last; }
    location /error-page { error_page 404 = /show; content_by_lua_block { ngx.ctx.n = 8 ngx.exit(404) } }
    location /error-page-named { error_page 403 = @named; access_by_lua_block { ngx.ctx.n = 9 ngx.exit(403) } }
    location /error-page-static { error_page 404 /show; rewrite_by_lua_block { ngx.ctx.n = 10 } }
    location /ctx-table { content_by_lua_block { ngx.ctx = { n = 11 } ngx.exec("/show") } }
    location /sub { content_by_lua_block {
      ngx.ctx.n = 12
      local r = ngx.location.capture("/show")
      ngx.print(r.body)
      ngx.say("parent n=", ngx.ctx.n)
    } }
    location /sub-ctx { content_by_lua_block {
      local c = { n = 13 }
      local r = ngx.location.capture("/show-set", { ctx = c })
      ngx.print(r.body)
      ngx.say("shared table n=", c.n)
    } }
    location /status-exec { content_by_lua_block { ngx.status = 201 ngx.exec("/show") } }
    location /return-error-page { error_page 404 = /show; return 404; }
    location /exit-error-page { error_page 404 = /show-status; content_by_lua_block { ngx.exit(404) } }
    location /rewrite-output { rewrite_by_lua_block { ngx.say("in rewrite") } content_by_lua_block { ngx.say("content") } }
    location /access-output { access_by_lua_block { ngx.say("in access") } content_by_lua_block { ngx.say("content") } }
    location /show-status { content_by_lua_block { ngx.say("status ", ngx.status) } }
    location /show { content_by_lua_block { ${SHOW} } }
    location /show-rewrite { rewrite_by_lua_block { ngx.say("rewrite n=", tostring(ngx.ctx.n)) } content_by_lua_block { ${SHOW} } }
    location /show-set { content_by_lua_block { ${SHOW} ngx.ctx.n = 99 } }
    location @named { content_by_lua_block { ${SHOW} } }
  }
}
`;

const paths = [
  "/exec", "/exec-named", "/exec-from-rewrite", "/exec-from-access", "/rewrite-last", "/rewrite-last2",
  "/error-page", "/error-page-named", "/error-page-static", "/ctx-table", "/sub", "/sub-ctx",
  "/status-exec", "/return-error-page", "/exit-error-page", "/rewrite-output", "/access-output",
];

test("ngx.ctx across internal redirects, error_page and subrequests (compared with nginx)", async (t) => {
  await diffCase(t, { name: "ctx-redirect", conf: CONF, requests: paths.map((p) => ({ path: p })) });
});
