// TLS and HTTP/2 (`listen ... ssl [http2]`): HTTPS with a Lua handler, SNI choosing the
// server (and its certificate), the plain-HTTP-to-HTTPS 400, HTTP/2 through node:http2, and
// the certificate load errors. Each answer is compared with the reference nginx, serving the
// same configuration and the same certificates (generated here with openssl).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import * as net from "node:net";
import * as http2 from "node:http2";
import { execFileSync, spawnSync } from "node:child_process";
import {
  freePort, makePrefix, referenceAvailable, REF_SCRIPT, startReference, startTsresty, type Running,
} from "../differential/harness.js";
import { loadConfig } from "../../src/conf/load.js";
import { buildConfig } from "../../src/http/config/build.js";
import { ConfigError } from "../../src/http/config/settings.js";
import "../../src/http/modules/index.js";

let certDir = "";
const files: Record<string, string> = {};

function makeCert(name: string, keyArgs: string[]): void {
  execFileSync("openssl", [
    "req", "-x509", ...keyArgs, "-nodes", "-days", "2", "-subj", `/CN=${name}`,
    "-keyout", path.join(certDir, `${name}.key`), "-out", path.join(certDir, `${name}.crt`),
  ], { stdio: "ignore" });
  for (const ext of ["key", "crt"]) files[`conf/${name}.${ext}`] = fs.readFileSync(path.join(certDir, `${name}.${ext}`), "latin1");
}

before(() => {
  certDir = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-tls-"));
  makeCert("a.test", ["-newkey", "rsa:2048"]);
  makeCert("b.test", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]);
});

after(() => fs.rmSync(certDir, { recursive: true, force: true }));

const CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__ ssl http2;
    server_name a.test;
    ssl_certificate a.test.crt;
    ssl_certificate_key a.test.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:SSL:1m;
    ssl_session_timeout 10m;
    ssl_prefer_server_ciphers on;
    location /lua {
      content_by_lua_block {
        ngx.say(ngx.var.https, " ", ngx.var.scheme, " ", ngx.var.ssl_server_name, " ", ngx.req.http_version(),
          " ", ngx.var.ssl_protocol, " ", ngx.var.server_port == "__PORT__")
      }
    }
    location /echo {
      content_by_lua_block {
        ngx.req.read_body()
        ngx.say(ngx.req.get_method(), " ", ngx.req.get_body_data(), " ", ngx.var.request)
      }
    }
    location = /moved { return 301 /x; }
    location / { return 200 "a $scheme $https [$ssl_server_name] $server_protocol\\n"; }
  }
  server {
    listen 127.0.0.1:__PORT__ ssl http2;
    server_name *.b.test ~^re\\.(?<sub>.+)$;
    ssl_certificate b.test.crt;
    ssl_certificate_key b.test.key;
    location / { return 200 "b $host\\n"; }
  }
}
`;

interface TlsAnswer {
  readonly text: string;
  readonly subject: string;
}

/** One HTTP/1.1 request over TLS, with the certificate the server showed. */
function httpsGet(port: number, servername: string | undefined, p: string, host = servername ?? "localhost"): Promise<TlsAnswer> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: "127.0.0.1", servername, rejectUnauthorized: false, ALPNProtocols: ["http/1.1"] }, () => {
      s.write(`GET ${p} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    let buf = "";
    s.on("data", (d: Buffer) => (buf += d.toString("latin1")));
    s.on("error", reject);
    let subject = "";
    s.once("secureConnect", () => {
      const cn = s.getPeerCertificate().subject?.CN;
      subject = typeof cn === "string" ? cn : "";
    });
    s.on("close", () => resolve({ text: mask(buf), subject }));
  });
}

function plainGet(port: number, p: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => s.write(`GET ${p} HTTP/1.1\r\nHost: a.test\r\n\r\n`));
    let buf = "";
    s.on("data", (d: Buffer) => (buf += d.toString("latin1")));
    s.on("error", reject);
    s.on("close", () => resolve(mask(buf)));
  });
}

async function h2Get(port: number, p: string, send?: string): Promise<{ status: number; body: string; alpn: string }> {
  const client = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false, servername: "a.test" });
  try {
    return await new Promise((resolve, reject) => {
      client.on("error", reject);
      const req = client.request({ ":path": p, ":authority": "a.test", ...(send !== undefined ? { ":method": "POST" } : {}) });
      let status = 0;
      let body = "";
      req.on("response", (h) => (status = Number(h[":status"])));
      req.on("data", (d: Buffer) => (body += d.toString("latin1")));
      req.on("end", () => resolve({ status, body, alpn: client.alpnProtocol ?? "" }));
      req.on("error", reject);
      req.end(send);
    });
  } finally {
    client.close();
  }
}

function mask(s: string): string {
  return s.replace(/^Date: .*$/m, "Date: X");
}

async function both(fn: (port: number) => Promise<void>): Promise<void> {
  for (const which of ["tsresty", "reference"] as const) {
    if (which === "reference" && !referenceAvailable()) continue;
    const port = await freePort();
    const prefix = makePrefix({ name: "tls", conf: CONF, files, requests: [] }, port, `tls-${which}`);
    let run: Running | undefined;
    try {
      run = which === "tsresty" ? await startTsresty(prefix, port) : await startReference(prefix, port);
      await fn(port);
    } finally {
      await run?.stop();
      fs.rmSync(prefix, { recursive: true, force: true });
    }
  }
}

/** What each side answered, tsresty first, compared with each other in the test. */
async function collect<T>(fn: (port: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  await both(async (port) => {
    out.push(await fn(port));
  });
  return out;
}

test("HTTPS: a Lua handler sees https, scheme, the SNI name, the protocol and the port", async () => {
  const [ts, ref] = await collect(async (port) => httpsGet(port, "a.test", "/lua"));
  assert.equal(ts!.subject, "a.test");
  assert.match(ts!.text, /\r\n\r\n21\r\non https a\.test 1\.1 TLSv1\.3 true\n\r\n0\r\n\r\n$/);
  if (ref) assert.equal(ts!.text, ref.text);
});

test("SNI picks the server and its certificate: exact, wildcard, regex; no match gives the default", async () => {
  const cases: [string | undefined, string, string][] = [
    ["a.test", "/", "a.test"],
    ["x.b.test", "/", "x.b.test"],
    ["re.example", "/", "re.example"],
    ["nobody.test", "/", "nobody.test"],
    [undefined, "/", "localhost"],
  ];
  const answers = await collect(async (port) => {
    const out: TlsAnswer[] = [];
    for (const [sni, p, host] of cases) out.push(await httpsGet(port, sni, p, host));
    return out;
  });
  const ts = answers[0]!;
  assert.deepEqual(ts.map((a) => a.subject), ["a.test", "b.test", "b.test", "a.test", "a.test"]);
  assert.match(ts[0]!.text, /a https on \[a\.test\] HTTP\/1\.1\n$/);
  assert.match(ts[1]!.text, /b x\.b\.test\n$/);
  assert.match(ts[4]!.text, /a https on \[\] HTTP\/1\.1\n$/);
  if (answers[1]) assert.deepEqual(ts, answers[1]);
});

test("plain HTTP to an ssl port: nginx's 400 page, connection closed", async () => {
  const [ts, ref] = await collect((port) => plainGet(port, "/"));
  assert.match(ts!, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(ts!, /The plain HTTP request was sent to HTTPS port/);
  assert.match(ts!, /Connection: close\r\n/);
  if (ref) assert.equal(ts, ref);
});

test("HTTP/2 by ALPN: the same handlers, ngx.req.http_version() 2", async () => {
  const [ts, ref] = await collect(async (port) => [await h2Get(port, "/lua"), await h2Get(port, "/")]);
  assert.equal(ts![0]!.alpn, "h2");
  assert.equal(ts![0]!.status, 200);
  assert.equal(ts![0]!.body, "on https a.test 2 TLSv1.3 true\n");
  assert.equal(ts![1]!.body, "a https on [a.test] HTTP/2.0\n");
  if (ref) assert.deepEqual(ts, ref);
});

/** The error tsresty's configuration build gives, and nginx -t's emerg line, paths masked. */
function loadErrors(conf: string, extra: Record<string, string> = {}): { ts: string; ref: string | undefined } {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-tlserr-"));
  fs.mkdirSync(path.join(prefix, "conf"));
  fs.mkdirSync(path.join(prefix, "logs"));
  for (const [p, c] of Object.entries({ ...files, ...extra })) fs.writeFileSync(path.join(prefix, p), c, "latin1");
  fs.writeFileSync(path.join(prefix, "conf/nginx.conf"), conf);
  try {
    let ts = "";
    const load = loadConfig({ prefix: prefix + "/" });
    assert.ok(load.ok);
    try {
      buildConfig(load);
    } catch (e) {
      ts = e instanceof ConfigError ? e.format() : String(e);
    }
    ts = ts.split(prefix + "/conf/").join("CONF/");
    let ref: string | undefined;
    if (referenceAvailable()) {
      const r = spawnSync(REF_SCRIPT, ["-t", "-p", prefix], { encoding: "latin1" });
      const line = (r.stderr + r.stdout).split("\n").find((l) => l.includes("[emerg]")) ?? "";
      ref = line.replace(/^.*?\[emerg\] \d+#\d+: /, "[emerg] ").replace(/\/tmp\/ref-nginx\.[^/]+\//g, "CONF/");
    }
    return { ts, ref };
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
}

test("load errors as nginx words them", () => {
  const cases: [string, Record<string, string>?][] = [
    ["events {}\nhttp {\n  server {\n    listen 8443 ssl;\n  }\n}\n"],
    ["events {}\nhttp {\n  server { listen 8443 ssl; ssl_certificate a.test.crt; }\n}\n"],
    ["events {}\nhttp {\n  server { listen 8443 ssl; ssl_certificate nope.crt; ssl_certificate_key a.test.key; }\n}\n"],
    ["events {}\nhttp {\n  server { listen 8443 ssl; ssl_certificate a.test.key; ssl_certificate_key a.test.key; }\n}\n"],
    ["events {}\nhttp {\n  server { listen 8443 ssl; ssl_certificate a.test.crt; ssl_certificate_key nope.key; }\n}\n"],
    ["events {}\nhttp {\n  server { listen 8443 ssl; ssl_certificate a.test.crt; ssl_certificate_key a.test.crt; }\n}\n"],
    ["events {}\nhttp {\n  server {\n    listen 8443;\n    ssl on;\n  }\n}\n"],
    // Only the default server of an ssl address needs a certificate.
    ["events {}\nhttp {\n  server { listen 8443 ssl; ssl_certificate a.test.crt; ssl_certificate_key a.test.key; }\n  server { listen 8443; server_name b; }\n}\n"],
  ];
  for (const [conf, extra] of cases) {
    const { ts, ref } = loadErrors(conf, extra);
    if (ref !== undefined) assert.equal(ts, ref, conf);
  }
  assert.equal(loadErrors(cases[0]![0]).ts, `[emerg] no "ssl_certificate" is defined for the "listen ... ssl" directive in CONF/nginx.conf:3`);
});

test("HTTP/2 request body read by Lua; an absolute redirect over TLS says https", async () => {
  const [ts, ref] = await collect(async (port) => [
    await h2Get(port, "/echo", "hello=1"),
    (await httpsGet(port, "a.test", "/moved")).text.replace(new RegExp(String(port), "g"), "PORT"),
  ]);
  assert.deepEqual(ts![0], { status: 200, body: "POST hello=1 POST /echo HTTP/2.0\n", alpn: "h2" });
  assert.match(String(ts![1]), /\r\nLocation: https:\/\/a\.test:PORT\/x\r\n/);
  if (ref) assert.deepEqual(ts, ref);
});

test("ssl_password_file opens an encrypted key", async () => {
  const key = path.join(certDir, "enc.key");
  execFileSync("openssl", ["pkey", "-in", path.join(certDir, "a.test.key"), "-aes256", "-passout", "pass:secret", "-out", key]);
  const conf = CONF.replace("ssl_certificate_key a.test.key;", "ssl_certificate_key enc.key; ssl_password_file pass.txt;");
  const extra = { "conf/enc.key": fs.readFileSync(key, "latin1"), "conf/pass.txt": "wrong\nsecret\n" };
  const port = await freePort();
  const prefix = makePrefix({ name: "tls", conf, files: { ...files, ...extra }, requests: [] }, port, "tls-pass");
  const run = await startTsresty(prefix, port);
  try {
    const a = await httpsGet(port, "a.test", "/");
    assert.equal(a.subject, "a.test");
    assert.match(a.text, /a https on \[a\.test\]/);
  } finally {
    await run.stop();
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});
