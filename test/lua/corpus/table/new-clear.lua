local new = require("table.new")
print(type(new))
local t = new(10, 5)
print(type(t), #t, next(t))
t[1] = "x"
print(#t, t[1])
local clear = require("table.clear")
print(type(clear))
local u = { 1, 2, 3, a = 1, b = 2 }
clear(u)
print(#u, next(u))
u[1] = "again"
print(#u)
print(require("table.new") == new, package.loaded["table.new"] == new)
print(type(new(0, 0)))
