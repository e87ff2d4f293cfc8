-- the array part is visited first, in order
local t = { "a", "b", "c", "d", "e" }
for k, v in pairs(t) do io.write(k, "=", v, " ") end
print()
local u = {}
for i = 1, 20 do u[i] = i * i end
local out = {}
for k, v in pairs(u) do out[#out + 1] = k .. ":" .. v end
print(table.concat(out, ","))
