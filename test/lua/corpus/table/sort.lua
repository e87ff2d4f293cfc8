local t = { 5, 2, 8, 1, 9, 3, 7, 4, 6, 0 }
table.sort(t)
print(table.concat(t, " "))
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, " "))
local words = { "pear", "Apple", "fig", "banana", "cherry" }
table.sort(words)
print(table.concat(words, " "))
table.sort(words, function(a, b) return #a < #b or (#a == #b and a < b) end)
print(table.concat(words, " "))
local recs = { { n = "b", v = 2 }, { n = "a", v = 2 }, { n = "c", v = 1 } }
table.sort(recs, function(x, y) if x.v ~= y.v then return x.v < y.v end return x.n < y.n end)
for _, r in ipairs(recs) do io.write(r.n, r.v, " ") end
print()
local one = { 1 }
table.sort(one)
local empty = {}
table.sort(empty)
print(#one, #empty)
local big = {}
local seed = 12345
for i = 1, 2000 do seed = (seed * 1103515245 + 12345) % 2147483648; big[i] = seed % 1000 end
table.sort(big)
local sorted = true
for i = 2, #big do if big[i - 1] > big[i] then sorted = false end end
print(sorted, big[1], big[2000])
local mixed = { 3, 1.5, -2, 1e10, -1 / 0, 0 }
table.sort(mixed)
print(table.concat(mixed, " "))
print(pcall(table.sort, { 1, "x", 2 }))
print(pcall(table.sort, { {}, {} }))
print(pcall(table.sort))
print(pcall(function() table.sort({ 1, 2 }, 42) end))
