local t = {}
local key
t[key] = 1
