local mt = {}
mt.__concat = function(a, b)
  local av = type(a) == "table" and a.v or tostring(a)
  local bv = type(b) == "table" and b.v or tostring(b)
  return setmetatable({ v = av .. bv }, mt)
end
local x = setmetatable({ v = "X" }, mt)
local y = setmetatable({ v = "Y" }, mt)
print((x .. y).v, (x .. "s").v, ("s" .. x).v, (1 .. x).v, (x .. 2).v)
print(("a" .. x .. "b").v)
print((x .. y .. x).v)
local strmt = { __concat = function(a, b) return "concat!" end }
local z = setmetatable({}, strmt)
print(z .. nil, nil .. z, true .. z)
print(pcall(function() return type({} .. x) end))
