local seen
local ok, r = xpcall(function() error("boom") end, function(...)
  seen = select("#", ...)
  return "h", "extra"
end)
print(ok, r, seen)
local ok2, a, b = xpcall(function() error("e") end, function(m) return m, "second" end)
print(ok2, a, b)
local ok3, r3 = xpcall(function() local t; return t.x end, function(m)
  return "level: " .. debug.getinfo(2, "S").what
end)
print(ok3, r3)
local ok4, r4 = xpcall(function() error() end, function(m) return tostring(m) end)
print(ok4, r4)
