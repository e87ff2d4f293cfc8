// gzip_static compared with the reference nginx: FILE.gz sent for clients that take gzip
// (on) or for all (always), its own length, dates and ETag, no ranges, Vary under gzip_vary
// when the .gz exists, and the original when it does not.
import { test } from "node:test";
import * as zlib from "node:zlib";
import * as fs from "node:fs";
import * as assert from "node:assert/strict";
import { startInProcess } from "./support.js";
import { diffCase, type DiffRequest } from "../differential/harness.js";

const GZ: [string, string] = ["Accept-Encoding", "gzip"];
const get = (path: string, headers: [string, string][] = [GZ], method = "GET"): DiffRequest => ({ path, headers, method, name: `${method} ${path} ${JSON.stringify(headers)}` });

const text = Array.from({ length: 2000 }, (_, i) => `${i}\n`).join("");

const CONF = `
events {}
http {
  access_log off;
  types { text/plain txt; text/css css; }
  server {
    listen 127.0.0.1:__PORT__;
    root html;
    location / { gzip_static on; }
    location /al/ { alias html/; gzip_static always; gzip_vary on; }
    location /v/ { alias html/; gzip_static on; gzip_vary on; }
    location /both/ { alias html/; gzip_static on; gzip on; gzip_types text/plain; }
  }
}
`;

test("gzip_static: the .gz file for gzip clients, the original otherwise", async (t) => {
  await diffCase(t, {
    name: "gzip_static",
    conf: CONF,
    files: { "html/a.txt": text, "html/a.txt.gz": zlib.gzipSync(text).toString("latin1"), "html/b.txt": text, "html/dir.gz/x": "" },
    mtime: 1700000000,
    gunzip: true,
    requests: [
      get("/a.txt"),
      get("/a.txt", []),
      get("/a.txt", [["Accept-Encoding", "gzip;q=0"]]),
      get("/a.txt", [GZ, ["Range", "bytes=0-9"]]),
      get("/a.txt", [GZ, ["If-Modified-Since", "Tue, 14 Nov 2023 22:13:20 GMT"]]),
      get("/a.txt", [GZ], "HEAD"),
      get("/a.txt", [GZ], "POST"),
      get("/a.txt.gz"),
      get("/b.txt"),
      get("/al/a.txt", []),
      get("/al/b.txt", []),
      get("/v/a.txt", []),
      get("/v/a.txt"),
      get("/v/b.txt"),
      get("/both/a.txt"),
      get("/both/b.txt"),
      get("/dir"),
      get("/missing.txt"),
    ],
  });
});

test("gzip_static: a .gz larger than one piece is sent whole", async () => {
  const s = await startInProcess(`
events {}
http {
  access_log off;
  server { listen 127.0.0.1:__PORT__; root html; location / { gzip_static on; } }
}`);
  try {
    let x = 12345;
    const raw = Buffer.alloc(700 * 1024);
    for (let i = 0; i < raw.length; i++) raw[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    fs.mkdirSync(`${s.prefix}/html`);
    fs.writeFileSync(`${s.prefix}/html/big.bin.gz`, zlib.gzipSync(raw));
    const [r] = await s.get("GET /big.bin HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n");
    assert.equal(r!.statusLine, "HTTP/1.1 200 OK");
    assert.ok(zlib.gunzipSync(Buffer.from(r!.body, "latin1")).equals(raw));
  } finally {
    await s.close();
  }
});
