local log = {}
local mt = {}
mt.__lt = function(a, b) log[#log + 1] = "lt"; return a.v < b.v end
mt.__le = function(a, b) log[#log + 1] = "le"; return a.v <= b.v end
local function V(v) return setmetatable({ v = v }, mt) end
local one, two = V(1), V(2)
print(one < two, two < one, one <= two, two <= one, one > two, one >= two)
print(table.concat(log, " "))
-- __le falls back to not __lt(b, a)
log = {}
local mt2 = { __lt = function(a, b) log[#log + 1] = "lt"; return a.v < b.v end }
local p = setmetatable({ v = 1 }, mt2)
local q = setmetatable({ v = 2 }, mt2)
print(p <= q, q <= p, p >= q)
print(table.concat(log, " "))
local r = setmetatable({ v = 0 }, { __lt = function() return true end })
print(pcall(function() return p < r end))
print(pcall(function() return p < 1 end))
local list = { V(3), V(1), V(2) }
table.sort(list)
print(list[1].v, list[2].v, list[3].v)
