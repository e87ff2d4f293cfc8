// Output to a client that went away, compared with nginx + ngx_lua. A client that only
// half-closes (FIN, still reading) gets the whole response, and the connection ends after it
// ("client ... closed keepalive connection"). A client that closed its socket makes the first
// write after it succeed and the next fail with "writev() failed (32: Broken pipe)" at info;
// one that reset the connection, "writev() failed (104: Connection reset by peer)" at the
// first write. From the failure on, ngx.say/print/flush/eof answer nil, "nginx output filter
// error". With lua_check_client_abort, the FIN runs ngx.on_abort's handler and a request that
// goes on still writes. Compared: the bytes the client received, the error log and the access
// log's status.
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
    location /w { content_by_lua_block {
      ngx.sleep(0.3)
      local ok, err = ngx.say("hello")
      ngx.log(ngx.ERR, "say: ", tostring(ok), " ", tostring(err))
      ok, err = ngx.flush(true)
      ngx.log(ngx.ERR, "flush: ", tostring(ok), " ", tostring(err))
      ok, err = ngx.say(string.rep("x", 300000))
      ngx.log(ngx.ERR, "say big: ", tostring(ok), " ", tostring(err))
      ok, err = ngx.print("more")
      ngx.log(ngx.ERR, "print: ", tostring(ok), " ", tostring(err))
      ok, err = ngx.eof()
      ngx.log(ngx.ERR, "eof: ", tostring(ok), " ", tostring(err))
    } }
    location /goon { lua_check_client_abort on; content_by_lua_block {
      ngx.on_abort(function() ngx.log(ngx.ERR, "client went away") end)
      ngx.sleep(0.3)
      ngx.log(ngx.ERR, "say: ", tostring(ngx.say("still here")))
      ngx.log(ngx.ERR, "flush: ", tostring(ngx.flush(true)))
      ngx.log(ngx.ERR, "say big: ", select(2, ngx.say(string.rep("y", 300000))))
    } }
    location /small { content_by_lua_block {
      ngx.sleep(0.3)
      ngx.say("hello")
    } }
  }
}
`;

type Mode = "fin" | "close" | "rst";
const CASES: readonly [string, Mode][] = [
  ["/w", "fin"], ["/small", "fin"], ["/w", "close"], ["/w", "rst"], ["/small", "rst"],
  ["/goon", "fin"], ["/goon", "close"],
];

/** GET `p`; after 100 ms half-close, close or reset; report the bytes received. */
function client(port: number, p: string, mode: Mode): Promise<number> {
  return new Promise((resolve) => {
    let got = 0;
    const s = net.connect(port, "127.0.0.1", () => s.write(`GET ${p} HTTP/1.1\r\nHost: localhost\r\n\r\n`));
    s.on("data", (d: Buffer) => (got += d.length));
    s.on("error", () => {});
    setTimeout(() => {
      if (mode === "fin") s.end();
      else if (mode === "rst") s.resetAndDestroy();
      else s.destroy();
    }, 100);
    // The server is done well before: the handler sleeps 300 ms, then writes at once.
    setTimeout(() => {
      s.destroy();
      resolve(got);
    }, 1000);
  });
}

async function side(which: "tsresty" | "reference"): Promise<{ received: number[]; errorLog: string[]; accessLog: string[] }> {
  const r = await runDriven("abort-writes", CONF, which, async (port) => {
    const received: number[] = [];
    for (const [p, mode] of CASES) received.push(await client(port, p, mode));
    return received;
  });
  return { received: r.result, errorLog: r.errorLog, accessLog: r.accessLog };
}

test("writing to a client that half-closed, closed or reset (compared with nginx)", async (t) => {
  if (!referenceAvailable()) {
    t.skip("reference nginx not installed");
    return;
  }
  const ref = await side("reference");
  const ts = await side("tsresty");
  assert.ok(ref.errorLog.some((l) => l.includes("writev() failed (32: Broken pipe)")));
  assert.deepEqual(ts.received, ref.received);
  assert.deepEqual(ts.accessLog, ref.accessLog);
  assert.deepEqual(ts.errorLog, ref.errorLog);
});
