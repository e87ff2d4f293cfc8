-- Field stores and global reads compiled inline (see docs/lua-runtime.md): a key the table
-- holds is a raw set even with __newindex; nil deletes; absent keys go to __newindex; globals
-- read from small and large environments, and after setfenv.
local log = {}
local mt = { __newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v) end }
local t = setmetatable({ a = 1 }, mt)
t.a = 2            -- present: raw, no __newindex
t.b = 3            -- absent: __newindex
t.b = 4            -- present now: raw
t.a = nil          -- present, set to nil: raw delete
t.a = 5            -- absent again: __newindex
print(t.a, t.b, table.concat(log, ","))
local ro = setmetatable({}, { __newindex = function() error("read-only", 2) end })
print(pcall(function() ro.x = 1 end))
local s = "str"
print(pcall(function() s.x = 1 end))
local n = nil
print(pcall(function() n.field = 1 end))
-- a dictionary past the size where string keys leave the object part
local big = {}
for i = 1, 100 do big["k" .. i] = i end
big.k50 = "fifty"
big.k101 = 101
print(big.k1, big.k50, big.k100, big.k101)
-- globals: read, reassigned, deleted, from a large _G, through setfenv
g1 = 1
local function readg() return g1 end
print(readg())
g1 = 2
print(readg())
g1 = nil
print(readg())
for i = 1, 80 do _G["extra" .. i] = i end
g1 = "big"
print(readg(), extra80)
setfenv(readg, { g1 = "env" })
print(readg())
setfenv(readg, setmetatable({}, { __index = function(_, k) return "via __index " .. k end }))
print(readg())
