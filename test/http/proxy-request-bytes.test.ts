// What proxy_pass sends upstream, byte for byte: a raw node:net backend answers every request
// with the exact bytes it received (request line, header lines, body) as its body, and the
// differential harness compares those bodies between tsresty and the reference nginx. Covered:
// HTTP/1.0 by default and 1.1 on request, nginx's header order (proxy_set_header first, then
// Host, Connection, Content-Length, then the client's headers as sent), empty values dropped,
// proxy_pass_request_headers/_body off, bodies in memory, in a temporary file and chunked from
// the client, a body replaced by Lua or proxy_set_body, odd-case and repeated headers.
import { test, before, after } from "node:test";
import * as net from "node:net";
import { diffCase } from "../differential/harness.js";

let backend: net.Server;
let port = 0;

/** Reads one request (head, then a body by Content-Length) and echoes its bytes. */
function serve(s: net.Socket): void {
  let buf = Buffer.alloc(0);
  s.on("error", () => {});
  s.on("data", (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buf.toString("latin1", 0, end);
      const m = /\r\ncontent-length: *(\d+)/i.exec(head);
      // proxy_pass_request_body off (and a GET subrequest of a POST) still says the client's Content-Length, as nginx does: no body follows.
      const total = end + 4 + (m && !/^\S+ \/(nobody|plain\/sub-get|plain\/sub-inherit)/.test(head) ? Number(m[1]) : 0);
      if (buf.length < total) return;
      const got = buf.subarray(0, total);
      buf = buf.subarray(total);
      const keep = /^[^\r\n]* HTTP\/1\.1\r\n/.test(head) && !/\r\nconnection: *close/i.test(head);
      s.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${got.length}\r\n${keep ? "" : "Connection: close\r\n"}\r\n`);
      s.write(got);
      if (!keep) s.end();
    }
  });
}

before(async () => {
  backend = net.createServer(serve);
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", () => r()));
  port = (backend.address() as net.AddressInfo).port;
});

after(() => new Promise<void>((r) => backend.close(() => r())));

const conf = (): string => `
error_log logs/error.log warn;
events {}
http {
  access_log off;
  client_body_buffer_size 1k;
  upstream ka { server 127.0.0.1:${port}; keepalive 2; }
  server {
    listen 127.0.0.1:__PORT__;
    location /plain { proxy_pass http://127.0.0.1:${port}; }
    location /uri/ { proxy_pass http://127.0.0.1:${port}/base/; }
    location /set {
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header host "Example.test";
      proxy_set_header Accept "";
      proxy_set_header X-None $arg_none;
      proxy_set_header X-FF $proxy_add_x_forwarded_for;
      proxy_set_header connection "upgrade";
      proxy_pass http://127.0.0.1:${port};
    }
    location /hosthost { proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_pass http://127.0.0.1:${port}; }
    location /nohost { proxy_set_header Host ""; proxy_pass http://127.0.0.1:${port}; }
    location /nohdr { proxy_pass_request_headers off; proxy_pass http://127.0.0.1:${port}; }
    location /nobody { proxy_pass_request_body off; proxy_pass http://127.0.0.1:${port}; }
    location /nobody-len { proxy_pass_request_body off; proxy_set_header Content-Length ""; proxy_pass http://127.0.0.1:${port}; }
    location /lua {
      rewrite_by_lua_block { ngx.req.read_body() ngx.req.set_body_data("rewritten by lua") }
      proxy_pass http://127.0.0.1:${port};
    }
    location /lua-empty {
      rewrite_by_lua_block { ngx.req.read_body() ngx.req.set_body_data("") }
      proxy_pass http://127.0.0.1:${port};
    }
    location /lua-hdr {
      rewrite_by_lua_block { ngx.req.set_header("X-Added", "v") ngx.req.clear_header("Accept") ngx.req.set_header("x-one", {"a", "b"}) }
      proxy_pass http://127.0.0.1:${port};
    }
    location /more {
      more_set_input_headers "X-Rep: z" "X-New: n";
      more_clear_input_headers "x-lower";
      rewrite_by_lua_block { ngx.req.set_header("User-Agent", "lua/2") }
      proxy_pass http://127.0.0.1:${port};
    }
    location /setbody { proxy_method PUT; proxy_set_body "a=$arg_a"; proxy_pass http://127.0.0.1:${port}; }
    location /h11 { proxy_http_version 1.1; proxy_pass http://127.0.0.1:${port}; }
    location /cap {
      content_by_lua_block {
        local a = ngx.location.capture("/plain/sub-post", { method = ngx.HTTP_POST, body = "sub body" })
        local b = ngx.location.capture("/plain/sub-get?x=1")
        local c = ngx.location.capture("/plain/sub-inherit", { method = ngx.HTTP_POST })
        ngx.print(a.body, "|", b.body, "|", c.body)
      }
    }
    location /ka { proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://ka; }
  }
}`;

const CLIENT_HEADERS: [string, string][] = [
  ["User-Agent", "t/1"], ["x-LoWeR", "a"], ["X-Rep", "1"], ["Accept", "*/*"], ["X-Rep", "2"], ["X-Forwarded-For", "10.0.0.1"],
  ["Connection", "keep-alive"], ["TE", "trailers"], ["Keep-Alive", "300"], ["Upgrade", "websocket"], ["X-Forwarded-For", "10.0.0.2"],
];

const big = "0123456789abcdef".repeat(200);
const chunked = "POST /plain/chunked HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nX-After: 1\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
const chunkedBig = `POST /plain/chunked-big HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n${(0x800).toString(16)}\r\n${big.slice(0, 0x800)}\r\n${(0x400).toString(16)}\r\n${big.slice(0, 0x400)}\r\n0\r\n\r\n`;

test("proxy_pass: the request bytes sent upstream are nginx's", async (t) => {
  await diffCase(t, {
    name: "proxy request bytes",
    conf: conf(),
    // The temporary files are named differently (nginx's compiled-in path).
    ignoreLog: [/a client request body is buffered to a temporary file/],
    requests: [
      { path: "/plain/get?a=1", headers: CLIENT_HEADERS },
      { path: "/plain/post", method: "POST", headers: [["Content-Type", "text/plain"]], body: "small body" },
      { path: "/plain/empty", method: "POST", headers: [["Content-Length", "0"]] },
      { path: "/plain/file", method: "POST", headers: [["Content-Type", "application/octet-stream"]], body: big },
      { raw: chunked },
      { raw: chunkedBig },
      { path: "/uri/x?y=1", headers: CLIENT_HEADERS },
      { path: "/set", headers: CLIENT_HEADERS },
      { path: "/hosthost" },
      { raw: "GET /hosthost HTTP/1.0\r\n\r\n", responses: 0 },
      { path: "/nohost", headers: [["X-A", "1"]] },
      { path: "/nohdr", method: "POST", headers: CLIENT_HEADERS, body: "body kept" },
      { path: "/nobody", method: "POST", headers: [["X-A", "1"]], body: "body dropped" },
      { path: "/nobody-len", method: "POST", headers: [["X-A", "1"]], body: "body dropped" },
      { path: "/lua", method: "POST", headers: [["X-A", "1"]], body: "original" },
      { path: "/lua", headers: [["X-A", "1"]] },
      { path: "/lua-empty", method: "POST", body: "original" },
      { path: "/lua-empty" },
      { path: "/lua-hdr", headers: CLIENT_HEADERS },
      { path: "/more", headers: CLIENT_HEADERS },
      { path: "/setbody?a=42", method: "POST", body: "ignored" },
      { path: "/h11", headers: CLIENT_HEADERS },
      { path: "/h11", method: "POST", body: big },
      { path: "/ka", headers: CLIENT_HEADERS },
      { path: "/ka", method: "POST", body: "kept alive" },
      { path: "/cap", headers: [["X-A", "1"]] },
      { path: "/cap", method: "POST", headers: [["X-A", "1"]], body: "parent body" },
      { raw: "POST /plain/expect HTTP/1.1\r\nHost: e\r\nExpect: 100-continue\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody", responses: 0 },
      { raw: "GET /plain/old HTTP/1.0\r\nHost: h10\r\nX-Old: y\r\n\r\n", responses: 0 },
      { raw: "GET /plain/bare HTTP/1.0\r\n\r\n", responses: 0 },
      { raw: "GET /plain/odd HTTP/1.1\r\nhOsT: odd\r\nCONTENT-TYPE: x/y\r\nx-empty:\r\nX-Sp:   spaced  \r\n\r\n" },
    ],
  });
});
