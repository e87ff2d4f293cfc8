local mt = {}
local function N(v) return setmetatable({ v = v }, mt) end
local function val(x) return type(x) == "table" and x.v or x end
mt.__add = function(a, b) return N(val(a) + val(b)) end
mt.__sub = function(a, b) return N(val(a) - val(b)) end
mt.__mul = function(a, b) return N(val(a) * val(b)) end
mt.__div = function(a, b) return N(val(a) / val(b)) end
mt.__mod = function(a, b) return N(val(a) % val(b)) end
mt.__pow = function(a, b) return N(val(a) ^ val(b)) end
mt.__unm = function(a) return N(-a.v) end
local a, b = N(7), N(2)
print((a + b).v, (a - b).v, (a * b).v, (a / b).v, (a % b).v, (a ^ b).v, (-a).v)
print((a + 1).v, (1 + a).v, (10 - a).v, (a * "3").v, ("2" ^ b).v)
print((-(-a)).v, (a + b * 2).v)
local order = {}
local logmt = { __add = function(x, y)
  order[#order + 1] = (type(x) == "table" and "T" or tostring(x)) .. "+" .. (type(y) == "table" and "T" or tostring(y))
  return 0
end }
local t = setmetatable({}, logmt)
local _ = t + 1, 1 + t, t + t, "s" + t
print(table.concat(order, " "))
print(pcall(function() return {} + a end))
print(pcall(function() return a .. "" end))
local unm_only = setmetatable({}, { __unm = function(x, y) return type(y) end })
print(-unm_only)
