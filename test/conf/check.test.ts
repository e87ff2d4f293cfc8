// The nginx -t checks, in memory. The texts are nginx 1.22's (fixtures/broken has each
// kind again, compared with the reference live).

import { test } from "node:test";
import assert from "node:assert/strict";
import { CONF, firstError, load, messages } from "./support/memory.js";

const at = (line: number): string => ` in ${CONF}:${line}`;

test("a valid configuration passes, with the tree includes resolved", () => {
  const r = load("events {}\nhttp {\n  include site.conf;\n}\n", { "site.conf": "server {\n  listen 8080;\n}\n" });
  assert.deepEqual(messages(r), []);
  assert.ok(r.ok && r.syntaxOk);
  const http = r.tree[1]!;
  assert.equal(http.block![0]!.name, "server");
  assert.equal(http.block![0]!.file, "/srv/app/conf/site.conf");
  assert.equal(r.files.length, 2);
  assert.deepEqual(r.files[0]!.directives[1]!.block![0]!.includes, [1]);
});

test("unknown directive, not allowed here, argument counts", () => {
  assert.equal(firstError("events {}\nfoo bar;\n"), '[emerg] unknown directive "foo"' + at(2));
  assert.equal(firstError("events {}\nhttp {\n listen 80;\n}\n"), '[emerg] "listen" directive is not allowed here' + at(3));
  assert.equal(firstError("events {}\nworker_processes;\n"), '[emerg] invalid number of arguments in "worker_processes" directive' + at(2));
  assert.equal(firstError("events {}\nhttp {\n server_name a;\n}\n"), '[emerg] "server_name" directive is not allowed here' + at(3));
  const eight = "events {}\nhttp { server { location / { try_files 1 2 3 4 5 6 7 8 9; error_page 404 500 502 503 504 505 506 507 /x; } } }\n";
  assert.equal(firstError(eight), undefined, "1MORE and 2MORE have no upper bound");
});

test("block or not", () => {
  assert.equal(firstError("events {}\nhttp;\n"), '[emerg] directive "http" has no opening "{"' + at(2));
  assert.equal(firstError("events {}\nworker_processes 1 {}\n"), '[emerg] directive "worker_processes" is not terminated by ";"' + at(2));
  assert.equal(firstError("events {}\nhttp {\n init_by_lua_block;\n}\n"), '[emerg] directive "init_by_lua_block" has no opening "{"' + at(3));
});

test("is duplicate: same block, shared groups, and the Lua block's bare message", () => {
  assert.equal(firstError("events {}\nevents {}\n"), '[emerg] "events" directive is duplicate' + at(2));
  assert.equal(firstError("events {}\nhttp { sendfile on; server { sendfile on; } }\n"), undefined, "another block is another level");
  assert.equal(
    firstError("events {}\nhttp { server { location / { root /a; alias /b; } } }\n"),
    '[emerg] "alias" directive is duplicate, "root" directive was specified earlier' + at(2),
  );
  const lua = "events {}\nhttp { server { location / {\n content_by_lua_block { a() }\n content_by_lua_block {\n b()\n }\n} } }\n";
  assert.equal(firstError(lua), "[emerg] is duplicate" + at(6), "at the closing brace, as the module reports it");
  const mixed = "events {}\nhttp { server { location / {\n content_by_lua_block { a() }\n content_by_lua_file a.lua;\n} } }\n";
  assert.equal(firstError(mixed), '[emerg] "content_by_lua_file" directive is duplicate' + at(4));
  assert.equal(firstError("events {}\nhttp { server { location / { set_by_lua_block $a { return 1 } set_by_lua_block $b { return 2 } } } }\n"), undefined);
});

test("-g directives come first, and count with the file's for duplicates", () => {
  const r = load("events {}\ndaemon on;\n", {}, "daemon off;");
  assert.deepEqual(messages(r), ['[emerg] "daemon" directive is duplicate' + at(2)]);
  assert.deepEqual(messages(load("events {}\n", {}, "foo;")), ['[emerg] unknown directive "foo" in command line']);
  assert.deepEqual(messages(load("events {}\n", {}, "daemon off; daemon off;")), ['[emerg] "daemon" directive is duplicate in command line']);
  assert.deepEqual(messages(load("events {}\n", {}, "worker_processes 1")), ['[emerg] unexpected end of parameter, expecting ";" in command line']);
  assert.deepEqual(messages(load("events {}\n", {}, "events {}")), ["[emerg] block directives are not supported in -g option in command line"]);
  assert.deepEqual(messages(load("events {}\n", {}, "}")), ['[emerg] unexpected "}" in command line']);
});

test("no events section: after nginx's syntax is ok", () => {
  const r = load("http {}\n");
  assert.ok(r.syntaxOk);
  assert.equal(r.syntaxDiagnostics, 0);
  assert.deepEqual(messages(r), ['[emerg] no "events" section in configuration']);
});

test("flags, variables, conditions, locations, listen", () => {
  assert.equal(firstError("events {}\nhttp { sendfile yes; }\n"), '[emerg] invalid value "yes" in "sendfile" directive, it must be "on" or "off"' + at(2));
  assert.equal(firstError("events {}\nhttp { sendfile ON; }\n"), undefined);
  assert.equal(firstError("events {}\nhttp { server { set x 1; } }\n"), '[emerg] invalid variable name "x"' + at(2));
  assert.equal(firstError("events {}\nhttp { map $a b { } }\n"), '[emerg] invalid variable name "b"' + at(2));
  assert.equal(firstError("events {}\nhttp { server { if ($a { } } }\n"), '[emerg] invalid condition "$a"' + at(2));
  assert.equal(firstError("events {}\nhttp { server { if ($a == b) { } } }\n"), '[emerg] unexpected "==" in condition' + at(2));
  assert.equal(firstError("events {}\nhttp { server { if (!-f $x) { } if ($a) { } if ( $a = b ) { } } }\n"), undefined);
  assert.equal(firstError("events {}\nhttp { server { location /a { location /b { } } } }\n"), '[emerg] location "/b" is outside location "/a"' + at(2));
  assert.equal(firstError("events {}\nhttp { server { location = /a { location /a/b { } } } }\n"), '[emerg] location "/a/b" cannot be inside the exact location "/a"' + at(2));
  assert.equal(firstError("events {}\nhttp { server { location @a { } location @a { } location ~ /a { } location ~ /a { } } }\n"), undefined);
  assert.equal(firstError("events {}\nhttp { server { location * /a { } } }\n"), '[emerg] invalid location modifier "*"' + at(2));
  assert.equal(firstError("events {}\nhttp { server { listen 80; listen *:80; } }\n"), "[emerg] a duplicate listen 0.0.0.0:80" + at(2));
  assert.equal(firstError("events {}\nhttp { server { listen [::]:80; listen [::]:80; } }\n"), "[emerg] a duplicate listen [::]:80" + at(2));
});

test("duplicate locations are found when the http block ends", () => {
  const later = "events {}\nhttp {\n server {\n  location /a { }\n  location ^~ /a { }\n }\n server {\n  bogus;\n }\n}\n";
  assert.equal(firstError(later), '[emerg] unknown directive "bogus"' + at(8));
  assert.equal(firstError("events {}\nhttp {\n server {\n  location /a { }\n  location /a { }\n }\n}\nbogus;\n"), '[emerg] duplicate location "/a"' + at(5));
  assert.equal(firstError("events {}\nhttp { server { location = /a { } location /a { } } }\n"), undefined);
});

test("values the standard handlers read", () => {
  const v = (line: string) => firstError(`events {}\nhttp {\n ${line}\n}\n`);
  assert.equal(v("keepalive_requests 10k;"), '[emerg] "keepalive_requests" directive invalid number' + at(3));
  assert.equal(v("client_body_buffer_size 1g;"), '[emerg] "client_body_buffer_size" directive invalid value' + at(3));
  assert.equal(v("client_max_body_size 1g;"), undefined, "offsets take g");
  assert.equal(v("client_body_timeout 1m1h;"), '[emerg] "client_body_timeout" directive invalid value' + at(3));
  assert.equal(v('client_body_timeout "1h 30m";'), undefined);
  assert.equal(v("open_file_cache_valid 500ms;"), '[emerg] "open_file_cache_valid" directive invalid value' + at(3));
  assert.equal(v("server_tokens Build;"), undefined, "case does not matter");
  assert.equal(v("server_tokens hidden;"), '[emerg] invalid value "hidden"' + at(3));
  assert.equal(v("large_client_header_buffers 0 8k;"), '[emerg] "large_client_header_buffers" directive invalid value' + at(3));
  const r = load("events {}\nhttp {\n proxy_next_upstream error timeout ERROR;\n}\n");
  assert.deepEqual(messages(r), ['[warn] duplicate value "ERROR"' + at(3)]);
});

test("map, geo, split_clients and types lines", () => {
  assert.equal(firstError("events {}\nhttp { map $a $b { a b c; } }\n"), "[emerg] invalid number of the map parameters" + at(2));
  assert.equal(firstError("events {}\nhttp { map $a $b { A 1; a 2; } }\n"), '[emerg] conflicting parameter "a"' + at(2));
  assert.equal(firstError("events {}\nhttp { map $a $b { default 1; default 2; } }\n"), "[emerg] duplicate default map parameter" + at(2));
  assert.equal(firstError("events {}\nhttp { geo $a { default 1; ranges; } }\n"), '[emerg] the "ranges" directive must be the first directive inside "geo" block' + at(2));
  assert.equal(firstError("events {}\nhttp { split_clients $a $b { 50% a; 60% b; } }\n"), "[emerg] percent total is greater than 100%" + at(2));
  assert.equal(firstError("events {}\nhttp { split_clients $a $b { x a; } }\n"), '[emerg] invalid percent value "x"' + at(2));
  assert.equal(firstError("events {}\nhttp {\n types {\n  text/html html { }\n }\n}\n"), '[emerg] unexpected "{"' + at(4));
  assert.equal(firstError("events {}\nhttp { map $a $b { include m.inc; } }\n", { "m.inc": "a 1;\nb 2;\n" }), undefined);
});

test("Lua code that nginx refuses at -t", () => {
  assert.equal(
    firstError("events {}\nhttp { server { location / {\n content_by_lua_block {}\n } } }\n"),
    "[error] invalid location config: no runnable Lua code" + at(3),
  );
  assert.equal(firstError("events {}\nhttp { init_worker_by_lua_block {} }\n"), undefined);
  assert.equal(firstError("events {}\nhttp { init_by_lua '';}\n"), "[error] invalid location config: no runnable Lua code" + at(2));
});

test("load_module is accepted before the first block only", () => {
  assert.equal(firstError("load_module modules/ngx_http_lua_module.so;\nevents {}\n"), undefined);
  assert.equal(firstError("events {}\nload_module x.so;\n"), '[emerg] "load_module" directive is specified too late' + at(2));
});

test("unsupported directives warn and are never dropped silently", () => {
  const r = load("events {}\nhttp { server { location / { fastcgi_pass 127.0.0.1:9000; } } }\nstream { server { listen 1; proxy_pass 127.0.0.1:2; } }\n");
  assert.deepEqual(messages(r), [
    '[warn] "fastcgi_pass" directive is not supported by tsresty, ignored' + at(2),
    '[warn] "stream" directive is not supported by tsresty, ignored' + at(3),
  ]);
  assert.ok(r.ok);
  assert.equal(r.tree[1]!.block![0]!.block![0]!.block![0]!.name, "fastcgi_pass", "kept in the tree");
});

test("servers sharing an address and a name: nginx's warning", () => {
  const r = load("events {}\nhttp { server { listen 8080; server_name a; } server { listen 8080; server_name A b; } }\n");
  assert.deepEqual(messages(r), ['[warn] conflicting server name "a" on 0.0.0.0:8080, ignored']);
  assert.ok(r.ok);
});

test("a syntax error comes after the errors nginx meets before it", () => {
  assert.equal(firstError("events {}\nbogus;\nhttp {\n"), '[emerg] unknown directive "bogus"' + at(2));
  assert.equal(firstError("events {}\nhttp {\n server {\n listen 80 }\n"), '[emerg] unexpected "}"' + at(4));
  assert.equal(
    firstError("events {}\nhttp {\n content_by_lua_block {\n x = [[\n"),
    '[emerg] "content_by_lua_block" directive is not allowed here' + at(3),
    "nginx checks the head before reading the body",
  );
});

test("an empty file is read fine, then lacks events", () => {
  const r = load("");
  assert.ok(r.syntaxOk);
  assert.ok(!r.ok);
});
