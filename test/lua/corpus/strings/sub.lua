local s = "hello world"
local cases = {
  { 1, 5 }, { 7 }, { -5 }, { -5, -2 }, { 0 }, { 0, 3 }, { 5, 1 }, { 3, 3 }, { 12 }, { -100, 3 },
  { 2, -2 }, { 1, 0 }, { -1, -1 }, { 11, 100 }, { 4.0, 6.0 }, { "2", "4" },
}
for _, c in ipairs(cases) do
  print(c[1], c[2], "[" .. s:sub(c[1], c[2]) .. "]")
end
print(("abc"):sub(2), string.sub("", 1, 1) == "")
print(pcall(function() local r = ("abc"):sub(); return r end))
print(pcall(function() local r = ("abc"):sub("x"); return r end))
print(("abc"):sub(1.5, 2.7))
