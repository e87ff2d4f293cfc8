local t = {}
for i = 1, 20 do t[i] = (i * 7) % 20 end
print(pcall(table.sort, t, function(a, b) return true end))
local u = {}
for i = 1, 50 do u[i] = i % 5 end
print(pcall(table.sort, u, function(a, b) return a <= b end))
print(pcall(table.sort, { 3, 1, 2 }, function(a, b) error("cmp failed") end))
