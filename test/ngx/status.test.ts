// ngx.status in an error_page's location reports the error's status (lua-nginx-module reads
// r->err_status first), compared with the reference nginx. Found by examples/13-api-gateway.
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

test("ngx.status inside an error_page location is the error's status", async (t) => {
  await diffCase(t, {
    name: "ngx.status in error_page",
    conf: `
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    error_page 500 502 503 504 /50x.json;
    location = /50x.json {
      internal;
      content_by_lua_block { ngx.say("status=", ngx.status) }
    }
    location /exit502 { content_by_lua_block { return ngx.exit(502) } }
    location /ret503 { return 503; }
    location /plain { content_by_lua_block { ngx.say("status=", ngx.status) } }
    location /set { content_by_lua_block { ngx.status = 201 ngx.say("status=", ngx.status) } }
  }
}`,
    requests: [
      { path: "/exit502" },
      { path: "/ret503" },
      { path: "/plain" },
      { path: "/set" },
    ],
  });
});
