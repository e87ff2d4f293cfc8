local values = { nil, true, false, 0, 1, -1, 0.5, 1e100, -1e-100, 2^63, 1 / 0, -1 / 0, "", "str", "\0" }
for i = 1, 15 do
  local s = tostring(values[i])
  print(i, type(values[i]), s, #s)
end
print(tostring(0 / 0) == tostring(0 / 0), type(tostring(0 / 0)))
local kinds = { {}, print, function() end, coroutine.create(function() end), io.stdout, newproxy() }
for _, v in ipairs(kinds) do
  local s = tostring(v)
  print(type(v), s:match("^(%a+):") or s:match("^(%a+) "), s:find("0x%x+") ~= nil or s:find("builtin#") ~= nil)
end
