local a = { 1 }
local b = { 1 }
local c = a
print(a == b, a == c, a ~= b, rawequal(a, c), rawequal(a, b))
print("abc" == "ab" .. "c", ("x"):rep(3) == "xxx", 2 == 2.0, "2" == 2)
local co = coroutine.create(function() end)
print(co == co, co == coroutine.create(function() end))
local nan = 0 / 0
local t = {}
print(nan == nan, rawequal(nan, nan), t[nan])
local function mk() return function() end end
print(mk() == mk())
local k1, k2 = {}, {}
local m = { [k1] = 1, [k2] = 2 }
print(m[k1], m[k2], m[{}])
