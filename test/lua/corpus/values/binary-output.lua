-- every byte value goes to stdout unchanged
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
local s = table.concat(all)
io.write(s)
io.write("\n", #s, "\n")
print(s:sub(129, 140))
print(("\255\254"):rep(3), #("\255\254"):rep(3))
