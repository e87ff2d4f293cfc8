-- A call whose last argument is a call: its values are all passed (none, one, several),
-- arguments are evaluated left to right, and errors name the right line.
local function none() end
local function one() return 1 end
local function three() return 1, 2, 3 end
local function count(...) return select("#", ...), ... end
print(count(none()))
print(count("a", none()))
print(count("a", one()))
print(count("a", "b", three()))
print(count(three(), three()))
local log = {}
local function note(x) log[#log + 1] = x; return x end
local n = 0
local function bump() n = n + 1; return n end
print(count(note("first"), n, bump(), note("last")))
print(table.concat(log, " "))
local obj = { k = 10 }
function obj:m(...) return self.k, select("#", ...), ... end
print(obj:m(three()))
print(obj:m(none()))
print(obj:m("x", one()))
print(select(2, obj:m(obj:m(one()))))
print(pcall(function()
  local r = obj:m("x",
    nil + 1)
  return r
end))
print(pcall(function()
  local r = obj:nomethod(
    one())
  return r
end))
print(pcall(function()
  local r = string.rep(
    "x", one(), {})
  return r
end))
print(pcall(function()
  local s = "abc"
  local r = s:rep(
    three())
  return r
end))
print(pcall(function()
  local r = ("x"):rep(-1, (string.rep({}, 2)))
  return r
end))
local mt = setmetatable({}, { __call = function(self, ...) return select("#", ...), ... end })
print(mt(three()))
print(math.max(1, three()))
