// proxy_pass against a backend that writes its responses byte by byte as given (node:net), so
// the framings the upstream client parses itself (src/http/upstream/h1-client.ts) are each
// compared with nginx: chunked, close-delimited HTTP/1.0, bare-LF heads, a head and a body split over packets, HEAD, 204 and 304, a cut chunked body,
// and a kept-alive connection the backend closes while it idles.
import { test, before, after } from "node:test";
import * as net from "node:net";
import { diffCase } from "../differential/harness.js";

/** Raw responses by request path; a function writes on the socket itself. */
const RESPONSES: Record<string, string | ((s: net.Socket) => void)> = {
  "/chunked": "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n",
  "/close10": "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nX-A: 1\r\n\r\nuntil the close\n",
  "/lf": "HTTP/1.1 200 OK\nContent-Length: 3\nX-C:  spaced  \n\nlf\n",
  "/nocontent": "HTTP/1.1 204 No Content\r\nX-D: 1\r\n\r\n",
  "/notmod": "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n",
  "/status-text": "HTTP/1.1 299 Fine Indeed\r\nContent-Length: 2\r\n\r\nx\n",
  "/cut": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
  "/split": (s) => {
    const parts = ["HTTP/1.1 200 OK\r\nCont", "ent-Length: 12\r\nX-E: s", "plit\r\n\r\nfirst ", "second"];
    let i = 0;
    const next = (): void => {
      if (s.destroyed) return;
      s.write(parts[i++]!);
      if (i < parts.length) setTimeout(next, 20);
    };
    next();
  },
};

let backend: net.Server;
let port = 0;

before(async () => {
  backend = net.createServer((s) => {
    let buf = "";
    s.on("error", () => {});
    s.on("data", (d) => {
      buf += d.toString("latin1");
      for (;;) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        const [method, path] = head.split(" ");
        const r = RESPONSES[path ?? ""] ?? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
        if (typeof r === "function") {
          r(s);
          continue;
        }
        // A HEAD gets the head only, as a server sends it.
        const headEnd = r.includes("\r\n\r\n") ? r.indexOf("\r\n\r\n") + 4 : r.indexOf("\n\n") + 2;
        const out = method === "HEAD" ? r.slice(0, headEnd) : r;
        s.write(out);
        // HTTP/1.0 without a length, a cut body, and keep-alive probes end the connection here.
        if (path === "/close10" || path === "/cut" || /connection: close/i.test(head)) s.end();
      }
    });
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", () => r()));
  port = (backend.address() as net.AddressInfo).port;
  // The backend answers keep-alive requests and closes idle connections after 150 ms.
  backend.on("connection", (s) => {
    let t: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (t) clearTimeout(t);
      t = setTimeout(() => s.end(), 150);
    };
    s.on("data", arm);
    s.on("close", () => t && clearTimeout(t));
  });
});

after(() => new Promise<void>((r) => backend.close(() => r())));

test("proxy_pass: response framings parsed as nginx reads them", async (t) => {
  await diffCase(t, {
    name: "proxy wire",
    conf: `
error_log logs/error.log warn;
events {}
http {
  access_log off;
  upstream ka { server 127.0.0.1:${port}; keepalive 2; }
  server {
    listen 127.0.0.1:__PORT__;
    location / { proxy_pass http://127.0.0.1:${port}; }
    location /ka/ { proxy_pass http://ka/; proxy_http_version 1.1; proxy_set_header Connection ""; }
    location = /wait { echo_sleep 0.4; echo waited; }
  }
}`,
    requests: [
      { path: "/chunked" },
      { path: "/chunked", method: "HEAD" },
      { path: "/close10" },
      { path: "/lf" },
      { path: "/nocontent" },
      { path: "/notmod" },
      { path: "/status-text" },
      { path: "/split" },
      { path: "/cut" },
      { path: "/ka/chunked" },
      { path: "/ka/lf" },
      { path: "/wait" },
      // The kept-alive connection was closed by the backend meanwhile: a new one is used.
      { path: "/ka/split" },
      { path: "/ka/status-text" },
    ],
  });
});
