local function count(...) return select("#", ...) end
print(count(), count(nil), count(nil, nil), count(1, nil, 3, nil))
local function pass(...) return ... end
print(pass(1, 2, 3))
print(pass())
print((pass(1, 2, 3)))
local function tbl(...) local t = { ... }; return #t, t[1], t[select("#", ...)] end
print(tbl("a", "b", "c"))
local function middle(...) local a, b = ...; return a, b end
print(middle(1), middle(1, 2, 3))
local function withfixed(a, b, ...) return a, b, select("#", ...), ... end
print(withfixed(1))
print(withfixed(1, 2, 3, 4))
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...) or 0) end
  return s
end
print(sum(1, 2, nil, 4))
local function outer(...)
  local inner = function(...) return select("#", ...) end
  return inner(...), inner(..., "x"), inner("x", ...)
end
print(outer(1, 2))
print(select("#", pass(nil, nil, nil)))
local function nested(...) return { n = select("#", ...), ... } end
local r = nested(nil, 2, nil)
print(r.n, r[1], r[2], r[3])
