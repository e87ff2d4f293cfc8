// $body_bytes_sent of chunked responses counts the chunk framing (size lines, CRLFs, the last
// chunk), as nginx's (c->sent minus the header): Lua output in pieces and proxied chunked
// responses (what one read of the upstream brought is one chunk), compared with the reference through the access log.
import { test, before, after } from "node:test";
import * as net from "node:net";
import { diffCase } from "../differential/harness.js";

let backend: net.Server;
let port = 0;

/** A chunked response of `n` pieces of `size` bytes, written at once. */
function chunked(n: number, size: number): string {
  let out = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
  for (let i = 0; i < n; i++) out += `${size.toString(16)}\r\n${"x".repeat(size)}\r\n`;
  return out + "0\r\n\r\n";
}

before(async () => {
  backend = net.createServer((s) => {
    s.on("error", () => {});
    s.once("data", (d: Buffer) => {
      const path = d.toString("latin1").split(" ")[1] ?? "";
      const m = /^\/up\/(\d+)x(\d+)/.exec(path);
      s.end(m ? chunked(Number(m[1]), Number(m[2])) : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    });
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", () => r()));
  port = (backend.address() as net.AddressInfo).port;
});

after(() => new Promise<void>((r) => backend.close(() => r())));

test("$body_bytes_sent counts the chunked framing, as nginx's", async (t) => {
  await diffCase(t, {
    name: "body_bytes_sent chunked",
    accessLog: true,
    conf: `
error_log logs/error.log warn;
events {}
http {
  log_format b '$request_uri $status $body_bytes_sent';
  access_log logs/access.log b;
  server {
    listen 127.0.0.1:__PORT__;
    location /say { content_by_lua_block { ngx.say("a") ngx.say("bb") ngx.print("") ngx.say("ccc") } }
    location /big { content_by_lua_block { ngx.print(string.rep("y", 300000)) } }
    location /flush { content_by_lua_block { for i = 1, 3 do ngx.print(string.rep("z", i * 10)) ngx.flush(true) end } }
    location /up/ { proxy_pass http://127.0.0.1:${port}; }
    location /unbuf/ { proxy_buffering off; proxy_pass http://127.0.0.1:${port}/up/; }
  }
}`,
    requests: [
      { path: "/say" },
      { path: "/say", method: "HEAD" },
      { raw: "GET /say HTTP/1.0\r\nHost: x\r\n\r\n", responses: 0 },
      { path: "/big" },
      { path: "/flush" },
      { path: "/up/3x5" },
      { path: "/up/1x100" },
      { path: "/unbuf/4x7" },
    ],
  });
});
