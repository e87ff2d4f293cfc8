// ngx_set_misc's set_* directives, each case compared with the reference nginx: the filters
// (escaping, quoting, digests, base64/32/hex), their invalid values (500 and the error-log
// line), the one-argument form, set_if_empty, and their order with set, if and set_by_lua.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { diffCase, type DiffRequest } from "../differential/harness.js";
import { compareLoadErrors } from "./load-check.js";
import { startInProcess } from "./support.js";

const get = (path: string): DiffRequest => ({ path });

// Every byte 0x01..0xff, escaped for a query string.
const ALL = Array.from({ length: 255 }, (_, i) => "%" + (i + 1).toString(16).padStart(2, "0")).join("");

const FILTERS_CONF = `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location /unesc { set_unescape_uri $a $arg_a; return 200 "[$a]"; }
    location /esc { set_unescape_uri $a $arg_a; set_escape_uri $b $a; return 200 "[$b]"; }
    location /sql { set_unescape_uri $a $arg_a; set_quote_sql_str $b $a; return 200 "[$b]"; }
    location /pg { set_unescape_uri $a $arg_a; set_quote_pgsql_str $b $a; return 200 "[$b]"; }
    location /json { set_unescape_uri $a $arg_a; set_quote_json_str $b $a; return 200 "[$b]"; }
    location /md5 { set_unescape_uri $a $arg_a; set_md5 $b $a; set_sha1 $c $a; return 200 "[$b][$c]"; }
    location /b64 { set_unescape_uri $a $arg_a; set_decode_base64 $b $a; return 200 "[$b]"; }
    location /e64 { set_unescape_uri $a $arg_a; set_encode_base64 $b $a; return 200 "[$b]"; }
    location /b32 { set_unescape_uri $a $arg_a; set_decode_base32 $b $a; return 200 "[$b]"; }
    location /e32 { set_unescape_uri $a $arg_a; set_encode_base32 $b $a; return 200 "[$b]"; }
    location /hex { set_unescape_uri $a $arg_a; set_decode_hex $b $a; return 200 "[$b]"; }
    location /ehex { set_unescape_uri $a $arg_a; set_encode_hex $b $a; return 200 "[$b]"; }
    location /self { set $a $arg_a; set_md5 $a; set_encode_base64 $a; return 200 "[$a]"; }
    location /empty { set $n $arg_a; set_if_empty $n "dflt $uri"; return 200 "[$n]"; }
    location /rand { set_random $r 7 7; set_random $s $arg_a $arg_a; return 200 "[$r][$s]"; }
  }
}
`;

test("set_misc filters", async (t) => {
  const paths: string[] = [];
  for (const l of ["unesc", "esc", "sql", "pg", "json", "md5", "e64", "e32", "ehex"]) {
    paths.push(`/${l}?a=${ALL}`, `/${l}?a=`, `/${l}?a=h%20i+j%2Bk%zz%4`);
  }
  for (const v of ["aGVsbG8=", "aGVsbG8", "aGVsbG8==", "aGV%0AsbG8=", "a-_b", "a", "aa", "aaa", ""]) paths.push(`/b64?a=${v}`);
  for (const v of ["d1ilssv5", "d1ilssv5dg======", "D1ILSSV5", "d1ilssv", "d1", "d1i", "d1il", "w", "0", ""]) paths.push(`/b32?a=${v}`);
  for (const v of ["68656c6c6f", "6A6b", "abc", "zz", ""]) paths.push(`/hex?a=${v}`);
  for (const v of ["", "x", "%20"]) paths.push(`/self?a=${v}`, `/empty?a=${v}`);
  paths.push("/rand?a=3");
  await diffCase(t, { name: "set_misc filters", conf: FILTERS_CONF, requests: paths.map(get) });
});

test("set_misc: order with set, if, set_by_lua and server-level rewrite directives", async (t) => {
  await diffCase(t, {
    name: "set_misc order",
    conf: `
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    set $srv "a b";
    set_escape_uri $srv;
    location / {
      set $x "<$arg_v>";
      set_quote_json_str $x;
      set_by_lua_block $y { return ngx.var.x .. "!" }
      set_quote_sql_str $z $y;
      if ($arg_w) { set_encode_hex $w $arg_w; }
      rewrite_by_lua_block { ngx.var.x = ngx.var.x .. "L" }
      set_md5 $m $x;
      return 200 "srv=$srv x=$x y=$y z=$z w=$w m=$m\\n";
    }
  }
}`,
    requests: [get("/?v=1"), get("/?v=%22q%22&w=ab"), get("/")],
  });
});

test("set_secure_random_* and set_random give values of the asked shape", async () => {
  const s = await startInProcess(`
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:__PORT__;
    location / {
      set_secure_random_alphanum $a 32;
      set_secure_random_lcalpha $b 10;
      set_random $c 3 5;
      return 200 "$a $b $c";
    }
  }
}`);
  try {
    for (let i = 0; i < 5; i++) {
      const body = await (await fetch(`http://127.0.0.1:${s.port}/`)).text();
      assert.match(body, /^[A-Za-z0-9]{32} [a-z]{10} [345]$/);
    }
  } finally {
    await s.close();
  }
});

test("set_misc: load-time errors as nginx -t words them", async (t) => {
  await compareLoadErrors(t, [
    "set_md5 x $a;", "set_md5 $uri $arg_a;", "set_if_empty x y;", "set_quote_sql_str $a;", "set_escape_uri $a $b $c;",
    "set_random $x 1 2;", "set_secure_random_alphanum $x 10;",
  ]);
});
