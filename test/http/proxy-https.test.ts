// proxy_pass https://: local https backends with certificates this test makes (openssl: a CA,
// a leaf for backend.test signed by it, a self-signed one, a client certificate), compared
// with the reference: no verification by default, SNI with proxy_ssl_server_name and
// proxy_ssl_name, proxy_ssl_verify with a trusted CA (a good certificate, a name that does
// not match, a self-signed one: 502 and nginx's error-log lines), a client certificate,
// proxy_ssl_protocols/ciphers, an https upstream block, and bodies in memory and spilled to a
// temporary file (the second client), a name from a variable, a peer that is not TLS, kept-alive
// TLS connections. $upstream_addr goes out in a header.
//
// nginx keeps one TLS session per upstream peer and resumes it from any location, with the
// verify result of the handshake that made it (tsresty keeps one per peer and location
// settings); the cases turn proxy_ssl_session_reuse off so that each location's own settings
// decide, but in one location, whose second request resumes the first one's session.
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { diffCase } from "../differential/harness.js";
import { startInProcess } from "./support.js";

let dir = "";
let good: https.Server;
let self: https.Server;
let plain: http.Server;
let revoked: https.Server;
let revokedPort = 0;
let goodPort = 0;
let selfPort = 0;
/** A plain http server: an https:// proxy_pass to it fails its handshake. */
let plainPort = 0;

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
}

/** Requests served per connection: a kept-alive connection shows 2 on its second request. */
const served = new WeakMap<object, number>();

/** What the backend saw: method, target, Host, SNI, client certificate, body bytes, the connection's request count. */
function echo(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse): void {
  let n = 0;
  req.on("data", (d: Buffer) => (n += d.length));
  req.on("end", () => {
    const s = req.socket as TLSSocket;
    const peer = s.getPeerCertificate();
    const cn = peer && peer.subject ? peer.subject.CN : "-";
    // With a length, the answer is framed the same for nginx's HTTP/1.0 and tsresty's HTTP/1.1.
    const count = (served.get(s) ?? 0) + 1;
    served.set(s, count);
    const body = `${req.method} ${req.url} host=${req.headers.host} sni=${s.servername || "-"} client=${cn} n=${n} conn=${count} resumed=${s.isSessionReused()}\n`;
    res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsresty-proxy-https-"));
  fs.chmodSync(dir, 0o755);
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=Test CA");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=backend.test");
  fs.writeFileSync(path.join(dir, "ext.cnf"), "subjectAltName=DNS:backend.test\n");
  openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "leaf.pem", "-days", "30", "-extfile", "ext.cnf");
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "self.key", "-out", "self.pem", "-days", "30", "-subj", "/CN=backend.test",
    "-addext", "subjectAltName=DNS:backend.test");
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.pem", "-days", "30", "-subj", "/CN=the-client");
  // The client key again, encrypted (proxy_ssl_password_file tries each line).
  openssl("pkey", "-in", "client.key", "-aes256", "-passout", "pass:secret", "-out", "client-enc.key");
  fs.writeFileSync(path.join(dir, "passwords"), "wrong\nsecret\n");
  // A second leaf, revoked in the CA's CRL.
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "revoked.key", "-out", "revoked.csr", "-subj", "/CN=backend.test");
  openssl("x509", "-req", "-in", "revoked.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "revoked.pem", "-days", "30", "-extfile", "ext.cnf");
  fs.writeFileSync(path.join(dir, "index.txt"), "");
  fs.writeFileSync(path.join(dir, "crlnumber"), "1000\n");
  fs.writeFileSync(path.join(dir, "ca.cnf"), "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\n" +
    "default_crl_days = 30\ncertificate = ca.pem\nprivate_key = ca.key\n");
  openssl("ca", "-config", "ca.cnf", "-revoke", "revoked.pem");
  openssl("ca", "-config", "ca.cnf", "-gencrl", "-out", "crl.pem");
  for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o644);
  const read = (f: string): Buffer => fs.readFileSync(path.join(dir, f));
  good = https.createServer({ key: read("leaf.key"), cert: read("leaf.pem"), requestCert: true, rejectUnauthorized: false }, echo);
  self = https.createServer({ key: read("self.key"), cert: read("self.pem") }, echo);
  await new Promise<void>((r) => good.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => self.listen(0, "127.0.0.1", r));
  revoked = https.createServer({ key: read("revoked.key"), cert: read("revoked.pem") }, echo);
  await new Promise<void>((r) => revoked.listen(0, "127.0.0.1", r));
  revokedPort = (revoked.address() as AddressInfo).port;
  plain = http.createServer(echo);
  await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
  plainPort = (plain.address() as AddressInfo).port;
  goodPort = (good.address() as AddressInfo).port;
  selfPort = (self.address() as AddressInfo).port;
});

after(async () => {
  good.closeAllConnections();
  self.closeAllConnections();
  plain.closeAllConnections();
  revoked.closeAllConnections();
  await new Promise((r) => revoked.close(r));
  await new Promise((r) => plain.close(r));
  await new Promise((r) => good.close(r));
  await new Promise((r) => self.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

const conf = (): string => `
error_log logs/error.log warn;
events {}
http {
  access_log off;
  proxy_ssl_session_reuse off;
  add_header X-Addr $upstream_addr always;
  upstream tlsup { server 127.0.0.1:${goodPort}; }
  upstream tlska { server 127.0.0.1:${goodPort}; keepalive 2; }
  server {
    listen 127.0.0.1:__PORT__;
    client_body_buffer_size 1k;
    location /s/ { proxy_pass https://127.0.0.1:${goodPort}/; }
    location /sni/ { proxy_pass https://127.0.0.1:${goodPort}/; proxy_ssl_server_name on; proxy_ssl_name backend.test; }
    location /sni-ip/ { proxy_pass https://127.0.0.1:${goodPort}/; proxy_ssl_server_name on; }
    location /v-ip/ { proxy_pass https://127.0.0.1:${goodPort}/; proxy_ssl_verify on; proxy_ssl_trusted_certificate ${dir}/ca.pem; }
    location /v/ { proxy_pass https://127.0.0.1:${goodPort}/; proxy_ssl_verify on; proxy_ssl_name backend.test; proxy_ssl_trusted_certificate ${dir}/ca.pem; }
    location /v-other/ { proxy_pass https://127.0.0.1:${goodPort}/; proxy_ssl_verify on; proxy_ssl_name other.test; proxy_ssl_trusted_certificate ${dir}/ca.pem; }
    location /v-self/ { proxy_pass https://127.0.0.1:${selfPort}/; proxy_ssl_verify on; proxy_ssl_name backend.test; proxy_ssl_trusted_certificate ${dir}/ca.pem; }
    location /noverify-self/ { proxy_pass https://127.0.0.1:${selfPort}/; }
    location /resume/ { proxy_pass https://127.0.0.1:${selfPort}/; proxy_ssl_session_reuse on; }
    location /client/ {
      proxy_pass https://127.0.0.1:${goodPort}/;
      proxy_ssl_certificate ${dir}/client.pem; proxy_ssl_certificate_key ${dir}/client.key;
      proxy_ssl_protocols TLSv1.2 TLSv1.3; proxy_ssl_ciphers HIGH:!aNULL:!MD5;
    }
    location /block/ {
      proxy_pass https://tlsup/;
      proxy_ssl_verify on; proxy_ssl_name backend.test; proxy_ssl_server_name on; proxy_ssl_trusted_certificate ${dir}/ca.pem;
    }
    location /block-name/ { proxy_pass https://tlsup/; proxy_ssl_verify on; proxy_ssl_trusted_certificate ${dir}/ca.pem; }
    location /var/ { set $t 127.0.0.1:${goodPort}; proxy_pass https://$t; }
    location /name-var/ {
      proxy_pass https://127.0.0.1:${goodPort}/;
      proxy_ssl_verify on; proxy_ssl_server_name on; proxy_ssl_name $arg_n; proxy_ssl_trusted_certificate ${dir}/ca.pem;
    }
    location /not-tls/ { proxy_pass https://127.0.0.1:${plainPort}/; }
    location /enc-key/ {
      proxy_pass https://127.0.0.1:${goodPort}/;
      proxy_ssl_certificate ${dir}/client.pem; proxy_ssl_certificate_key ${dir}/client-enc.key; proxy_ssl_password_file ${dir}/passwords;
    }
    location /crl-good/ {
      proxy_pass https://127.0.0.1:${goodPort}/;
      proxy_ssl_verify on; proxy_ssl_name backend.test; proxy_ssl_trusted_certificate ${dir}/ca.pem; proxy_ssl_crl ${dir}/crl.pem;
    }
    location /crl-revoked/ {
      proxy_pass https://127.0.0.1:${revokedPort}/;
      proxy_ssl_verify on; proxy_ssl_name backend.test; proxy_ssl_trusted_certificate ${dir}/ca.pem; proxy_ssl_crl ${dir}/crl.pem;
    }
    location /no-crl-revoked/ {
      proxy_pass https://127.0.0.1:${revokedPort}/;
      proxy_ssl_verify on; proxy_ssl_name backend.test; proxy_ssl_trusted_certificate ${dir}/ca.pem;
    }
    location /ka/ { proxy_pass https://tlska/; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}`;

test("proxy_pass https://: SNI, verification, client certificates and bodies, as nginx", async (t) => {
  const big = "b".repeat(5000);
  await diffCase(t, {
    name: "proxy https",
    conf: conf(),
    ignoreLog: [/a client request body is buffered to a temporary file/],
    requests: [
      { path: "/s/a?x=1" },
      { path: "/sni/a" },
      { path: "/sni-ip/a" },
      { path: "/v-ip/a" },
      { path: "/v/a" },
      { path: "/v-other/a" },
      { path: "/v-self/a" },
      { path: "/noverify-self/a" },
      { path: "/resume/1" },
      { path: "/resume/2" },
      { path: "/client/a" },
      { path: "/block/a" },
      { path: "/block-name/a" },
      { path: "/var/a" },
      { path: "/name-var/a?n=backend.test" },
      { path: "/name-var/a?n=x.test" },
      { path: "/not-tls/a" },
      { path: "/enc-key/a" },
      { path: "/crl-good/a" },
      { path: "/crl-revoked/a" },
      { path: "/no-crl-revoked/a" },
      { path: "/ka/1" },
      { path: "/ka/2" },
      { path: "/s/post", method: "POST", body: "small body" },
      { path: "/v/post", method: "POST", body: big },
      { path: "/v-self/post", method: "POST", body: big },
    ],
  });
});

test("proxy_ssl_verify without proxy_ssl_trusted_certificate is refused at load, as nginx", async () => {
  const bad = `events {}\nhttp { server { listen 127.0.0.1:__PORT__; location / { proxy_pass https://127.0.0.1:1/; proxy_ssl_verify on; } } }`;
  await assert.rejects(() => startInProcess(bad), /no proxy_ssl_trusted_certificate for proxy_ssl_verify/);
});
