local function where() return debug.getinfo(2, "l").currentline end
print(where())
local x = where()
print(x)
local function f()

  return where()
end
print(f())
local info = debug.getinfo(f, "S")
print(info.linedefined, info.lastlinedefined, info.what, info.short_src, info.source)
local main = debug.getinfo(1, "S")
print(main.what, main.linedefined, main.short_src)
print(debug.getinfo(print, "S").what, debug.getinfo(print, "S").short_src, debug.getinfo(print, "S").source)
print(debug.getinfo(1, "u").nups, debug.getinfo(f, "u").nups)
