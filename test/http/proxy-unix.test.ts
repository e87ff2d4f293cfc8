// proxy_pass to unix sockets: `http://unix:/path:/uri` (with and without a URI part, and in a
// variable) and `server unix:/path` in upstream blocks, against a node:http backend listening
// on a socket this test makes; a missing socket file is nginx's crit line and 502, a socket
// file nobody listens on its error line. Compared
// with the reference, $upstream_addr (`unix:/path`) included.
import { test, before, after } from "node:test";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { diffCase } from "../differential/harness.js";

let dir = "";
let sock = "";
/** A socket file nobody listens on (its server was killed): connect() is refused. */
let stale = "";
let backend: http.Server;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-proxy-unix-"));
  // The reference's workers run as another user: they must reach the socket.
  fs.chmodSync(dir, 0o755);
  sock = path.join(dir, "backend.sock");
  backend = http.createServer((req, res) => {
    let n = 0;
    req.on("data", (d: Buffer) => (n += d.length));
    req.on("end", () => {
      // With a length, the answer is framed the same for nginx's HTTP/1.0 and tsresty's HTTP/1.1.
      const body = `${req.method} ${req.url} host=${req.headers.host} n=${n}\n`;
      res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((r) => backend.listen(sock, r));
  fs.chmodSync(sock, 0o777);
  stale = path.join(dir, "stale.sock");
  spawnSync(process.execPath, ["-e", `require("net").createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, "SIGKILL"))`]);
  fs.chmodSync(stale, 0o777);
});

after(async () => {
  backend.closeAllConnections();
  await new Promise((r) => backend.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

test("proxy_pass http://unix: and server unix: in upstream blocks, as nginx", async (t) => {
  const missing = path.join(dir, "missing.sock");
  await diffCase(t, {
    name: "proxy unix",
    conf: `
error_log logs/error.log warn;
events {}
http {
  access_log off;
  add_header X-Addr $upstream_addr always;
  add_header X-Status $upstream_status always;
  upstream us { server unix:${sock}; }
  upstream miss { server unix:${missing}; }
  upstream both { server unix:${missing}; server unix:${sock}; }
  server {
    listen 127.0.0.1:__PORT__;
    client_body_buffer_size 1k;
    location /uri/ { proxy_pass http://unix:${sock}:/x/; }
    location /plain/ { proxy_pass http://unix:${sock}; }
    location /block/ { proxy_pass http://us; }
    location /block-uri/ { proxy_pass http://us/y/; }
    location /miss/ { proxy_pass http://unix:${missing}:/; }
    location /miss-block/ { proxy_pass http://miss; }
    location /stale/ { proxy_pass http://unix:${stale}:/; }
    location /next/ { proxy_pass http://both; }
    location /var/ { set $s ${sock}; proxy_pass http://unix:$s:/v$uri; }
  }
}`,
    ignoreLog: [/a client request body is buffered to a temporary file/],
    requests: [
      { path: "/uri/a?q=1" },
      { path: "/plain/a" },
      { path: "/block/a" },
      { path: "/block-uri/a" },
      { path: "/miss/a" },
      { path: "/miss-block/a" },
      { path: "/stale/a" },
      { path: "/next/a" },
      { path: "/next/b" },
      { path: "/var/a" },
      { path: "/block/post", method: "POST", body: "small" },
      { path: "/block/post", method: "POST", body: "x".repeat(4000) },
    ],
  });
});
