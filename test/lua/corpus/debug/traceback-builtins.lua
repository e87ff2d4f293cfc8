-- Builtins that call Lua show as [C] frames in tracebacks (require, pcall, xpcall), and a
-- traceback inside a coroutine stops at its resume. No tail calls here: LuaJIT drops their frames.
local function mask(s) return (s:gsub("0x%x+", "ADDR")) end
package.preload["tbmod"] = function(name)
  local tb = debug.traceback("in module " .. name)
  return { tb = tb }
end
print(mask(require("tbmod").tb))
local function inner()
  local tb = debug.traceback("in pcall")
  return tb
end
local ok, tb = pcall(inner)
print(ok, mask(tb))
print(select(2, xpcall(function() error("boom") end, function(e) return mask(debug.traceback(e)) end)))
local function body()
  local tb = debug.traceback("in xpcall body")
  return tb
end
local _, r = xpcall(body, print)
print(mask(r))
local w = coroutine.wrap(function()
  local t = debug.traceback("in wrap")
  print(t)
end)
w()
local co = coroutine.create(function()
  local ok2, t = pcall(inner)
  print(ok2, t)
end)
coroutine.resume(co)
print(debug.traceback(nil))
print(debug.traceback(false))
print(debug.traceback(nil, 1))
print(mask(select(2, xpcall(function() error("direct") end, debug.traceback))))
local function named_body()
  print(debug.traceback("named coroutine body"))
end
coroutine.wrap(named_body)()
