// limit_req and limit_conn count in shared zones of their declared size: with
// worker_processes 2 both workers see one limit (burst + 1 pass in all, not per worker), and
// limit_conn counts requests in progress across workers; a full zone answers as nginx's
// (limit_req: the forced expiry, then `could not allocate node` and the limit's status;
// limit_conn: the slab's `no memory` line and 503), compared with the reference.
import { test, type TestContext } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isTsrestyOnly, makePrefix as makeConfPrefix, referenceMissing, removePrefix, runReference, runTsresty } from "../conf/support/reference.js";
import {
  diffCase, exchange, freePort, makePrefix, maskLog, referenceAvailable, startReference, startTsresty,
  type ParsedResponse, type Running,
} from "../differential/harness.js";

const get = (p: string): string => `GET ${p} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`;

/** One request on its own connection: its response's status and body. */
async function one(port: number, p: string, timeout = 10_000): Promise<{ status: number; body: string }> {
  const r = await exchange(port, { raw: get(p), timeout });
  const res: ParsedResponse | undefined = r.responses[0];
  assert.ok(res, `no response to ${p.slice(0, 80)}`);
  return { status: Number(res.statusLine.split(" ")[1]), body: res.body };
}

async function serve(conf: string, which: "tsresty" | "reference" = "tsresty"): Promise<Running> {
  const port = await freePort();
  const prefix = makePrefix({ name: "limit-zones", conf, requests: [] }, port, which);
  return which === "tsresty" ? startTsresty(prefix, port) : startReference(prefix, port);
}

/** How many lines of the error log match `re`, once there are `want` (workers write their logs asynchronously). */
async function logCount(s: Running, re: RegExp, want: number): Promise<number> {
  let n = 0;
  for (let i = 0; i < 100; i++) {
    n = fs.readFileSync(path.join(s.prefix, "logs/error.log"), "latin1").match(re)?.length ?? 0;
    if (n >= want) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return n;
}

async function done(s: Running): Promise<void> {
  await s.stop();
  fs.rmSync(s.prefix, { recursive: true, force: true });
}

const workersConf = `
worker_processes 2;
error_log logs/error.log notice;
events {}
http {
  access_log off;
  lua_shared_dict d 1m;
  limit_req_zone $arg_k zone=r:1m rate=1r/m;
  limit_conn_zone $arg_k zone=c:1m;
  server {
    listen 127.0.0.1:__PORT__;
    location /r {
      limit_req zone=r burst=4 nodelay;
      limit_req_status 429;
      error_page 429 /rejected;
      content_by_lua_block { ngx.say("passed ", ngx.worker.id()) }
    }
    location = /rejected { internal; content_by_lua_block { ngx.say("rejected ", ngx.worker.id()) } }
    location /c {
      limit_conn c 2;
      content_by_lua_block {
        while not ngx.shared.d:get("go") do ngx.sleep(0.005) end
        ngx.say("held ", ngx.worker.id())
      }
    }
    location /go { content_by_lua_block { ngx.shared.d:set("go", true) ngx.say("go") } }
    location /stop { content_by_lua_block { ngx.shared.d:delete("go") ngx.say("stop") } }
  }
}
`;

test("limit_req with 2 workers: burst + 1 pass in all, whichever worker serves", async (t: TestContext) => {
  const s = await serve(workersConf);
  t.after(() => done(s));
  // 24 requests of one key on 24 connections at once: the kernel spreads them over both workers
  const res = await Promise.all(Array.from({ length: 24 }, () => one(s.port, "/r?k=same")));
  const passed = res.filter((r) => r.status === 200);
  const rejected = res.filter((r) => r.status === 429);
  assert.equal(passed.length, 5, res.map((r) => r.status).join(" "));
  assert.equal(rejected.length, 19);
  const workers = new Set(res.map((r) => r.body.trim().split(" ")[1]));
  assert.deepEqual([...workers].sort(), ["0", "1"], "both workers served some of the requests");
  // another key has its own bucket
  assert.equal((await one(s.port, "/r?k=other")).status, 200);
  assert.equal(await logCount(s, /limiting requests, excess: [45]\.\d{3} by zone "r"/g, 19), 19);
});

test("limit_conn with 2 workers: requests in progress counted across workers, units given back", async (t: TestContext) => {
  const s = await serve(workersConf);
  t.after(() => done(s));
  for (let round = 0; round < 2; round++) {
    let answered = 0;
    let rejectedSeen: () => void = () => {};
    const fourRejected = new Promise<void>((r) => (rejectedSeen = r));
    const pending = Array.from({ length: 6 }, async () => {
      const r = await one(s.port, "/c?k=same", 20_000);
      if (r.status === 503 && ++answered === 4) rejectedSeen();
      return r;
    });
    // the two held requests wait for /go; the four others are rejected at once
    await fourRejected;
    assert.equal((await one(s.port, "/go")).status, 200);
    const res = await Promise.all(pending);
    assert.deepEqual(res.map((r) => r.status).sort(), [200, 200, 503, 503, 503, 503]);
    assert.equal((await one(s.port, "/stop")).status, 200);
  }
  const workers = new Set<string>();
  for (let i = 0; i < 40 && workers.size < 2; i++) workers.add((await one(s.port, "/r?k=w" + i)).body.trim().split(" ")[1]!);
  assert.equal(workers.size, 2, "both workers serve");
  assert.equal(await logCount(s, /limiting connections by zone "c"/g, 8), 8);
});

const tinyConf = `
error_log logs/error.log info;
events {}
http {
  access_log off;
  lua_shared_dict d 1m;
  limit_req_zone $arg_k zone=rz:32k rate=1r/s;
  limit_conn_zone $arg_k zone=cz:32k;
  server {
    listen 127.0.0.1:__PORT__;
    location /r { limit_req zone=rz burst=100000 nodelay; echo ok; }
    location /c {
      limit_conn cz 5;
      content_by_lua_block {
        while not ngx.shared.d:get("go") do ngx.sleep(0.005) end
        ngx.say("ok")
      }
    }
    location /go { content_by_lua_block { ngx.shared.d:set("go", true) ngx.say("go") } }
  }
}
`;

test("a full limit_req zone: forced expiry keeps nodes of one size coming, a larger node fails as nginx's", async (t: TestContext) => {
  // 300 short keys fill the 32k zone (191 nodes) and force the oldest out; a 3000-byte key
  // needs a whole page that freeing one small node cannot give: alert and the limit's 503.
  let raw = "";
  for (let i = 0; i < 300; i++) raw += get(`/r?k=a${i}`).replace("Connection: close\r\n", "");
  raw += get(`/r?k=${"L".repeat(3000)}`).replace("Connection: close\r\n", "");
  raw += get("/r?k=a299");
  await diffCase(t, {
    name: "limit_req tiny zone",
    conf: tinyConf,
    requests: [{ raw, responses: 302, timeout: 20_000 }, { path: `/r?k=${"M".repeat(5000)}` }],
    ignoreLog: [/closed keepalive connection/],
  });
});

test("a full limit_conn zone: the slab's line and 503, as nginx's", async (t: TestContext) => {
  if (!referenceAvailable()) {
    t.skip("reference nginx not installed");
    return;
  }
  // 45 requests in progress with 250-byte keys: 40 nodes fit in the 32k zone's free pages
  const side = async (which: "tsresty" | "reference"): Promise<{ statuses: number[]; log: string[] }> => {
    const s = await serve(tinyConf, which);
    try {
      let rejected = 0;
      let fiveRejected: () => void = () => {};
      const five = new Promise<void>((r) => (fiveRejected = r));
      const pending = Array.from({ length: 45 }, async (_, i) => {
        const r = await one(s.port, `/c?k=${String(i).padEnd(250, "x")}`, 20_000);
        if (r.status === 503 && ++rejected === 5) fiveRejected();
        return r.status;
      });
      await five;
      await one(s.port, "/go");
      const statuses = (await Promise.all(pending)).sort();
      // all units given back: every node freed, the zone takes 40 keys again
      const again = await one(s.port, `/c?k=${"z".repeat(250)}`);
      assert.equal(again.status, 200);
      await new Promise((r) => setTimeout(r, 150));
      const text = fs.readFileSync(path.join(s.prefix, "logs/error.log"), "latin1");
      const log = maskLog(text, s.port, s.prefix + "/").filter((l) => !/\[notice\]|closed keepalive/.test(l));
      return { statuses, log };
    } finally {
      await done(s);
    }
  };
  const ours = await side("tsresty");
  const ref = await side("reference");
  assert.deepEqual(ours.statuses, ref.statuses);
  assert.equal(ours.statuses.filter((x) => x === 503).length, 5);
  assert.deepEqual(ours.log, ref.log);
});

test("limit zone declarations checked at load as nginx: below eight pages, redeclared, another module's name, sync, rate units", async (t: TestContext) => {
  const missing = referenceMissing();
  if (missing !== null) {
    t.skip(missing);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-limit-zone-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cases = [
    "limit_req_zone $arg_k zone=r:32767 rate=1r/s;",
    "limit_conn_zone $arg_k zone=r:16k;",
    "limit_req_zone $arg_k zone=r:32k rate=1r/s;",
    "limit_conn_zone $arg_k zone=r rate=1r/s;",
    "limit_conn_zone $arg_k zone=r:1q;",
    "limit_req_zone $arg_k zone=r:32k sync;",
    "limit_req_zone $arg_k zone=r:32k rate=5;",
    "limit_req_zone $arg_k zone=r:32k rate=5r/h;",
    "limit_req_zone $arg_k zone=r:32k rate=1r/s;\n  limit_req_zone $arg_a zone=r:32k rate=1r/s;",
    "limit_req_zone $arg_k zone=r:32k rate=1r/s;\n  limit_req_zone $arg_k zone=r:64k rate=1r/s;",
    "limit_conn_zone $arg_k zone=r:32k;\n  limit_conn_zone $arg_a zone=r:32k;",
    "limit_req_zone $arg_k zone=r:32k rate=1r/s;\n  limit_conn_zone $arg_a zone=r:32k;",
    "lua_shared_dict r 1m;\n  limit_req_zone $arg_k zone=r:32k rate=1r/s;",
    "limit_conn_zone $arg_k zone=r:32k;\n  lua_shared_dict r 1m;",
  ];
  for (const [i, d] of cases.entries()) {
    const file = path.join(dir, `c${i}.conf`);
    fs.writeFileSync(file, `events {}\nhttp {\n  ${d}\n  server { location / { return 200; } }\n}\n`);
    const prefix = makeConfPrefix(file);
    try {
      const [ref, ts] = await Promise.all([runReference(prefix), runTsresty(["-t", "-p", prefix])]);
      assert.equal(ts.status === 0, ref.status === 0, `${d}: nginx ${ref.status}, tsresty ${ts.status}`);
      assert.deepEqual(ts.lines.filter((l) => !isTsrestyOnly(l)), ref.lines, d);
    } finally {
      removePrefix(prefix);
    }
  }
});

test("a reload that changes a kept zone's key is refused, as nginx's (the old configuration serves on)", async (t: TestContext) => {
  const conf = (req: string, conn: string, size = "32k"): string => `
error_log logs/error.log notice;
events {}
http {
  limit_req_zone ${req} zone=rz:${size} rate=1r/m;
  limit_conn_zone ${conn} zone=cz:32k;
  server {
    listen 127.0.0.1:__PORT__;
    location / { limit_req zone=rz burst=1 nodelay; limit_conn cz 1; echo ok; }
  }
}
`;
  const s = await serve(conf("$arg_k", "$arg_k"));
  t.after(() => done(s));
  const confFile = path.join(s.prefix, "conf/nginx.conf");
  const log = (): string => fs.readFileSync(path.join(s.prefix, "logs/error.log"), "latin1");
  const reload = async (text: string, expect: RegExp): Promise<void> => {
    fs.writeFileSync(confFile, text.replace(/__PORT__/g, String(s.port)));
    s.proc.kill("SIGHUP");
    for (let i = 0; i < 200 && !expect.test(log()); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(log(), expect);
  };
  assert.equal((await one(s.port, "/?k=a")).status, 200);
  // the texts are the reference's (nginx 1.22 on SIGHUP)
  await reload(conf("$arg_a", "$arg_k"), /\[emerg\] \d+#\d+: limit_req "rz" uses the "\$arg_a" key while previously it used the "\$arg_k" key\n/);
  await reload(conf("$arg_k", "$arg_b"), /\[emerg\] \d+#\d+: limit_conn_zone "cz" uses the "\$arg_b" key while previously it used the "\$arg_k" key\n/);
  // still the first configuration and its zone: k=a has used its burst of one
  assert.equal((await one(s.port, "/?k=a")).status, 200);
  assert.equal((await one(s.port, "/?k=a")).status, 503);
  // a resized zone is a new zone: its key may change
  await reload(conf("$arg_a", "$arg_k", "64k"), /(reconfiguring[\s\S]*){3}/);
  let statuses: number[] = [];
  for (let i = 0; i < 50; i++) {
    statuses = [];
    for (let n = 0; n < 3; n++) statuses.push((await one(s.port, `/?a=r${i}`)).status);
    if (statuses[2] === 503) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(statuses, [200, 200, 503], "the new key is in use");
  assert.equal(log().match(/\[emerg\]/g)?.length, 2);
});
