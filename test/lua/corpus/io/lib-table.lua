local names = {}
for k, v in pairs(io) do names[#names + 1] = k .. ":" .. type(v) end
table.sort(names)
print(table.concat(names, " "))
local m = {}
for k, v in pairs(getmetatable(io.stdout).__index) do m[#m + 1] = k end
table.sort(m)
print(table.concat(m, " "))
