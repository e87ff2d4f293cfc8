local t = {}
local tk, fk = {}, function() end
t[1] = "number"
t["1"] = "string"
t[true] = "boolean"
t[tk] = "table"
t[fk] = "function"
t[1.25] = "float"
print(t[1], t["1"], t[true], t[tk], t[fk], t[1.25], t[false], t[{}])
local n = 0
for _ in pairs(t) do n = n + 1 end
print(n)
print(pcall(function() t[nil] = 1 end))
print(pcall(function() t[0 / 0] = 1 end))
print(t[nil], t[0 / 0])
print(pcall(rawset, t, nil, 1))
t.x = nil
t[1] = nil
n = 0
for _ in pairs(t) do n = n + 1 end
print(n)
