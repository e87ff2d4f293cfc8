// The lexer and grammar on nginx's corner cases. Every expectation here was checked
// against nginx 1.22 (most also appear in fixtures/broken, compared live).

import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "./support/memory.js";
import { decodeBytes } from "../../src/conf/bytes.js";
import { unescapeWord } from "../../src/conf/token-stream.js";
import type { DirectiveNode } from "../../src/conf/grammar-actions.js";

function only(text: string): DirectiveNode {
  const r = parse(text);
  assert.equal(r.fault, null, r.fault?.message);
  assert.equal(r.directives.length, 1);
  return r.directives[0]!;
}

function fault(text: string): { message: string; line: number } | null {
  return parse(text).fault;
}

test("words, quotes and the end of a word", () => {
  assert.deepEqual(only(`a "b c" 'd;e' f\\ g h}i;`).args, ["b c", "d;e", "f\\ g", "h}i"]);
  assert.deepEqual(only("a\tb\r\nc\n;").args, ["b", "c"]);
  assert.deepEqual(only('a "";').args, [""]);
});

test("escapes: \\\" \\' \\\\ and \\t \\r \\n are translated, any other backslash stays", () => {
  assert.deepEqual(only(`a "x\\"y" 'x\\'y' "x\\\\y" "t\\tn\\nr\\r" "\\d+" \\w\\$;`).args, [
    'x"y',
    "x'y",
    "x\\y",
    "t\tn\nr\r",
    "\\d+",
    "\\w\\$",
  ]);
  assert.equal(unescapeWord("\\\\n"), "\\n");
  assert.equal(unescapeWord("a\\"), "a\\");
});

test("a quote opens a string only at the start of a word", () => {
  assert.deepEqual(only(`a b"c"d;`).args, ['b"c"d']);
  assert.deepEqual(fault('events {}\n"a"b;'), { message: 'unexpected "b"', line: 2 });
  assert.deepEqual(fault('a "x"}'), { message: 'unexpected "}"', line: 1 });
});

test("after a closing quote, ) starts the next word: if conditions", () => {
  assert.deepEqual(only('if ($a = "x") { }').args, ["($a", "=", "x", ")"]);
  assert.deepEqual(only('if ($request_uri ~* "^/a{2};$") { }').args, ["($request_uri", "~*", "^/a{2};$", ")"]);
  assert.deepEqual(only('a "x")b;').args, ["x", ")b"]);
});

test("# starts a comment only at the start of a token", () => {
  const r = only("a#b c #d;\n;");
  assert.equal(r.name, "a#b");
  assert.deepEqual(r.args, ["c"]);
  assert.deepEqual(only("a \\#b;").args, ["\\#b"]);
  assert.equal(parse("# only a comment").directives.length, 0);
});

test("$ lets { continue a word: ${var}", () => {
  assert.deepEqual(only("set $x ${uri}.html;").args, ["$x", "${uri}.html"]);
  assert.deepEqual(only("a /a/${b}/c;").args, ["/a/${b}/c"]);
  const block = only("a $x{ }");
  assert.deepEqual(block.args, ["$x"]);
  assert.deepEqual(block.block, []);
});

test("a quoted regex may hold {, } and ;", () => {
  const loc = only('location ~ "^/a{2};$" { return 204; }');
  assert.deepEqual(loc.args, ["~", "^/a{2};$"]);
  assert.equal(loc.block!.length, 1);
});

test("map, types, geo and split_clients blocks hold lines", () => {
  const http = only(`http {
    map $http_host $name { hostnames; default 0; ~^www\\. 1; "*.example.com" 2; '' 3; }
    types { text/html html htm; application/json json; }
    geo $geo { default 0; 10.0.0.0/8 1; }
    split_clients "\${remote_addr}x" $variant { 50% a; * b; }
  }`);
  const [map, types, geo, split] = http.block!;
  assert.deepEqual(map!.block!.map((l) => [l.name, ...l.args]), [["hostnames"], ["default", "0"], ["~^www\\.", "1"], ["*.example.com", "2"], ["", "3"]]);
  assert.deepEqual(types!.block!.map((l) => l.name), ["text/html", "application/json"]);
  assert.equal(geo!.block!.length, 2);
  assert.deepEqual(split!.args, ["${remote_addr}x", "$variant"]);
});

test("UTF-8 and other bytes anywhere", () => {
  const utf8 = Buffer.from('env "русский текст"; Mölln é;', "utf8").toString("latin1");
  const r = parse(utf8);
  assert.equal(decodeBytes(r.directives[0]!.args[0]!), "русский текст");
  assert.equal(decodeBytes(r.directives[1]!.name), "Mölln");
  const raw = only("a \xff\xfe\x00\x80;");
  assert.equal(raw.args[0], "\xff\xfe\x00\x80");
  assert.equal(decodeBytes(raw.args[0]!), "\ufffd\ufffd\x00\ufffd");
});

test("lines: a directive's first line, and the line of its ; or {", () => {
  const [a, b] = parse("events {}\nfoo\n  bar\n  ;\nhttp\n{\n}\n").directives.slice(1);
  assert.equal(a!.line, 2);
  assert.equal(a!.endLine, 4);
  assert.equal(b!.line, 5);
  assert.equal(b!.endLine, 6);
  assert.equal(only("a\r\n\r\nb;").endLine, 3);
});

test("syntax errors, with nginx's words and line", () => {
  assert.deepEqual(fault("events {}\nhttp {\n}\n}\n"), { message: 'unexpected "}"', line: 4 });
  assert.deepEqual(fault("a b }"), { message: 'unexpected "}"', line: 1 });
  assert.deepEqual(fault("http {\n\n"), { message: 'unexpected end of file, expecting "}"', line: 3 });
  assert.deepEqual(fault("a b"), { message: 'unexpected end of file, expecting ";" or "}"', line: 1 });
  assert.deepEqual(fault('a "b\n\n'), { message: 'unexpected end of file, expecting ";" or "}"', line: 3 });
  assert.deepEqual(fault("a\\"), { message: 'unexpected end of file, expecting ";" or "}"', line: 1 });
  assert.deepEqual(fault("\n;"), { message: 'unexpected ";"', line: 2 });
  assert.deepEqual(fault("{"), { message: 'unexpected "{"', line: 1 });
  assert.equal(fault(""), null);
  assert.equal(fault("\xef\xbb\xbfevents {}"), null, "a BOM is part of the first word, as in nginx");
});

test("on a syntax error the tree holds what came before it", () => {
  const r = parse("events {}\nhttp {\n server {\n  listen 80;\n  bad }\n");
  assert.equal(r.fault?.message, 'unexpected "}"');
  const http = r.directives[1]!;
  assert.equal(http.truncated, true);
  assert.deepEqual(http.block![0]!.block!.map((d) => d.name), ["listen"]);
});

test("Lua blocks: the body verbatim from the { line, braces in strings and comments ignored", () => {
  const text = [
    "location / {",
    "    content_by_lua_block {",
    '        ngx.say("}", \'{\', "\\"}")  -- } {',
    "        local t = { [[ } ]], [==[ ]] } ]==], { 1, { 2 } } }",
    "        --[[ }",
    "        ]] --[=[ { ]=]",
    "    }",
    "}",
  ].join("\n");
  const lua = only(text).block![0]!;
  assert.equal(lua.name, "content_by_lua_block");
  assert.deepEqual(lua.args, []);
  assert.equal(lua.lua!.line, 2);
  assert.equal(lua.lua!.endLine, 7);
  assert.equal(lua.lua!.code, "\n" + text.split("\n").slice(2, 6).join("\n") + "\n    ");
});

test("Lua blocks: set_by_lua_block $var, a quoted name, and a name used as an argument", () => {
  const r = parse('set_by_lua_block $res { return 1 }\n"rewrite_by_lua_block" { x() }\nserver_name content_by_lua_block;\n');
  assert.equal(r.fault, null);
  const [set, rewrite, name] = r.directives;
  assert.deepEqual(set!.args, ["$res"]);
  assert.equal(set!.lua!.code, " return 1 ");
  assert.equal(rewrite!.lua!.code, " x() ");
  assert.deepEqual(name!.args, ["content_by_lua_block"]);
});

test("Lua blocks: where the first line of code is", () => {
  const r = parse("http {\n  init_by_lua_block\n  {\n    local x\n    error()\n  }\n}\n");
  const lua = r.directives[0]!.block![0]!.lua!;
  assert.equal(lua.line, 3, "the { line is the chunk's line 1");
  assert.equal(lua.code.split("\n")[2], "    error()");
});

test("Lua blocks: the module's errors", () => {
  assert.deepEqual(fault("init_by_lua_block {\n x = {\n y = 1 }\n z = {}\n"), {
    message: "unexpected end of file, expecting terminating characters for lua code block",
    line: 4,
  });
  assert.deepEqual(fault("init_by_lua_block {\n local s = [==[ }\n }\n"), {
    message: 'Lua code block missing the closing long bracket "]==]", the inlined Lua code may be too long',
    line: 2,
  });
  assert.deepEqual(fault("init_by_lua_block {\n --[[ }\n"), {
    message: 'Lua code block missing the closing long bracket "]]", the inlined Lua code may be too long',
    line: 2,
  });
  // A string ends at its line: the } on line 3 closes the block, then nginx reads on.
  assert.deepEqual(fault('init_by_lua_block {\n local s = "a\n}\nx = "\n'), {
    message: 'unexpected end of file, expecting ";" or "}"',
    line: 5,
  });
});

test("deep nesting is refused, not a stack overflow", () => {
  const deep = "a {".repeat(600) + "}".repeat(600);
  assert.deepEqual(fault(deep), { message: "blocks nested more than 512 deep", line: 1 });
  assert.equal(fault("a {".repeat(500) + "}".repeat(500)), null);
});
