local function lvl(n) error("level " .. tostring(n), n) end
local function caller(n) lvl(n) end -- line 2
print(pcall(caller, 0))
print(pcall(caller, 1))
print(pcall(caller, 2))
print(pcall(caller, 3))
print(pcall(caller, nil))
local function deep() local function inner() error("from inner", 2) end inner() end
print(pcall(deep))
print(pcall(error, "top", 1))
print(pcall(error, "top", 2))
print(pcall(function() error("default level") end))
print(pcall(function() error("level 2 from main pcall", 2) end))
