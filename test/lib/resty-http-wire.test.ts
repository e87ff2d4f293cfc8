// What resty.http puts on the wire, byte for byte, captured by a raw node:net server, and
// get_client_body_reader streaming a client body through ngx.req.socket.
//
// The reference has no lua-resty-http, so the expected bytes are derived from lua-resty-http
// 0.17's source (send_request and _format_request, resty.http_headers): the request line is
// `METHOD path[?query] HTTP/1.1` (HTTP/1.0 with version = 1.0, which also adds `Connection:
// Keep-Alive`); the caller's headers come first under the spelling they were first given (with
// '_' written as '-'), then the ones send_request adds when missing, in the order it adds them:
// Content-Length (from a string or table body, 0 for POST/PUT/PATCH without one; dropped for
// Transfer-Encoding: chunked), Host (with the port unless 80/443), User-Agent
// (`lua-resty-http/0.17.2 (Lua) ngx_lua/10023`); a table value is one line per value. Bodies go
// as given (a function's chunks unframed), and `Expect: 100-continue` holds the body until the
// server answers 100. (The original writes its header table in `pairs` order, which LuaJIT
// does not define: it differs between runs. The order written here is the order the code sets
// them in.) CR or LF in the path, query, a header name or value is refused with 0.17.2's texts.
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { exchange } from "../differential/harness.js";
import { startInProcess, type InProcess } from "../http/support.js";

const UA = "lua-resty-http/0.17.2 (Lua) ngx_lua/10023";

/** Raw requests as the capture server received them, in order. */
const captured: string[] = [];
let capture: net.Server;
let held: net.Socket | undefined;
let port = 0;
let srv: InProcess;

/** A request's length on the wire from its head (Content-Length, or chunked up to 0\r\n\r\n); -1 while incomplete. */
function requestEnd(buf: string): number {
  const h = buf.indexOf("\r\n\r\n");
  if (h < 0) return -1;
  const head = buf.slice(0, h);
  const cl = /\r\ncontent-length: *(\d+)/i.exec(head);
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
    const z = buf.indexOf("0\r\n\r\n", h + 4);
    return z < 0 ? -1 : z + 5;
  }
  const end = h + 4 + (cl ? Number(cl[1]) : 0);
  return buf.length >= end ? end : -1;
}

before(async () => {
  capture = net.createServer((s) => {
    let buf = "";
    let continued = false;
    s.on("error", () => undefined);
    s.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      for (;;) {
        const h = buf.indexOf("\r\n\r\n");
        if (h < 0) return;
        const head = buf.slice(0, h);
        if (/\r\nExpect: 100-continue/.test(head) && !continued) {
          if (head.includes("/refuse")) {
            // A final answer instead of 100: the client must not send the body.
            captured.push(buf);
            buf = "";
            s.write("HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n");
            setTimeout(() => captured.push("after 417: " + JSON.stringify(buf)), 100);
            return;
          }
          if (buf.length > h + 4) captured.push("body before 100: " + JSON.stringify(buf.slice(h + 4)));
          // Nothing may come before the 100 (a client that sends at once would show here).
          continued = true;
          setTimeout(() => s.write("HTTP/1.1 100 Continue\r\n\r\n"), 100);
          return;
        }
        const end = requestEnd(buf);
        if (end < 0) return;
        captured.push(buf.slice(0, end));
        buf = buf.slice(end);
        continued = false;
        // The first of a pipeline is answered only once the second has arrived: a client
        // that waited for the first answer before writing the second would never finish.
        if (head.startsWith("GET /pipe1 ")) {
          held = s;
          continue;
        }
        if (head.startsWith("GET /pipe2 ") && held === s) {
          held = undefined;
          s.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\np1");
        }
        s.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      }
    });
  });
  await new Promise<void>((r) => capture.listen(0, "127.0.0.1", r));
  port = (capture.address() as net.AddressInfo).port;
  counter = net.createServer(countBytes);
  await new Promise<void>((r) => counter.listen(0, "127.0.0.1", r));
  counterPort = (counter.address() as net.AddressInfo).port;
  srv = await startInProcess(conf());
});

after(async () => {
  await srv.close();
  capture.close();
  counter.close();
});

// ------------------------------------------------------------------ a byte-counting backend

let counter: net.Server;
let counterPort = 0;

/** Reads one request with a Content-Length and answers the byte count and the body's sha256. */
function countBytes(s: net.Socket): void {
  let head = "";
  let left = -1;
  let n = 0;
  const hash = crypto.createHash("sha256");
  s.on("error", () => undefined);
  s.on("data", (d: Buffer) => {
    let at = 0;
    if (left < 0) {
      head += d.toString("latin1");
      const h = head.indexOf("\r\n\r\n");
      if (h < 0) return;
      left = Number(/\r\nContent-Length: *(\d+)/i.exec(head.slice(0, h))?.[1] ?? 0);
      at = d.length - (head.length - (h + 4));
    }
    const piece = d.subarray(at, at + left);
    hash.update(piece);
    n += piece.length;
    left -= piece.length;
    if (left === 0) {
      const body = `${n} ${hash.digest("hex")}`;
      s.end(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    }
  });
}

function conf(): string {
  const lua = (code: string): string => `content_by_lua_block {
        local http = require "resty.http"
        local httpc = http.new()
        assert(httpc:connect("127.0.0.1", ${port}))
        ${code}
      }`;
  return `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location = /get { ${lua(`local res, err = httpc:request{ path = "/p" } ngx.say(res and res.status or err)`)} }
    location = /post { ${lua(`local res, err = httpc:request{ method = "post", path = "/p", query = { a = "1 2" },
        headers = { ["X-One"] = "1", x_two = "2", ["x-ONE"] = "one" }, body = "hello" }
      ngx.say(res and res.status or err)`)} }
    location = /http10 { ${lua(`local res, err = httpc:request{ path = "/m", version = 1.0,
        headers = { Accept = { "a", "b" }, host = "h.example" } }
      ngx.say(res and res.status or err)`)} }
    location = /put { ${lua(`local res, err = httpc:request{ method = "PUT", path = "/e", use_default_user_agent = false } ngx.say(res and res.status or err)`)} }
    location = /table { ${lua(`local res, err = httpc:request{ method = "POST", path = "/t", body = { "ab", 12 } } ngx.say(res and res.status or err)`)} }
    location = /fn {
      ${lua(`local parts = { "3\\r\\nabc\\r\\n", "0\\r\\n\\r\\n" }
      local i = 0
      local res, err = httpc:request{ method = "POST", path = "/f",
        headers = { ["Transfer-Encoding"] = "chunked", ["Content-Length"] = 99 },
        body = function() i = i + 1 return parts[i] end }
      ngx.say(res and res.status or err)`)}
    }
    location = /inject { ${lua(`ngx.say(select(2, httpc:request{ path = "/a\\r\\nX: y" }))
      ngx.say(select(2, httpc:request{ path = "/a", query = "q\\n" }))
      ngx.say(select(2, httpc:request{ path = "/a", headers = { ["X\\r\\nY"] = "v" } }))
      ngx.say(select(2, httpc:request{ path = "/a", headers = { X = "v\\r\\nY: z" } }))`)} }
    location = /pipeline { ${lua(`local rs = assert(httpc:request_pipeline{ { path = "/pipe1" }, { path = "/pipe2" } })
      for _, r in ipairs(rs) do ngx.say(r.status, " ", r:read_body()) end`)} }
    location = /continue { ${lua(`local res, err = httpc:request{ method = "POST", path = "/c", headers = { Expect = "100-continue" }, body = "data" }
      ngx.say(res and res.status or err, " ", res and res:read_body())`)} }
    location = /refuse { ${lua(`local res, err = httpc:request{ method = "POST", path = "/refuse", headers = { Expect = "100-continue" }, body = "data" }
      ngx.say(res and res.status or err)`)} }
    location = /stream {
      client_body_buffer_size 8k;
      client_max_body_size 10m;
      content_by_lua_block {
        local http = require "resty.http"
        local httpc = http.new()
        local reader, rerr = httpc:get_client_body_reader(8192)
        if not reader then ngx.say("no reader: ", rerr) return end
        local n, max = 0, 0
        local function counted()
          local c, e = reader()
          if c then n = n + #c if #c > max then max = #c end end
          return c, e
        end
        assert(httpc:connect("127.0.0.1", ${counterPort}))
        local res, err = httpc:request{ method = "POST", path = "/count", body = counted,
          headers = { ["Content-Length"] = ngx.var.http_content_length } }
        if not res then ngx.say("failed: ", err) return end
        ngx.say(res:read_body())
        ngx.say(n, " ", max, " ", tostring(ngx.req.get_body_data()), " ", tostring(ngx.req.get_body_file()))
        ngx.say(select("#", reader()), " ", select(2, reader()))
      }
    }
    location = /read-first {
      content_by_lua_block {
        ngx.req.read_body()
        ngx.say(require("resty.http").new():get_client_body_reader())
      }
    }
    location = /proxy-read {
      lua_need_request_body on;
      ${lua(`local res, err = httpc:proxy_request() ngx.say(res and res.status or err)`)}
    }
    location = /no-body {
      content_by_lua_block {
        ngx.say(require("resty.http").new():get_client_body_reader())
      }
    }
  }
}`;
}

async function run(p: string): Promise<string> {
  const [r] = await srv.get(p);
  return r!.body;
}

test("a GET: request line, Host with the port, User-Agent", async () => {
  captured.length = 0;
  assert.equal(await run("/get"), "200\n");
  assert.deepEqual(captured, [`GET /p HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: ${UA}\r\n\r\n`]);
});

test("a POST: the method upper-cased, a query table, the caller's headers first in their first spelling, then Content-Length, Host, User-Agent", async () => {
  captured.length = 0;
  assert.equal(await run("/post"), "200\n");
  assert.deepEqual(captured, [
    `POST /p?a=1%202 HTTP/1.1\r\nX-One: one\r\nx-two: 2\r\nContent-Length: 5\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: ${UA}\r\n\r\nhello`,
  ]);
});

test("version 1.0 adds Connection: Keep-Alive; a table value is one line per value; a given Host is kept", async () => {
  captured.length = 0;
  assert.equal(await run("/http10"), "200\n");
  assert.deepEqual(captured, [`GET /m HTTP/1.0\r\nAccept: a\r\nAccept: b\r\nhost: h.example\r\nUser-Agent: ${UA}\r\nConnection: Keep-Alive\r\n\r\n`]);
});

test("PUT without a body says Content-Length: 0; use_default_user_agent = false leaves User-Agent out", async () => {
  captured.length = 0;
  assert.equal(await run("/put"), "200\n");
  assert.deepEqual(captured, [`PUT /e HTTP/1.1\r\nContent-Length: 0\r\nHost: 127.0.0.1:${port}\r\n\r\n`]);
});

test("a table body: its length, then its pieces concatenated", async () => {
  captured.length = 0;
  assert.equal(await run("/table"), "200\n");
  assert.deepEqual(captured, [`POST /t HTTP/1.1\r\nContent-Length: 4\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: ${UA}\r\n\r\nab12`]);
});

test("a function body with Transfer-Encoding: chunked: Content-Length dropped, the chunks sent as the function gives them", async () => {
  captured.length = 0;
  assert.equal(await run("/fn"), "200\n");
  assert.deepEqual(captured, [`POST /f HTTP/1.1\r\nTransfer-Encoding: chunked\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: ${UA}\r\n\r\n3\r\nabc\r\n0\r\n\r\n`]);
});

test("CR or LF in the path, query, a header name or value is refused and nothing is sent", async () => {
  captured.length = 0;
  assert.equal(await run("/inject"), [
    "invalid characters found in path",
    "invalid characters found in query",
    "invalid characters found in header key",
    "invalid characters found in header value",
    "",
  ].join("\n"));
  assert.deepEqual(captured, []);
});

test("request_pipeline writes its requests together, before reading the answers", async () => {
  captured.length = 0;
  assert.equal(await run("/pipeline"), "200 p1\n200 ok\n");
  assert.deepEqual(captured, [
    `GET /pipe1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: ${UA}\r\n\r\n`,
    `GET /pipe2 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: ${UA}\r\n\r\n`,
  ]);
});

test("Expect: 100-continue: the body waits for the 100; a final answer instead means no body", async () => {
  captured.length = 0;
  assert.equal(await run("/continue"), "200 ok\n");
  assert.deepEqual(captured, [
    `POST /c HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: ${UA}\r\n\r\ndata`,
  ]);
  captured.length = 0;
  assert.equal(await run("/refuse"), "417\n");
  await new Promise((r) => setTimeout(r, 150));
  assert.deepEqual(captured, [
    `POST /refuse HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: ${UA}\r\n\r\n`,
    `after 417: ""`,
  ]);
});

test("get_client_body_reader streams a body larger than client_body_buffer_size through ngx.req.socket to a backend", async () => {
  // 1 MiB of every byte value, sent as the client sends it.
  const body = Buffer.alloc(1 << 20);
  for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 8)) & 0xff;
  const sha = crypto.createHash("sha256").update(body).digest("hex");
  const raw = `POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n` + body.toString("latin1");
  const { responses } = await exchange(srv.port, { raw, responses: 1, timeout: 20_000 });
  // The backend got every byte; the reader gave pieces of at most 8 KiB; nginx never read
  // the body itself (no data, no temporary file); after the end the reader is spent.
  assert.equal(responses[0]!.body, `${body.length} ${sha}\n${body.length} 8192 nil nil\n2 can't resume a dead coroutine\n`);
  const temp = path.join(srv.prefix, "client_body_temp");
  assert.deepEqual(fs.existsSync(temp) ? fs.readdirSync(temp) : [], []);
});

test("proxy_request forwards the client's request; a body nginx already read goes with its length", async () => {
  captured.length = 0;
  const raw = "POST /proxy-read?a=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nX-Y: z\r\nConnection: close\r\n\r\nabc";
  const { responses } = await exchange(srv.port, { raw, responses: 1 });
  assert.equal(responses[0]!.body, "200\n");
  // ngx.req.get_headers() gives lower-case names; User-Agent is added as the client sent none.
  assert.deepEqual(captured, [`POST /proxy-read?a=1 HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\nx-y: z\r\nconnection: close\r\nUser-Agent: ${UA}\r\n\r\nabc`]);
});

test("get_client_body_reader: nil without a body; nil, err once the body was read (ngx.req.socket's refusal)", async () => {
  assert.equal(await run("/no-body"), "nil\n");
  const raw = "POST /read-first HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc";
  const { responses } = await exchange(srv.port, { raw, responses: 1 });
  assert.equal(responses[0]!.body, "nilrequest body already exists\n");
});
