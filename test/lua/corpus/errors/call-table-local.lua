local t = {}
local r = { t() }
