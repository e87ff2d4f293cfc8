print(string.byte("A"), string.byte("ABC", 2), string.byte("ABC", 1, 3), string.byte("ABC", -1))
print(string.byte("ABC", 10), select("#", string.byte("ABC", 10)), select("#", string.byte("", 1)))
print(string.byte("ABC", 0), string.byte("ABC", -10, 2), string.byte("ABC", 3, 1))
print(string.char(), string.char(72, 105), #string.char(0, 0), string.char(255):byte())
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
local s = table.concat(all)
print(#s, s:byte(1), s:byte(256), s:byte(129))
local sum = 0
for i = 1, #s do sum = sum + s:byte(i) end
print(sum)
print(pcall(string.char, 256))
print(pcall(string.char, -1))
print(pcall(function() local r = string.char("x"); return r end))
print(string.char("65", 66.0))
print(pcall(function() local r = string.byte(nil); return r end))
