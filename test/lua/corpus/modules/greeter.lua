-- a module for the require tests
local M = {}
M.loads = (M.loads or 0) + 1
M.name = ...
M.arg_count = select("#", ...)
function M.greet(who) return "hello, " .. who end
_G.greeter_load_count = (_G.greeter_load_count or 0) + 1
return M
