// limit_req_zone and limit_req, compared with the reference nginx. Rates are 1r/m, so a
// test's few requests never drain the bucket: which pass and which are rejected does not
// depend on timing. The excess in log lines does (by a milli-request per 63 ms), so those
// lines are checked by pattern, in process.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { diffCase, type DiffRequest } from "../differential/harness.js";
import { startInProcess } from "./support.js";

const get = (p: string): DiffRequest => ({ path: p });
const EXCESS = /\[(error|warn|notice|info)\] .*(limiting requests|delaying request)/;

const CONF = `
events {}
http {
  access_log off;
  error_log logs/error.log info;
  limit_req_zone $arg_k zone=one:1m rate=1r/m;
  limit_req_zone $arg_j zone=two:1m rate=1r/m;
  limit_req_zone $arg_k zone=fast:1m rate=100r/s;
  server {
    listen 127.0.0.1:__PORT__;
    add_header X-Limit "$limit_req_status" always;
    location /plain { limit_req zone=one; }
    location /burst { limit_req zone=one burst=2 nodelay; }
    location /status { limit_req zone=one; limit_req_status 429; }
    location /dry { limit_req zone=one; limit_req_dry_run on; }
    location /two { limit_req zone=one burst=5 nodelay; limit_req zone=two nodelay; }
    location /level { limit_req zone=one; limit_req_log_level warn; }
    location /redirect { limit_req zone=one; rewrite ^ /plain last; }
    error_page 503 /err503;
    location = /err503 { return 200 "limited\\n"; }
    location /page { limit_req zone=one; }
  }
}
`;

const FILES = Object.fromEntries(["plain", "burst", "status", "dry", "two", "level", "redirect", "page", "x"].map((n) => ["html/" + n, n + "\n"]));

test("limit_req: rejects past the burst, statuses, dry run, several zones", async (t) => {
  await diffCase(t, {
    name: "limit-req", conf: CONF, files: FILES, mtime: 1700000000, ignoreLog: [EXCESS], requests: [
      // no key: not limited
      get("/plain"), get("/plain"), get("/plain"),
      get("/plain?k=a"), get("/plain?k=a"), get("/plain?k=a"),
      get("/burst?k=b"), get("/burst?k=b"), get("/burst?k=b"), get("/burst?k=b"), get("/burst?k=b"),
      get("/status?k=c"), get("/status?k=c"),
      get("/dry?k=d"), get("/dry?k=d"), get("/dry?k=d"),
      // only the last limit decides at once; the first is accounted after it
      get("/two?k=e&j=e"), get("/two?k=e&j=f"), get("/two?k=e&j=e"), get("/two?k=e"), get("/two?j=g"), get("/two?j=g"),
      get("/level?k=f"), get("/level?k=f"),
      get("/redirect?k=g"), get("/redirect?k=g"),
      get("/page?k=h"), get("/page?k=h"),
    ],
  });
});

test("limit_req: the excess log lines", async () => {
  const s = await startInProcess(CONF);
  try {
    await s.get("/plain?k=z");
    const [r] = await s.get("/plain?k=z");
    assert.match(r!.statusLine, / 503 /);
    await s.get("/dry?k=y");
    await s.get("/dry?k=y");
    await s.get("/level?k=x");
    await s.get("/level?k=x");
    const log = fs.readFileSync(path.join(s.prefix, "logs/error.log"), "latin1");
    assert.match(log, /\[error\] \d+#\d+: \*\d+ limiting requests, excess: [01]\.\d{3} by zone "one", client: 127\.0\.0\.1, server: , request: "GET \/plain\?k=z HTTP\/1\.1", host: "localhost"/);
    assert.match(log, /\[error\] .* limiting requests, dry run, excess: [01]\.\d{3} by zone "one", client/);
    assert.match(log, /\[warn\] .* limiting requests, excess: [01]\.\d{3} by zone "one", client: .*"GET \/level\?k=x/);
  } finally {
    await s.close();
  }
});
