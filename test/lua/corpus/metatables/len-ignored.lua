-- LuaJIT 2.1 (without 5.2 compat) ignores __len on tables
local t = setmetatable({ 1, 2, 3 }, { __len = function() return 99 end })
print(#t)
local e = setmetatable({}, { __len = function() return 5 end })
print(#e)
print(#setmetatable({}, { __index = { 1, 2, 3 } }))
