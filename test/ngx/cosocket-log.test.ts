// The cosocket layer's error-log lines, compared with nginx + ngx_lua: "connect() failed",
// "lua tcp socket read timed out", "lua udp socket read timed out", ... carry the request's
// context (", client: C, server: S, request: \"...\", host: \"...\"") when a request runs them,
// and the timer's (", context: ngx.timer, client: ..., server: ...") inside a timer, with that
// location's lua_socket_log_errors; udp's "recv() failed"/"send() failed" are nginx's own and
// logged even with it off. The same for resty.redis (compared) and resty.mysql (the reference
// has no lua-resty-mysql: its line is checked against the cosocket's form).
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { diffCase, runDriven } from "../differential/harness.js";

const CONF = `
error_log logs/error.log info;
events {}
http {
  server {
    listen 127.0.0.1:__PORT_B__;
    location / { content_by_lua_block { ngx.sleep(0.3) ngx.say("late") } }
  }
  server {
    listen 127.0.0.1:__PORT__;
    server_name cosock.test;
    lua_socket_read_timeout 50ms;
    location /refused { content_by_lua_block {
      local s = ngx.socket.tcp()
      ngx.say(s:connect("127.0.0.1", 1))
    } }
    location /read { content_by_lua_block {
      local s = ngx.socket.tcp()
      s:connect("127.0.0.1", __PORT_B__)
      s:send("GET / HTTP/1.0\\r\\n\\r\\n")
      ngx.say(s:receive())
    } }
    location /closed { content_by_lua_block {
      local s = ngx.socket.tcp()
      ngx.say(s:receive())
      ngx.say(s:send("x"))
    } }
    location /udp { content_by_lua_block {
      local u = ngx.socket.udp()
      u:settimeout(50)
      ngx.say(u:setpeername("127.0.0.1", __PORT_B__))
      ngx.say(u:send("x"))
      ngx.say(u:receive())
    } }
    location /timer { content_by_lua_block {
      ngx.timer.at(0, function()
        local s = ngx.socket.tcp()
        ngx.log(ngx.WARN, "timer: ", select(2, s:connect("127.0.0.1", 1)))
        s:settimeout(50)
        s:connect("127.0.0.1", __PORT_B__)
        s:send("GET / HTTP/1.0\\r\\n\\r\\n")
        ngx.log(ngx.WARN, "timer read: ", select(2, s:receive()))
      end)
      ngx.sleep(0.2)
      ngx.say("timer done")
    } }
    location /thread { content_by_lua_block {
      local t = ngx.thread.spawn(function()
        local s = ngx.socket.tcp()
        return s:connect("127.0.0.1", 1)
      end)
      ngx.say(ngx.thread.wait(t))
    } }
    location /redis { content_by_lua_block {
      local redis = require "resty.redis"
      local r = redis:new()
      ngx.say(r:connect("127.0.0.1", 1))
    } }
    location /udpoff { lua_socket_log_errors off; content_by_lua_block {
      local u = ngx.socket.udp()
      u:settimeout(50)
      ngx.say(u:setpeername("127.0.0.1", 1))
      ngx.say(u:send("x"))
      ngx.say(u:receive())
      ngx.say(u:receive())
      ngx.say(u:send("x"))
      ngx.say(u:send("x"))
    } }
    location /tcpoff { lua_socket_log_errors off; content_by_lua_block {
      local s = ngx.socket.tcp()
      ngx.say(s:connect("127.0.0.1", 1))
    } }
  }
}
`;

test("cosocket error-log lines carry the request's or the timer's context", async (t) => {
  await diffCase(t, {
    name: "cosocket-log",
    conf: CONF,
    requests: [
      { path: "/refused" },
      { path: "/read" },
      { path: "/closed" },
      { path: "/udp" },
      { path: "/timer" },
      { path: "/thread" },
      { path: "/redis" },
      { path: "/udpoff" },
      { path: "/tcpoff" },
    ],
    // the backend's own lines when the reader has gone (not the cosocket layer's)
    ignoreLog: [/shutdown\(\) failed/],
  });
});

test("resty.mysql's connect() failed line carries the request's context", async () => {
  const conf = `
error_log logs/error.log info;
events {}
http {
  server {
    listen 127.0.0.1:__PORT__;
    server_name mysql.test;
    location /mysql { content_by_lua_block {
      local mysql = require "resty.mysql"
      local db = mysql:new()
      ngx.say(db:connect({ host = "127.0.0.1", port = 1, user = "root", database = "test" }))
    } }
  }
}
`;
  const get = (port: number): Promise<string> => new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: "/mysql", headers: { host: "localhost" } }, (res) => {
      let b = "";
      res.setEncoding("latin1");
      res.on("data", (d: string) => (b += d));
      res.on("end", () => resolve(b));
    }).on("error", reject);
  });
  const { result, errorLog } = await runDriven("mysql-log", conf, "tsresty", get);
  assert.equal(result, "nilfailed to connect: connection refused\n");
  assert.deepEqual(errorLog.filter((l) => l.includes("[error]")), [
    'TIME [error] PID#TID: *N connect() failed (111: Connection refused), client: 127.0.0.1, server: mysql.test, request: "GET /mysql HTTP/1.1", host: "localhost"',
  ]);
});
