-- # with holes: LuaJIT's border for these constructions
print(#{ 1, 2, nil, 4 })
print(#{ nil, nil, 3 })
print(#{ 1, nil })
print(#{ nil })
print(#{ 1, 2, 3, nil, 5, nil })
local t = {}
t[1] = 1; t[2] = 2; t[4] = 4
print(#t)
local u = { 1, 2, 3, 4, 5, 6, 7, 8 }
u[8] = nil
print(#u)
u[4] = nil
print(#u)
local v = { 1, 2, 3 }
v[5] = 5
print(#v)
local w = {}
w[2] = 2
print(#w)
local x = { n = 1, 1, 2, 3 }
x[2] = nil
print(#x)
