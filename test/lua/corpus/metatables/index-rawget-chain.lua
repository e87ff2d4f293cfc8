-- __index on non-table values via debug.setmetatable
debug.setmetatable(0, { __index = { double = function(n) return n * 2 end } })
local n = 21
print(n:double(), (4):double())
debug.setmetatable(0, nil)
print(pcall(function() return n:double() end))
debug.setmetatable(nil, { __index = function(_, k) return "nil." .. k end })
local x = nil
print(x.field)
debug.setmetatable(nil, nil)
print(pcall(function() return x.field end))
local fmt = debug.getmetatable(print)
print(fmt)
