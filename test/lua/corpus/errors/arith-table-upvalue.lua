local t = {}
local function neg() return -t end
neg()
