// The Lua block scan on its own: the module's token rules, its limits inside nginx's
// 4096-byte buffer, and the chunk names Lua errors will carry.

import { test } from "node:test";
import assert from "node:assert/strict";
import { scanLuaBlock } from "../../src/conf/lua-block-scanner.js";
import { ConfBuffer } from "../../src/conf/conf-buffer.js";
import { luaChunkName } from "../../src/conf/lua-chunk-name.js";

function scan(body: string, bufferAt = Infinity): ReturnType<typeof scanLuaBlock> {
  const text = "x {" + body;
  const buf = new ConfBuffer(text.length, true);
  buf.last = Math.min(text.length, bufferAt);
  return scanLuaBlock(text, 3, 1, buf);
}

test("what the scan skips over", () => {
  const ok = (body: string, code: string) => assert.deepEqual(scan(body), { ok: true, end: 3 + code.length + 1, code, line: 1 + (code.match(/\n/g) ?? []).length });
  ok(' a = "}" }', ' a = "}" ');
  ok(" a = '\\'}' }", " a = '\\'}' ");
  ok(' a = "\\\\" }', ' a = "\\\\" ');
  ok(" -- } comment\n}", " -- } comment\n");
  ok(" --[[ }\n ]] }", " --[[ }\n ]] ");
  ok(" --[==[ ]] } ]=] ]==] }", " --[==[ ]] } ]=] ]==] ");
  ok(" s = [=[ } ]] ]=] }", " s = [=[ } ]] ]=] ");
  ok(" t = { {}, { {} } } }", " t = { {}, { {} } } ");
  ok(" a[b[1]] = 1 }", " a[b[1]] = 1 ");
  ok(" x = 1 ---[[ }\n}", " x = 1 ---[[ }\n");
});

test("an unclosed quote is plain text, and a string stops at its line", () => {
  assert.deepEqual(scan(' s = "a\n}'), { ok: true, end: 3 + 9, code: ' s = "a\n', line: 2 });
  assert.deepEqual(scan(' s = "a\\\n}"\n}'), { ok: true, end: 3 + 10, code: ' s = "a\\\n', line: 2 });
});

test("errors and their lines", () => {
  assert.deepEqual(scan("\n a = {\n b }\n c = {}\n"), {
    ok: false,
    message: "unexpected end of file, expecting terminating characters for lua code block",
    line: 4,
  });
  assert.deepEqual(scan("\n\n s = [=[ }\n"), {
    ok: false,
    message: 'Lua code block missing the closing long bracket "]=]", the inlined Lua code may be too long',
    line: 3,
  });
});

test("the buffer: a long bracket must close inside it, plain text must not fill it", () => {
  const text = "x {" + " s = [[" + "y".repeat(5000) + "]] }";
  const fromFile = new ConfBuffer(text.length, true);
  fromFile.last = 4096;
  const r = scanLuaBlock(text, 3, 1, fromFile);
  assert.equal(r.ok, false);
  assert.match((r as { message: string }).message, /missing the closing long bracket "\]\]"/);
  const plain = "x {" + " a = 1" + " + 1".repeat(1500) + " }";
  const buf = new ConfBuffer(plain.length, true);
  buf.last = 4096;
  assert.deepEqual(scanLuaBlock(plain, 3, 1, buf), {
    ok: false,
    message: "too long lua code block, probably missing terminating characters",
    line: 1,
  });
});

test("chunk names, as lua-nginx-module makes them", () => {
  assert.equal(luaChunkName("content_by_lua", "/srv/app/conf/nginx.conf", 6, "/srv/app/conf/"), "content_by_lua(nginx.conf:6)");
  assert.equal(luaChunkName("init_by_lua", "/x/nginx.conf", 12, "/srv/"), "init_by_lua(nginx.conf:12)");
  assert.equal(luaChunkName("access_by_lua", "/srv/app/conf/sites/api.conf", 3, "/srv/app/conf/"), "access_by_lua(sites/api.conf:3)");
  assert.equal(luaChunkName("log_by_lua", "/etc/other/api.conf", 3, "/srv/app/conf/"), "log_by_lua(/etc/other/api.conf:3)");
  const long = "/srv/app/conf/" + "a".repeat(60) + ".conf";
  const name = luaChunkName("content_by_lua", long, 100, "/srv/app/conf/");
  assert.ok(name.startsWith("content_by_lua(...a"));
  assert.equal(name.length - "content_by_lua(".length - "...".length - ":100)".length, 56 - "content_by_lua".length - 3 - 3);
});
