local t = { "a", "b", "c", "d", "e" }
print(table.remove(t), #t, table.concat(t, ","))
print(table.remove(t, 1), #t, table.concat(t, ","))
print(table.remove(t, 2), #t, table.concat(t, ","))
print(table.remove(t, #t), #t, table.concat(t, ","))
print(table.remove({}), select("#", table.remove({})))
print(table.remove({}, 1), table.remove({ 1 }, 5), table.remove({ 1, 2 }, 0))
local u = { 1, 2, 3 }
print(table.remove(u, 4), #u)
print(table.remove(u, 3), #u)
print(pcall(table.remove))
print(pcall(table.remove, nil))
print(pcall(function() local r = table.remove({ 1 }, "x"); return r end))
local q = {}
for i = 1, 5 do q[#q + 1] = i end
local order = {}
while #q > 0 do order[#order + 1] = table.remove(q, 1) end
print(table.concat(order, " "))
