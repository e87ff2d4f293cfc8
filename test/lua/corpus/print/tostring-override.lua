-- print uses the global tostring
local real = tostring
tostring = function(v) return "<" .. real(v) .. ">" end
print(1, "x", nil)
tostring = real
print(1, "x", nil)
local mt = { __tostring = function() return "custom" end }
print(setmetatable({}, mt), (tostring(setmetatable({}, mt))))
