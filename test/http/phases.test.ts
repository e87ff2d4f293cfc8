// The phase engine, internal redirects, subrequests and graceful quit, with a test module
// whose handlers are chosen by location name.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { registerModule } from "../../src/http/module.js";
import { DONE, NEXT, OK, type PhaseHandler } from "../../src/http/phases.js";
import type { Request } from "../../src/http/request.js";
import { startInProcess, sleep } from "./support.js";
import { getResponseHeader, setResponseHeader } from "../../src/http/headers-out.js";

const order: string[] = [];

const HANDLERS: Record<string, Partial<Record<string, PhaseHandler>>> = {
  "/phases": {
    rewrite: (r) => (order.push(`rewrite ${r.uri}`), NEXT),
    access: (r) => (order.push("access"), Promise.resolve(NEXT)),
    content: (r) => {
      order.push("content");
      r.status = 200;
      r.contentType = "text/plain";
      r.write("phases\n");
      return OK;
    },
  },
  "/loop": { content: (r) => (r.internalRedirect("/loop"), DONE) },
  "/to-named": { content: (r) => (r.namedRedirect("@named"), DONE) },
  "@named": { content: (r) => (r.write(`named ${r.uri}\n`), OK) },
  "/redirect": { content: (r) => (r.internalRedirect("/target?x=1"), DONE) },
  "/slow": {
    content: async (r: Request) => {
      await sleep(400);
      r.write("slow done\n");
      return OK;
    },
  },
  "/main": {
    content: async (r: Request) => {
      const a = await r.subrequest("/sub", { args: "x=1" });
      const b = await r.subrequest("/sub2?y=2", { method: "POST", body: Buffer.from("BODY") });
      r.write(`${a.status} ${a.body.toString("latin1")}${b.status} ${b.body.toString("latin1")}`);
      return OK;
    },
  },
  "/sub2": {
    content: async (r: Request) => {
      const body = await r.readBody();
      r.status = 202;
      r.write(`${r.method} ${r.args} ${body.data?.toString("latin1")}\n`);
      return OK;
    },
  },
  "/raw": {
    content: (r: Request) => {
      setResponseHeader(r, "X-Multi", ["1", "2"]);
      setResponseHeader(r, "Content-Type", "text/x");
      r.write(r.rawHeader() + JSON.stringify(getResponseHeader(r, "x-multi")));
      return OK;
    },
  },
  "/throws": { content: () => { throw new Error("boom"); } },
  "/body": {
    content: async (r: Request) => {
      const b = await r.readBody();
      r.write(`${b.length} ${b.file ? "file" : "memory"} ${b.data ? b.data.toString("latin1").slice(0, 5) : ""}\n`);
      return OK;
    },
  },
};

registerModule({
  name: "test-phases",
  handler(phase, loc) {
    if (phase === "content") return undefined;
    return HANDLERS[loc.name]?.[phase];
  },
  contentHandler(loc) {
    return HANDLERS[loc.name]?.content;
  },
});

const CONF = `
error_log logs/error.log info;
events {}
http {
  access_log logs/access.log;
  client_body_buffer_size 8;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    location /phases {}
    location /loop {}
    location /to-named {}
    location @named {}
    location /redirect {}
    location /target { return 200 "target $uri $args\\n"; }
    location /slow {}
    location /main {}
    location /sub { return 201 "sub $args\\n"; }
    location /sub2 {}
    location /throws {}
    location /body {}
    location /raw {}
  }
}
`;

test("phases run in nginx's order, async handlers resume", async () => {
  const s = await startInProcess(CONF);
  try {
    order.length = 0;
    const [r] = await s.get("/phases");
    assert.equal(r!.statusLine, "HTTP/1.1 200 OK");
    assert.equal(r!.body, "phases\n");
    assert.ok(r!.chunked, "unknown length: chunked");
    assert.deepEqual(order, ["rewrite /phases", "access", "content"]);
  } finally {
    await s.close();
  }
});

test("internal redirects, named locations and the cycle limit", async () => {
  const s = await startInProcess(CONF);
  try {
    assert.equal((await s.get("/redirect"))[0]!.body, "target /target x=1\n");
    assert.equal((await s.get("/to-named"))[0]!.body, "named /to-named\n");
    const [loop] = await s.get("/loop");
    assert.equal(loop!.statusLine, "HTTP/1.1 500 Internal Server Error");
    await sleep(50);
    const log = fs.readFileSync(path.join(s.prefix, "logs/error.log"), "latin1");
    assert.match(log, /\[error\] \d+#\d+: \*\d+ rewrite or internal redirection cycle while internally redirecting to "\/loop", client: 127\.0\.0\.1, server: localhost, request: "GET \/loop HTTP\/1\.1", host: "localhost"/);
    const [t] = await s.get("/throws");
    assert.equal(t!.statusLine, "HTTP/1.1 500 Internal Server Error");
    const access = fs.readFileSync(path.join(s.prefix, "logs/access.log"), "latin1");
    assert.match(access, /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET \/redirect HTTP\/1\.1" 200 19 "-" "-"$/m);
  } finally {
    await s.close();
  }
});

test("subrequests capture status and body, with method, args and body", async () => {
  const s = await startInProcess(CONF);
  try {
    const [r] = await s.get("/main");
    assert.equal(r!.body, "201 sub x=1\n202 POST y=2 BODY\n");
  } finally {
    await s.close();
  }
});

test("request bodies: memory, temporary file past client_body_buffer_size, chunked", async () => {
  const s = await startInProcess(CONF);
  try {
    const small = await s.get("POST /body HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nConnection: close\r\n\r\nabcd");
    assert.equal(small[0]!.body, "4 memory abcd\n");
    const big = await s.get("POST /body HTTP/1.1\r\nHost: a\r\nContent-Length: 20\r\nConnection: close\r\n\r\n01234567890123456789");
    assert.equal(big[0]!.body, "20 file \n");
    const ch = await s.get("POST /body HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    assert.equal(ch[0]!.body, "5 memory abcde\n");
  } finally {
    await s.close();
  }
});

test("graceful quit lets the in-flight request finish and refuses new ones", async () => {
  const s = await startInProcess(CONF);
  const slow = s.get("/slow");
  await sleep(100);
  const quitting = s.server.quit();
  await sleep(50);
  const refused = await s.get("/phases").catch(() => []);
  const [r] = await slow;
  await quitting;
  assert.equal(r!.body, "slow done\n");
  assert.equal(refused.length, 0);
  fs.rmSync(s.prefix, { recursive: true, force: true });
});

test("raw header, response headers by name", async () => {
  const s = await startInProcess(CONF);
  try {
    const raw = "GET /raw HTTP/1.1\r\nHost: a\r\nX-Case: Kept\r\nConnection: close\r\n\r\n";
    const [r] = await s.get(raw);
    assert.equal(r!.body, raw + '["1","2"]');
    assert.deepEqual(r!.headers.filter(([n]) => /^(x-multi|content-type)$/i.test(n)), [["Content-Type", "text/x"], ["X-Multi", "1"], ["X-Multi", "2"]]);
  } finally {
    await s.close();
  }
});

test("reload moves listeners: a new port opens, a dropped one closes, a kept one keeps serving", async () => {
  const { freePort, exchange } = await import("../differential/harness.js");
  const { buildFrom, makePrefix } = await import("./support.js");
  const { HttpServer } = await import("../../src/http/server.js");
  const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
  const conf = (a: number, b: number, text: string): string =>
    `events {} http { access_log off; server { listen 127.0.0.1:${a}; listen 127.0.0.1:${b}; location / { return 200 "${text}\\n"; } } }`;
  const prefix = makePrefix(conf(p1, p2, "one"), 0);
  const server = new HttpServer();
  await server.start(buildFrom(prefix));
  const get = async (port: number): Promise<string> =>
    (await exchange(port, { raw: "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", timeout: 1000 })).responses[0]?.body ?? "(none)";
  try {
    assert.equal(await get(p1), "one\n");
    fs.writeFileSync(path.join(prefix, "conf/nginx.conf"), conf(p1, p3, "two"));
    await server.reload(buildFrom(prefix));
    assert.equal(await get(p1), "two\n");
    assert.equal(await get(p3), "two\n");
    assert.equal(await get(p2), "(none)");
  } finally {
    await server.stop();
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});
