local a = { inner = { value = 1 } }
local b = a.inner
b.value = 2
print(a.inner.value)
local cyc = {}
cyc.self = cyc
print(cyc.self.self.self == cyc)
local grid = {}
for r = 1, 3 do
  grid[r] = {}
  for c = 1, 3 do grid[r][c] = r * 10 + c end
end
for r = 1, 3 do print(table.concat(grid[r], " ")) end
local function count(t)
  local n = 0
  for _, v in pairs(t) do n = n + (type(v) == "table" and count(v) or 1) end
  return n
end
print(count(grid))
