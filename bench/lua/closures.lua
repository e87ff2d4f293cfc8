-- closures: creation, upvalue access and update, higher-order functions
local function counter()
  local c = 0
  return function(d) c = c + d; return c end
end
local function compose(f, g) return function(x) return f(g(x)) end end
local function map(t, f) local r = {} for i = 1, #t do r[i] = f(t[i]) end return r end
local n = tonumber(arg and arg[1]) or 1500000
local total = 0
for i = 1, n do
  local c = counter()
  c(i); c(2)
  total = (total + c(1)) % 1000000007
end
local inc = function(x) return x + 1 end
local dbl = function(x) return x * 2 end
local f = compose(inc, dbl)
for i = 1, n * 3 do total = (total + f(i)) % 1000000007 end
local data = {}
for i = 1, 1000 do data[i] = i end
for round = 1, n / 1000 do
  local k = round
  local r = map(data, function(x) return x * k % 11 end)
  total = (total + r[#r] + r[1]) % 1000000007
end
print("closures", total)
