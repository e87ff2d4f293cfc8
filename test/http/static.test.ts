// Static files (root, alias, index, try_files, types, charset, conditional and range
// requests, directory redirects, traversal), each case also run on the reference nginx.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as net from "node:net";
import { diffCase, exchange, type DiffRequest } from "../differential/harness.js";
import { startStatic } from "./support.js";
import { mimeTypesConf, MIME_TYPES } from "../../src/conf/mime-types.js";

const MTIME = 1_700_000_000;
const LM = "Tue, 14 Nov 2023 22:13:20 GMT";

const FILES: Record<string, string> = {
  "html/a.txt": "hello world\n",
  "html/index.html": "<p>root index</p>\n",
  "html/page.html": "<p>page</p>\n",
  "html/style.CSS": "b{}\n",
  "html/data.json": "{}\n",
  "html/noext": "plain\n",
  "html/dir/index.html": "dir index\n",
  "html/dir/x.txt": "dir x\n",
  "html/dir2/index.htm": "dir2 htm\n",
  "html/noidx/f.txt": "f\n",
  "html/empty.txt": "",
  "html/caf\u00e9.txt": "utf-8 name\n",
  "html/digits.txt": "0123456789abcdefghijklmnopqrstuvwxyz",
  "other/b.txt": "other b\n",
  "other/sub/c.txt": "other sub c\n",
  "other/index.html": "other index\n",
  // The reference has no bundled copy: both sides read ours.
  "conf/mime.types": mimeTypesConf(),
};

const get = (p: string, headers: readonly (readonly [string, string])[] = []): DiffRequest => ({ path: p, headers });

const BASIC_CONF = `
events {}
http {
  access_log off;
  include mime.types;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    location / { root html; }
    location /al/ { alias other/; }
    location ~ ^/re/(.+)$ { alias other/$1; }
    location /idx/ { alias html/; index missing.html page.html; }
    location /idx2/ { alias html/; index none.html; }
    location /abs/ { root html; index /page.html; }
    location /varidx/ { alias html/; index $arg_i; }
    location /nolog/ { alias html/; log_not_found off; }
  }
}
`;

test("static: files, types, directories, 404 and 403 with their log lines", async (t) => {
  await diffCase(t, {
    name: "static basics",
    conf: BASIC_CONF,
    files: FILES,
    mtime: MTIME,
    requests: [
      get("/a.txt"),
      get("/page.html"),
      get("/style.CSS"),
      get("/data.json"),
      get("/noext"),
      get("/empty.txt"),
      { method: "HEAD", path: "/a.txt" },
      { method: "POST", path: "/a.txt", body: "x" },
      { method: "DELETE", path: "/a.txt" },
      get("/"),
      get("/dir"),
      get("/dir?x=1"),
      get("/dir/"),
      get("/dir2/"),
      get("/noidx/"),
      get("/missing.txt"),
      get("/missing/"),
      get("/a.txt/x"),
      get("/al/b.txt"),
      get("/al/sub"),
      get("/al/sub/c.txt"),
      get("/al/"),
      get("/re/sub/c.txt"),
      get("/re/nothing"),
      get("/idx/"),
      get("/idx2/"),
      get("/abs/"),
      get("/varidx/?i=page.html"),
      get("/nolog/none.txt"),
      get("/a.txt", [["Host", "example.com:8080"]]),
      get("/caf%C3%A9.txt"),
      get("/caf%E9.txt"),
      get("/a.txt/"),
    ],
  });
});

test("static: path traversal never leaves the root", async (t) => {
  await diffCase(t, {
    name: "static traversal",
    conf: BASIC_CONF,
    files: FILES,
    mtime: MTIME,
    requests: [
      { raw: "GET /../other/b.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" },
      { raw: "GET /%2e%2e/other/b.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" },
      { raw: "GET /dir/%2E%2E/a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" },
      { raw: "GET /dir/..%2f..%2fother/b.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" },
      { raw: "GET //a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" },
      { raw: "GET /dir/..\\..\\other\\b.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" },
      { raw: "GET /al/../a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" },
      { raw: "GET /al/..%2Fhtml/a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" },
      { raw: "GET /a.txt%00.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" },
      { raw: "GET /./a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" },
    ],
  });
});

test("static: conditional requests (304, 412) and ETag/Last-Modified", async (t) => {
  const etag = `"${MTIME.toString(16)}-c"`;
  await diffCase(t, {
    name: "static conditionals",
    conf: BASIC_CONF.replace("location /al/", "location /exact/ { alias html/; if_modified_since before; }\n    location /noetag/ { alias html/; etag off; }\n    location /ims_off/ { alias html/; if_modified_since off; }\n    location /al/"),
    files: FILES,
    mtime: MTIME,
    requests: [
      get("/a.txt", [["If-Modified-Since", LM]]),
      get("/a.txt", [["If-Modified-Since", "Tue, 14 Nov 2023 22:13:21 GMT"]]),
      get("/exact/a.txt", [["If-Modified-Since", "Tue, 14 Nov 2023 22:13:21 GMT"]]),
      get("/ims_off/a.txt", [["If-Modified-Since", LM]]),
      get("/a.txt", [["If-Modified-Since", "garbage"]]),
      get("/a.txt", [["If-Modified-Since", "Tuesday, 14-Nov-23 22:13:20 GMT"]]),
      get("/a.txt", [["If-Modified-Since", "Tue Nov 14 22:13:20 2023"]]),
      get("/a.txt", [["If-None-Match", etag]]),
      get("/a.txt", [["If-None-Match", `"x", W/${etag}`]]),
      get("/a.txt", [["If-None-Match", `"other"`]]),
      get("/a.txt", [["If-None-Match", "*"]]),
      get("/a.txt", [["If-None-Match", `"other"`], ["If-Modified-Since", LM]]),
      get("/a.txt", [["If-Match", etag]]),
      get("/a.txt", [["If-Match", `"nope"`]]),
      get("/a.txt", [["If-Unmodified-Since", LM]]),
      get("/a.txt", [["If-Unmodified-Since", "Mon, 13 Nov 2023 22:13:20 GMT"]]),
      get("/noetag/a.txt"),
      get("/noetag/a.txt", [["If-None-Match", etag]]),
      { method: "HEAD", path: "/a.txt", headers: [["If-Modified-Since", LM]] },
    ],
  });
});

test("static: byte ranges (206, multipart, 416, If-Range, max_ranges)", async (t) => {
  const etag = `"${MTIME.toString(16)}-24"`;
  await diffCase(t, {
    name: "static ranges",
    conf: BASIC_CONF.replace("location /al/", "location /one/ { alias html/; max_ranges 1; }\n    location /none/ { alias html/; max_ranges 0; }\n    location /al/"),
    files: FILES,
    mtime: MTIME,
    requests: [
      get("/digits.txt", [["Range", "bytes=0-4"]]),
      get("/digits.txt", [["Range", "bytes=10-"]]),
      get("/digits.txt", [["Range", "bytes=-5"]]),
      get("/digits.txt", [["Range", "bytes=-100"]]),
      get("/digits.txt", [["Range", "bytes=30-100"]]),
      get("/digits.txt", [["Range", "bytes=36-"]]),
      get("/digits.txt", [["Range", "bytes=5-2"]]),
      get("/digits.txt", [["Range", "bytes=abc"]]),
      get("/digits.txt", [["Range", "bytes=0-1,5-6"]]),
      get("/digits.txt", [["Range", "bytes=0-1, 3-4 ,8-"]]),
      get("/digits.txt", [["Range", "bytes=0-30,5-35"]]),
      get("/digits.txt", [["Range", "items=0-4"]]),
      get("/digits.txt", [["Range", "bytes=0-4"], ["If-Range", etag]]),
      get("/digits.txt", [["Range", "bytes=0-4"], ["If-Range", '"old"']]),
      get("/digits.txt", [["Range", "bytes=0-4"], ["If-Range", LM]]),
      get("/digits.txt", [["Range", "bytes=0-4"], ["If-Range", "Mon, 13 Nov 2023 22:13:20 GMT"]]),
      get("/one/digits.txt", [["Range", "bytes=0-1,5-6"]]),
      get("/one/digits.txt", [["Range", "bytes=0-1"]]),
      get("/none/digits.txt", [["Range", "bytes=0-1"]]),
      get("/page.html", [["Range", "bytes=0-1,3-4"]]),
      { raw: "GET /digits.txt HTTP/1.0\r\nRange: bytes=1-2\r\n\r\n", responses: 0 },
      get("/digits.txt", [["Range", "bytes=0-1"], ["If-None-Match", etag]]),
    ],
  });
});

test("static: try_files (files, directories, =code, named location, final URI)", async (t) => {
  await diffCase(t, {
    name: "try_files",
    conf: `
events {}
http {
  access_log off;
  include mime.types;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    root html;
    location /t1/ { try_files $uri $uri/ /a.txt; }
    location /t2/ { try_files $uri =404; }
    location /t3/ { try_files /nothing $uri @fallback; }
    location @fallback { return 200 "fallback $uri $args\\n"; }
    location /t4/ { try_files $uri /page.html?from=$uri; }
    location /t5/ { try_files $uri =418; }
    location /dir/ { try_files $uri $uri/ =404; }
    location /t6/ { alias other/; try_files $uri $uri/ =404; }
    location /echo { return 200 "echo $uri $args\\n"; }
    location /t7/ { try_files /nothing /echo?a=1; }
    location /t8/ { try_files /nothing /echo; }
    location = /a.txt { root html; }
  }
}
`,
    files: FILES,
    mtime: MTIME,
    requests: [
      get("/t1/none"),
      get("/t1/"),
      get("/t2/none"),
      get("/t3/none?x=y"),
      get("/t4/none"),
      get("/t5/none"),
      get("/dir/x.txt"),
      get("/dir/"),
      get("/dir"),
      get("/dir/none"),
      get("/t6/b.txt"),
      get("/t6/sub/"),
      get("/t6/sub"),
      get("/t6/none"),
      get("/t7/x?q=1"),
      get("/t8/x?q=1"),
    ],
  });
});

test("static: charset, types {}, default_type, redirects (absolute_redirect, port and server name)", async (t) => {
  await diffCase(t, {
    name: "charset and redirects",
    conf: `
events {}
http {
  access_log off;
  types { text/html html; text/plain txt; application/x-custom cst; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:__PORT__;
    server_name example.org;
    root html;
    charset utf-8;
    location /j/ { alias html/; charset_types application/json; types { application/json json; } }
    location /off/ { alias html/; charset off; }
    location /rel/ { alias html/; absolute_redirect off; }
    location /noport/ { alias html/; port_in_redirect off; }
    location /sn/ { alias html/; server_name_in_redirect on; }
    location /t/ { alias html/; types { } default_type text/x-def; }
  }
}
`,
    files: FILES,
    mtime: MTIME,
    requests: [
      get("/a.txt"),
      get("/page.html"),
      get("/noext"),
      get("/j/data.json"),
      get("/j/page.html"),
      get("/off/a.txt"),
      get("/dir"),
      get("/rel/dir"),
      get("/noport/dir"),
      get("/sn/dir", [["Host", "other.example"]]),
      get("/t/a.txt"),
      { raw: "GET /dir HTTP/1.0\r\n\r\n", responses: 0 },
    ],
  });
});

test("static: large files stream whole, ranges of them too", async () => {
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 8)) & 0xff;
  const srv = await startStatic({});
  try {
    fs.writeFileSync(path.join(srv.prefix, "html/big.bin"), big);
    const [r] = await srv.get("/big.bin");
    assert.equal(r!.statusLine, "HTTP/1.1 200 OK");
    assert.equal(Buffer.from(r!.body, "latin1").equals(big), true);
    const [p] = (await exchange(srv.port, { path: "/big.bin", headers: [["Range", "bytes=100000-250000"]] })).responses;
    assert.equal(p!.statusLine, "HTTP/1.1 206 Partial Content");
    assert.equal(Buffer.from(p!.body, "latin1").equals(big.subarray(100000, 250001)), true);
  } finally {
    await srv.close();
  }
});

test("static: include mime.types without the file uses the bundled table, equal to nginx's", async () => {
  const srv = await startStatic({}, "  include mime.types;\n");
  try {
    for (const f of ["a.css", "b.svg", "c.woff2", "d.mp4", "e.unknown"]) fs.writeFileSync(path.join(srv.prefix, "html", f), "x");
    const types: string[] = [];
    for (const f of ["a.css", "b.svg", "c.woff2", "d.mp4", "e.unknown"]) {
      const [r] = await srv.get("/" + f);
      types.push(r!.headers.find(([n]) => n === "Content-Type")?.[1] ?? "");
    }
    assert.deepEqual(types, ["text/css", "image/svg+xml", "font/woff2", "video/mp4", "text/plain"]);
  } finally {
    await srv.close();
  }
  const system = "/etc/nginx/mime.types";
  if (fs.existsSync(system)) {
    const theirs = [...fs.readFileSync(system, "latin1").matchAll(/^\s*([a-z0-9.+\/-]+)\s+([^;{]+);/gm)].map((m) => [m[1], m[2]!.trim().split(/\s+/)]);
    assert.deepEqual(MIME_TYPES.map(([t, e]) => [t, [...e]]), theirs);
  }
});

test("static: with Lua, subrequests, variables in root, POST and HEAD corners", async (t) => {
  await diffCase(t, {
    name: "static corners",
    conf: `
events {}
http {
  access_log off;
  include mime.types;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    root html;
    try_files $uri $uri/index.html /dir/x.txt;
    location /lua/ { content_by_lua_block { ngx.say("lua ", ngx.var.uri) } }
    location /cap { content_by_lua_block {
      local r = ngx.location.capture("/a.txt")
      local e = ngx.location.capture("/missing.txt")
      ngx.say(r.status, " ", r.body, e.status, " ", r.header["Content-Type"])
    } }
    location /lm { content_by_lua_block {
      ngx.header["Last-Modified"] = "Tue, 14 Nov 2023 22:13:20 GMT"
      ngx.header["ETag"] = '"abc"'
      ngx.say("lm")
    } }
    location /vroot/ { root html/$arg_d; }
    location /x { alias html/dir; }
  }
}
`,
    files: FILES,
    mtime: MTIME,
    requests: [
      get("/a.txt/"),
      get("/lua/a.txt"),
      get("/cap"),
      get("/lm", [["If-Modified-Since", LM]]),
      get("/lm", [["If-None-Match", '"abc"']]),
      get("/lm", [["If-Match", '"zzz"']]),
      get("/vroot/b.txt?d=../other"),
      get("/x/x.txt"),
      get("/x"),
      { method: "POST", path: "/dir", body: "" },
      { method: "POST", path: "/", body: "" },
      { method: "HEAD", path: "/digits.txt", headers: [["Range", "bytes=1-2"]] },
      get("/nothing-here"),
      get("/sub-x/"),
    ],
  });
});

test("static: $document_root and $request_filename follow root and alias", async (t) => {
  await diffCase(t, {
    name: "document_root and request_filename",
    conf: `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    root /srv/www/;
    location /r/ { return 200 "$document_root|$request_filename\\n"; }
    location /a/ { alias /srv/other/; return 200 "$document_root|$request_filename\\n"; }
    location ~ ^/re/(.*)$ { alias /srv/other/$1; return 200 "$document_root|$request_filename\\n"; }
    location /v/ { root /srv/$arg_d; return 200 "$document_root|$request_filename\\n"; }
  }
}
`,
    requests: [get("/r/x.txt"), get("/a/sub/y"), get("/re/z.txt"), get("/v/q?d=sub")],
  });
});

test("static: error_page pages served from files keep the error status", async (t) => {
  await diffCase(t, {
    name: "static error pages",
    conf: `
events {}
http {
  access_log off;
  include mime.types;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    root html;
    error_page 404 /page.html;
    error_page 403 /dir/x.txt;
    location /ims/ { alias html/; error_page 404 /a.txt; }
  }
}
`,
    files: FILES,
    mtime: MTIME,
    requests: [
      get("/none.txt"),
      get("/noidx/"),
      get("/ims/none", [["If-Modified-Since", LM], ["Range", "bytes=0-1"]]),
    ],
  });
});

test("static: a client that goes away mid-file does not stop the server", async () => {
  const srv = await startStatic({});
  try {
    fs.writeFileSync(path.join(srv.prefix, "html/big.bin"), Buffer.alloc(8 * 1024 * 1024, 7));
    await new Promise<void>((resolve) => {
      const s = net.connect(srv.port, "127.0.0.1", () => s.write("GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n"));
      s.once("data", () => {
        s.destroy();
        resolve();
      });
    });
    // Counted on a plain socket: the harness's parser re-reads its whole buffer per chunk.
    const total = await new Promise<number>((resolve) => {
      let n = 0;
      const s = net.connect(srv.port, "127.0.0.1", () => s.write("GET /big.bin HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"));
      s.on("data", (d: Buffer) => (n += d.length));
      s.on("close", () => resolve(n));
    });
    assert.ok(total > 8 * 1024 * 1024 && total < 8 * 1024 * 1024 + 400, String(total));
  } finally {
    await srv.close();
  }
});

test("static: add_header, charset and ranges in nginx's filter order", async (t) => {
  await diffCase(t, {
    name: "static with add_header",
    conf: `
events {}
http {
  access_log off;
  include mime.types;
  server {
    listen 127.0.0.1:__PORT__;
    server_name localhost;
    root html;
    charset utf-8;
    add_header X-A 1;
    add_header X-B 2 always;
  }
}
`,
    files: FILES,
    mtime: MTIME,
    requests: [
      get("/a.txt"),
      get("/digits.txt", [["Range", "bytes=1-2"]]),
      get("/digits.txt", [["Range", "bytes=1-2,4-5"]]),
      get("/digits.txt", [["Range", "bytes=100-"]]),
      get("/a.txt", [["If-Modified-Since", LM]]),
      get("/a.txt", [["If-Match", '"x"']]),
      get("/dir"),
    ],
  });
});
