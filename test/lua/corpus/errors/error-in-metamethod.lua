local t = setmetatable({}, { __index = function(_, k) return nil + k end })
print(t.x)
