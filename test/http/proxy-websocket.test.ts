// WebSocket (Upgrade) proxying against the reference: a raw-socket backend (and its TLS twin) answers the
// handshake with a 101 and then echoes what it gets ("close" makes it close, a path with
// "quiet" makes it silent); clients on plain and TLS listeners talk through the tunnel.
// Compared: every byte each client got (Date masked), who closed, what the backend got, the
// error log (with ngx.log from header and body filters) and the access log ($status 101,
// $body_bytes_sent counting the tunnel's bytes).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { referenceAvailable, runDriven } from "../differential/harness.js";

let backend: net.Server;
let bport = 0;
/** The same backend over TLS, for proxy_pass https://. */
let tlsBackend: tls.Server;
let tport = 0;
const sockets = new Set<net.Socket>();
/** Per side: the backend's connections numbered from 1, and what its tunnels received. */
let accepted = 0;
let received: string[] = [];
let certDir = "";

function serve(s: net.Socket): void {
  const id = ++accepted;
  sockets.add(s);
  s.on("close", () => sockets.delete(s));
  s.on("error", () => {});
  let buf = "";
  let tunnel: ((d: string) => void) | undefined;
  s.on("data", (d: Buffer) => {
    if (tunnel) {
      tunnel(d.toString("latin1"));
      return;
    }
    buf += d.toString("latin1");
    for (let end = buf.indexOf("\r\n\r\n"); end >= 0 && !tunnel; end = buf.indexOf("\r\n\r\n")) {
      const head = buf.slice(0, end);
      buf = buf.slice(end + 4);
      const p = head.split(" ")[1] ?? "";
      received.push(`conn ${id} head: ${head.split("\r\n").filter((l) => !/^host:/i.test(l)).join(" | ")}`);
      if (p.includes("p101")) {
        // A 101 with a body, closed: nginx passes it as a response when the client asked for no upgrade.
        s.end("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nbye");
        return;
      }
      if (p.includes("plain")) {
        const body = `conn ${id}\n`;
        s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        continue;
      }
      const quiet = p.includes("quiet");
      tunnel = (t) => {
        received.push(`conn ${id} got: ${t}`);
        if (t.includes("close")) s.end();
        else if (!quiet) s.write(`echo:${t}`);
      };
      s.write(`HTTP/1.${p.includes("v10") ? 0 : 1} 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n${quiet ? "" : `hello ${id}`}`);
      if (buf !== "") {
        tunnel(buf);
        buf = "";
      }
    }
  });
}

before(async () => {
  backend = net.createServer(serve);
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", () => r()));
  bport = (backend.address() as net.AddressInfo).port;
  certDir = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-ws-"));
  fs.chmodSync(certDir, 0o755);
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=ws.test",
    "-keyout", path.join(certDir, "ws.key"), "-out", path.join(certDir, "ws.crt"),
  ], { stdio: "ignore" });
  tlsBackend = tls.createServer({ key: fs.readFileSync(path.join(certDir, "ws.key")), cert: fs.readFileSync(path.join(certDir, "ws.crt")) }, serve);
  await new Promise<void>((r) => tlsBackend.listen(0, "127.0.0.1", () => r()));
  tport = (tlsBackend.address() as net.AddressInfo).port;
});

after(() => {
  for (const s of sockets) s.destroy();
  fs.rmSync(certDir, { recursive: true, force: true });
  tlsBackend.close();
  return new Promise<void>((r) => backend.close(() => r()));
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One client connection's script: bytes to send, waits for what must come back. */
type Step =
  | { readonly send: string }
  | { readonly waitFor: string }
  /** Wait for the server to close (up to 6 s). */
  | { readonly waitClose: true }
  /** Half-close our side (the client ends the tunnel). */
  | { readonly end: true }
  | { readonly pause: number };

async function session(port: number, secure: boolean, steps: readonly Step[]): Promise<string> {
  const s: net.Socket = secure
    ? tls.connect({ port, host: "127.0.0.1", rejectUnauthorized: false })
    : net.connect(port, "127.0.0.1");
  let got = "";
  let closed = false;
  s.on("data", (d: Buffer) => (got += d.toString("latin1")));
  s.on("close", () => (closed = true));
  s.on("error", () => {});
  const until = async (cond: () => boolean, ms: number): Promise<void> => {
    const end = Date.now() + ms;
    while (!cond() && Date.now() < end) await sleep(10);
  };
  for (const st of steps) {
    if ("send" in st) s.write(st.send, "latin1");
    else if ("waitFor" in st) await until(() => got.includes(st.waitFor), 5000);
    else if ("waitClose" in st) await until(() => closed, 6000);
    else if ("end" in st) s.end();
    else await sleep(st.pause);
  }
  // A closing server has a moment to finish; then what we have is the answer.
  await until(() => closed, 300);
  s.destroy();
  return got.replace(/\r\nDate: [^\r]*/g, "\r\nDate: DATE") + (closed ? "[closed]" : "[open]");
}

const upgrade = (p: string, extra = ""): string => `GET ${p} HTTP/1.1\r\nHost: ws.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${extra}\r\n`;

function conf(listen: string): string {
  return `
error_log logs/error.log info;
events {}
http {
  log_format t '$request|$status|$body_bytes_sent|$bytes_sent|$request_length|$upstream_status|$upstream_addr|$connection_requests';
  access_log logs/access.log t;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream ka { server 127.0.0.1:${bport}; keepalive 4; }
  map $http_upgrade $ka_connection { default upgrade; '' ''; }
  server {
    listen 127.0.0.1:__PORT__${listen};
    ssl_certificate ${certDir}/ws.crt;
    ssl_certificate_key ${certDir}/ws.key;
    location /ws/ {
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 2s;
      proxy_pass http://127.0.0.1:${bport};
    }
    location /h10/ {
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_pass http://127.0.0.1:${bport};
    }
    location /lua/ {
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_read_timeout 1s;
      proxy_pass http://127.0.0.1:${bport};
      header_filter_by_lua_block { ngx.log(ngx.WARN, "hf ", ngx.status, " ", tostring(ngx.header.upgrade)) ngx.header["X-HF"] = "1" }
      body_filter_by_lua_block { ngx.log(ngx.WARN, "bf [", ngx.arg[1], "] ", tostring(ngx.arg[2])) }
      log_by_lua_block { ngx.log(ngx.WARN, "log ", ngx.status, " ", ngx.var.upstream_status) }
    }
    location /wss/ {
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_pass https://127.0.0.1:${tport};
    }
    location = /cap {
      content_by_lua_block { local r = ngx.location.capture("/lua/sub") ngx.say(r.status, " [", r.body, "]") }
    }
    location /ka/ {
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $ka_connection;
      proxy_pass http://ka;
    }
  }
}`;
}

interface Outcome {
  readonly sessions: string[];
  readonly backend: string[];
}

async function compare(name: string, listen: string, secure: boolean, scripts: readonly (readonly Step[])[]): Promise<void> {
  const run = async (which: "tsresty" | "reference"): Promise<{ result: Outcome; errorLog: string[]; accessLog: string[] }> => {
    accepted = 0;
    received = [];
    return runDriven(name, conf(listen), which, async (port) => {
      const sessions: string[] = [];
      for (const steps of scripts) sessions.push(await session(port, secure, steps));
      // The last tunnel's close reaches the backend a moment after the client saw it.
      await sleep(100);
      return { sessions, backend: received.slice() };
    }, /client closed connection while (waiting for request|SSL handshaking)/);
  };
  const ref = await run("reference");
  const ts = await run("tsresty");
  assert.deepEqual(ts.result.sessions, ref.result.sessions, "what the clients got");
  assert.deepEqual(ts.result.backend, ref.result.backend, "what the backend got");
  assert.deepEqual(ts.errorLog, ref.errorLog, "error log");
  assert.deepEqual(ts.accessLog, ref.accessLog, "access log");
}

// The tunnels: echo and the upstream's close (the map form of Connection), data sent with the
// head and the client's close, an idle tunnel timing out (proxy_read_timeout re-armed by the
// client's traffic), an HTTP/1.0 request line and an HTTP/1.0 101, a 101 to a client that asked
// for no upgrade (a response like another, the connection kept alive), Lua filters around a
// tunnel and a tunnel's timeout, a tunnel in a subrequest.
const SCRIPTS: readonly (readonly Step[])[] = [
  [{ send: upgrade("/ws/echo") }, { waitFor: "hello" }, { send: "ping" }, { waitFor: "echo:ping" }, { send: "close" }, { waitClose: true }],
  [{ send: upgrade("/ws/early") + "early" }, { waitFor: "echo:early" }, { end: true }, { waitClose: true }],
  [{ send: upgrade("/ws/quiet") }, ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].flatMap((i) => [{ pause: 250 }, { send: `m${i}` }]), { waitClose: true }],
  [{ send: upgrade("/h10/v10") }, { waitFor: "hello" }, { send: "p" }, { waitFor: "echo:p" }, { send: "close" }, { waitClose: true }],
  [{ send: "GET /ws/p101 HTTP/1.1\r\nHost: ws.test\r\n\r\n" }, { waitFor: "bye" }, { pause: 200 }, { send: "GET /ws/plain HTTP/1.1\r\nHost: ws.test\r\nConnection: close\r\n\r\n" }, { waitClose: true }],
  [{ send: upgrade("/lua/echo") }, { waitFor: "hello" }, { send: "p" }, { waitFor: "echo:p" }, { send: "close" }, { waitClose: true }],
  [{ send: upgrade("/lua/quiet") }, { waitClose: true }],
  [{ send: upgrade("/cap") }, { waitFor: "0\r\n\r\n" }, { send: "GET /ws/plain HTTP/1.1\r\nHost: ws.test\r\nConnection: close\r\n\r\n" }, { waitClose: true }],
];

test("WebSocket tunnels through proxy_pass, as nginx: bytes, closes, timeouts, filters, logs", async (t) => {
  if (!referenceAvailable()) return t.skip("reference nginx not installed");
  await compare("proxy websocket", "", false, SCRIPTS);
});

// TLS on either side: a TLS listener, and an https:// upstream (the backend's TLS twin).
const TLS_SCRIPTS: readonly (readonly Step[])[] = [
  ...SCRIPTS.slice(0, 2),
  [{ send: upgrade("/wss/echo") }, { waitFor: "hello" }, { send: "ping" }, { waitFor: "echo:ping" }, { send: "close" }, { waitClose: true }],
  [{ send: upgrade("/wss/early") + "early" }, { waitFor: "echo:early" }, { end: true }, { waitClose: true }],
];

test("WebSocket tunnels over TLS: a TLS listener, an https:// upstream", async (t) => {
  if (!referenceAvailable()) return t.skip("reference nginx not installed");
  await compare("proxy websocket tls", " ssl", true, TLS_SCRIPTS);
});

// A tunnel takes a kept-alive upstream connection like any request, and never gives it back:
// the request after it opens a new one (the backend numbers its connections).
test("keepalive connections to the upstream are not reused after a tunnel", async (t) => {
  if (!referenceAvailable()) return t.skip("reference nginx not installed");
  await compare("proxy websocket keepalive", "", false, [
    [{ send: "GET /ka/plain HTTP/1.1\r\nHost: ws.test\r\nConnection: close\r\n\r\n" }, { waitClose: true }],
    [{ send: upgrade("/ka/ws") }, { waitFor: "hello" }, { send: "x" }, { waitFor: "echo:x" }, { end: true }, { waitClose: true }],
    [{ send: "GET /ka/plain HTTP/1.1\r\nHost: ws.test\r\nConnection: close\r\n\r\n" }, { waitClose: true }],
    [{ send: upgrade("/ka/ws") }, { waitFor: "hello" }, { send: "close" }, { waitClose: true }],
    [{ send: "GET /ka/plain HTTP/1.1\r\nHost: ws.test\r\nConnection: close\r\n\r\n" }, { waitClose: true }],
  ]);
});
