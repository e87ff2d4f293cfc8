local a, b, c = 1, 2
print(a, b, c)
a, b = b, a
print(a, b)
local t = { 1, 2, 3 }
local i = 1
i, t[i] = i + 1, 20
print(i, t[1], t[2])
local x, y = (function() return 1, 2, 3 end)()
print(x, y)
local p, q, r = 0, (function() return 7, 8 end)()
print(p, q, r)
local u, v = (function() return 7, 8 end)(), 0
print(u, v)
local d = {}
d.x, d.y, d.z = "X", "Y"
print(d.x, d.y, d.z)
