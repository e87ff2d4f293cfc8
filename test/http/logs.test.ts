// Access and error logs: log_format with nginx's variables and escapes, access_log with
// several targets, `if=`, `off` and inheritance, error_log levels and several files; the
// lines compared with the reference nginx where they are deterministic.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as os from "node:os";
import { loadConfig } from "../../src/conf/load.js";
import { diffCase, exchange, freePort, makePrefix, startTsresty, type DiffRequest } from "../differential/harness.js";
import { startInProcess, sleep } from "./support.js";
import { flushLogFiles, reopenLogFiles } from "../../src/http/log/log-file.js";

const get = (p: string, headers: readonly (readonly [string, string])[] = []): DiffRequest => ({ path: p, headers });

test("logs: combined, custom formats and escapes match nginx's lines", async (t) => {
  await diffCase(t, {
    name: "access log formats",
    conf: `
events {}
http {
  log_format plain '$remote_addr|$request|$status|$body_bytes_sent|$request_method|$uri|$args|$is_args|'
                   '$server_protocol|$http_user_agent|$http_x_odd|$sent_http_content_type|$sent_http_x_missing|'
                   '$request_uri|$host|$server_port|$connection_requests|$content_length|$arg_a|$cookie_c|'
                   '$request_length|$bytes_sent|$remote_user|$http_referer|$sent_http_etag|$sent_http_accept_ranges';
  log_format js escape=json '{"ua":"$http_user_agent","odd":"$http_x_odd","miss":"$http_x_none","up":"$upstream_response_time","st":$status}';
  log_format raw escape=none '$http_x_odd|$http_x_none';
  access_log logs/access.log combined;
  access_log logs/access.log plain;
  access_log logs/access.log js;
  access_log logs/access.log raw;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    location / { return 200 "ok\\n"; }
    location /f { root html; }
  }
}
`,
    files: { "html/f.txt": "file\n" },
    mtime: 1_700_000_000,
    accessLog: true,
    requests: [
      get("/a?a=1&b=2", [["User-Agent", 'agent "quoted" \\ back'], ["X-Odd", "tab\there\x01\x7f\xe9"], ["Cookie", "c=cv; d=1"]]),
      get("/f.txt", [["Referer", "http://r/"]]),
      get("/f/none"),
      { method: "POST", path: "/p", body: "12345" },
      { method: "POST", path: "/f.txt", body: "12345" },
      get("/?"),
      get("/f.txt", [["Authorization", "Basic dXNlcjpwYXNz"]]),
      { raw: "GARBAGE\r\n\r\n", responses: 0 },
    ],
  });
});

test("logs: several access_log per level, off, if=, inheritance", async (t) => {
  await diffCase(t, {
    name: "access log targets",
    conf: `
events {}
http {
  log_format short '$request_uri $status';
  access_log logs/access.log short;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    location / { return 200 "ok\\n"; }
    location /off { access_log off; return 200 "off\\n"; }
    location /cond { access_log logs/access.log short if=$arg_log; return 200 "c\\n"; }
    location /two { access_log logs/access.log short; access_log logs/access.log combined buffer=32k flush=1s; return 200 "two\\n"; }
    location /404 { return 404; }
    location /offlate { access_log logs/access.log short; access_log off; return 200 "ol\n"; }
    location /offfirst { access_log off; access_log logs/access.log short; return 200 "of\n"; }
    location /byhost { access_log logs/access-$arg_h.log short; return 200 "h\n"; }
  }
}
`,
    accessLog: true,
    requests: [get("/x"), get("/off"), get("/cond?log=1"), get("/cond?log=0"), get("/cond"), get("/two"), get("/404"), get("/offlate"), get("/offfirst"), get("/byhost?h=x"), get("/byhost?h=")],
  });
});

test("logs: error_log levels, several files, per-location error_log", async (t) => {
  await diffCase(t, {
    name: "error log levels",
    conf: `
error_log logs/error.log info;
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    root html;
    location /quiet/ { error_log logs/error.log crit; }
    location /both/ { error_log logs/error.log warn; error_log logs/other.log error; }
  }
}
`,
    requests: [get("/none"), get("/quiet/none"), get("/both/none"), { raw: "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", responses: 0 }],
  });
});

test("logs: $request_time, $msec, $time_iso8601, $time_local, $connection, $bytes_sent, $request_length formats", async () => {
  const srv = await startInProcess(`
events {}
http {
  log_format t '$request_time|$msec|$time_iso8601|$time_local|$connection|$bytes_sent|$request_length|$status|$upstream_response_time';
  access_log logs/t.log t;
  server { listen 127.0.0.1:__PORT__; location / { return 200 "hello\\n"; } }
}
`);
  try {
    await srv.get("/x");
    const raw = `GET /y HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc`;
    await exchange(srv.port, { raw });
    await sleep(20);
    flushLogFiles();
    const lines = fs.readFileSync(path.join(srv.prefix, "logs/t.log"), "latin1").trim().split("\n");
    assert.equal(lines.length, 2);
    const f = lines[1]!.split("|");
    assert.match(f[0]!, /^\d+\.\d{3}$/);
    assert.match(f[1]!, /^\d{10}\.\d{3}$/);
    assert.match(f[2]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    assert.match(f[3]!, /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}$/);
    assert.match(f[4]!, /^\d+$/);
    assert.notEqual(f[4], lines[0]!.split("|")[4]);
    assert.ok(Number(f[5]) > 100);
    // A body thrown away (return discards it) is not counted, as on the reference (see above).
    assert.equal(f[6], String(raw.length - 3));
    assert.equal(f[7], "200");
    assert.equal(f[8], "-");
  } finally {
    await srv.close();
  }
});

test("logs: SIGUSR1's reopen writes to a fresh file after rotation", async () => {
  const srv = await startInProcess(`
events {}
http {
  log_format s '$uri';
  access_log logs/r.log s;
  server { listen 127.0.0.1:__PORT__; location / { return 200 "x\\n"; } }
}
`);
  try {
    const file = path.join(srv.prefix, "logs/r.log");
    await srv.get("/one");
    await sleep(20);
    flushLogFiles();
    fs.renameSync(file, file + ".1");
    await srv.get("/two");
    await sleep(20);
    reopenLogFiles();
    await srv.get("/three");
    await sleep(20);
    flushLogFiles();
    assert.equal(fs.readFileSync(file + ".1", "latin1"), "/one\n/two\n");
    assert.equal(fs.readFileSync(file, "latin1"), "/three\n");
  } finally {
    await srv.close();
  }
});

test("logs: the seed tutorial's json_log (escape=json, $upstream_response_time without upstream) gives JSON lines", async () => {
  const srv = await startInProcess(`
events {}
http {
  log_format json_log escape=json '{'
    '"time":"$time_iso8601",'
    '"remote_addr":"$remote_addr",'
    '"request_method":"$request_method",'
    '"request_uri":"$request_uri",'
    '"status":$status,'
    '"body_bytes_sent":$body_bytes_sent,'
    '"request_time":$request_time,'
    '"upstream_response_time":"$upstream_response_time",'
    '"user_id":"$http_x_user_id"'
  '}';
  access_log logs/access.log json_log;
  server { listen 127.0.0.1:__PORT__; location /api/ { root html; } }
}
`);
  try {
    fs.mkdirSync(path.join(srv.prefix, "html/api"), { recursive: true });
    fs.writeFileSync(path.join(srv.prefix, "html/api/x.json"), '{"a":1}\n');
    await exchange(srv.port, { path: "/api/x.json?q=\"1\"", headers: [["X-User-Id", 'u"1\\']] });
    await sleep(20);
    flushLogFiles();
    const line = fs.readFileSync(path.join(srv.prefix, "logs/access.log"), "latin1").trim();
    const o = JSON.parse(line) as Record<string, unknown>;
    assert.equal(o.request_method, "GET");
    assert.equal(o.request_uri, '/api/x.json?q="1"');
    assert.equal(o.status, 200);
    assert.equal(o.body_bytes_sent, 8);
    assert.equal(typeof o.request_time, "number");
    assert.equal(o.upstream_response_time, "");
    assert.equal(o.user_id, 'u"1\\');
    assert.match(String(o.time), /^\d{4}-\d\d-\d\dT/);
  } finally {
    await srv.close();
  }
});

test("logs: log_subrequest writes subrequests to the access log", async (t) => {
  await diffCase(t, {
    name: "log_subrequest",
    conf: `
events {}
http {
  log_format sr '$uri $status $request';
  access_log logs/access.log sr;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    location /main { content_by_lua_block { local r = ngx.location.capture("/sub") ngx.print(r.body) } }
    location /logged { log_subrequest on; content_by_lua_block { local r = ngx.location.capture("/sub") ngx.print(r.body) } }
    location /sub { log_subrequest on; return 200 "sub\\n"; }
  }
}
`,
    accessLog: true,
    requests: [get("/main"), get("/logged")],
  });
});

test("logs: access_log paths with variables open one file per value", async () => {
  const srv = await startInProcess(`
events {}
http {
  log_format s '$uri';
  server { listen 127.0.0.1:__PORT__; root logs; location / { access_log logs/by-$arg_h.log s; return 200 "x\\n"; } }
}
`);
  try {
    await srv.get("/one?h=a");
    await srv.get("/two?h=b");
    await srv.get("/three?h=a");
    await sleep(20);
    flushLogFiles();
    assert.equal(fs.readFileSync(path.join(srv.prefix, "logs/by-a.log"), "latin1"), "/one\n/three\n");
    assert.equal(fs.readFileSync(path.join(srv.prefix, "logs/by-b.log"), "latin1"), "/two\n");
  } finally {
    await srv.close();
  }
});

test("logs: static responses (206, 304, 416, HEAD, 301, 404) in the access log", async (t) => {
  await diffCase(t, {
    name: "static access log",
    conf: `
events {}
http {
  log_format st '$status $body_bytes_sent $bytes_sent $sent_http_content_range $sent_http_etag $sent_http_last_modified';
  access_log logs/access.log st;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    location / { root html; }
  }
}
`,
    files: { "html/d.txt": "0123456789", "html/dir/index.html": "i\n" },
    mtime: 1_700_000_000,
    accessLog: true,
    requests: [
      get("/d.txt"),
      get("/d.txt", [["Range", "bytes=2-4"]]),
      get("/d.txt", [["Range", "bytes=0-1,4-5"]]),
      get("/d.txt", [["Range", "bytes=20-"]]),
      get("/d.txt", [["If-Modified-Since", "Tue, 14 Nov 2023 22:13:20 GMT"]]),
      { method: "HEAD", path: "/d.txt" },
      get("/dir"),
      get("/dir/"),
      get("/none"),
    ],
  });
});

test("logs: tsresty serve reopens its logs on SIGUSR1", async () => {
  const port = await freePort();
  const prefix = makePrefix({
    name: "usr1",
    conf: `
events {}
http {
  log_format s '$uri';
  access_log logs/access.log s;
  server { listen 127.0.0.1:__PORT__; location / { return 200 "x\\n"; } }
}
`,
    requests: [],
  }, port, "usr1");
  const srv = await startTsresty(prefix, port);
  try {
    const file = path.join(prefix, "logs/access.log");
    await exchange(port, { path: "/one" });
    await sleep(100);
    fs.renameSync(file, file + ".1");
    await exchange(port, { path: "/two" });
    await sleep(100);
    srv.proc.kill("SIGUSR1");
    await sleep(300);
    await exchange(port, { path: "/three" });
    await sleep(300);
    assert.equal(fs.readFileSync(file + ".1", "latin1"), "/one\n/two\n");
    assert.equal(fs.readFileSync(file, "latin1"), "/three\n");
  } finally {
    await srv.stop();
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});

test("logs: -t refuses what nginx refuses in log_format, access_log and try_files", () => {
  const cases: [string, string][] = [
    ['log_format x escape=foo "$uri";', 'unknown log format escaping "foo"'],
    ["server { location / { access_log off combined; } }", 'invalid parameter "combined"'],
    ["server { location / { try_files $uri =abc; } }", 'invalid code "=abc"'],
  ];
  for (const [body, message] of cases) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-logs-t-"));
    try {
      fs.mkdirSync(path.join(dir, "conf"));
      fs.writeFileSync(path.join(dir, "conf/nginx.conf"), `events {}\nhttp {\n  ${body}\n}\n`);
      const load = loadConfig({ prefix: dir + "/" });
      assert.equal(load.ok, false, body);
      assert.ok(load.diagnostics.some((d) => d.message === message), JSON.stringify(load.diagnostics));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});
