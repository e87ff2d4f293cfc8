// `keepalive N` caps the idle connections of an upstream block at N (over all its peers), as
// nginx's cache does: two concurrent requests open two connections, one stays; the next two
// concurrent ones reuse it and open one more. The backend counts the connections it accepted.
import { test, before, after } from "node:test";
import * as net from "node:net";
import { diffCase } from "../differential/harness.js";

let backend: net.Server;
let port = 0;
let accepted = 0;
const sockets = new Set<net.Socket>();

function reply(s: net.Socket, body: string): void {
  s.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
}

before(async () => {
  backend = net.createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
    let buf = "";
    s.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      for (let end = buf.indexOf("\r\n\r\n"); end >= 0; end = buf.indexOf("\r\n\r\n")) {
        const path = buf.split(" ")[1] ?? "";
        buf = buf.slice(end + 4);
        if (path === "/count") {
          // The count of the exchange before, this request's own connection left out.
          reply(s, `${accepted - 1}\n`);
          accepted = 0;
        } else setTimeout(() => reply(s, "slow\n"), 100);
      }
    });
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", () => r()));
  port = (backend.address() as net.AddressInfo).port;
});

after(() => {
  for (const s of sockets) s.destroy();
  return new Promise<void>((r) => backend.close(() => r()));
});

test("keepalive N keeps at most N idle connections of the upstream", async (t) => {
  await diffCase(t, {
    name: "upstream keepalive cap",
    conf: `
error_log logs/error.log warn;
events {}
http {
  access_log off;
  upstream ka { server 127.0.0.1:${port}; keepalive 1; }
  server {
    listen 127.0.0.1:__PORT__;
    location /ka/ { proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://ka/; }
    location = /count { proxy_pass http://127.0.0.1:${port}; }
    location = /multi {
      content_by_lua_block {
        local a, b = ngx.location.capture_multi({ { "/ka/slow" }, { "/ka/slow" } })
        ngx.say(a.status, " ", b.status)
      }
    }
  }
}`,
    requests: [
      { path: "/count" },
      { path: "/multi" },
      { path: "/count" },
      { path: "/multi" },
      { path: "/count" },
      { path: "/multi" },
      { path: "/count" },
    ],
  });
});
