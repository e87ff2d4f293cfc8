// limit_conn_zone and limit_conn. Sequential requests never hold a unit at once: compared
// with the reference nginx. Concurrency is made deterministic with a gate: the first
// request waits in content_by_lua until the test opens it, so the second one certainly
// finds the zone full.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { diffCase, exchange, type DiffRequest } from "../differential/harness.js";
import { startInProcess, sleep } from "./support.js";

const get = (p: string): DiffRequest => ({ path: p });

const CONF = `
events {}
http {
  access_log off;
  error_log logs/error.log info;
  lua_shared_dict gate 1m;
  limit_conn_zone $arg_k zone=addr:1m;
  limit_conn_zone $binary_remote_addr zone=peer:1m;
  server {
    listen 127.0.0.1:__PORT__;
    add_header X-Conn "$limit_conn_status" always;
    location /one { limit_conn addr 1; }
    location /peer { limit_conn peer 1; limit_conn addr 2; }
    location /st { limit_conn addr 1; limit_conn_status 429; limit_conn_log_level info; }
    location /dry { limit_conn addr 1; limit_conn_dry_run on; }
    location /held {
      limit_conn addr 1;
      content_by_lua_block {
        ngx.shared.gate:set("in", true)
        for _ = 1, 500 do
          if ngx.shared.gate:get("open") then break end
          ngx.sleep(0.01)
        end
        ngx.say("held done")
      }
    }
    location /in { content_by_lua_block { ngx.say(ngx.shared.gate:get("in") and "yes" or "no") } }
    location /open { content_by_lua_block { ngx.shared.gate:set("open", true) ngx.say("opened") } }
  }
}
`;

const FILES = { "html/one": "one\n", "html/peer": "peer\n", "html/st": "st\n", "html/dry": "dry\n" };

test("limit_conn: sequential requests pass, variables", async (t) => {
  await diffCase(t, {
    name: "limit-conn", conf: CONF, files: FILES, mtime: 1700000000, requests: [
      get("/one"), get("/one?k=" + "x".repeat(256)), get("/one?k=a"), get("/one?k=a"), get("/peer?k=b"), get("/peer"), get("/st?k=c"), get("/dry?k=d"),
    ],
  });
});

test("limit_conn: a second request while the first holds the unit", async () => {
  const s = await startInProcess(CONF);
  fs.mkdirSync(path.join(s.prefix, "html"), { recursive: true });
  for (const [f, text] of Object.entries(FILES)) fs.writeFileSync(path.join(s.prefix, f), text);
  try {
    const first = exchange(s.port, { raw: "GET /held?k=z HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", timeout: 10000 });
    for (let i = 0; i < 500; i++) {
      const [r] = await s.get("/in");
      if (r!.body.startsWith("yes")) break;
      await sleep(10);
    }
    const [busy] = await s.get("/held?k=z");
    assert.match(busy!.statusLine, / 503 /);
    const [st] = await s.get("/st?k=z");
    assert.match(st!.statusLine, / 429 /);
    assert.equal(st!.headers.find(([n]) => n.toLowerCase() === "x-conn")?.[1], "REJECTED");
    const [dry] = await s.get("/dry?k=z");
    assert.match(dry!.statusLine, / 200 /);
    assert.equal(dry!.headers.find(([n]) => n.toLowerCase() === "x-conn")?.[1], "REJECTED_DRY_RUN");
    const [other] = await s.get("/one?k=other");
    assert.match(other!.statusLine, / 200 /);
    await s.get("/open");
    const done = await first;
    assert.match(done.responses[0]!.statusLine, / 200 /);
    // the unit is back
    const [again] = await s.get("/one?k=z");
    assert.match(again!.statusLine, / 200 /);
    const log = fs.readFileSync(path.join(s.prefix, "logs/error.log"), "latin1");
    assert.match(log, /\[error\] \d+#\d+: \*\d+ limiting connections by zone "addr", client: 127\.0\.0\.1, server: , request: "GET \/held\?k=z HTTP\/1\.1", host: "localhost"/);
    assert.match(log, /\[info\] .* limiting connections by zone "addr", client: .*"GET \/st\?k=z/);
    assert.match(log, /\[error\] .* limiting connections, dry run, by zone "addr", client: .*"GET \/dry\?k=z/);
  } finally {
    await s.close();
  }
});
