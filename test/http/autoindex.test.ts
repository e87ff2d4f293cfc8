// autoindex compared byte for byte with the reference nginx: the html listing (names cut
// and padded to 50 columns, dates, exact and human sizes, UTF-8 names under charset utf-8),
// json, jsonp with its callback checks, xml; hidden files, errors, HEAD, and index first.
import { test } from "node:test";
import { diffCase, type DiffRequest } from "../differential/harness.js";

const get = (path: string, method = "GET"): DiffRequest => ({ path, method, name: `${method} ${path}` });

const CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    root html;
    location /d/ { autoindex on; }
    location /u/ { alias html/d/; autoindex on; charset utf-8; }
    location /h/ { alias html/d/; autoindex on; autoindex_exact_size off; }
    location /j/ { alias html/d/; autoindex on; autoindex_format json; }
    location /p/ { alias html/d/; autoindex on; autoindex_format jsonp; }
    location /x/ { alias html/d/; autoindex on; autoindex_format xml; }
    location /withindex/ { autoindex on; }
    location /missing/ { autoindex on; }
    location /off/ { alias html/d/; }
    location /l/ { alias html/d/; autoindex on; autoindex_localtime on; }
    location /gz/ { alias html/d/; autoindex on; gzip on; gzip_min_length 1; }
  }
}
`;

const FILES: Record<string, string> = {
  "html/d/a.txt": "x",
  "html/d/k1": "k".repeat(1024),
  "html/d/k15": "k".repeat(1536),
  "html/d/k10": "k".repeat(10000),
  "html/d/k600": "k".repeat(600 * 1024),
  "html/d/big": "b".repeat(1024 * 1024 + 600 * 1024),
  "html/d/.hidden": "",
  "html/d/a&b<c>.txt": "",
  "html/d/q\"uote'%.txt": "",
  "html/d/with space": "",
  "html/d/(x)!*+,;=$@.txt": "",
  "html/d/café.txt": "",
  ["html/d/" + "L".repeat(60)]: "",
  ["html/d/" + "M".repeat(50)]: "",
  ["html/d/" + "é".repeat(55)]: "",
  ["html/d/" + "é".repeat(48)]: "",
  "html/d/sub dir/f": "",
  "html/d/zdir/f": "",
  ["html/d/" + "D".repeat(50) + "/f"]: "",
  "html/d/Upper/f": "",
  "html/withindex/index.html": "the index\n",
};

test("autoindex: html, json, jsonp, xml listings as the reference writes them", async (t) => {
  await diffCase(t, {
    name: "autoindex",
    conf: CONF,
    files: FILES,
    mtime: 1700000000,
    gunzip: true,
    requests: [
      get("/d/"),
      get("/u/"),
      get("/h/"),
      get("/j/"),
      get("/p/?callback=cb_1.x"),
      get("/p/"),
      get("/p/?callback=c-b"),
      get(`/p/?callback=${"c".repeat(129)}`),
      get("/x/"),
      get("/d/", "HEAD"),
      get("/d/", "POST"),
      get("/d/sub%20dir/"),
      get("/d/a.txt/"),
      get("/missing/"),
      get("/withindex/"),
      get("/off/"),
      get("/d"),
      get("/l/"),
      { path: "/gz/", headers: [["Accept-Encoding", "gzip"]], name: "gzipped listing" },
    ],
  });
});
