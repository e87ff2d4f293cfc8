local s = "hello"
print(s:upper(), s:len(), s:sub(2, 3), s:rep(2, "-"), ("x"):rep(3))
print(("%d-%s"):format(5, "x"), ("abc"):byte(-1), ("a,b"):find(",", 1, true))
print(#s:reverse(), s:reverse():upper())
print(type(s.len), s.len == string.len)
local mt = getmetatable("")
print(type(mt), mt.__index == string)
string.shout = function(str) return str:upper() .. "!" end
print(("hey"):shout())
print(pcall(function() local n = 5; return n:foo() end))
print(pcall(function() return ("x"):nosuch() end))
print(("x").nosuch)
