local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
inc(); inc()
print(get(), inc(), get())
local inc2 = counter()
print(inc2(), get())
local function adder(x) return function(y) return x + y end end
local add5 = adder(5)
print(add5(1), adder(10)(20))
local x = 1
local function f() return x end
x = 2
print(f())
local function make()
  local a = 1
  local function g() return a end
  a = 99
  return g
end
print(make()())
local fns = {}
do
  local v = "block"
  fns.get = function() return v end
  fns.set = function(nv) v = nv end
end
fns.set("changed")
print(fns.get())
local function deep()
  local l1 = 1
  return function()
    local l2 = 2
    return function()
      l1 = l1 + 1
      return l1 + l2
    end
  end
end
local d = deep()()
print(d(), d())
