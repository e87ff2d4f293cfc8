local function mask(s) return (s:gsub("0x%x+", "ADDR")) end
local function fail() local x = nil; return x.field end
local function middle() return fail() + 1 end
local ok, tb = xpcall(middle, debug.traceback)
print(ok)
print(mask(tb))
local ok2, msg = xpcall(function() error("plain") end, function(m) return "handled: " .. m end)
print(ok2, msg)
local ok3, v = xpcall(function() return "fine", 2 end, print)
print(ok3, v)
print(xpcall(function(...) return select("#", ...), ... end, print, "a", "b"))
print(pcall(xpcall))
print(pcall(xpcall, print))
local ok4, e4 = xpcall(function() error({ 1 }) end, function(e) return type(e) end)
print(ok4, e4)
