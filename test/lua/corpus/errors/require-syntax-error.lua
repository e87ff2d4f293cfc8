-- A module with a syntax error: the loader's message carries no position of the caller
-- (require's loader is called from C), while "not found" is raised by require itself.
package.path = "./modules/?.lua"
local ok, e = pcall(function()
  local m = require("syntax_error_module")
  return m
end)
print(ok, e)
ok, e = pcall(function()
  local m = require("no_such_module_here")
  return m
end)
print(ok, (e:gsub("\n.*", "")))
local m = require("syntax_error_module")
