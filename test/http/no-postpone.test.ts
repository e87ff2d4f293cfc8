// rewrite_by_lua_no_postpone / access_by_lua_no_postpone: off (the default), Lua runs at the
// end of its phase; on, first, before `set`, allow/deny and more_set_input_headers. Compared
// with the reference.
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

const conf = (np: "on" | "off"): string => `
events {}
http {
  access_log off;
  rewrite_by_lua_no_postpone ${np};
  access_by_lua_no_postpone ${np};
  server {
    listen 127.0.0.1:__PORT__;
    location /r { set $a 1; rewrite_by_lua_block { ngx.say("[", ngx.var.a, "]") } }
    location /rret { rewrite_by_lua_block { ngx.header["X-L"] = "1" } return 200 "ret\\n"; }
    location /a { deny all; access_by_lua_block { ngx.say("lua") ngx.exit(200) } }
    location /m { more_set_input_headers "X-In: more"; rewrite_by_lua_block { ngx.say("[", ngx.var.http_x_in, "]") } }
  }
}
`;

for (const np of ["off", "on"] as const) {
  test(`*_by_lua_no_postpone ${np}: where Lua runs in its phase`, async (t) => {
    await diffCase(t, { name: `no-postpone-${np}`, conf: conf(np), requests: ["/r", "/rret", "/a", "/m"].map((path) => ({ path })) });
  });
}
