-- the metamethod is looked up on the first operand, then the second
local A = setmetatable({}, { __add = function() return "A.add" end, __concat = function() return "A.concat" end })
local B = setmetatable({}, { __add = function() return "B.add" end, __concat = function() return "B.concat" end })
print(A + B, B + A, A + 1, 1 + B, A .. B, B .. A, "s" .. B)
local lt1 = { __lt = function() return true end }
local lt2 = { __lt = function() return false end }
local x, y = setmetatable({}, lt1), setmetatable({}, lt2)
print(pcall(function() return x < y end))
local z = setmetatable({}, lt1)
print(x < z, z < x)
