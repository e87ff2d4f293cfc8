local s = "Hello, World! 123_abc-XYZ [brackets] ^caret"
local sets = {
  "[aeiou]", "[^aeiou]", "[a-z]", "[A-Z]", "[0-9]", "[%a_]", "[%d%s]", "[^%w]", "[%-]", "[a%-z]",
  "[]]", "[^]]", "[%]]", "[%[%]]", "[-a]", "[a-]", "[%^]", "[^^]", "[.]", "[%.]", "[!-/]", "[a-c-e]",
}
for _, p in ipairs(sets) do
  local out = {}
  for c in s:gmatch(p) do out[#out + 1] = c end
  print(p, #out, table.concat(out))
end
