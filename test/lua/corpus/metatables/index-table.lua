local base = { greet = "hello", n = 1 }
local t = setmetatable({ own = "mine" }, { __index = base })
print(t.own, t.greet, t.n, t.missing, rawget(t, "greet"))
base.late = "added later"
print(t.late)
t.greet = "shadowed"
print(t.greet, base.greet)
local a = { x = "a" }
local b = setmetatable({ y = "b" }, { __index = a })
local c = setmetatable({ z = "c" }, { __index = b })
print(c.x, c.y, c.z, c.w)
local arr = setmetatable({}, { __index = { 10, 20, 30 } })
print(arr[1], arr[3], #arr)
