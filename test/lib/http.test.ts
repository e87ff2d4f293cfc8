// resty.http under the real server: content_by_lua code calls a node:http backend that the
// test starts on a free port (echo, slow, chunked with a trailer, 404, a large body, a
// redirect, Connection: close, a truncated body), and proxies client requests to it.
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as http from "node:http";
import * as https from "node:https";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as net from "node:net";
import { execFileSync } from "node:child_process";
import { startInProcess, type InProcess } from "../http/support.js";
import { exchange, freePort } from "../differential/harness.js";

const LARGE = 1 << 20;
const large = Buffer.alloc(LARGE, "abcdefghijklmnopqrstuvwxyz0123456789");

function backend(): http.Server {
  return http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => {
      const url = req.url ?? "/";
      const path = url.replace(/^\/proxy/, "").split("?")[0];
      switch (path) {
        case "/echo": {
          const lines = [`method=${req.method}`, `url=${url}`];
          for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
          lines.push(`body=${Buffer.concat(parts).toString("latin1")}`);
          res.setHeader("Content-Type", "text/plain");
          res.setHeader("Set-Cookie", ["a=1", "b=2"]);
          res.setHeader("X-Backend", "yes");
          res.end(Buffer.from(lines.join("\n"), "latin1"));
          return;
        }
        case "/slow":
          setTimeout(() => res.end("late"), 1500).unref();
          return;
        case "/chunked":
          res.setHeader("Trailer", "X-Sum");
          res.write("one,");
          setTimeout(() => {
            res.write("two,");
            res.addTrailers({ "X-Sum": "42" });
            res.end("three");
          }, 20);
          return;
        case "/events":
          // Ends only once the test has seen the first event come through the proxy.
          res.setHeader("Content-Type", "text/event-stream");
          res.write("data: first\n\n");
          releaseEvents = () => res.end("data: second\n\n");
          return;
        case "/missing":
          res.statusCode = 404;
          res.end("nope");
          return;
        case "/large":
          res.setHeader("Content-Length", LARGE);
          res.end(large);
          return;
        case "/redirect":
          res.writeHead(302, { Location: "/echo" });
          res.end();
          return;
        case "/close":
          res.setHeader("Connection", "close");
          res.end("bye");
          return;
        case "/truncated":
          res.writeHead(200, { "Content-Length": "100" });
          res.write("0123456789");
          setTimeout(() => res.destroy(), 20);
          return;
        default:
          res.statusCode = 500;
          res.end("unknown " + url);
      }
    });
  });
}

let releaseEvents: (() => void) | undefined;
let peer: http.Server;
let peerPort: number;
let unused: number;
let srv: InProcess;
let unixPeer: http.Server;
let sockPath: string;
let tlsPeer: https.Server | undefined;
let tlsPort = 0;
let tmp: string;
let fwd: http.Server;
let proxyPort = 0;
/** What the forward proxy saw: "GET <absolute uri> <auth>" or "CONNECT <host:port> <auth>". */
const proxied: string[] = [];

/** A forward proxy: absolute-form requests are passed on, CONNECT opens a tunnel. */
function forwardProxy(): http.Server {
  const s = http.createServer((req, res) => {
    proxied.push(`${req.method} ${req.url} ${req.headers["proxy-authorization"]}`);
    const up = http.request(req.url!, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, { ...r.headers, "x-proxied": "1" });
      r.pipe(res);
    });
    req.pipe(up);
  });
  s.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    proxied.push(`CONNECT ${req.url} ${req.headers["proxy-authorization"]}`);
    const [h, p] = req.url!.split(":");
    const up = net.connect(Number(p), h, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    up.on("error", () => client.destroy());
    client.on("error", () => up.destroy());
  });
  return s;
}

/** A self-signed certificate from the openssl command line, or undefined without one. */
function selfSigned(dir: string): { key: Buffer; cert: Buffer } | undefined {
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost",
      "-keyout", `${dir}/key.pem`, "-out", `${dir}/cert.pem`], { stdio: "ignore" });
    return { key: fs.readFileSync(`${dir}/key.pem`), cert: fs.readFileSync(`${dir}/cert.pem`) };
  } catch {
    return undefined;
  }
}

// Each location runs one Lua snippet; B is the backend's base URL.
const LOCATIONS: Record<string, string> = {
  "/get": `
    local http = require "resty.http"
    local httpc = http.new()
    local res, err = httpc:request_uri(B .. "/echo?x=1", { headers = { ["X-Test"] = "v", accept = "*/*" } })
    ngx.say(res.status, " ", res.reason, " ", res.has_body)
    ngx.say(res.headers["content-type"], " ", res.headers.Content_Type, " ", res.headers["X-BACKEND"])
    ngx.say(type(res.headers["set-cookie"]), " ", table.concat(res.headers["Set-Cookie"], ";"))
    ngx.print(res.body)`,
  "/post": `
    local http = require "resty.http"
    local httpc = http.new()
    local res, err = httpc:request_uri(B .. "/echo", { method = "post", body = "a=1&b=\\xe9", query = { q = "a b" },
      headers = { ["Content-Type"] = "application/x-www-form-urlencoded" } })
    ngx.print(res.body)`,
  "/reuse": `
    local http = require "resty.http"
    local out = {}
    for i = 1, 3 do
      local httpc = http.new()
      local ok, err = httpc:connect("127.0.0.1", PORT)
      local res = httpc:request({ path = "/echo", method = i == 2 and "POST" or "GET", body = i == 2 and "x" or nil })
      local body = res:read_body()
      out[#out + 1] = httpc:get_reused_times()
      out[#out + 1] = httpc:set_keepalive()
    end
    ngx.say(table.concat(out, " "))`,
  "/refused": `
    local http = require "resty.http"
    local res, err = http.new():request_uri("http://127.0.0.1:UNUSED/")
    ngx.say(res, " ", err)
    local httpc = http.new()
    ngx.say(httpc:connect("127.0.0.1", UNUSED))
    ngx.say(httpc:connect({ scheme = "http", host = "nonexistent.invalid" }))
    ngx.say(httpc:get_reused_times())
    ngx.say(httpc:close())`,
  "/timeout": `
    local http = require "resty.http"
    local httpc = http.new()
    httpc:set_timeout(100)
    local res, err = httpc:request_uri(B .. "/slow")
    ngx.say(res, " ", err)
    httpc = http.new()
    httpc:set_timeouts(1000, 1000, 100)
    res, err = httpc:request_uri(B .. "/slow")
    ngx.say(res, " ", err)`,
  "/chunked": `
    local http = require "resty.http"
    local httpc = http.new()
    assert(httpc:connect({ scheme = "http", host = "127.0.0.1", port = PORT }))
    local res = assert(httpc:request({ path = "/chunked" }))
    local parts, longest = {}, 0
    repeat
      local chunk, err = res.body_reader(3)
      if chunk then
        parts[#parts + 1] = chunk
        longest = math.max(longest, #chunk)
      end
    until not chunk
    ngx.say(parts[1], " ", table.concat(parts), " ", longest)
    ngx.say(res.body_reader())
    res:read_trailers()
    ngx.say(res.headers["X-Sum"])
    ngx.say(httpc:set_keepalive())`,
  "/missing": `
    local http = require "resty.http"
    local res, err = http.new():request_uri(B .. "/missing")
    ngx.say(res.status, " ", res.reason, " ", res.body)`,
  "/large": `
    local http = require "resty.http"
    local httpc = http.new()
    assert(httpc:connect("127.0.0.1", PORT))
    local res = assert(httpc:request({ path = "/large" }))
    local n, total, first = 0, 0, nil
    while true do
      local chunk, err = res.body_reader(8192)
      if not chunk then break end
      n = n + 1
      total = total + #chunk
      first = first or chunk:sub(1, 5)
    end
    ngx.say(n, " ", total, " ", first, " ", res.headers["Content-Length"])
    ngx.say(httpc:set_keepalive())`,
  "/redirect": `
    local http = require "resty.http"
    local res = http.new():request_uri(B .. "/redirect")
    ngx.say(res.status, " ", res.headers.location, " [", res.body, "]")`,
  "/close": `
    local http = require "resty.http"
    local httpc = http.new()
    assert(httpc:connect("127.0.0.1", PORT))
    local res = assert(httpc:request({ path = "/close" }))
    ngx.say(res:read_body())
    ngx.say(httpc:set_keepalive())
    local httpc2 = http.new()
    assert(httpc2:connect("127.0.0.1", PORT))
    res = assert(httpc2:request({ path = "/large" }))
    ngx.say(#res.body_reader(10))
    ngx.say(httpc2:set_keepalive())`,
  "/truncated": `
    local http = require "resty.http"
    local res, err = http.new():request_uri(B .. "/truncated")
    ngx.say(res, " ", err)`,
  "/parse": `
    local http = require "resty.http"
    local httpc = http.new()
    local function show(u, q)
      local t, err = httpc:parse_uri(u, q)
      if not t then return ngx.say(err) end
      ngx.say(t[1], " ", t[2], " ", t[3], " ", t[4], " ", tostring(t[5]))
    end
    show("http://example.com/a?b=1")
    show("https://example.com:8443", false)
    show("http://[::1]:81/x?y", false)
    show("//example.com/rel")
    show("ftp://example.com/")`,
  "/bodies": `
    local http = require "resty.http"
    local httpc = http.new()
    local res = httpc:request_uri(B .. "/echo", { method = "HEAD" })
    ngx.say(res.status, " ", res.has_body, " [", res.body, "]")
    local parts = { "ab", "cd", "e" }
    local i = 0
    res = httpc:request_uri(B .. "/echo", { method = "PUT", headers = { ["Content-Length"] = 5 },
      body = function() i = i + 1 return parts[i] end })
    ngx.say(res.body:match("body=.*"))
    res = httpc:request_uri(B .. "/echo", { method = "POST", body = { "x", "y", 1 } })
    ngx.say(res.body:match("body=.*"))
    -- lua-resty-http sends a function's chunks as they are: a chunked body comes framed.
    local framed = { "2\\r\\nab\\r\\n", "2\\r\\ncd\\r\\n", "1\\r\\ne\\r\\n", "0\\r\\n\\r\\n" }
    i = 0
    res = httpc:request_uri(B .. "/echo", { method = "POST",
      body = function() i = i + 1 return framed[i] end, headers = { ["Transfer-Encoding"] = "chunked" } })
    ngx.say(res.body:match("body=.*"))
    ngx.say(httpc:request_uri(B .. "/echo", { method = "POST", body = function() end }))
    res = httpc:request_uri(B .. "/echo", { keepalive = false })
    ngx.say(res.status, " ", httpc:get_reused_times())`,
  "/unix": `
    local http = require "resty.http"
    local httpc = http.new()
    ngx.say(httpc:connect("unix:" .. SOCK))
    ngx.say(httpc:request({ path = "/echo" }))
    local res = httpc:request({ path = "/echo", headers = { Host = "sock" } })
    ngx.say(res.status, " ", res:read_body():match("Host: sock") ~= nil)
    ngx.say(httpc:close())`,
  "/timer": `
    local http = require "resty.http"
    local done
    ngx.timer.at(0, function()
      local res, err = http.new():request_uri(B .. "/missing")
      done = res and res.status or err
    end)
    for _ = 1, 100 do
      if done then break end
      ngx.sleep(0.01)
    end
    ngx.say(done)`,
  "/keep": `
    local http = require "resty.http"
    KEPT = KEPT or http.new()
    local ok, err = pcall(KEPT.connect, KEPT, "127.0.0.1", PORT)
    ngx.say(ok, " ", err)
    local sorted, serr = pcall(table.sort, { 2, 1 }, function(a, b)
      local h = http.new()
      h:connect("127.0.0.1", PORT)
      return a < b
    end)
    ngx.say(sorted, " ", serr)`,
  "/https": `
    local http = require "resty.http"
    local res, err = http.new():request_uri(TLS .. "/echo", { ssl_verify = false })
    ngx.say(res and res.status, " ", err, " ", res and res.body:match("url=%S*"))
    res, err = http.new():request_uri(TLS .. "/echo")
    ngx.say(res, " ", err)
    local h = http.new()
    local ok, err, session = h:connect({ scheme = "https", host = "127.0.0.1", port = TLS_PORT, ssl_verify = false, pool = "s1" })
    ngx.say(ok, " ", err, " ", type(session))
    h:close()
    ok, err = h:connect({ scheme = "https", host = "127.0.0.1", port = TLS_PORT, ssl_verify = false,
      ssl_reused_session = session, pool = "s2" })
    res = h:request({ path = "/echo" })
    ngx.say(ok, " ", res.status)`,
  "/across": `
    local http = require "resty.http"
    local httpc = http.new()
    assert(httpc:connect({ scheme = "http", host = "127.0.0.1", port = PORT, pool = "across" }))
    ngx.say(httpc:get_reused_times())
    local res = assert(httpc:request({ path = "/echo" }))
    res:read_body()
    ngx.say(httpc:set_keepalive(10000, 5))`,
  "/pipeline": `
    local http = require "resty.http"
    local httpc = http.new()
    assert(httpc:connect("127.0.0.1", PORT))
    local responses = assert(httpc:request_pipeline({
      { path = "/echo?n=1" }, { path = "/missing" }, { path = "/echo?n=3", method = "POST", body = "b" },
    }))
    for i, r in ipairs(responses) do
      ngx.say(i, " ", r.status, " ", r:read_body():match("url=%S*") or "-")
    end
    ngx.say(httpc:send_request({ path = "/chunked" }))
    local res = httpc:read_response({ method = "GET" })
    ngx.say(res.status, " ", res:read_body())
    ngx.say(httpc:set_keepalive())`,
  "/viaproxy": `
    local http = require "resty.http"
    local httpc = http.new()
    httpc:set_proxy_options({ http_proxy = "http://127.0.0.1:" .. PROXY, https_proxy = "http://127.0.0.1:" .. PROXY,
      http_proxy_authorization = "Basic abc", no_proxy = ".example.com,other.org" })
    local res, err = httpc:request_uri(B .. "/echo")
    ngx.say(res.status, " ", res.headers["X-Proxied"], " ", res.body:match("url=%S*"))
    ngx.say(httpc:get_proxy_uri("http", "www.example.com"), " ", httpc:get_proxy_uri("https", "127.0.0.1"))
    if TLS_ON then
      res, err = httpc:request_uri(TLS .. "/echo", { ssl_verify = false })
      ngx.say(res and res.status, " ", err, " ", res and res.body:match("url=%S*"))
    end
    httpc:set_proxy_options({ http_proxy = "http://127.0.0.1:" .. UNUSED })
    ngx.say(httpc:request_uri(B .. "/echo"))`,
  "/proxy": `
    local http = require "resty.http"
    local httpc = http.new()
    assert(httpc:connect({ scheme = "http", host = "127.0.0.1", port = PORT }))
    local res, err = httpc:proxy_request()
    if not res then ngx.say("proxy failed: ", err) return end
    httpc:proxy_response(res)
    httpc:set_keepalive()`,
};

before(async () => {
  peerPort = await freePort();
  unused = await freePort();
  peer = backend();
  await new Promise<void>((r) => peer.listen(peerPort, "127.0.0.1", r));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-http-lib-"));
  sockPath = path.join(tmp, "peer.sock");
  unixPeer = backend();
  await new Promise<void>((r) => unixPeer.listen(sockPath, r));
  proxyPort = await freePort();
  fwd = forwardProxy();
  await new Promise<void>((r) => fwd.listen(proxyPort, "127.0.0.1", r));
  const creds = selfSigned(tmp);
  if (creds !== undefined) {
    tlsPort = await freePort();
    tlsPeer = https.createServer(creds, backend().listeners("request")[0] as http.RequestListener);
    await new Promise<void>((r) => tlsPeer!.listen(tlsPort, "127.0.0.1", r));
  }
  const base = `http://127.0.0.1:${peerPort}`;
  const locs = Object.entries(LOCATIONS).map(([loc, code]) => `
    location ${loc === "/proxy" ? "/proxy/" : `= ${loc}`} {
      content_by_lua_block {
        local B, PORT, SOCK, TLS = "${base}", ${peerPort}, "${sockPath}", "https://127.0.0.1:${tlsPort}"
        local PROXY, TLS_ON, TLS_PORT = ${proxyPort}, ${tlsPeer !== undefined}, ${tlsPort}
        ${code.replace(/UNUSED/g, String(unused))}
      }
    }`).join("\n");
  srv = await startInProcess(`
events {}
error_log logs/error.log;
http {
  server {
    listen __PORT__;
    ${locs}
    location = /conftimeout {
      lua_socket_read_timeout 100ms;
      content_by_lua_block {
        local res, err = require("resty.http").new():request_uri("${base}/slow")
        ngx.say(res, " ", err)
      }
    }
    location = /phase {
      set_by_lua_block $x { local ok, err = pcall(require("resty.http").new) return err }
      return 200 "$x\\n";
    }
  }
}`);
});

after(async () => {
  await srv.close();
  for (const p of [peer, unixPeer, tlsPeer, fwd]) {
    p?.closeAllConnections();
    p?.close();
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});


async function body(path: string): Promise<string> {
  const [r] = await srv.get(path);
  return r!.body;
}

test("request_uri GET: status, reason, case-insensitive and multi-value headers, the request sent", async () => {
  const b = await body("/get");
  const lines = b.split("\n");
  assert.deepEqual(lines.slice(0, 5), [
    "200 OK true",
    "text/plain text/plain yes",
    "table a=1;b=2",
    "method=GET",
    "url=/echo?x=1",
  ]);
  assert.ok(lines.includes(`Host: 127.0.0.1:${peerPort}`), b);
  assert.ok(lines.includes("X-Test: v"), b);
  assert.ok(lines.includes("accept: */*"), b);
  assert.ok(lines.includes("User-Agent: lua-resty-http/0.17.2 (Lua) ngx_lua/10023"), b);
  assert.equal(lines.at(-1), "body=");
});

test("request_uri POST with a body, headers and a query table", async () => {
  const lines = (await body("/post")).split("\n");
  assert.equal(lines[0], "method=POST");
  assert.equal(lines[1], "url=/echo?q=a%20b");
  assert.ok(lines.includes("Content-Type: application/x-www-form-urlencoded"));
  assert.ok(lines.includes("Content-Length: 7"), lines.join("\n"));
  assert.equal(lines.at(-1), "body=a=1&b=\xe9");
});

test("keepalive: connections come back from the pool (get_reused_times), GET and POST", async () => {
  assert.equal(await body("/reuse"), "0 1 1 1 2 1\n");
});

test("connection refused, DNS failure, and calls on a closed object", async () => {
  assert.equal(await body("/refused"), [
    "nil connection refused",
    "nilconnection refused",
    "nilnonexistent.invalid could not be resolved (3: Host not found)",
    "nilclosed",
    "nilclosed",
    "",
  ].join("\n"));
});

test("read timeouts from set_timeout and set_timeouts", async () => {
  assert.equal(await body("/timeout"), "nil timeout\nnil timeout\n");
});

test("chunked response through body_reader, then the trailers", async () => {
  assert.equal(await body("/chunked"), "one one,two,three 3\nnilcan't resume a dead coroutine\n42\n1\n");
});

test("a 404 is a response, not an error", async () => {
  assert.equal(await body("/missing"), "404 Not Found nope\n");
});

test("body_reader streams a large body in the asked sizes", async () => {
  assert.equal(await body("/large"), `128 ${LARGE} abcde ${LARGE}\n1\n`);
});

test("redirects are not followed", async () => {
  assert.equal(await body("/redirect"), "302 /echo []\n");
});

test("Connection: close makes set_keepalive close (2); an unread body refuses keepalive", async () => {
  assert.equal(await body("/close"), "bye\n2connection must be closed\n10\nnilunread data in buffer\n");
});

test("a body cut short fails with closed", async () => {
  assert.equal(await body("/truncated"), "nil closed\n");
});

test("parse_uri", async () => {
  assert.equal(await body("/parse"), [
    "http example.com 80 /a?b=1 nil",
    "https example.com 8443 / ",
    "http [::1] 81 /x y",
    "http example.com 80 /rel ",
    "bad uri: ftp://example.com/",
    "",
  ].join("\n"));
});

test("proxy_request and proxy_response forward the client request and stream the answer", async () => {
  const raw = "POST /proxy/echo?k=v HTTP/1.1\r\nHost: front\r\nX-Client: c\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
  const { responses } = await exchange(srv.port, { raw, responses: 1 });
  const r = responses[0]!;
  assert.equal(r.statusLine, "HTTP/1.1 200 OK");
  const lines = r.body.split("\n");
  assert.equal(lines[0], "method=POST");
  assert.equal(lines[1], "url=/proxy/echo?k=v");
  assert.ok(lines.includes("host: front"), lines.join("\n"));
  assert.ok(lines.includes("x-client: c"));
  assert.equal(lines.at(-1), "body=hello");
  assert.ok(r.headers.some(([k, v]) => k === "X-Backend" && v === "yes"), JSON.stringify(r.headers));
  const [big] = await srv.get("/proxy/large");
  assert.equal(big!.statusLine, "HTTP/1.1 200 OK");
  assert.equal(big!.body.length, LARGE);
  assert.ok(big!.body === large.toString("latin1"));
});

test("request_pipeline, send_request and read_response", async () => {
  assert.equal(await body("/pipeline"), "1 200 url=/echo?n=1\n2 404 -\n3 200 url=/echo?n=3\ntrue\n200 one,two,three\n1\n");
});

test("through an HTTP proxy: absolute URIs for http, CONNECT for https, no_proxy", async () => {
  const tls = tlsPeer !== undefined ? "200 nil url=/echo\n" : "";
  assert.equal(await body("/viaproxy"), `200 1 url=/echo\nnil http://127.0.0.1:${proxyPort}\n${tls}nilfailed to connect to: 127.0.0.1:${unused}: connection refused\n`);
  assert.equal(proxied[0], `GET http://127.0.0.1:${peerPort}/echo Basic abc`);
  if (tlsPeer !== undefined) assert.equal(proxied[1], `CONNECT 127.0.0.1:${tlsPort} undefined`);
});

test("a kept connection serves the next client request", async () => {
  assert.equal(await body("/across"), "0\n1\n");
  assert.equal(await body("/across"), "1\n1\n");
});

test("proxy_request streams a large client body (through ngx.req.socket)", async () => {
  const payload = "x".repeat(300_000);
  const raw = `POST /proxy/echo HTTP/1.1\r\nHost: front\r\nContent-Length: ${payload.length}\r\nConnection: close\r\n\r\n${payload}`;
  const { responses } = await exchange(srv.port, { raw, responses: 1, timeout: 10000 });
  const lines = responses[0]!.body.split("\n");
  assert.equal(lines[0], "method=POST");
  assert.equal(lines.at(-1), "body=" + payload);
});

test("proxy_response passes a stream on as it arrives (server-sent events)", async () => {
  const sock = net.connect(srv.port, "127.0.0.1");
  let got = "";
  const all = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("stalled: " + JSON.stringify(got))), 5000);
    sock.on("data", (d: Buffer) => {
      got += d.toString("latin1");
      if (got.includes("data: first") && releaseEvents !== undefined) {
        releaseEvents();
        releaseEvents = undefined;
      }
    });
    sock.on("end", () => {
      clearTimeout(timer);
      resolve(got);
    });
    sock.write("GET /proxy/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  });
  assert.match(all, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(all, /Content-Type: text\/event-stream/);
  assert.match(all, /data: first\n\n[^]*data: second\n\n/);
});

test("proxy_request forwards a chunked client body", async () => {
  const raw = "PUT /proxy/echo HTTP/1.1\r\nHost: front\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
  const { responses } = await exchange(srv.port, { raw, responses: 1 });
  const lines = responses[0]!.body.split("\n");
  assert.equal(lines[0], "method=PUT");
  assert.equal(lines.at(-1), "body=abcde");
});

test("lua_socket_read_timeout is the default read timeout", async () => {
  assert.equal(await body("/conftimeout"), "nil timeout\n");
});

test("cosockets are refused where Lua cannot wait", async () => {
  assert.equal(await body("/phase"), "API disabled in the context of set_by_lua*\n");
});

test("HEAD, bodies from functions and tables, chunked request bodies, keepalive = false", async () => {
  assert.equal(await body("/bodies"), [
    "200 false []",
    "body=abcde",
    "body=xy1",
    "body=abcde",
    "nilRequest body is a function but a length or chunked encoding is not specified",
    "200 nilclosed",
    "",
  ].join("\n"));
});

test("unix domain sockets need a Host header", async () => {
  assert.equal(await body("/unix"), [
    "1",
    "nilUnable to generate a useful Host header for a unix domain socket. Please provide one.",
    "200 true",
    "1",
    "",
  ].join("\n"));
});

test("from a timer", async () => {
  assert.equal(await body("/timer"), "404\n");
});

test("an object used in another request raises bad request; no waiting inside C calls", async () => {
  await body("/keep");
  const b = await body("/keep");
  assert.match(b, /^false (.*: )?bad request\n/);
  assert.match(b, /\nfalse .*attempt to yield across C-call boundary\n$/);
});

test("https with and without certificate verification", async (t) => {
  if (tlsPeer === undefined) return t.skip("no openssl");
  assert.equal(await body("/https"), "200 nil url=/echo\nnil 18: self signed certificate\ntrue nil userdata\ntrue 200\n");
});

test("failures are logged as the cosocket logs them (after the tests above)", () => {
  const log = fs.readFileSync(path.join(srv.prefix, "logs/error.log"), "latin1");
  assert.match(log, /\[error\] .*connect\(\) failed \(111: Connection refused\)/);
  assert.match(log, /\[error\] .*lua tcp socket read timed out/);
});
