local t = {}
local mt = { __index = { x = 1 } }
print(debug.setmetatable(t, mt), debug.getmetatable(t) == mt, t.x)
local locked = setmetatable({}, { __metatable = "locked" })
print(getmetatable(locked), type(debug.getmetatable(locked)))
debug.setmetatable(locked, nil)
print(getmetatable(locked))
print(debug.getmetatable("").__index == string)
local fmt = {}
debug.setmetatable(print, { __index = { tag = "functions" } })
print(print.tag, (function() end).tag)
debug.setmetatable(print, nil)
print(debug.getmetatable(print))
print(type(debug.getregistry()))
