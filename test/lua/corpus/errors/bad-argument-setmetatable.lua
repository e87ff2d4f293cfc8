setmetatable({}, "mt")
