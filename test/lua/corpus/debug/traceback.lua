local function mask(s) return (s:gsub("0x%x+", "ADDR")) end
local function level3() local t = debug.traceback("msg here"); return t end
local function level2() local t = level3(); return t end
local function level1() local t = level2(); return t end
print(mask(level1()))
print(mask(debug.traceback()))
print(mask(debug.traceback("with level 2", 2)))
print(debug.traceback(nil))
print(type(debug.traceback({})))
local t = {}
print(debug.traceback(t) == t)
print(mask(debug.traceback(42)))
