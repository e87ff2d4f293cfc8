-- in a tail call the callee is not named
local function f() return string.rep() end
f()
