local t = {}
table.insert(t, "a")
table.insert(t, "c")
table.insert(t, 2, "b")
table.insert(t, 1, "start")
table.insert(t, #t + 1, "end")
print(#t, table.concat(t, ","))
table.insert(t, 3.0, "float pos")
print(table.concat(t, ","))
local u = { n = 0 }
for i = 1, 5 do table.insert(u, i * i) end
print(#u, table.concat(u, " "))
print(select("#", table.insert({}, 1)))
print(pcall(table.insert, {}, 1, 2, 3))
print(pcall(table.insert, {}))
print(pcall(table.insert, nil, 1))
print(pcall(table.insert, {}, "x", 1))
local holes = { 1, 2, 3 }
table.insert(holes, 10, "far")
print(#holes, holes[10])
local neg = { 1, 2 }
print(pcall(table.insert, neg, -1, "neg"))
print(neg[-1], #neg)
table.insert(neg, 0, "zero")
print(neg[0], #neg)
