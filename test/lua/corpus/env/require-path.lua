package.path = "./modules/?.lua;./modules/?/init.lua"
local g = require("greeter")
print(g.greet("world"), g.name, g.arg_count)
local g2 = require("greeter")
print(g == g2, greeter_load_count, package.loaded.greeter == g)
local n = require("sub.nested")
print(n.where, n.name)
print(type(package.path), type(package.cpath), type(package.loaded), type(package.preload), type(package.loaders))
