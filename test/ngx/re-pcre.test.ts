// ngx.re with the PCRE features a JS RegExp lacks, compared with nginx + ngx_lua (PCRE 8):
// inline option changes in the middle of a pattern ((?i) (?-i) (?i:...) for i, s, m, x),
// possessive quantifiers and atomic groups (capture numbers kept), \\A \\z \\Z \\G, \\h \\v \\R,
// \\Q...\\E, Unicode properties under "u", conditions on an assertion, (?(R)/(?(DEFINE) and on
// a group made optional by `?` (rewritten by alternation),
// and PCRE's error strings for bad patterns (also bad conditions and recursion references).
import { test } from "node:test";
import { diffCase } from "../differential/harness.js";

const CASES = String.raw`return {
  {"a(?i)b", "aB"}, {"a(?i)b", "AB"}, {"(?i:a)b", "Ab"}, {"(?i:a)b", "AB"}, {"a(?i:b|c)d", "aCd"}, {"a(?i:b|c)d", "aCD"},
  {"(a(?i)b)c", "aBc"}, {"(a(?i)b)c", "aBC"}, {"(?i)a(?-i)b", "Ab"}, {"(?i)a(?-i)b", "AB"}, {"a(?i)[b-d]x", "aCX"}, {"a(?i)[^b]", "aB"},
  {"x(?s).", "x\n"}, {"x(?s:.)(.)", "x\n\n"}, {"(?m)^b", "a\nb"}, {"a\n(?m)^b", "a\nb"}, {"a(?m)$", "a\nb"}, {"(?x) a b (?-x) c", "ab c"},
  {"a(?i)b", "ab", "i"}, {"(?-i)a", "A", "i"}, {"a(?-i:b)", "Ab", "i"}, {"a(?-i:b)", "AB", "i"},
  {"a++b", "aaab"}, {"a++a", "aaaa"}, {"(a|b)*+c", "ababc"}, {"\\d{2,}+5", "12345"}, {"[ab]?+b", "b"}, {"(x)a*+\\1", "xaax"},
  {"(?>a+)b", "aaab"}, {"(?>a+)a", "aaaa"}, {"(?>(a)|b)(c)\\2", "acc"}, {"(x)(?>y)(z)\\2", "xyzz"}, {"(?>x(y))\\1(z)", "xyyz"},
  {"\\Aab", "ab"}, {"\\Aab", "cab"}, {"ab\\z", "ab\n"}, {"ab\\Z", "ab\n"}, {"ab\\Z", "ab\nc"},
  {"\\Gab", "abab"}, {"a\\h+b", "a \tb"}, {"a\\v+b", "a\n\rb"}, {"a\\Rb", "a\r\nb"}, {"a\\R{2}b", "a\r\n\nb"}, {"\\H\\V", "xy"},
  {"\\Qa.b\\E.", "a.bc"}, {"\\Qa.b\\E.", "axbc"}, {"\\Q(\\E", "("}, {"x\\Q", "x"},
  {"\\p{Lu}+", "abCD\195\169", "u"}, {"\\pL+", "12ab", "u"}, {"\\p{Greek}+", "x\206\177\206\178\206\179", "u"}, {"\\P{L}+", "ab12", "u"}, {"\\p{^L}+", "ab12", "u"}, {"\\p{L&}+", "1aB", "u"}, {"\\p{Xan}+", "-a1-", "u"}, {"\\p{Nd}", "x\217\163", "u"},
  {"\\p{Lu}", "A"}, {"\\p{Foo}", "A", "u"},
  {"(?i)ab(?-i:c)", "ABc"}, {"(?i)ab(?-i:c)", "ABC"}, {"(?i:[[:upper:]])", "a"}, {"a(?i)\\x42", "ab"}, {"(?i)\\Qab\\E", "AB"}, {"a(?i)(?<n>b)\\k<n>", "aBB"},
  {"(a)(?>(b)|c)\\2(d)", "abbd"}, {"((a)b)++\\2", "ababa"}, {"(?>(a)(b))\\g{-1}", "abb"}, {"(a)(?>b)*+(c)\\2", "abbcc"}, {"\\h\\v", "\160\133"}, {"\\R", "\133"},
  {"[\\p{Lu}\\d]+", "aB1c", "u"}, {"[^\\p{L}]+", "ab12", "u"}, {"[\\P{L}]+", "ab12", "u"}, {"\\p{L}+", "ab\233\201", ""}, {"\\p", "a"}, {"\\p{Lu", "A"},
  {"\\p{Lu}", "a", "iu"}, {"(?i)\\p{Lu}", "a", "u"}, {"[\\p{Lu}]", "a", "iu"}, {"\\p{Ll}", "A", "i"}, {"\\P{Lu}", "A", "iu"}, {"(?i)(a)\\1", "aA"},
  {"(?i)\195\169", "\195\137", "u"}, {"(?i)\233", "\201"}, {"(?i)[\224-\255]", "\201"}, {"\\x{e9}", "\201", "i"}, {"(?i)a\\h", "A\160"},
  {"a{2}+", "aaa"}, {"a?+", "a"}, {"(?i", "a"}, {"(?z)", "a"}, {"a(?i", "a"}, {"(?i-)a", "A"}, {"a**", "a"}, {"a++?", "a"}, {"(?>a", "a"},
  {"(?(?=a)ab|cd)", "cd"}, {"(?(?=a)ab|cd)", "ab"}, {"(?(?!a)cd|ab)", "ab"}, {"x(?(?<=x)a|b)", "xa"}, {"x(?(?<!x)a|b)", "xb"}, {"(?(?=(a))a|b)", "a"},
  {"(?(?=a)(a)|(b))\\2", "bb"}, {"a(?(?=b)b|c)+", "abbc"}, {"(?i)(?(?=a)ab|cd)", "AB"}, {"(?(?=a)ab)", "x"}, {"(?x) (?(?=a) a b | c )", "c"}, {"(?(?=[(])\\(|x)", "("},
  {"(?(R)a|b)", "b"}, {"(?(R)(a)|(b))", "b"}, {"(?(R1)a|b)", "b"}, {"(?(R&n)a|b)(?<n>x)", "bx"}, {"(?(DEFINE)(?<d>\\d))x", "x"},
  {"(?(1)a|b)", "b"}, {"(?(2)a|b)(x)", "bx"}, {"(?(1)a|b|c)", "a"}, {"(?(?=a)a|b|c)", "a"}, {"(?(DEFINE)a|b)", "a"}, {"(?(R&n)a|b)", "b"}, {"(?(1)a)(?(1)b)", "a"},
  {"(?(", "a"}, {"(?(1", "a"}, {"(?(x)a)", "a"}, {"(?(<x>)a)", "a"}, {"(?2)", "a"}, {"(?&zz)", "a"}, {"(?-1)(a)", "aa"}, {"(?R", "a"}, {"(?1", "a"},
  {"\\g<2>(a)", "aa"}, {"(a)\\g'-2'", "aa"}, {"\\g<x>", "a"},
  {"(a)?b(?(1)c|d)", "abc"}, {"(a)?b(?(1)c|d)", "bd"}, {"(a)?b(?(1)c|d)", "abd"}, {"(a)?b(?(1)c|d)", "bc"}, {"(a)?(?(1)b)", "ab"}, {"(a)?(?(1)b)", "c"},
  {"(?<q>\")?\\w+(?(q)\")", "\"ab\""}, {"(?<q>\")?\\w+(?(<q>)\")", "ab\""}, {"(?<q>\")?\\w+(?('q')\")", "\"ab"}, {"(?i)(a)?B(?(1)c|d)", "Abc"},
  {"^(<)?[a-z]+(?(1)>)$", "<ab>"}, {"^(<)?[a-z]+(?(1)>)$", "ab"}, {"^(<)?[a-z]+(?(1)>)$", "<ab"}, {"^(<)?[a-z]+(?(1)>)$", "ab>"},
  {"(a+)?a(?(1)x|y)", "aaay"}, {"(a+)?a(?(1)x|y)", "aax"}, {"x(a|ab)?b(?(1)c|d)", "xabd"}, {"x(a|ab)?b(?(1)c|d)", "xbd"}, {"(a)?(?(1)(b)|(c))(d)", "acd"}, {"(a)?(?(1)(b)|(c))(d)", "abd"},
}
`;

const CONF = String.raw`events {}
http {
  error_log logs/error.log info;
  lua_package_path "$prefix/conf/?.lua;;";
  server {
    listen 127.0.0.1:__PORT__;
    location /t { content_by_lua_block {
      local cases = require "cases"
      local function ser(m)
        if type(m) ~= "table" then return tostring(m) end
        local keys = {}
        for k in pairs(m) do keys[#keys+1] = k end
        table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
        local t = {}
        for _, k in ipairs(keys) do t[#t+1] = tostring(k) .. "=" .. tostring(m[k]) end
        return "{" .. table.concat(t, " ") .. "}"
      end
      for i, c in ipairs(cases) do
        local m, err = ngx.re.match(c[2], c[1], c[3])
        ngx.say(i, " ", c[1], " | ", (c[2]:gsub("[^%w ]", function(ch) return "\\" .. ch:byte() end)), " | ", c[3] or "", " => ", ser(m), " ", tostring(err))
      end
      -- \G with ctx.pos and gmatch; templates and nth with hidden groups before them
      local ctx = { pos = 3 }
      ngx.say("G ", tostring((ngx.re.match("xxab", [[\Gab]], "", ctx) or {})[0]), " ", ctx.pos)
      ctx = { pos = 2 }
      ngx.say("G2 ", tostring(ngx.re.match("xxab", [[\Gab]], "", ctx)))
      local t = {}
      for m in ngx.re.gmatch("ababxab", [[\Gab]]) do t[#t+1] = m[0] end
      ngx.say("gmatch ", #t)
      ngx.say("gsub ", ngx.re.gsub("aab-ab", [[(?>a+)(b)]], "[$1]"))
      ngx.say("sub ", ngx.re.sub("xyz", [[(?>(x))(y)]], "$2$1"))
      ngx.say("find ", ngx.re.find("aaab", [[(?>(a+))(b)]], "", nil, 2))
      ngx.say("gsubfn ", ngx.re.gsub("aAb", [[a(?i)(b)]], function(m) return m[1]:upper() end))
    } }
  }
}
`;

test("ngx.re: PCRE features beyond JS RegExp", async (t) => {
  await diffCase(t, { name: "re-pcre", conf: CONF, files: { "conf/cases.lua": CASES }, requests: [{ path: "/t" }] });
});
