// proxy_pass and upstream over real HTTP: local node:http backends started here (an echo
// backend that reports what it received, a slow one, one that closes, one that answers
// 500, a streaming one), in-process checks, and differential cases against the reference.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as http from "node:http";
import * as net from "node:net";
import * as crypto from "node:crypto";
import { diffCase, exchange } from "../differential/harness.js";
import { startInProcess } from "./support.js";

interface Backend {
  port: number;
  close(): Promise<void>;
}

/** What the echo backend answers: the request line, the headers (lowercase, in order), the body's size and sum. */
function echoText(name: string, req: http.IncomingMessage, body: Buffer): string {
  let s = `${name} ${req.method} ${req.url}\n`;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const n = req.rawHeaders[i]!.toLowerCase();
    // The exact bytes are compared in proxy-request-bytes.test.ts; here Host is reported
    // last and the framing and the connection not at all.
    if (n === "connection" || n === "content-length" || n === "transfer-encoding" || n === "host") continue;
    s += `${n}: ${req.rawHeaders[i + 1]}\n`;
  }
  s += `host: ${req.headers.host ?? "(none)"}\n`;
  if (body.length > 0) s += `body ${body.length} ${crypto.createHash("md5").update(body).digest("hex")}\n`;
  return s;
}

function startBackend(handler: http.RequestListener): Promise<Backend> {
  return new Promise((resolve) => {
    const srv = http.createServer(handler);
    srv.keepAliveTimeout = 2000;
    const sockets = new Set<net.Socket>();
    srv.on("connection", (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    srv.listen(0, "127.0.0.1", () => {
      resolve({
        port: (srv.address() as net.AddressInfo).port,
        close: () => new Promise((r) => {
          for (const s of sockets) s.destroy();
          srv.close(() => r());
        }),
      });
    });
  });
}

function echo(name: string, extra?: (res: http.ServerResponse, req: http.IncomingMessage) => void): Promise<Backend> {
  return startBackend((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => {
      const text = echoText(name, req, Buffer.concat(parts));
      res.setHeader("Content-Type", "text/plain");
      res.setHeader("X-Backend", name);
      // Framing fixed by the backend: an HTTP/1.0 request (proxy_http_version's default)
      // would be answered close-delimited, an HTTP/1.1 one chunked.
      res.setHeader("Content-Length", Buffer.byteLength(text));
      extra?.(res, req);
      res.end(text);
    });
  });
}

let A: Backend, B: Backend, C: Backend, slow: Backend, closer: Backend, e500: Backend, redir: Backend, big: Backend;
let trunc: Backend, peerPort: Backend, accel: Backend, bigHead: Backend, stall: Backend;
/** Where nothing listens: a port merely free now may be taken by another test's server. */
const dead = 1;
const connections: { count: number } = { count: 0 };

before(async () => {
  A = await echo("A");
  B = await echo("B");
  C = await echo("C");
  A = A;
  slow = await startBackend((_req, res) => {
    const t = setTimeout(() => res.end("late\n"), 3000);
    res.on("close", () => clearTimeout(t));
  });
  closer = await startBackend((req) => {
    req.socket.destroy();
  });
  e500 = await echo("E", (res, req) => {
    res.statusCode = req.url?.includes("404") ? 404 : 500;
  });
  redir = await startBackend((req, res) => {
    res.statusCode = 302;
    res.setHeader("Location", `http://127.0.0.1:${(req.socket.localPort)}/back${req.url}`);
    res.setHeader("Refresh", `3; url=http://127.0.0.1:${req.socket.localPort}/r`);
    res.setHeader("Server", "upstream-server");
    res.setHeader("X-Pad", "pad");
    res.setHeader("X-Accel-Buffering", "no");
    res.setHeader("X-Secret", "s");
    res.setHeader("Set-Cookie", ["a=1; Domain=.Backend.Example; Path=/app/x; HttpOnly", "b=2; path=/other; domain=keep.example", "c=3;domain=sub.backend.example"]);
    res.setHeader("Content-Length", 6);
    res.end("moved\n");
  });
  big = await startBackend((req, res) => {
    const n = Number(new URL(req.url ?? "/", "http://x").searchParams.get("n") ?? "0");
    res.setHeader("Content-Type", "application/octet-stream");
    let sent = 0;
    const chunk = Buffer.alloc(65536, 97);
    const pump = (): void => {
      while (sent < n) {
        const c = chunk.subarray(0, Math.min(chunk.length, n - sent));
        sent += c.length;
        if (!res.write(c)) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  big.close = big.close.bind(big);
  trunc = await startBackend((_req, res) => {
    res.setHeader("Content-Length", 100);
    res.write("short");
    setTimeout(() => res.socket?.destroy(), 50);
  });
  peerPort = await startBackend((req, res) => {
    const text = String(req.socket.remotePort);
    res.setHeader("Content-Length", text.length);
    res.end(text);
  });
  accel = await startBackend((req, res) => {
    res.setHeader("X-Accel-Redirect", req.url!.includes("named") ? "@named" : "/internal/x?a=1");
    res.setHeader("Set-Cookie", "c=1");
    res.setHeader("Content-Disposition", "attachment");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("Content-Type", "text/x-up");
    res.setHeader("ETag", '"e"');
    res.setHeader("X-Custom", "1");
    res.setHeader("Content-Length", 4);
    res.end("body");
  });
  bigHead = await startBackend((req, res) => {
    res.setHeader("X-Big", "x".repeat(Number(req.url!.slice(1))));
    res.setHeader("Content-Length", 3);
    res.end("ok\n");
  });
  stall = await startBackend((_req, res) => {
    res.setHeader("Content-Length", 100);
    res.write("part");
    const t = setTimeout(() => res.end("x".repeat(96)), 3000);
    res.on("close", () => clearTimeout(t));
  });
  void connections;
});

after(async () => {
  for (const b of [A, B, C, slow, closer, e500, redir, big, trunc, peerPort, accel, bigHead, stall]) await b.close();
});

const conf = (body: string, level = "warn"): string => `
error_log logs/error.log ${level};
events {}
http {
  access_log off;
  ${body}
}
`;

// ------------------------------------------------------------------ differential cases

test("headers and URIs sent upstream match nginx", async (t) => {
  await diffCase(t, {
    name: "proxy headers and uris",
    conf: conf(`
  upstream up1 { server 127.0.0.1:${A.port}; }
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    location /a/ { proxy_pass http://127.0.0.1:${A.port}/x/; }
    location /b { proxy_pass http://127.0.0.1:${A.port}; proxy_set_header X-F $proxy_add_x_forwarded_for; proxy_set_header X-H "$proxy_host|$proxy_port"; }
    location /c/ { proxy_pass http://up1/; proxy_set_header X-H "$proxy_host|$proxy_port"; proxy_set_header Accept ""; }
    location /d { proxy_pass http://localhost:${A.port}; proxy_set_header X-H "$proxy_host|$proxy_port"; }
    location /e { proxy_pass http://127.0.0.1:${A.port}/zz$uri; }
    location /f { set $u http://127.0.0.1:${A.port}; proxy_pass $u; }
    location /meth { proxy_pass http://127.0.0.1:${A.port}; proxy_method PUT; proxy_set_body "set $arg_v"; }
    location /if { if ($arg_p) { proxy_pass http://up1; } }
    location /w { set $h up1; proxy_pass http://$h; proxy_set_header X-H "$proxy_host|$proxy_port"; }
    location /g { proxy_pass http://127.0.0.1:${A.port}; proxy_pass_request_headers off; proxy_pass_request_body off; }
    location ~ ^/re/ { proxy_pass http://127.0.0.1:${A.port}; }
    location = /exact { proxy_pass http://127.0.0.1:${A.port}/other; }
    location /h { proxy_set_header X-One 1; location /h/in { proxy_pass http://127.0.0.1:${A.port}; } }
    location /i { proxy_set_header X-One 1; location /i/in { proxy_set_header X-Two 2; proxy_pass http://127.0.0.1:${A.port}; } }
    location /lua { content_by_lua_block { ngx.exec("/b/ex%20c", "z=1") } }
    location /cap { content_by_lua_block { local r = ngx.location.capture("/b/s%20x?a=1") ngx.print(r.status, " ", r.body) } }
  }`),
    requests: [
      { path: "/a/b%20c?q=1", method: "POST", body: "hello", headers: [["X-Forwarded-For", "1.2.3.4"], ["TE", "x"], ["Foo", "a"], ["Foo", "b"], ["Expect", "x"], ["Keep-Alive", "1"], ["Upgrade", "y"]] },
      { path: "/b/x%41//y?q=1", headers: [["X-Forwarded-For", "1.2.3.4"], ["X-Forwarded-For", "5.6.7.8"]] },
      { path: "/c/y?k", headers: [["Accept", "zz"]] },
      { path: "/d/y" },
      { path: "/e/y?a=1" },
      { path: "/f/%41?b=2" },
      { path: "/w/x?y=1" },
      { path: "/if/x?p=1" },
      { path: "/meth?v=1", method: "POST", body: "original" },
      { path: "/if/x" },
      { path: "/g", headers: [["X-Client", "1"]] },
      { path: "/re/x?y" },
      { path: "/exact?y=1" },
      { path: "/h/in/x" },
      { path: "/i/in/x" },
      { path: "/lua/1" },
      { path: "/cap" },
      { path: "/a/%41%2f//x" },
    ],
  });
});

test("a location /dir/ with proxy_pass redirects /dir to /dir/ (nginx's auto_redirect)", async (t) => {
  await diffCase(t, {
    name: "proxy auto redirect",
    conf: conf(`
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    location / { return 200 "root\\n"; }
    location ~ pi { return 200 "regex\\n"; }
    location /api/ { proxy_pass http://127.0.0.1:${A.port}/; }
    location /same/ { proxy_pass http://127.0.0.1:${A.port}/; }
    location /same { return 200 "same\\n"; }
    location /n/ { location /n/in/ { proxy_pass http://127.0.0.1:${A.port}; } }
  }`),
    requests: [{ path: "/api" }, { path: "/api?x=1" }, { path: "/api/" }, { path: "/apix" }, { path: "/same" }, { path: "/n/in" }, { path: "/ap" }],
  });
});

test("upstream errors: 502, 504, closed connections and their log lines match nginx", async (t) => {
  await diffCase(t, {
    name: "proxy errors",
    conf: conf(`
  upstream up1 { server 127.0.0.1:${A.port}; }
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    location /refused { proxy_pass http://127.0.0.1:${dead}; }
    location /slow { proxy_pass http://127.0.0.1:${slow.port}; proxy_read_timeout 300ms; }
    location /closed { proxy_pass http://127.0.0.1:${closer.port}; }
    location /e500 { proxy_pass http://127.0.0.1:${e500.port}; }
    location /nores { set $h nohost; proxy_pass http://$h; }
    location /noresport { set $h up1; proxy_pass http://$h:80; }
    location /badurl { set $h up1; proxy_pass $h; }
    location /bighead/ { proxy_pass http://127.0.0.1:${bigHead.port}/; }
    location /bighead16/ { proxy_pass http://127.0.0.1:${bigHead.port}/; proxy_buffer_size 16k; proxy_buffers 8 16k; }
    location /stall { proxy_pass http://127.0.0.1:${stall.port}; proxy_read_timeout 300ms; proxy_buffering off; }
    location /trunc { proxy_pass http://127.0.0.1:${trunc.port}; }
    location /icpt { proxy_pass http://127.0.0.1:${e500.port}; proxy_intercept_errors on; error_page 500 /err; }
    location /icpt404 { proxy_pass http://127.0.0.1:${e500.port}; proxy_intercept_errors on; error_page 500 /err; }
    location /err { return 200 "custom error page\n"; }
  }`),
    requests: [
      { path: "/trunc" },
      { path: "/stall" },
      { path: "/bighead/2000" },
      { path: "/bighead/6000" },
      { path: "/bighead16/6000" },
      { path: "/icpt/x" },
      { path: "/icpt404/404" },
      { path: "/refused/x?a=1" },
      { path: "/slow/y" },
      { path: "/closed/z" },
      { path: "/e500/q" },
      { path: "/nores" },
      { path: "/noresport" },
      { path: "/badurl" },
    ],
  });
});

test("response headers: hidden ones, proxy_pass_header, proxy_hide_header, proxy_redirect", async (t) => {
  await diffCase(t, {
    name: "proxy response headers",
    conf: conf(`
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    location /r/ { proxy_pass http://127.0.0.1:${redir.port}/; }
    location /s/ { proxy_pass http://127.0.0.1:${redir.port}/; proxy_pass_header Server; proxy_hide_header X-Secret; proxy_redirect off; }
    location /t/ { proxy_pass http://127.0.0.1:${redir.port}/u/; proxy_redirect http://127.0.0.1:${redir.port}/ http://example.com/$host/; }
    location /v/ { proxy_pass http://127.0.0.1:${redir.port}/; proxy_pass_header X-Accel-Buffering; proxy_redirect default; }
    location /ck/ { proxy_pass http://127.0.0.1:${redir.port}/; proxy_cookie_domain backend.example $host; proxy_cookie_path /app/ /; proxy_cookie_domain ~^(.+)\\.backend\\.example$ $1.front; }
    location /ck2/ { proxy_pass http://127.0.0.1:${redir.port}/; proxy_cookie_path ~*^/OTHER(.*)$ /o$1; }
    location /xa { proxy_pass http://127.0.0.1:${accel.port}; }
    location /xb { proxy_pass http://127.0.0.1:${accel.port}; proxy_ignore_headers X-Accel-Redirect; proxy_pass_header X-Accel-Redirect; }
    location /internal/ { internal; content_by_lua_block { ngx.say(ngx.var.request_method, " ", ngx.var.uri, " ", ngx.var.args) } }
    location @named { content_by_lua_block { ngx.say("named ", ngx.var.request_method, " ", ngx.var.uri) } }
    location /x/ { proxy_pass http://127.0.0.1:${redir.port}/; proxy_redirect ~*^http://([^/]+)/BACK/(.*)$ /moved/$2/$1; }
  }`),
    requests: [{ path: "/xa/1", method: "POST", body: "x" }, { path: "/xa/named" }, { path: "/xa/h", method: "HEAD" }, { path: "/xb" }, { path: "/ck/a" }, { path: "/ck2/a" }, { path: "/x/a/b?c" }, { path: "/r/a?b" }, { path: "/s/a" }, { path: "/t/a" }, { path: "/v/a" }, { path: "/r/h", method: "HEAD" }],
  });
});

test("balancing: round robin with weights and backup, ip_hash, hash, consistent hash, least_conn, next_upstream", async (t) => {
  const many = (p: string, n: number): { path: string }[] => Array.from({ length: n }, (_, i) => ({ path: `${p}${i}` }));
  await diffCase(t, {
    name: "proxy balancing",
    conf: conf(`
  upstream rr { server 127.0.0.1:${A.port} weight=3; server 127.0.0.1:${B.port}; server 127.0.0.1:${C.port} weight=2; }
  upstream bk { server 127.0.0.1:${dead}; server 127.0.0.1:${B.port} backup; }
  upstream nu { server 127.0.0.1:${dead}; server 127.0.0.1:${A.port}; server 127.0.0.1:${B.port}; }
  upstream iph { ip_hash; server 127.0.0.1:${A.port}; server 127.0.0.1:${B.port}; server 127.0.0.1:${C.port}; }
  upstream hh { hash $arg_k; server 127.0.0.1:${A.port}; server 127.0.0.1:${B.port}; server 127.0.0.1:${C.port}; }
  upstream ch { hash $arg_k consistent; server 127.0.0.1:${A.port}; server 127.0.0.1:${B.port}; server 127.0.0.1:${C.port}; }
  upstream lc { least_conn; server 127.0.0.1:${A.port}; server 127.0.0.1:${B.port} weight=2; }
  upstream dn { server 127.0.0.1:${A.port} down; server 127.0.0.1:${B.port}; }
  upstream e5 { server 127.0.0.1:${e500.port}; server 127.0.0.1:${A.port}; }
  upstream tr { server 127.0.0.1:${dead} max_fails=0; server 127.0.0.1:${dead} max_fails=0; server 127.0.0.1:${A.port}; }
  upstream mf { server 127.0.0.1:${dead} max_fails=3 fail_timeout=30s; server 127.0.0.1:${B.port}; }
  upstream alldown { server 127.0.0.1:${A.port} down; server 127.0.0.1:${B.port} down; }
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    add_header X-Addr $upstream_addr;
    add_header X-Status $upstream_status;
    location /rr/ { proxy_pass http://rr; }
    location /bk/ { proxy_pass http://bk; }
    location /nu/ { proxy_pass http://nu; }
    location /nuoff/ { proxy_pass http://nu; proxy_next_upstream off; }
    location /iph/ { proxy_pass http://iph; }
    location /hh/ { proxy_pass http://hh; }
    location /ch/ { proxy_pass http://ch; }
    location /lc/ { proxy_pass http://lc; }
    location /dn/ { proxy_pass http://dn; }
    location /e5/ { proxy_pass http://e5; proxy_next_upstream error http_500; }
    location /e5no/ { proxy_pass http://e5; }
    location /post/ { proxy_pass http://nu; }
    location /tr/ { proxy_pass http://tr; proxy_next_upstream_tries 2; }
    location /mf/ { proxy_pass http://mf; }
    location /alldown/ { proxy_pass http://alldown; }
    location /n404/ { proxy_pass http://e5; proxy_next_upstream http_404; }
  }`),
    ignoreHeaders: ["x-addr"],
    requests: [
      ...many("/rr/", 12),
      ...many("/bk/", 3),
      ...many("/nu/", 4),
      ...many("/nuoff/", 3),
      ...many("/iph/", 3),
      ...["a", "b", "c", "d", "e", "f", "g", "h"].map((k) => ({ path: `/hh/?k=${k}` })),
      ...["a", "b", "c", "d", "e", "f", "g", "h"].map((k) => ({ path: `/ch/?k=${k}` })),
      ...many("/lc/", 4),
      ...many("/dn/", 2),
      ...many("/e5/", 4),
      ...many("/e5no/", 2),
      { path: "/post/1", method: "POST", body: "x" },
      ...many("/tr/", 3),
      ...many("/mf/", 8),
      ...many("/alldown/", 1),
      ...many("/n404/404-", 3),
    ],
  });
});

// ------------------------------------------------------------------ in-process checks

async function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

test("upstream variables, large bodies both ways, keepalive", async () => {
  const s = await startInProcess(conf(`
  upstream ka { server 127.0.0.1:${peerPort.port}; keepalive 4; }
  upstream two { server 127.0.0.1:${dead}; server 127.0.0.1:${B.port}; }
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    client_max_body_size 20m;
    location /big { proxy_pass http://127.0.0.1:${big.port}; }
    location /echo { proxy_pass http://127.0.0.1:${A.port}; }
    location /ka { proxy_pass http://ka; proxy_http_version 1.1; proxy_set_header Connection ""; }
    location /noka { proxy_pass http://127.0.0.1:${peerPort.port}; }
    location /two { proxy_pass http://two; }
    location /vars { proxy_pass http://two; header_filter_by_lua_block {
      ngx.header["X-Vars"] = ngx.var.upstream_addr .. "|" .. ngx.var.upstream_status .. "|" .. (ngx.var.upstream_connect_time or "nil")
        .. "|" .. (ngx.var.upstream_header_time or "nil") .. "|" .. (ngx.var.upstream_response_time or "nil")
    } }
  }`));
  try {
    // A response larger than any buffer streams through.
    const n = 8 * 1024 * 1024 + 7;
    const r = await get(s.port, `/big?n=${n}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.length, n);
    // A large request body is spilled to a file and streamed from there.
    const body = crypto.randomBytes(3 * 1024 * 1024);
    const sum = crypto.createHash("md5").update(body).digest("hex");
    const up = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: s.port, path: "/echo", method: "PUT", agent: false }, (res) => {
        let t = "";
        res.on("data", (d: Buffer) => (t += d.toString("latin1")));
        res.on("end", () => resolve(t));
      });
      req.on("error", reject);
      req.end(body);
    });
    assert.match(up, new RegExp(`body ${body.length} ${sum}`));
    // keepalive: the backend sees one connection for several requests; without it, one each.
    const ports = new Set<string>();
    const fresh = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const k = await get(s.port, "/ka");
      assert.equal(k.status, 200);
      ports.add(k.body.toString());
      fresh.add((await get(s.port, "/noka")).body.toString());
    }
    assert.equal(ports.size, 1);
    assert.equal(fresh.size, 3);
    const v = await get(s.port, "/vars");
    assert.equal(v.status, 200);
    const [addr, status, ct, ht, rt] = String(v.headers["x-vars"]).split("|");
    assert.equal(addr, `127.0.0.1:${dead}, 127.0.0.1:${B.port}`);
    assert.equal(status, "502, 200");
    assert.match(ct!, /^-, \d+\.\d{3}$/);
    assert.match(ht!, /^-, \d+\.\d{3}$/);
    assert.match(rt!, /^\d+\.\d{3}, \d+\.\d{3}$/);
  } finally {
    await s.close();
  }
});

test("proxy_buffering off: chunks reach the client as they arrive", async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const stream = await startBackend((_req, res) => {
    res.setHeader("Content-Type", "text/plain");
    res.write("first\n");
    void gate.then(() => res.end("last\n"));
  });
  const s = await startInProcess(conf(`
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    location / { proxy_pass http://127.0.0.1:${stream.port}; proxy_buffering off; }
  }`));
  try {
    const text = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: s.port, path: "/", agent: false }, (res) => {
        let t = "";
        res.on("data", (d: Buffer) => {
          t += d.toString();
          // The last piece is only sent once the first has reached the client.
          if (t === "first\n") release();
        });
        res.on("end", () => resolve(t));
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(text, "first\nlast\n");
  } finally {
    await s.close();
    await stream.close();
  }
});

test("configuration errors are nginx's", async () => {
  const bad = async (body: string): Promise<string> => {
    try {
      const s = await startInProcess(conf(body));
      await s.close();
      return "started";
    } catch (e) {
      return (e as Error).message;
    }
  };
  assert.match(await bad(`server { listen 127.0.0.1:__PORT__; location ~ /x { proxy_pass http://127.0.0.1:1/a; } }`),
    /"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block/);
  assert.match(await bad(`server { listen 127.0.0.1:__PORT__; location @n { proxy_pass http://127.0.0.1:1/a; } }`), /cannot have URI part/);
  assert.match(await bad(`server { listen 127.0.0.1:__PORT__; location / { proxy_pass ftp://x; } }`), /invalid URL prefix in "ftp:\/\/x"/);
  assert.match(await bad(`upstream u { server 127.0.0.1:1; } server { listen 127.0.0.1:__PORT__; location / { proxy_pass http://u:8080; } }`), /upstream "u" may not have port 8080/);
  assert.match(await bad(`upstream u { server nohost2.invalid:81; } server { listen 127.0.0.1:__PORT__; location / { proxy_pass http://u; } }`), /host not found in upstream "nohost2.invalid:81"$/);
  assert.match(await bad(`server { listen 127.0.0.1:__PORT__; location / { proxy_pass http://no-such-host.invalid; } }`), /host not found in upstream "no-such-host.invalid"$/);
  void exchange;
});
