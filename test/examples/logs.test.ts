// The monitoring examples: 17-json-logs (log_format escape=json, a business log from
// log_by_lua; tsresty and the reference nginx) and 18-prometheus (nginx-lua-prometheus and
// proxy_pass; tsresty only, the reference has no prometheus library).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe } from "node:test";
import { EXAMPLES, eventually, exampleTest, isNowish } from "./support.js";

describe("examples: logs and metrics", { concurrency: false }, () => {
  exampleTest("17-json-logs", { reference: true }, async (ex) => {
    const file = fs.readFileSync(path.join(EXAMPLES, "17-json-logs/html/api/users.json"), "utf8");
    const r = await ex.get("/api/users.json", { "X-User-Id": 'u"42' });
    assert.equal(r.status, 200);
    assert.equal(r.body, file);

    assert.ok(await eventually(() => ex.accessLog().includes("\n")), "an access log line");
    const lines = ex.accessLog().trim().split("\n");
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.match(String(entry.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    assert.equal(typeof entry.request_time, "number");
    assert.deepEqual({ ...entry, time: "", request_time: 0 }, {
      time: "", remote_addr: "127.0.0.1", request_method: "GET", request_uri: "/api/users.json",
      status: 200, body_bytes_sent: Buffer.byteLength(file), request_time: 0,
      upstream_response_time: "", user_id: 'u"42',
    });

    assert.ok(await eventually(() => ex.errorLog().includes("BUSINESS_LOG")), "a business log line");
    const m = /\[info\] .*\[lua\] log_by_lua\(nginx\.conf:\d+\):\d+: BUSINESS_LOG: (\{.*\}) while logging request, client: 127\.0\.0\.1, server: , request: "GET \/api\/users\.json HTTP\/1\.1"/.exec(ex.errorLog());
    assert.ok(m, ex.errorLog());
    const biz = JSON.parse(m[1]!) as Record<string, unknown>;
    assert.ok(isNowish(biz.timestamp));
    assert.match(String(biz.request_time), /^\d+\.\d{3}$/);
    assert.deepEqual({ ...biz, timestamp: 0, request_time: "" }, { timestamp: 0, uri: "/api/users.json", method: "GET", status: 200, request_time: "" });
  });

  exampleTest("18-prometheus", {}, async (ex) => {
    const r = await ex.get("/api/users");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { backend: true, method: "GET", path: "/api/users" });
    const missing = await ex.get("/api/missing");
    assert.equal(missing.status, 404);

    let text = "";
    const counted = await eventually(async () => {
      text = (await ex.get("/metrics")).body;
      return text.includes('http_requests_total{method="GET",endpoint="/api/missing",status="404"} 1');
    }, 5000);
    assert.ok(counted, text);
    assert.match(text, /^# HELP http_requests_total Total HTTP requests$/m);
    assert.match(text, /^# TYPE http_requests_total counter$/m);
    assert.match(text, /^http_requests_total\{method="GET",endpoint="\/api\/users",status="200"\} 1$/m);
    assert.match(text, /^# HELP http_request_duration_seconds HTTP request latency$/m);
    assert.match(text, /^# TYPE http_request_duration_seconds histogram$/m);
    assert.match(text, /^http_request_duration_seconds_bucket\{method="GET",endpoint="\/api\/users",le="\+Inf"\} 1$/m);
    assert.match(text, /^http_request_duration_seconds_count\{method="GET",endpoint="\/api\/users"\} 1$/m);
    assert.match(text, /^http_request_duration_seconds_sum\{method="GET",endpoint="\/api\/users"\} [0-9.e+-]+$/m);
    assert.match(text, /^nginx_metric_errors_total 0$/m);
    // The buckets listed are those at or above the observed latency (the library increments
    // only those), in increasing order, each counting the one request, then +Inf.
    const defaults = ["0.005", "0.01", "0.02", "0.03", "0.05", "0.075", "0.1", "0.2", "0.3", "0.4", "0.5", "0.75", "1", "1.5", "2", "3", "4", "5", "10", "+Inf"];
    const buckets = [...text.matchAll(/^http_request_duration_seconds_bucket\{method="GET",endpoint="\/api\/users",le="([^"]+)"\} (\d+)$/gm)];
    const les = buckets.map((m) => m[1]!);
    assert.deepEqual(les, defaults.slice(defaults.length - les.length), text);
    assert.ok(buckets.every((m) => m[2] === "1"), text);
    // /metrics itself is not counted (its location has no log_by_lua).
    assert.ok(!text.includes('endpoint="/metrics"'));
  });
});
