local parts = { "return ", "'pie", "ces'", " .. 1" }
local i = 0
local f, err = load(function() i = i + 1; return parts[i] end, "=pieces")
print(type(f), err, f())
print(load("return 42")())
print(type(load(function() return nil end)))
local src = "return 'from string'"
print(load(src, "=s")())
print(load("return +", "=bad"))
local empty = load("")
print(type(empty), empty())
print(loadstring("\27Lua") == nil)
