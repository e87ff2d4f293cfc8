local a, b = 1, "two"
local function f() return a, b end
print(debug.getupvalue(f, 1))
print(debug.getupvalue(f, 2))
print(debug.getupvalue(f, 3))
print(debug.setupvalue(f, 1, 100))
print(f(), a)
print(debug.setupvalue(f, 5, 0))
local function counter() local n = 0; return function() n = n + 1; return n end end
local c = counter()
c()
print(debug.getupvalue(c, 1))
debug.setupvalue(c, 1, 41)
print(c())
if debug.upvalueid then
  local g = function() return a end
  print(debug.upvalueid(f, 1) == debug.upvalueid(g, 1))
end
