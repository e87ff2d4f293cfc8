// charset recoding (ngx_http_charset_filter_module) compared with the reference nginx:
// charset_map tables to and from UTF-8 and between single-byte charsets, source_charset,
// override_charset, what becomes "?" or "&#N;", sequences cut between pieces of output,
// and the headers (charset added or kept, Content-Length dropped only around UTF-8).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { diffCase, type DiffRequest } from "../differential/harness.js";
import * as fs from "node:fs";
import { buildFrom, makePrefix, startInProcess } from "./support.js";
import { bundledCharsetMap } from "../../src/conf/charset-map-files.js";

const get = (path: string): DiffRequest => ({ path, name: path });

const MAPS = `
  charset_map koi8-r utf-8 { C1 D090; C2 D091; D7 D092; 80 E282AC; A3 D191; }
  charset_map koi8-r windows-1251 { C1 C0; C2 C1; }
`;

const CONF = `
events {}
http {
  access_log off;
  ${MAPS}
  server {
    listen 127.0.0.1:__PORT__;
    root html;
    location /k2u/ { alias html/; charset utf-8; source_charset koi8-r; }
    location /u2k/ { alias html/; charset koi8-r; source_charset utf-8; }
    location /k2w/ { alias html/; charset windows-1251; source_charset koi8-r; }
    location /w2k/ { alias html/; charset koi8-r; source_charset windows-1251; }
    location /same/ { alias html/; charset KOI8-R; source_charset koi8-r; }
    location /plain/ { alias html/; charset koi8-r; }
    location /lua { charset utf-8; source_charset koi8-r; default_type text/html;
      content_by_lua_block { ngx.header["Content-Type"] = "text/html; charset=windows-1251" ngx.print("\\xc1\\xc2") } }
    location /luaparams { charset utf-8; default_type text/html;
      content_by_lua_block { ngx.header["Content-Type"] = "text/plain; charset=koi8-r" ngx.print("\\xc1") } }
    location /luacut { charset koi8-r; source_charset utf-8; default_type text/html;
      content_by_lua_block { ngx.print("a\\xd0") ngx.flush() ngx.print("\\x90\\xd0\\x91\\xe2\\x82") ngx.flush() ngx.print("\\xac!") } }
    location /luaenc { charset koi8-r; source_charset utf-8; default_type text/html;
      content_by_lua_block { ngx.header["Content-Encoding"] = "x" ngx.print("\\xd0\\x90") } }
    location /json { charset utf-8; source_charset koi8-r; default_type application/json; return 200 "\\xc1"; }
    location /redir { charset utf-8; source_charset koi8-r; return 302 /x; }
    location /var/ { alias html/; set $cs Windows-1251; charset $cs; source_charset koi8-r; }
    location /varnone/ { alias html/; set $cs iso-8859-5; charset $cs; source_charset koi8-r; }
    location /varplain/ { alias html/; set $cs x-my; charset $cs; }
  }
}
`;

const FILES = {
  "html/k.html": "abc \xc1\xc2\xd7 \x80\x9a\xbf\xa3 end\n",
  "html/u.html": "abc \xd0\x90\xd0\x91 \xe2\x82\xac \xe4\xb8\xad \xff\xfe bad \xd0 x \xf0\x9f\x98\x80 \xc0\xaf end\n",
  "html/k.txt": "text \xc1\n",
  "html/k.css": "css \xc1\n",
};

test("charset recoding: maps, source_charset, headers and bodies as the reference", async (t) => {
  await diffCase(t, {
    name: "charset recode",
    conf: CONF,
    files: FILES,
    mtime: 1700000000,
    requests: [
      get("/k2u/k.html"),
      get("/k2u/k.txt"),
      get("/k2u/k.css"),
      get("/u2k/u.html"),
      get("/k2w/k.html"),
      get("/w2k/k.html"),
      get("/same/k.html"),
      get("/plain/k.html"),
      get("/lua"),
      get("/luaparams"),
      get("/luacut"),
      get("/luaenc"),
      get("/json"),
      get("/redir"),
      get("/var/k.html"),
      get("/varnone/k.html"),
      get("/varplain/k.html"),
      { path: "/k2u/k.html", method: "HEAD", name: "HEAD /k2u/k.html" },
    ],
  });
});

test("charset recoding: a missing charset_map is a configuration error", () => {
  const prefix = makePrefix(`events {} http { server { listen 127.0.0.1:1; location / { charset iso-8859-5; source_charset koi8-r; } } }`, 1);
  assert.throws(() => buildFrom(prefix), /no "charset_map" between the charsets "koi8-r" and "iso-8859-5"/);
});

const BUNDLED_CONF = `
events {}
http {
  access_log off;
  include koi-utf;
  include koi-win;
  include win-utf;
  server {
    listen 127.0.0.1:__PORT__;
    root html;
    location /k2u/ { alias html/; charset utf-8; source_charset koi8-r; }
    location /w2u/ { alias html/; charset utf-8; source_charset windows-1251; }
    location /k2w/ { alias html/; charset windows-1251; source_charset koi8-r; }
    location /u2w/ { alias html/; charset windows-1251; source_charset utf-8; }
  }
}
`;

const ALL_HIGH = Array.from({ length: 128 }, (_, i) => String.fromCharCode(0x80 + i)).join("");

test("charset recoding: the bundled koi-utf, koi-win and win-utf maps read by nginx give the same bytes", async (t) => {
  await diffCase(t, {
    name: "bundled charset maps",
    conf: BUNDLED_CONF,
    files: {
      "conf/koi-utf": bundledCharsetMap("koi-utf")!,
      "conf/koi-win": bundledCharsetMap("koi-win")!,
      "conf/win-utf": bundledCharsetMap("win-utf")!,
      "html/all.html": ALL_HIGH,
      "html/u.html": Buffer.from("Привет, мир! Ґ ў € ™ 中\n", "utf8").toString("latin1"),
    },
    mtime: 1700000000,
    requests: [get("/k2u/all.html"), get("/w2u/all.html"), get("/k2w/all.html"), get("/u2w/u.html")],
  });
});

test("charset recoding: include koi-utf without the file uses the bundled map", async () => {
  const s = await startInProcess(BUNDLED_CONF);
  try {
    fs.mkdirSync(`${s.prefix}/html`);
    fs.writeFileSync(`${s.prefix}/html/k.html`, Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4, 0x20, 0xa4]));
    const [r] = await s.get("/k2u/k.html");
    assert.equal(Buffer.from(r!.body, "latin1").toString("utf8"), "Привет є");
    assert.ok(r!.headers.some(([n, v]) => n === "Content-Type" && v === "text/html; charset=utf-8"));
  } finally {
    await s.close();
  }
});
