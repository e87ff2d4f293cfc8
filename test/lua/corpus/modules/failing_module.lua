local M = {}
local missing
M.value = missing.field
return M
