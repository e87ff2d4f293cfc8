// prometheus (knyar/nginx-lua-prometheus's API) under the real server: metrics registered
// in init_worker_by_lua, recorded by requests, exposed by collect(). The expected exposition
// is worked out by hand from the library's rules: series sorted by key bytes, HELP/TYPE
// before a metric's first series, histogram buckets only once counted, `le` bounds stored
// zero-padded and printed as numbers, label values escaped.
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startInProcess, type InProcess } from "../http/support.js";

let srv: InProcess;

const LOCATIONS: Record<string, string> = {
  "/record": String.raw`
    metric_requests:inc(1, {"a.com", "200"})
    metric_requests:inc(2, {"a.com", "200"})
    metric_requests:inc(nil, {"b.com", "404"})
    metric_requests:inc(-1, {"b.com", "404"})
    metric_requests:inc(1, {"x"})
    metric_latency:observe(0.05, {"a.com"})
    metric_latency:observe(3.3, {"a.com"})
    metric_latency:observe(20, {"a.com"})
    metric_connections:set(5, {"active"})
    metric_connections:inc(2, {"active"})
    metric_connections:set(nil, {"idle"})
    custom:observe(5)
    metric_requests:inc(1, {'q"u\\o' .. "\n" .. 'te', "500"})
    ngx.say(prometheus:counter("bad name", "x"))
    ngx.say(prometheus:counter("nginx_http_requests_total", "again"))
    ngx.say(prometheus:gauge("g", "x", {"le"}))
    ngx.say(prometheus:gauge("g", "x", {"9x"}))
    ngx.say(prometheus:gauge("custom_count", "x"))
    ngx.say((pcall(require, "resty.prometheus")))
  `,
  "/metrics": String.raw`prometheus:collect()`,
  "/data": String.raw`
    local lines = prom2:metric_data()
    ngx.say(type(lines), " ", #lines)
    ngx.print(lines)
  `,
  "/reset": String.raw`
    metric_connections:del({"active"})
    metric_latency:reset()
    custom:reset()
    metric_requests:del({"b.com", "404"})
    prometheus:collect()
  `,
  "/init": String.raw`
    ngx.say(pcall(require("prometheus").init, "prometheus_metrics"))
  `,
};

before(async () => {
  const locs = Object.entries(LOCATIONS)
    .map(([p, code]) => `location = ${p} { content_by_lua_block {${code}} }`)
    .join("\n");
  srv = await startInProcess(`
events {}
http {
  lua_shared_dict prometheus_metrics 1m;
  lua_shared_dict prom2 1m;
  init_worker_by_lua_block {
    prometheus = require("prometheus").init("prometheus_metrics", { sync_interval = 0.01 })
    metric_requests = prometheus:counter(
      "nginx_http_requests_total", "Number of HTTP requests", {"host", "status"})
    metric_latency = prometheus:histogram(
      "nginx_http_request_duration_seconds", "HTTP request latency", {"host"})
    metric_connections = prometheus:gauge(
      "nginx_http_connections", "Number of HTTP connections", {"state"})
    custom = prometheus:histogram("custom", "Custom buckets", nil, {0.00005, 10, 1000})
    prom2 = require("prometheus").init("prom2", { prefix = "my_", error_metric_name = "my_errors" })
    local g = prom2:gauge("temp", nil, {"room"})
    g:set(21.5, {"hall"})
    g:set(1e20, {"attic"})
  }
  server {
    listen __PORT__;
    ${locs}
  }
}`);
});

after(async () => {
  await srv.close();
});

async function body(uri: string): Promise<string> {
  const [r] = await srv.get(uri);
  if (r!.statusLine !== "HTTP/1.1 200 OK") {
    assert.fail(`${r!.statusLine}\n${errorLog()}`);
  }
  return r!.body;
}

function errorLog(): string {
  return fs.readFileSync(path.join(srv.prefix, "logs/error.log"), "latin1");
}

const LATENCY_BUCKETS: [string, number][] = [
  ["0.05", 1], ["0.075", 1], ["0.1", 1], ["0.2", 1], ["0.3", 1], ["0.4", 1], ["0.5", 1],
  ["0.75", 1], ["1", 1], ["1.5", 1], ["2", 1], ["3", 1], ["4", 2], ["5", 2], ["10", 2], ["+Inf", 3],
];

test("prometheus: record, then collect the text exposition", async () => {
  // register returns nothing after logging its error
  assert.equal(await body("/record"), "\n\n\n\n\nfalse\n");
  const [r] = await srv.get("/metrics");
  assert.equal(r!.headers.find(([k]) => k.toLowerCase() === "content-type")?.[1], "text/plain");
  assert.equal(r!.body, [
    "# HELP custom Custom buckets",
    "# TYPE custom histogram",
    'custom_bucket{le="10"} 1',
    'custom_bucket{le="1000"} 1',
    'custom_bucket{le="+Inf"} 1',
    "custom_count 1",
    "custom_sum 5",
    "# HELP nginx_http_connections Number of HTTP connections",
    "# TYPE nginx_http_connections gauge",
    'nginx_http_connections{state="active"} 7',
    "# HELP nginx_http_request_duration_seconds HTTP request latency",
    "# TYPE nginx_http_request_duration_seconds histogram",
    ...LATENCY_BUCKETS.map(([le, n]) => `nginx_http_request_duration_seconds_bucket{host="a.com",le="${le}"} ${n}`),
    'nginx_http_request_duration_seconds_count{host="a.com"} 3',
    'nginx_http_request_duration_seconds_sum{host="a.com"} 23.35',
    "# HELP nginx_http_requests_total Number of HTTP requests",
    "# TYPE nginx_http_requests_total counter",
    'nginx_http_requests_total{host="a.com",status="200"} 3',
    'nginx_http_requests_total{host="b.com",status="404"} 1',
    'nginx_http_requests_total{host="q\\"u\\\\o\\nte",status="500"} 1',
    "# HELP nginx_metric_errors_total Number of nginx-lua-prometheus errors",
    "# TYPE nginx_metric_errors_total counter",
    "nginx_metric_errors_total 8",
    "",
  ].join("\n"));
  const log = errorLog();
  for (const text of [
    "Error while setting 'nginx_http_requests_total' to '-1': 'Value should not be negative'",
    "inconsistent labels count, expected 2, got 1",
    "No value passed for nginx_http_connections",
    "Metric name 'bad name' is invalid",
    "Duplicate metric nginx_http_requests_total",
    "Invalid label name 'le' in g",
    "Metric 'g' label name '9x' is invalid",
    "Duplicate metric custom_count",
  ]) {
    assert.ok(log.includes(`[error]`) && log.includes(text), `error log lacks: ${text}`);
  }
});

test("prometheus: metric_data with a prefix and its own error metric", async () => {
  assert.equal(await body("/data"), [
    "table 6",
    "# HELP my_my_errors Number of nginx-lua-prometheus errors",
    "# TYPE my_my_errors counter",
    "my_my_errors 0",
    "# TYPE my_temp gauge",
    'my_temp{room="attic"} 1e+20',
    'my_temp{room="hall"} 21.5',
    "",
  ].join("\n"));
});

test("prometheus: del and reset remove series", async () => {
  const out = await body("/reset");
  assert.equal(out, [
    "# HELP nginx_http_requests_total Number of HTTP requests",
    "# TYPE nginx_http_requests_total counter",
    'nginx_http_requests_total{host="a.com",status="200"} 3',
    'nginx_http_requests_total{host="q\\"u\\\\o\\nte",status="500"} 1',
    "# HELP nginx_metric_errors_total Number of nginx-lua-prometheus errors",
    "# TYPE nginx_metric_errors_total counter",
    "nginx_metric_errors_total 8",
    "",
  ].join("\n"));
});

test("prometheus: init only in init, init_worker or timer", async () => {
  assert.equal(await body("/init"),
    "falsePrometheus.init can only be called from init_by_lua_block, init_worker_by_lua_block or timer\n");
});
