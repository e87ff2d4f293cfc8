// The bundled libraries used from Lua code, run through tsresty's compiler. Where the
// reference luajit can run the same program (cjson, lrucache), both outputs are compared
// byte for byte; the others check documented results.
import { test } from "node:test";
import assert from "node:assert/strict";
import { haveReference, runReference } from "./reference.js";
import { newGlobals } from "../../src/lua/state.js";
import { loadLua } from "../../src/lua/compile.js";
import { bundledModules } from "../../src/lib/index.js";
import { LuaError } from "../../src/lua/runtime/error.js";

/** Run a program whose chunk returns its output text, under the name "stdin" as `luajit -` names it. */
function ours(program: string): string {
  const G = newGlobals({ preload: bundledModules });
  try {
    const r = loadLua(program, "=stdin", G)();
    return String(Array.isArray(r) ? r[0] : r);
  } catch (e) {
    if (e instanceof LuaError) return `ERROR: ${String(e.value)}`;
    throw e;
  }
}

function reference(program: string): string {
  // One line of prelude, so that line numbers in messages are the program's own.
  const prelude = 'package.path = "/usr/share/lua/5.1/?.lua;" .. package.path; ' +
    "ngx = { now = function() return 1000 end, log = function() end, ALERT = 1 }; io.write((function() ";
  return runReference(prelude + program + "\nend)())");
}

const CJSON_PROGRAM = String.raw`
local cjson = require "cjson"
local safe = require "cjson.safe"
local out = {}
local function add(...) local t = {} for i = 1, select("#", ...) do t[i] = tostring((select(i, ...))) end out[#out + 1] = table.concat(t, " ") end
local doc = cjson.decode('{"list":[1,2.5,"three",true,null,{"k":"v/w"}],"n":-0.0,"e":1e300,"s":"\\u00e9\\ud83d\\ude00"}')
add(#doc.list, doc.list[2], doc.list[3], doc.list[4], doc.list[5] == cjson.null, doc.list[6].k, doc.n, doc.e, #doc.s)
add(cjson.encode(doc.list), cjson.encode(doc.s), cjson.encode({doc.e, 1/3, -0.0, 42}))
add(cjson.encode({}), cjson.encode({{}}), cjson.encode({[1]=1,[2]=2,[4]=4}), cjson.encode("\0\31\127"))
add(pcall(cjson.encode, {[100]=1}))
add(pcall(cjson.encode, {print}))
add(pcall(cjson.decode, "[1,2"))
add(pcall(cjson.decode, '{"a" 1}'))
add(pcall(cjson.decode))
add(safe.decode("nope"))
add(safe.encode(function() end))
add(safe.decode('"ok"'))
add(pcall(function() local v = cjson.decode("{") return v end))
add(pcall(function() local v = cjson.encode() return v end))
add(pcall(function() local v = cjson.encode_max_depth(0) return v end))
local c2 = cjson.new()
c2.encode_sparse_array(true)
c2.encode_number_precision(4)
add(c2.encode({[50]="x"}), c2.encode(math.pi), cjson.encode(math.pi), c2.encode_max_depth(), cjson.decode_max_depth(5))
add(pcall(cjson.decode, "[[[[[[1]]]]]]"))
add(cjson.null == safe.null, type(cjson.null), tostring(cjson.null), cjson._NAME)
local big = {}
for i = 1, 200 do big[i] = { id = i, name = "n" .. i, tags = { "a", "b" } } end
local again = cjson.decode(cjson.encode(big))
add(#again, again[200].name, again[17].tags[2], again[100].id)
return table.concat(out, "\n")
`;

const LRU_PROGRAM = String.raw`
local lrucache = require "resty.lrucache"
local out = {}
local function add(...) local t = {} for i = 1, select("#", ...) do t[i] = tostring((select(i, ...))) end out[#out + 1] = table.concat(t, " ") end
local c = lrucache.new(3)
c:set("a", 1)
c:set("b", { 2 }, 100, 5)
c:set("c", "three")
add(c:get("a"))
c:set("d", 4)
add(c:get("b"), c:get("a"), c:count(), c:capacity())
local keys = c:get_keys()
add(#keys, keys[1], keys[2], keys[3])
add(c:delete("a"), c:delete("a"), c:count())
add(#c:get_keys(1))
c:flush_all()
add(c:count(), c:get("c"), #c:get_keys())
add(lrucache.new(0))
return table.concat(out, "\n")
`;

test("snippets: a cjson program prints what it prints under luajit and lua-cjson", (t) => {
  const got = ours(CJSON_PROGRAM);
  if (!haveReference()) {
    t.skip("luajit with lua-cjson is not installed");
    return;
  }
  assert.equal(got, reference(CJSON_PROGRAM));
});

test("snippets: an lrucache program prints what it prints with lua-resty-lrucache", (t) => {
  const got = ours(LRU_PROGRAM);
  if (!haveReference()) {
    t.skip("luajit is not installed");
    return;
  }
  // table addresses differ between the two runtimes
  const norm = (s: string): string => s.replace(/table: 0x[0-9a-f]+/g, "table: ADDR");
  assert.equal(norm(got), norm(reference(LRU_PROGRAM)));
});

test("snippets: OpenResty's cjson additions from Lua", () => {
  const got = ours(String.raw`
    local cjson = require "cjson"
    local out = {}
    out[#out + 1] = cjson.encode({ some_object = {}, some_array = cjson.empty_array })
    out[#out + 1] = cjson.encode(setmetatable({ "hello", "world" }, cjson.array_mt))
    local t = { "one", "two", nil, "three" }
    t.foo = "bar"
    out[#out + 1] = cjson.encode(setmetatable(t, cjson.array_mt))
    out[#out + 1] = cjson.encode({ arr = setmetatable({}, cjson.empty_array_mt) })
    cjson.decode_array_with_array_mt(true)
    out[#out + 1] = cjson.encode(cjson.decode('{"my_array":[]}'))
    cjson.encode_empty_table_as_object(false)
    out[#out + 1] = cjson.encode({ dogs = {} })
    cjson.encode_escape_forward_slash(false)
    out[#out + 1] = cjson.encode("http://x/y")
    cjson.encode_escape_forward_slash(true)
    cjson.encode_number_precision(16)
    out[#out + 1] = cjson.encode(0.1 + 0.2)
    cjson.encode_invalid_numbers(true)
    out[#out + 1] = cjson.encode({ 1/0, -1/0 })
    return table.concat(out, "\n")
  `);
  const lines = got.split("\n");
  assert.ok(lines[0] === '{"some_object":{},"some_array":[]}' || lines[0] === '{"some_array":[],"some_object":{}}', lines[0]);
  assert.deepEqual(lines.slice(1), [
    '["hello","world"]',
    '["one","two",null,"three"]',
    '{"arr":[]}',
    '{"my_array":[]}',
    '{"dogs":[]}',
    '"http://x/y"',
    "0.3000000000000000444".slice(0, 3),
    "[Infinity,-Infinity]",
  ]);
});

test("snippets: resty.string, digests, random and aes from Lua", () => {
  const got = ours(String.raw`
    local str = require "resty.string"
    local resty_sha1 = require "resty.sha1"
    local resty_md5 = require "resty.md5"
    local random = require "resty.random"
    local aes = require "resty.aes"
    local out = {}
    local sha1 = resty_sha1:new()
    sha1:update("hello, ")
    sha1:update("world")
    out[#out + 1] = str.to_hex(sha1:final())
    local md5 = resty_md5:new()
    md5:update("hel") md5:update("lo")
    out[#out + 1] = str.to_hex(md5:final())
    out[#out + 1] = #random.bytes(16, true) .. " " .. str.atoi("1234")
    local cipher = aes:new("AKeyForAES-256-CBC", "MySalt!!", aes.cipher(256, "cbc"), aes.hash.sha512, 5)
    local enc = cipher:encrypt("Really secret message!")
    out[#out + 1] = #enc .. " " .. cipher:decrypt(enc)
    local a128 = aes:new("secret")
    out[#out + 1] = str.to_hex(a128:encrypt("hello"))
    out[#out + 1] = tostring(select(2, aes:new("secret", "short")))
    local ok, err = pcall(function() return a128.encrypt("x") end)
    out[#out + 1] = err
    return table.concat(out, "\n")
  `);
  assert.deepEqual(got.split("\n"), [
    "b7e23ec29af22b0b4e41da31e868d57226121c84",
    "5d41402abc4b2a76b9719d911017c592",
    "16 1234",
    "32 Really secret message!",
    "7b47a4dbb11e2cddb2f3740c9e3a552b",
    "salt must be 8 characters or nil",
    "stdin:22: bad argument #1 self: table expected, got string",
  ]);
});
