// lua_capture_error_log and require "ngx.errlog". The reference's nginx lacks the capture
// patch, so capturing is tested here alone (as lua-resty-core's docs describe it); raw_log,
// get_sys_filter_level and the argument errors are compared with the reference.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { diffCase } from "../differential/harness.js";
import { startInProcess } from "../http/support.js";

test("ngx.errlog: raw_log, get_sys_filter_level and argument errors as the reference", async (t) => {
  await diffCase(t, {
    name: "ngx.errlog raw_log",
    conf: `
error_log logs/error.log warn;
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    location /get {
      error_log logs/error.log info;
      content_by_lua_block {
        local errlog = require "ngx.errlog"
        ngx.say("sys=", errlog.get_sys_filter_level())
        ngx.say(pcall(errlog.raw_log, ngx.ERR, "raw msg"))
        ngx.say(pcall(errlog.raw_log, ngx.ERR, "raw\\0nul"))
        ngx.say(pcall(errlog.raw_log, "x", "raw msg"))
        ngx.say(pcall(errlog.raw_log, ngx.ERR))
        ngx.say(pcall(errlog.raw_log, 9, "m"))
        ngx.say(pcall(errlog.raw_log, -1, "m"))
        ngx.say(pcall(errlog.set_filter_level))
      }
    }
    location /sys { content_by_lua_block { ngx.say("sys=", require("ngx.errlog").get_sys_filter_level()) } }
  }
}`,
    requests: [{ path: "/get" }, { path: "/sys" }],
    ignoreLog: [/closed keepalive connection/],
  });
});

const CAPTURE = `
error_log logs/error.log info;
events {}
http {
  lua_capture_error_log 4k;
  init_by_lua_block {
    local errlog = require "ngx.errlog"
    local ok, err = errlog.set_filter_level(ngx.WARN)
    if not ok then error(err) end
    ngx.log(ngx.WARN, "filter set")
  }
  server {
    listen 127.0.0.1:__PORT__;
    location /log { content_by_lua_block { ngx.log(ngx.ERR, "an error") ngx.log(ngx.WARN, "a warning") ngx.log(ngx.INFO, "info") ngx.say("ok") } }
    location /many { content_by_lua_block { for i = 1, 200 do ngx.log(ngx.ERR, "line ", i) end ngx.say("ok") } }
    location /get {
      content_by_lua_block {
        local errlog = require "ngx.errlog"
        local res, err = errlog.get_logs(tonumber(ngx.var.arg_max))
        if not res then ngx.say("err: ", err) return end
        ngx.say(#res / 3)
        for i = 1, #res, 3 do
          ngx.say(res[i], " ", type(res[i + 1]), " ", res[i + 2])
        end
        ngx.say(errlog.set_filter_level(99))
      }
    }
  }
}`;

function lines(body: string | undefined): string[] {
  return (body ?? "").split("\n").filter((l) => l !== "");
}

test("lua_capture_error_log: get_logs returns and empties the captured lines, filtered and bounded", async () => {
  const srv = await startInProcess(CAPTURE);
  try {
    await srv.get("/log");
    const [first] = await srv.get("/get?max=2");
    const a = lines(first?.body);
    assert.equal(a[0], "2");
    assert.match(a[1]!, /^5 number \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[warn\] \d+#\d+: \[lua\] init_by_lua\(nginx\.conf:\d+\):5: filter set$/);
    assert.match(a[2]!, /^4 number .* \[error\] \d+#\d+: \*\d+ \[lua\] content_by_lua\(nginx\.conf:\d+\):1: an error, client: 127\.0\.0\.1, server: , request: "GET \/log HTTP\/1\.1", host: "localhost"$/);
    assert.equal(a[3], "nilbad log level: 99");
    const [second] = await srv.get("/get");
    const b = lines(second?.body);
    assert.equal(b[0], "1", "the info line is filtered out, the two read are gone");
    assert.match(b[1]!, /^5 number .* a warning, client: /);
    await srv.get("/many");
    const [third] = await srv.get("/get?max=1000");
    const c = lines(third?.body);
    const n = Number(c[0]);
    assert.ok(n > 10 && n < 200, `a 4k buffer keeps the newest lines only, got ${n}`);
    assert.match(c[n]!, /line 200, client/);
  } finally {
    await srv.close();
  }
});

test("ngx.errlog without lua_capture_error_log: OpenResty's error", async () => {
  const srv = await startInProcess(`
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    location /get { content_by_lua_block { local errlog = require "ngx.errlog" ngx.say(errlog.get_logs()) ngx.say(errlog.set_filter_level(ngx.ERR)) } }
  }
}`);
  try {
    const [res] = await srv.get("/get");
    assert.equal(res?.body, 'nildirective "lua_capture_error_log" is not set\nnildirective "lua_capture_error_log" is not set\n');
  } finally {
    await srv.close();
  }
});
