local function mask(s) return (s:gsub("0x%x+", "ADDR")) end
local Obj = {}
function Obj.method(self) return debug.traceback("in method", 1) end
function Obj:colon() local r = Obj.method(self); return r end
local function viapcall() local ok, r = pcall(Obj.colon, Obj); return r end
print(mask(viapcall()))
local co = coroutine.create(function() local r = debug.traceback("in coroutine"); return r end)
local _, tb = coroutine.resume(co)
print(mask(tb))
local co2 = coroutine.create(function() coroutine.yield() end)
coroutine.resume(co2)
print(mask(debug.traceback(co2)))
print(mask(debug.traceback(co2, "thread msg")))
