local mt = { __metatable = "locked" }
local t = setmetatable({}, mt)
print(getmetatable(t))
print(pcall(setmetatable, t, {}))
print(pcall(function() setmetatable(t, nil) end))
local mt2 = { __metatable = false }
local u = setmetatable({}, mt2)
print(getmetatable(u))
local v = setmetatable({}, { __metatable = { fake = true } })
print(getmetatable(v).fake)
local plain = {}
print(getmetatable(plain), setmetatable(plain, nil) == plain)
local m = {}
print(getmetatable(setmetatable(plain, m)) == m)
print(getmetatable(1), getmetatable(nil), getmetatable(print))
print(getmetatable("").__index == string, getmetatable("abc") == getmetatable(""))
print(pcall(setmetatable, {}, 1))
print(pcall(setmetatable, 1, {}))
print(pcall(function() local r = setmetatable({}); return r end))
