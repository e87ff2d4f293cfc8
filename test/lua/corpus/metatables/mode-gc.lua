-- __mode and __gc are accepted; strong references keep values alive
local weak = setmetatable({}, { __mode = "k" })
local key = {}
weak[key] = "value"
print(weak[key])
local wv = setmetatable({}, { __mode = "v" })
local keep = { "kept" }
wv[1] = keep
print(wv[1][1])
local kv = setmetatable({}, { __mode = "kv" })
kv.x = keep
print(kv.x == keep)
local g = setmetatable({}, { __gc = function() end })
print(type(g), getmetatable(g).__gc ~= nil)
collectgarbage()
collectgarbage("collect")
print(weak[key], wv[1] == keep, kv.x == keep)
print(type(collectgarbage("count")), collectgarbage("step") ~= nil)
print(collectgarbage("stop"), collectgarbage("restart"))
