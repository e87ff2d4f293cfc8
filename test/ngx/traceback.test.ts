// Tracebacks of entry threads that die, compared with the reference nginx: a builtin called
// by Lua, a builtin called as a metamethod (LuaJIT names the metamethod and keeps the line),
// and an error the VM raises itself (no current line).
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

test("entry thread tracebacks: a builtin, a VM error", async (t) => {
  await diffCase(t, {
    name: "tracebacks",
    conf: `
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    location /builtin { content_by_lua_block {
        local x = 1
        string.rep()
    } }
    location /vm { content_by_lua_block {
        local x
        x.y = 1
    } }
  }
}`,
    requests: [{ path: "/builtin" }, { path: "/vm" }],
  });
});

test("entry thread tracebacks: a builtin called as a metamethod", { todo: "the argument error names the builtin ('rep'); LuaJIT names the metamethod it was called as ('__newindex', '__index'): src/lua/runtime/error.ts" }, async (t) => {
  await diffCase(t, {
    name: "tracebacks, metamethods",
    conf: `
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    location /builtin { content_by_lua_block {
        local x = 1
        string.rep()
    } }
    location /newindex { content_by_lua_block {
        local x = 1
        local t = setmetatable({}, {__newindex = string.rep})
        t.x = 5
    } }
    location /index { content_by_lua_block {
        local t = setmetatable({}, {__index = string.rep})
        return t.x
    } }
    location /vm { content_by_lua_block {
        local x
        x.y = 1
    } }
  }
}`,
    requests: [{ path: "/newindex" }, { path: "/index" }],
  });
});
