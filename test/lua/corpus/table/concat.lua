print(table.concat({}), table.concat({}, ","), table.concat({ "a" }, ","))
print(table.concat({ 1, 2, 3 }), table.concat({ 1, 2, 3 }, ", "), table.concat({ 1.5, "x", 2 }, "|"))
print(table.concat({ "a", "b", "c", "d" }, "-", 2, 3), table.concat({ "a", "b" }, "-", 3), table.concat({ "a" }, "-", 1, 1))
print(table.concat({ "a", "b", "c" }, "", 2), table.concat({ [0] = "z", "a" }, ",", 0, 1))
print(table.concat({ 1, 2 }, 3), table.concat({ 1, 2 }, 0.5))
print(pcall(table.concat, { 1, {}, 3 }))
print(pcall(table.concat, { 1, 2 }, ",", 1, 3))
print(pcall(table.concat, { true }))
print(pcall(function() local r = table.concat(nil); return r end))
print(pcall(function() local r = table.concat({}, {}); return r end))
print(pcall(function() local r = table.concat({ 1, nil, 3 }, ",", 1, 3); return r end))
local big = {}
for i = 1, 1000 do big[i] = i % 10 end
print(#table.concat(big))
