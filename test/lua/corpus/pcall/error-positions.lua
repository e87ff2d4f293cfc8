-- the position prefix names the line where error was called
local function a()
  error("in a")
end
local function b()
  local t = {}
  return t.x.y
end
print(pcall(a))
print(pcall(b))
local f = loadstring("error('in chunk')", "=custom name")
print(pcall(f))
local g = loadstring("\n\nerror('line 3')", "@fake/file.lua")
print(pcall(g))
local h = loadstring("error('anon')")
print(pcall(h))
local long = loadstring("local x = 1 -- a long first line that goes on and on and on\nerror('long')")
print(pcall(long))
local multi = loadstring("error('first line only')\n-- more")
print(pcall(multi))
