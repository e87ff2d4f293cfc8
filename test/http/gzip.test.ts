// gzip (ngx_http_gzip_filter_module) compared with the reference nginx: which responses are
// compressed, the headers that change (Content-Length, Accept-Ranges, ETag, Vary,
// Content-Encoding), and the bodies decoded (zlib versions compress to other bytes).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { diffCase, type DiffRequest } from "../differential/harness.js";
import { startInProcess } from "./support.js";
import { acceptsGzip, isMsie6 } from "../../src/http/modules/gzip-ok.js";

const GZ: [string, string] = ["Accept-Encoding", "gzip, deflate"];
const get = (path: string, headers: [string, string][] = [GZ], method = "GET"): DiffRequest => ({ path, headers, method, name: `${method} ${path} ${JSON.stringify(headers)}` });

const big = Array.from({ length: 400 }, (_, i) => `<p>line ${i} of a page that compresses well</p>\n`).join("");

const CONF = `
events {}
http {
  access_log off;
  default_type text/plain;
  gzip on;
  server {
    listen 127.0.0.1:__PORT__;
    root html;
    location / { }
    location /vary/ { gzip_vary on; alias html/; }
    location /types/ { gzip_types text/plain application/json; gzip_vary on; alias html/; }
    location /any/ { gzip_types *; alias html/; }
    location /min/ { gzip_min_length 100000; gzip_vary on; alias html/; }
    location /off/ { gzip off; alias html/; }
    location /v10/ { gzip_http_version 1.0; alias html/; }
    location /msie/ { gzip_disable msie6 "curl/[0-9]"; alias html/; }
    location /px/ { gzip_proxied expired no-cache auth; alias html/; }
    location /pxany/ { gzip_proxied any; alias html/; }
    location /pxlm/ { gzip_proxied no_last_modified no_etag; alias html/; }
    location /exp/ { gzip_proxied expired; expires -1h; alias html/; }
    location /cc/ { gzip_proxied no-store; add_header Cache-Control "private, no-store"; alias html/; }
    location /lua {
      default_type text/html;
      content_by_lua_block {
        ngx.header["ETag"] = '"e1"'
        for i = 1, 50 do ngx.say("streamed line ", i) end
        ngx.flush(true)
        ngx.print(string.rep("abc", 1000))
        ngx.flush()
        ngx.say("end")
      }
    }
    location /luaempty { default_type text/html; content_by_lua_block { ngx.header["ETag"] = 'odd' } }
    location /luacl { default_type text/html; content_by_lua_block { ngx.header["Content-Length"] = 3000 ngx.print(string.rep("z", 3000)) } }
    location /luaenc { default_type text/html; content_by_lua_block { ngx.header["Content-Encoding"] = "br" ngx.print(string.rep("z", 300)) } }
    location /luact { content_by_lua_block { ngx.header["Content-Type"] = "text/html; charset=utf-8" ngx.print(string.rep("y", 300)) } }
    location /luasmall { default_type text/html; content_by_lua_block { ngx.header["Content-Length"] = 5 ngx.print("small") } }
    location /ret404 { return 404; }
    location /ret500 { return 500; }
    location /ret302 { return 302 /x; }
    location /ret200 { default_type text/html; return 200 "${"r".repeat(200)}"; }
    location /s204 { return 204; }
    location /if/ { alias html/; if ($arg_plain) { gzip off; } }
  }
}
`;

const FILES = { "html/index.html": big, "html/page.txt": big, "html/data.json": big, "html/tiny.html": "tiny\n", "html/x.css": big };

test("gzip: static files, types, lengths, Vary, Accept-Encoding forms, HEAD, statuses", async (t) => {
  await diffCase(t, {
    name: "gzip static",
    conf: CONF,
    files: FILES,
    mtime: 1700000000,
    gunzip: true,
    requests: [
      get("/index.html"),
      get("/index.html", []),
      get("/index.html", [["Accept-Encoding", "gzip"]]),
      get("/index.html", [["Accept-Encoding", "deflate, gzip;q=0"]]),
      get("/index.html", [["Accept-Encoding", "gzip;q=0.5"]]),
      get("/index.html", [["Accept-Encoding", "gzip; q=0.000"]]),
      get("/index.html", [["Accept-Encoding", "*"]]),
      get("/index.html", [["Accept-Encoding", "x-gzip"]]),
      get("/index.html", [["Accept-Encoding", "br, GZIP"]]),
      get("/index.html", [["Accept-Encoding", "gzipx"]]),
      get("/index.html", [GZ], "HEAD"),
      get("/index.html", [GZ, ["Range", "bytes=0-10"]]),
      get("/index.html", [GZ, ["If-None-Match", 'W/"6553f100-4bc2"']]),
      get("/page.txt"),
      get("/tiny.html"),
      get("/vary/index.html"),
      get("/vary/index.html", []),
      get("/vary/page.txt"),
      get("/vary/tiny.html"),
      get("/types/page.txt"),
      get("/types/data.json"),
      get("/types/x.css"),
      get("/any/x.css"),
      get("/min/index.html"),
      get("/off/index.html"),
      get("/missing.html"),
      get("/ret404"),
      get("/ret500"),
      get("/ret302"),
      get("/ret200"),
      get("/s204"),
      get("/vary/"),
      get("/ret200", [GZ], "HEAD"),
      get("/if/index.html"),
      get("/if/index.html?plain=1"),
      get("/missing.html", [GZ], "HEAD"),
    ],
  });
});

test("gzip: client rules (HTTP/1.0, msie6 and gzip_disable, gzip_proxied with Via)", async (t) => {
  const raw10 = (p: string): DiffRequest => ({ name: `1.0 ${p}`, raw: `GET ${p} HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n`, responses: 0 });
  await diffCase(t, {
    name: "gzip clients",
    conf: CONF,
    files: FILES,
    mtime: 1700000000,
    gunzip: true,
    // expires -1h: the two servers run seconds apart
    ignoreHeaders: ["expires"],
    requests: [
      raw10("/index.html"),
      raw10("/v10/index.html"),
      get("/msie/index.html", [GZ, ["User-Agent", "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)"]]),
      get("/msie/index.html", [GZ, ["User-Agent", "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)"]]),
      get("/msie/index.html", [GZ, ["User-Agent", "Mozilla/4.0 (compatible; MSIE 5.5; Windows 98)"]]),
      get("/msie/index.html", [GZ, ["User-Agent", "Mozilla/5.0 (compatible; MSIE 9.0)"]]),
      get("/msie/index.html", [GZ, ["User-Agent", "CURL/7.1"]]),
      get("/index.html", [GZ, ["User-Agent", "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)"]]),
      get("/index.html", [GZ, ["Via", "1.1 proxy"]]),
      get("/pxany/index.html", [GZ, ["Via", "1.1 proxy"]]),
      get("/px/index.html", [GZ, ["Via", "1.1 proxy"]]),
      get("/px/index.html", [GZ, ["Via", "1.1 proxy"], ["Authorization", "Basic eDp5"]]),
      get("/pxlm/index.html", [GZ, ["Via", "1.1 proxy"]]),
      get("/pxlm/index.html", [GZ]),
      get("/exp/index.html", [GZ, ["Via", "1.1 proxy"]]),
      get("/cc/index.html", [GZ, ["Via", "1.1 proxy"]]),
    ],
  });
});

test("gzip: Lua output streamed, flushed, empty, with Content-Length or Content-Encoding set", async (t) => {
  await diffCase(t, {
    name: "gzip lua",
    conf: CONF,
    gunzip: true,
    requests: [
      get("/lua"),
      get("/lua", []),
      get("/luaempty"),
      get("/luacl"),
      get("/luaenc"),
      get("/luact"),
      get("/luasmall"),
      get("/lua", [GZ], "HEAD"),
    ],
  });
});

test("gzip: the stream is valid gzip, sync-flushed at ngx.flush, and $gzip_ratio is set", async () => {
  const s = await startInProcess(`
events {}
http {
  access_log off;
  gzip on;
  log_format r "$gzip_ratio";
  server {
    listen 127.0.0.1:__PORT__;
    location /lua { default_type text/html; access_log logs/ratio.log r; content_by_lua_block { ngx.print(string.rep("a", 5000)) ngx.flush(true) ngx.print(string.rep("b", 5000)) } }
  }
}`);
  try {
    const [r] = await s.get("GET /lua HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n");
    const body = Buffer.from(r!.body, "latin1");
    assert.equal(body.subarray(0, 3).toString("hex"), "1f8b08");
    assert.equal(zlib.gunzipSync(body).toString(), "a".repeat(5000) + "b".repeat(5000));
    // The flush point is a sync flush marker (empty stored block).
    assert.ok(body.includes(Buffer.from([0, 0, 0xff, 0xff])));
    await new Promise((res) => setTimeout(res, 50));
    const fs = await import("node:fs");
    const ratio = fs.readFileSync(`${s.prefix}/logs/ratio.log`, "latin1").trim();
    assert.match(ratio, /^[0-9]+\.[0-9]{2}$/);
    assert.ok(Number(ratio) > 10);
  } finally {
    await s.close();
  }
});

test("gzip: Accept-Encoding and User-Agent parsing", () => {
  for (const [ae, ok] of [
    ["gzip", true], ["gzip,deflate", true], ["deflate, gzip", true], ["gzip;q=0", false], ["gzip; q=0.0", false],
    ["gzip;q=0.001", true], ["gzip;q=1", true], ["gzip;q=1.5", false], ["gzip;q=0.0001", false], ["gzipx", false],
    ["xgzip", false], ["*", false], ["GZip ,br", true], ["gzip;x=1", false], ["gzip;q", false],
  ] as const) assert.equal(acceptsGzip(ae), ok, ae);
  assert.equal(isMsie6("Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)"), true);
  assert.equal(isMsie6("Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)"), false);
  assert.equal(isMsie6("Mozilla/4.0 (compatible; MSIE 7.0)"), false);
  assert.equal(isMsie6("Opera/9 (compatible; MSIE 6.0; X)"), false);
});

test("gzip: a static file of several pieces and a long Lua output compress whole", async () => {
  const s = await startInProcess(`
events {}
http {
  access_log off;
  gzip on;
  gzip_types text/plain;
  server {
    listen 127.0.0.1:__PORT__;
    root html;
    location / { default_type text/plain; }
    location /lua { default_type text/plain; content_by_lua_block { for i = 1, 20000 do ngx.say("line ", i) end } }
  }
}`);
  try {
    const fs = await import("node:fs");
    let x = 7;
    const raw = Buffer.alloc(900 * 1024);
    for (let i = 0; i < raw.length; i++) raw[i] = 97 + ((x = (x * 1103515245 + 12345) >>> 0) >>> 28);
    fs.mkdirSync(`${s.prefix}/html`);
    fs.writeFileSync(`${s.prefix}/html/big.txt`, raw);
    const ask = (p: string): string => `GET ${p} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n`;
    const [r] = await s.get(ask("/big.txt"));
    assert.ok(zlib.gunzipSync(Buffer.from(r!.body, "latin1")).equals(raw));
    const [l] = await s.get(ask("/lua"));
    const want = Array.from({ length: 20000 }, (_, i) => `line ${i + 1}\n`).join("");
    assert.equal(zlib.gunzipSync(Buffer.from(l!.body, "latin1")).toString("latin1"), want);
  } finally {
    await s.close();
  }
});

test("gunzip: a gzip-encoded upstream response decompressed for clients that do not take gzip", async (t) => {
  await diffCase(t, {
    name: "gunzip",
    conf: `
events {}
http {
  access_log off;
  default_type text/plain;
  server {
    listen 127.0.0.2:__PORT__;
    root html;
    location / { add_header Content-Encoding gzip; }
  }
  server {
    listen 127.0.0.1:__PORT__;
    location /gz/ { proxy_pass http://127.0.0.2:__PORT__/; gunzip on; }
    location /vary/ { proxy_pass http://127.0.0.2:__PORT__/; gunzip on; gzip_vary on; }
    location /off/ { proxy_pass http://127.0.0.2:__PORT__/; }
  }
}`,
    files: { "html/z.bin": zlib.gzipSync(big).toString("latin1") },
    mtime: 1700000000,
    gunzip: true,
    // proxy_pass writes an upstream's Last-Modified in the header filter's place, nginx among
    // the upstream's lines (a proxy difference, with or without gunzip: see /off/).
    ignoreHeaders: ["last-modified"],
    requests: [
      get("/gz/z.bin", []),
      get("/gz/z.bin"),
      get("/gz/z.bin", [["Accept-Encoding", "gzip;q=0"]]),
      get("/vary/z.bin", []),
      get("/vary/z.bin"),
      get("/off/z.bin", []),
      get("/gz/z.bin", [], "HEAD"),
    ],
  });
});

test("gzip: proxied responses (with a length, chunked, with Via and gzip_proxied)", async (t) => {
  await diffCase(t, {
    name: "gzip proxied",
    conf: `
events {}
http {
  access_log off;
  default_type text/html;
  server {
    listen 127.0.0.2:__PORT__;
    root html;
    location / { }
    location /chunked { content_by_lua_block { for i = 1, 300 do ngx.say("chunk line ", i) end } }
  }
  server {
    listen 127.0.0.1:__PORT__;
    gzip on;
    location / { proxy_pass http://127.0.0.2:__PORT__; }
    location /nobuf/ { proxy_pass http://127.0.0.2:__PORT__/; proxy_buffering off; }
    location /px/ { proxy_pass http://127.0.0.2:__PORT__/; gzip_proxied any; }
  }
}`,
    files: { "html/index.html": big, "html/tiny.html": "tiny\n" },
    mtime: 1700000000,
    gunzip: true,
    ignoreHeaders: ["last-modified"],
    requests: [
      get("/index.html"),
      get("/tiny.html"),
      get("/chunked"),
      get("/nobuf/index.html"),
      get("/nobuf/chunked"),
      get("/index.html", [GZ, ["Via", "1.1 x"]]),
      get("/px/index.html", [GZ, ["Via", "1.1 x"]]),
    ],
  });
});
