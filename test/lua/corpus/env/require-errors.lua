package.path = "./modules/?.lua;./modules/?/init.lua"
package.cpath = ""
local ok, err = pcall(require, "does.not.exist")
print(ok)
print(err)
print(pcall(require, "syntax_error"))
print(pcall(require))
print(pcall(require, 42))
local ok2, err2 = pcall(require, "failing_module")
print(ok2, err2)
local c = require("cycle_a")
print(c.name, c.b.name, c.b.ok, c.b.err)
