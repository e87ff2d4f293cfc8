local n = 5
local function go() return n() end
go()
