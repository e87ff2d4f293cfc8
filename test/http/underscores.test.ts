// underscores_in_headers: a request header whose name has underscores is kept, and $http_*
// finds it (nginx reads '-' as '_' when it compares names), compared with the reference.
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

const CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    underscores_in_headers on;
    location / { return 200 "[$http_my_hdr] [$http_x_dash] [$http_other_thing]\\n"; }
    location /lua { content_by_lua_block { ngx.say(ngx.var.http_my_hdr, " ", ngx.req.get_headers()["my_hdr"]) } }
  }
}
`;

test("underscores_in_headers: $http_* finds headers named with underscores", async (t) => {
  await diffCase(t, {
    name: "underscores", conf: CONF, requests: [
      { path: "/", headers: [["My_Hdr", "1"], ["X-Dash", "2"]] },
      { path: "/lua", headers: [["my_hdr", "3"]] },
    ],
  });
});
