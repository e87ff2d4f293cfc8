package.path = "./modules/?.lua"
print(require("string") == string, require("table") == table, package.loaded._G == _G)
print(package.loaded.math == math, package.loaded.coroutine == coroutine)
package.loaded.fake = { fake = true }
print(require("fake").fake)
print(require("returns_nothing"), returns_nothing_ran, package.loaded.returns_nothing)
print(require("returns_false"), package.loaded.returns_false)
print(require("sets_loaded").custom)
package.loaded.greeter = nil
local a = require("greeter")
package.loaded.greeter = nil
local b = require("greeter")
print(a ~= b, greeter_load_count)
