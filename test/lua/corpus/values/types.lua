-- type() of every kind of value
print(type(nil), type(true), type(false), type(0), type(1.5), type(""), type("x"))
print(type({}), type(print), type(function() end), type(coroutine.create(function() end)))
print(type(io.stdout), type(type), type(type(nil)))
print(pcall(type))
local n = select("#", type(nil))
print(n)
