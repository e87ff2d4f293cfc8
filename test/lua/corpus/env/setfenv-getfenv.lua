local function reader() return visible_name end
print(reader())
local env = { visible_name = "from env" }
setfenv(reader, env)
print(reader(), getfenv(reader) == env)
print(getfenv(print) == _G, getfenv() == _G, getfenv(0) == _G, getfenv(1) == _G)
local function lvl()
  setfenv(1, { print = print, tag = "level 1 env" })
  print(tag)
end
lvl()
print(tag)
local proxy = setmetatable({}, { __index = _G })
local chunk = loadstring("new_global = 'set in proxy'; return type(print)")
setfenv(chunk, proxy)
print(chunk(), new_global, proxy.new_global)
print(pcall(setfenv, print, {}))
print(pcall(setfenv, 100, {}))
print(pcall(function() local r = getfenv(100); return r end))
print(setfenv(reader, _G) == reader, reader())
local function caller_env()
  local e = getfenv(2)
  return e
end
local inner = setfenv(function() local e = caller_env(); return e end, { caller_env = caller_env })
print(inner().caller_env == caller_env)
