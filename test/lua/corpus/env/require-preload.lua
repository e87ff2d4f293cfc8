package.path = "./modules/?.lua"
local calls = 0
package.preload["virtual.mod"] = function(name, ...)
  calls = calls + 1
  return { name = name, extra = select("#", ...) }
end
local m = require("virtual.mod")
print(m.name, calls, require("virtual.mod") == m, calls)
package.preload.greeter = function() return "preloaded wins" end
print(require("greeter"))
package.preload.nothing = function() end
print(require("nothing"))
