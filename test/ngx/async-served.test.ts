// The async API under the real server: shared dicts, sleep, cosockets and light threads from
// a content handler, across requests (a cosocket checks its request by identity).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { startInProcess } from "../http/support.js";
import { freePort } from "../differential/harness.js";

test("content_by_lua uses ngx.shared, ngx.sleep, a tcp cosocket and ngx.thread", async () => {
  // A line-echo peer for the cosocket.
  const peerPort = await freePort();
  const peer = net.createServer((s) => s.on("data", (d) => s.write("+" + d.toString("latin1"))));
  await new Promise<void>((r) => peer.listen(peerPort, "127.0.0.1", r));
  const srv = await startInProcess(`
events {}
http {
  lua_shared_dict d 1m;
  server {
    listen __PORT__;
    location / {
      content_by_lua_block {
        local d = ngx.shared.d
        d:incr("n", 1, 0)
        ngx.sleep(0.01)
        local s = ngx.socket.tcp()
        local ok, err = s:connect("127.0.0.1", ${peerPort})
        s:send("PING\\r\\n")
        local l = s:receive()
        s:close()
        local t = ngx.thread.spawn(function() ngx.sleep(0.01) return 5 end)
        local _, v = ngx.thread.wait(t)
        ngx.say(d:get("n"), " ", ok, " ", err, " ", l, " ", v)
      }
    }
  }
}`);
  try {
    const [a] = await srv.get("/");
    const [b] = await srv.get("/");
    assert.equal(a!.body.toString(), "1 1 nil +PING 5\n");
    assert.equal(b!.body.toString(), "2 1 nil +PING 5\n");
  } finally {
    await srv.close();
    peer.close();
  }
});
