// ngx.shared.DICT:flush_all frees the three least recently used keys at once (nginx runs its
// forced expiry after marking every key expired) and leaves the rest for get_stale and
// flush_expired: compared with the reference.
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

test("shdict flush_all then get_stale and flush_expired, as the reference", async (t) => {
  await diffCase(t, {
    name: "shdict flush_all",
    conf: `
events {}
http {
  lua_shared_dict d 1m;
  server {
    listen 127.0.0.1:__PORT__;
    location /one { content_by_lua_block {
      local d = ngx.shared.d
      d:set("b", 2)
      d:flush_all()
      ngx.say(d:get_stale("b"))
      ngx.say(d:flush_expired())
    } }
    location /many { content_by_lua_block {
      local d = ngx.shared.d
      for i = 1, 10 do d:set("k" .. i, i) end
      d:flush_all()
      for i = 1, 10 do ngx.say(i, " ", tostring(d:get_stale("k" .. i))) end
      ngx.say(#d:get_keys(0), " ", d:flush_expired())
    } }
  }
}`,
    requests: [{ path: "/one" }, { path: "/many" }],
  });
});
