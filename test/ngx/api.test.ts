// The ngx API over real HTTP, on an in-process server (one configuration, many locations).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startInProcess, type InProcess } from "../http/support.js";
import { exchange } from "../differential/harness.js";

const CONF = `
events {}
http {
  error_log logs/error.log info;
  init_by_lua_block { shared_counter = 0 }
  server {
    listen 127.0.0.1:__PORT__;
    location /hello { content_by_lua_block { ngx.say("hello") } }
    location /globals { content_by_lua_block { shared_counter = shared_counter + 1 ngx.say(shared_counter, " ", tostring(getfenv(1) == _G)) } }
    location /err { content_by_lua_block { local x x.y = 1 } }
    location /exit403 { access_by_lua_block { ngx.exit(403) } content_by_lua_block { ngx.say("no") } }
    location /exit0 { rewrite_by_lua_block { ngx.exit(ngx.OK) } content_by_lua_block { ngx.say("c") } }
    location /hdr { content_by_lua_block {
      ngx.header.x_multi = { "a", "b" }
      ngx.header["Content-Type"] = "application/json"
      ngx.status = 201
      ngx.say(ngx.header.X_MULTI[2], " ", ngx.status)
    } }
    location /redir { content_by_lua_block { ngx.redirect("/there", 301) } }
    location /exec { content_by_lua_block { ngx.exec("/target", { a = 1 }) } }
    location /target { content_by_lua_block { ngx.say("target ", ngx.var.arg_a, " ", tostring(ngx.req.is_internal())) } }
    location /ctx {
      rewrite_by_lua_block { ngx.ctx.n = 1 }
      access_by_lua_block { ngx.ctx.n = ngx.ctx.n + 1 }
      content_by_lua_block { ngx.say(ngx.ctx.n) }
    }
    location /var { content_by_lua_block { ngx.say(ngx.var.uri, " ", ngx.var.arg_x, " ", ngx.var.http_user_agent, " ", tostring(pcall(function() ngx.var.uri = "x" end))) } }
    location ~ ^/cap/(\\d+)$ { content_by_lua_block { ngx.say(ngx.var[1]) } }
    location /args { content_by_lua_block {
      local a = ngx.req.get_uri_args()
      local keys = {}
      for k, v in pairs(a) do keys[#keys + 1] = k .. "=" .. (type(v) == "table" and table.concat(v, ",") or tostring(v)) end
      table.sort(keys)
      ngx.say(table.concat(keys, "&"), " ", ngx.req.get_method(), " ", ngx.req.http_version())
    } }
    location /body { content_by_lua_block {
      ngx.req.read_body()
      local p = ngx.req.get_post_args()
      ngx.say(ngx.req.get_body_data(), " ", p.a)
    } }
    location /headers { content_by_lua_block {
      local h = ngx.req.get_headers()
      ngx.req.set_header("X-New", "v")
      ngx.say(h["x-test"], " ", h.x_test, " ", ngx.req.get_headers()["x-new"])
    } }
    location /time { content_by_lua_block {
      ngx.say(ngx.http_time(0), "|", ngx.cookie_time(0), "|", ngx.parse_http_time("Thu, 01 Jan 1970 00:00:10 GMT"), "|", type(ngx.now()), "|", #ngx.localtime(), "|", #ngx.today())
    } }
    location /enc { content_by_lua_block {
      ngx.say(ngx.md5("a"), " ", ngx.encode_base64("hello", true), " ", ngx.decode_base64("aGVsbG8="), " ", ngx.crc32_short("hello"),
        " ", ngx.escape_uri("a b"), " ", ngx.unescape_uri("a%20b+c"), " ", ngx.quote_sql_str("it's"), " ", #ngx.sha1_bin("x"), " ", #ngx.hmac_sha1("k", "x"))
    } }
    location /re { content_by_lua_block {
      local m = ngx.re.match("abc 123", [[(?<word>[a-z]+) (\\d+)]])
      local from, to = ngx.re.find("hello", "l+")
      local s, n = ngx.re.gsub("a-b-c", "-", "+")
      local s2 = ngx.re.sub("hello", "(l+)", function(c) return "[" .. c[1] .. "]" end)
      local t = {}
      for x in ngx.re.gmatch("1 22 333", [[\\d+]]) do t[#t + 1] = x[0] end
      local _, err = ngx.re.match("x", "(")
      ngx.say(m[0], "|", m.word, "|", m[2], "|", from, "-", to, "|", s, n, "|", s2, "|", table.concat(t, ","), "|", err,
        "|", tostring(ngx.re.match("ABC", "abc", "i") ~= nil), "|", ngx.re.match("é", ".", "u")[0] == "é" and "u-ok" or "u-bad")
    } }
    location /phase { content_by_lua_block { ngx.say(ngx.get_phase(), " ", ngx.worker.id(), " ", ngx.worker.count(), " ", ngx.config.subsystem, " ", ngx.config.ngx_lua_version, " ", tostring(ngx.null)) } }
    location /sleep { content_by_lua_block { local t = ngx.now() ngx.sleep(0.05) ngx.say(ngx.now() - t >= 0.04) } }
    location /cached-time { content_by_lua_block {
      -- nginx's time is cached per event-loop turn: a busy loop does not move it; update_time does.
      local a, s = ngx.now(), ngx.time()
      local deadline = os.clock() + 0.03
      while os.clock() < deadline do end
      local b = ngx.now()
      ngx.update_time()
      ngx.say(a == b, " ", s == ngx.time() or s + 1 == ngx.time(), " ", ngx.now() > b)
    } }
    location /sub { content_by_lua_block {
      local r = ngx.location.capture("/target", { args = { a = "sub" } })
      local r1, r2 = ngx.location.capture_multi({ { "/hello" }, { "/target", { args = "a=2" } } })
      ngx.print(r.status, " ", r.body, r1.body, r2.body)
    } }
    location /logapi { log_by_lua_block { ngx.say("x") } content_by_lua_block { ngx.log(ngx.WARN, "warned ", 1) print("printed") ngx.say("ok") } }
    location /filters {
      content_by_lua_block { ngx.say("hello") ngx.say("world") }
      header_filter_by_lua_block { ngx.header["X-Filtered"] = "1" }
      body_filter_by_lua_block { ngx.arg[1] = string.upper(ngx.arg[1]) }
    }
    location /truncate {
      content_by_lua_block { ngx.say("one") ngx.say("two") }
      body_filter_by_lua_block { if ngx.arg[1] == "one\\n" then ngx.arg[2] = true end }
    }
    location /set {
      set_by_lua_block $v { return ngx.arg[1] + ngx.arg[2] }
      content_by_lua_block { ngx.say(ngx.var.v) }
    }
    location /seteq {
      set_by_lua $v "return 'inline'";
      content_by_lua 'ngx.say(ngx.var.v)';
    }
    location /file { content_by_lua_file html/x.lua; }
    location /req { content_by_lua_block { local m = require "mymod" ngx.say(m.hi()) } }
  }
}`;

let srv: InProcess;
async function get(path: string, extra = ""): Promise<{ status: string; headers: [string, string][]; body: string }> {
  const r = await exchange(srv.port, { raw: `GET ${path} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: t\r\n${extra}Connection: close\r\n\r\n` });
  const x = r.responses[0]!;
  return { status: x.statusLine, headers: x.headers as [string, string][], body: x.body };
}

before(async () => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  // Files the configuration refers to, relative to the prefix (made by startInProcess).
  const orig = process.cwd();
  void orig;
  srv = await startInProcess(CONF.replace("init_by_lua_block", `lua_package_path "$prefix/lua/?.lua;;";\n  init_by_lua_block`)).catch(async (e) => {
    throw e;
  });
  void os;
  fs.mkdirSync(path.join(srv.prefix, "html"), { recursive: true });
  fs.mkdirSync(path.join(srv.prefix, "lua"), { recursive: true });
  fs.writeFileSync(path.join(srv.prefix, "lua/mymod.lua"), "local M = {} function M.hi() return 'from module' end return M\n");
});
after(async () => {
  await srv.close();
});

const logText = async (): Promise<string> => {
  const fs = await import("node:fs");
  await new Promise((r) => setTimeout(r, 50));
  return fs.readFileSync(srv.prefix + "/logs/error.log", "latin1");
};

test("hello world, and one _G shared by every request", async () => {
  assert.equal((await get("/hello")).body, "hello\n");
  const a = await get("/globals");
  const b = await get("/globals");
  assert.equal(a.body, "1 true\n");
  assert.equal(b.body, "2 true\n");
});

test("an uncaught error answers 500 and logs OpenResty's lines", async () => {
  const r = await get("/err");
  assert.match(r.status, /^HTTP\/1.1 500/);
  const log = await logText();
  assert.match(log, /\[error\] \d+#\d+: \*\d+ lua entry thread aborted: runtime error: content_by_lua\(nginx.conf:\d+\):1: attempt to index local 'x' \(a nil value\)\nstack traceback:\ncoroutine 0:\n\tcontent_by_lua\(nginx.conf:\d+\): in main chunk, client: 127.0.0.1, server: , request: "GET \/err HTTP\/1.1", host: "localhost"/);
});

test("ngx.exit per phase", async () => {
  assert.match((await get("/exit403")).status, /403/);
  assert.equal((await get("/exit0")).body, "c\n");
});

test("ngx.header, ngx.status, redirect, exec", async () => {
  const h = await get("/hdr");
  assert.match(h.status, /201/);
  assert.deepEqual(h.headers.filter(([k]) => k === "x-multi").map(([, v]) => v), ["a", "b"]);
  assert.ok(h.headers.some(([k, v]) => k === "Content-Type" && v === "application/json"));
  assert.equal(h.body, "b 201\n");
  const r = await get("/redir");
  assert.match(r.status, /301/);
  assert.ok(r.headers.some(([k, v]) => k === "Location" && v === "/there"));
  assert.equal((await get("/exec")).body, "target 1 true\n");
});

test("ngx.ctx across phases, ngx.var, captures", async () => {
  assert.equal((await get("/ctx")).body, "2\n");
  assert.equal((await get("/var?x=5")).body, "/var 5 t false\n");
  assert.equal((await get("/cap/42")).body, "42\n");
});

test("ngx.req", async () => {
  assert.equal((await get("/args?b=2&a=1&a=3&c")).body, "a=1,3&b=2&c=true GET 1.1\n");
  const r = await exchange(srv.port, { raw: "POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\nConnection: close\r\n\r\na=1&b=2" });
  assert.equal(r.responses[0]!.body, "a=1&b=2 1\n");
  assert.equal((await get("/headers", "X-Test: yes\r\n")).body, "yes yes v\n");
});

test("time and encoding", async () => {
  assert.equal((await get("/time")).body, "Thu, 01 Jan 1970 00:00:00 GMT|Thu, 01-Jan-70 00:00:00 GMT|10|number|19|10\n");
  assert.equal((await get("/enc")).body, "0cc175b9c0f1b6a831c399e269772661 aGVsbG8 hello 907060870 a%20b a b c 'it\\'s' 20 20\n");
});

test("ngx.re", async () => {
  assert.equal((await get("/re")).body, `abc 123|abc|123|3-4|a+b+c2|he[ll]o|1,22,333|pcre_compile() failed: missing ) in "("|true|u-ok\n`);
});

test("misc: phase, worker, config, null, sleep", async () => {
  assert.equal((await get("/phase")).body, "content 0 1 http 10023 userdata: NULL\n");
  assert.equal((await get("/sleep")).body, "true\n");
  assert.equal((await get("/cached-time")).body, "true true true\n");
});

test("ngx.location.capture and capture_multi", async () => {
  assert.equal((await get("/sub")).body, "200 target sub true\nhello\ntarget 2 true\n");
});

test("ngx.log, print at NOTICE, phase checks in log_by_lua", async () => {
  assert.equal((await get("/logapi")).body, "ok\n");
  const log = await logText();
  assert.match(log, /\[warn\] .*\[lua\] content_by_lua\(nginx.conf:\d+\):1: warned 1, client/);
  assert.match(log, /\[notice\] .*\[lua\] content_by_lua\(nginx.conf:\d+\):1: printed, client/);
  assert.match(log, /failed to run log_by_lua\*: log_by_lua\(nginx.conf:\d+\):1: API disabled in the context of log_by_lua\*\nstack traceback:\n\t\[C\]: in function 'say'/);
});

test("header and body filters; set_by_lua", async () => {
  const f = await get("/filters");
  assert.equal(f.body, "HELLO\nWORLD\n");
  assert.ok(f.headers.some(([k, v]) => k === "X-Filtered" && v === "1"));
  assert.equal((await get("/truncate")).body, "one\n");
  assert.equal((await get("/seteq")).body, "inline\n");
});

test("require of user modules through lua_package_path", async () => {
  assert.equal((await get("/req")).body, "from module\n");
});
