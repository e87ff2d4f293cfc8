// ngx.on_abort and lua_check_client_abort, compared with nginx + ngx_lua: a client sends a
// request and closes its side (FIN) while the Lua code waits. Compared: the error log (the
// handler's lines, "client prematurely closed connection", what runs after) and the access
// log's status (499 where the request ends there). What the client receives after its own
// FIN is not compared: node ends a half-closed socket's writing side, nginx still writes.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { referenceAvailable, runDriven } from "../differential/harness.js";

const CONF = `
events {}
http {
  error_log logs/error.log info;
  log_format st '$request $status';
  access_log logs/access.log st;
  server {
    listen 127.0.0.1:__PORT__;
    location /exit { lua_check_client_abort on; content_by_lua_block {
      ngx.log(ngx.ERR, "registered ", tostring(ngx.on_abort(function() ngx.log(ngx.ERR, "went away") ngx.exit(499) end)))
      ngx.log(ngx.ERR, "again: ", select(2, ngx.on_abort(function() end)))
      ngx.sleep(0.5)
      ngx.log(ngx.ERR, "not reached")
    } }
    location /nohandler { lua_check_client_abort on; content_by_lua_block { ngx.sleep(0.5) ngx.log(ngx.ERR, "not reached") } }
    location /goon { lua_check_client_abort on; content_by_lua_block {
      ngx.on_abort(function() ngx.log(ngx.ERR, "went away, going on") end)
      ngx.sleep(0.5)
      ngx.log(ngx.ERR, "after sleep")
    } }
    location /off { content_by_lua_block {
      ngx.log(ngx.ERR, "on_abort: ", select(2, ngx.on_abort(function() end)))
      ngx.sleep(0.5)
      ngx.log(ngx.ERR, "after sleep, check off")
    } }
    location /access { lua_check_client_abort on;
      access_by_lua_block { ngx.on_abort(function() ngx.log(ngx.ERR, "abort in access") end) ngx.sleep(0.5) }
      content_by_lua_block { ngx.log(ngx.ERR, "content ran") ngx.say("c") }
    }
    location /raw { lua_check_client_abort on; content_by_lua_block {
      local s = ngx.req.socket(true)
      ngx.sleep(0.3)
      ngx.log(ngx.ERR, "not reached: the check applies with a raw socket too")
    } }
    location /thread { lua_check_client_abort on; content_by_lua_block {
      ngx.thread.spawn(function() ngx.sleep(0.3) ngx.log(ngx.ERR, "light thread not reached") end)
      ngx.sleep(0.5)
    } }
  }
}
`;

const PATHS = ["/exit", "/nohandler", "/goon", "/off", "/access", "/raw", "/thread"];

/** Send GET `p`, close our side after 150 ms, give the server 900 ms. */
function abortingRequest(port: number, p: string): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => s.write(`GET ${p} HTTP/1.1\r\nHost: localhost\r\n\r\n`));
    s.on("error", () => {});
    s.resume();
    setTimeout(() => s.end(), 150);
    setTimeout(() => {
      s.destroy();
      resolve();
    }, 900);
  });
}

async function side(which: "tsresty" | "reference"): Promise<{ errorLog: string[]; accessLog: string[] }> {
  // nginx's keep-alive close line once such a request is done is left out: the client had
  // half-closed, and whether the close is logged depends on who sees the FIN first.
  return runDriven("on-abort", CONF, which, async (port) => {
    for (const p of PATHS) await abortingRequest(port, p);
  }, /closed keepalive connection/);
}

test("ngx.on_abort and lua_check_client_abort when the client closes early (compared with nginx)", async (t) => {
  if (!referenceAvailable()) {
    t.skip("reference nginx not installed");
    return;
  }
  const ref = await side("reference");
  const ts = await side("tsresty");
  assert.deepEqual(ref.accessLog.slice(0, 2), ["GET /exit HTTP/1.1 499", "GET /nohandler HTTP/1.1 499"]);
  assert.ok(ref.errorLog.some((l) => l.includes("went away, going on")));
  assert.deepEqual(ts.accessLog, ref.accessLog);
  assert.deepEqual(ts.errorLog, ref.errorLog);
});
