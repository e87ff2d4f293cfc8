// ngx.req.socket over real HTTP, compared with nginx + ngx_lua: the body reader (sized, line
// and receiveuntil reads, reads past the body, timeouts, its errors) and the raw full-duplex
// socket (reading the body and writing the whole response itself).
import { test } from "node:test";
import { diffCase, type DiffRequest } from "../differential/harness.js";

const CONF = `
events {}
http {
  error_log logs/error.log info;
  server {
    listen 127.0.0.1:__PORT__;
    location /body { content_by_lua_block {
      local s = assert(ngx.req.socket())
      ngx.say(s:receive(5))
      ngx.say(s:receive())
      local d, e, p = s:receive(100)
      ngx.say(tostring(d), " ", e, " [", p, "]")
    } }
    location /until { content_by_lua_block {
      local s = assert(ngx.req.socket())
      local it = s:receiveuntil("--b")
      ngx.say(it(3))
      ngx.say(it(3))
      ngx.say(tostring(it(3)))
      ngx.say(s:receive("*a"))
    } }
    location /any { content_by_lua_block {
      local s = assert(ngx.req.socket())
      ngx.say(s:receiveany(4), " ", s:receive(2))
      ngx.say(tostring(s.send), " ", tostring(s.close))
    } }
    location /nobody { content_by_lua_block { ngx.say(ngx.req.socket()) } }
    location /twice { content_by_lua_block {
      local s = ngx.req.socket()
      ngx.say(ngx.req.socket())
      ngx.say(s:receive(2))
    } }
    location /after-read { content_by_lua_block {
      ngx.req.read_body()
      ngx.say(ngx.req.socket())
      ngx.say(ngx.req.get_body_data())
    } }
    location /read-after { content_by_lua_block {
      local s = ngx.req.socket()
      ngx.req.read_body()
      ngx.say(tostring(ngx.req.get_body_data()))
      ngx.say(s:receive(3))
    } }
    location /timeout { content_by_lua_block {
      local s = ngx.req.socket()
      s:settimeout(150)
      local d, e, p = s:receive(10)
      ngx.say(tostring(d), " ", e, " [", p, "]")
    } }
    location /args { content_by_lua_block { ngx.say(pcall(ngx.req.socket, 1, 2)) } }
    location /sub { content_by_lua_block { local r = ngx.location.capture("/in-sub") ngx.say(r.status) } }
    location /in-sub { content_by_lua_block { ngx.req.socket() } }
    location /log { content_by_lua_block { ngx.say("x") } log_by_lua_block { ngx.log(ngx.ERR, pcall(ngx.req.socket)) } }
    location /raw { content_by_lua_block {
      local s = assert(ngx.req.socket(true))
      local body = s:receive(4)
      ngx.log(ngx.ERR, "raw got ", body, " ", tostring(ngx.req.socket(true)), " ", select(2, ngx.req.socket(true)))
      s:send("HTTP/1.1 200 OK\\r\\nContent-Length: 9\\r\\nConnection: close\\r\\n\\r\\nraw " .. body .. "\\n")
    } }
    location /raw-after-say { content_by_lua_block {
      ngx.say("hi")
      ngx.flush(true)
      local s, err = ngx.req.socket(true)
      ngx.log(ngx.ERR, "raw after say: ", tostring(s ~= nil), " ", tostring(err))
      if s then s:send("raw\n") end
    } }
    location /ws { content_by_lua_block {
      -- a WebSocket-style handshake, as lua-resty-websocket's server does it
      ngx.status = 101
      ngx.header["Upgrade"] = "websocket"
      ngx.header["Sec-WebSocket-Accept"] = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
      ngx.log(ngx.ERR, "send_headers: ", ngx.send_headers(), " ", ngx.send_headers())
      ngx.flush(true)
      local s = assert(ngx.req.socket(true))
      local d = s:receive(5)
      s:send("frame " .. d)
    } }
    location /raw-lines { content_by_lua_block {
      local s = assert(ngx.req.socket(true))
      s:send("HTTP/1.1 200 OK\\r\\nConnection: close\\r\\n\\r\\n")
      -- an echo over the connection: line by line, until "quit"
      while true do
        local line = s:receive()
        if not line or line == "quit" then break end
        s:send(line:upper() .. "\\n")
      end
    } }
  }
}
`;

const post = (path: string, body: string, extra: [string, string][] = []): DiffRequest => ({
  method: "POST", path, body, headers: [["Content-Length", String(body.length)], ...extra],
});

test("ngx.req.socket(): the request body as a read-only cosocket (compared with nginx)", async (t) => {
  await diffCase(t, {
    name: "req-socket-body",
    conf: CONF,
    requests: [
      post("/body", "hello\r\nworld!\n"),
      post("/until", "abcdefg--bxyz"),
      post("/any", "123456"),
      { path: "/nobody" },
      post("/twice", "ab"),
      post("/after-read", "abc"),
      post("/read-after", "abcdef"),
      { method: "POST", path: "/nobody", headers: [["Transfer-Encoding", "chunked"]], body: "3\r\nabc\r\n0\r\n\r\n" },
      { name: "body shorter than its Content-Length", raw: "POST /timeout HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 10\r\n\r\nabc", timeout: 3000 },
      { path: "/args" },
      { path: "/sub" },
      { path: "/log" },
    ],
  });
});

test("ngx.req.socket(true): the raw connection, full duplex (compared with nginx)", async (t) => {
  await diffCase(t, {
    name: "req-socket-raw",
    conf: CONF,
    // (the access log is not compared: nginx writes it only once its lingering close is over)
    requests: [
      { ...post("/raw", "ping"), responses: 0 },
      { name: "after the header and a flushed chunk", path: "/raw-after-say", responses: 0 },
      { name: "websocket-style upgrade", raw: "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nhello", responses: 0 },
      { name: "line echo", raw: "GET /raw-lines HTTP/1.1\r\nHost: localhost\r\n\r\nhello\nworld\nquit\n", responses: 0 },
    ],
  });
});
