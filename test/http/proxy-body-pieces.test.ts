// The pieces body_filter_by_lua sees of a proxied body under proxy_buffering off, against the
// reference: nginx reads into its proxy_buffer_size buffer and passes on each read (the read
// that completed the head has only the buffer's rest). The backend sends its body in steps
// 300 ms apart, so what one read can take is known; Content-Length and chunked bodies, the
// default buffer and a 1k one. (With buffering on nginx's event pipe groups its buffers by
// timing; that is not compared here: docs/proxy.md.)
import { test, before, after } from "node:test";
import * as net from "node:net";
import { diffCase } from "../differential/harness.js";

let backend: net.Server;
let port = 0;
const sockets = new Set<net.Socket>();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// GET /STEPS[/chunked], STEPS as "5000,9000": the body in those steps, 300 ms apart.
async function answer(s: net.Socket, path: string): Promise<void> {
  const parts = path.split("/");
  if (parts[2] === "short") {
    // Fewer bytes than announced, then the close.
    s.end("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nabc");
    return;
  }
  const steps = (parts[2] ?? "").split(",").map(Number);
  const chunked = parts[3] === "chunked";
  const total = steps.reduce((a, b) => a + b, 0);
  let out = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n${chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${total}`}\r\n\r\n`;
  for (const [i, n] of steps.entries()) {
    const data = String.fromCharCode(97 + (i % 26)).repeat(n);
    out += chunked ? `${n.toString(16)}\r\n${data}\r\n` : data;
    s.write(out, "latin1");
    out = "";
    await sleep(300);
  }
  s.end(chunked ? "0\r\n\r\n" : "");
}

before(async () => {
  backend = net.createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
    let buf = "";
    s.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      if (!buf.includes("\r\n\r\n")) return;
      void answer(s, buf.split(" ")[1] ?? "");
      buf = "";
    });
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", () => r()));
  port = (backend.address() as net.AddressInfo).port;
});

after(() => {
  for (const s of sockets) s.destroy();
  return new Promise<void>((r) => backend.close(() => r()));
});

// Each location's own code: nginx names a chunk by the first place its text appears.
const filter = (tag: string): string =>
  `body_filter_by_lua_block { ngx.log(ngx.WARN, "${tag} ", #ngx.arg[1], " ", ngx.arg[1]:sub(1, 1), " ", tostring(ngx.arg[2])) }`;

test("proxy_buffering off: body filters see one piece per read of proxy_buffer_size", async (t) => {
  await diffCase(t, {
    name: "proxy body pieces, buffering off",
    conf: `
error_log logs/error.log warn;
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    proxy_buffering off;
    location /d/ { proxy_pass http://127.0.0.1:${port}; ${filter("d")} }
    location /k/ { proxy_pass http://127.0.0.1:${port}; proxy_buffer_size 1k; ${filter("k")} }
  }
}`,
    requests: [
      { path: "/d/5000,9000", timeout: 5000 },
      { path: "/d/20000,300,30000", timeout: 5000 },
      { path: "/d/100,100", timeout: 5000 },
      { path: "/d/5000,9000/chunked", timeout: 5000 },
      { path: "/d/20000,300,30000/chunked", timeout: 5000 },
      { path: "/k/3000,5000", timeout: 5000 },
      { path: "/k/3000,5000/chunked", timeout: 5000 },
    ],
  });
});

// An upstream that closes before its Content-Length: the piece it sent, nginx's error, and then
// the flush nginx's finalize sends through the body filters (not a last buffer). (Unbuffered,
// the reference's log action for the close depends on whether its first read loop saw it.)
test("a body cut by the upstream: the body filters see nginx's flush after the error", async (t) => {
  await diffCase(t, {
    name: "proxy body cut short",
    conf: `
error_log logs/error.log warn;
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /on/ { proxy_pass http://127.0.0.1:${port}; ${filter("on")} }
  }
}`,
    requests: [{ path: "/on/short" }, { path: "/on/short" }],
  });
});
