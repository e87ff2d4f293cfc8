-- every character class, and its complement, over all 256 bytes
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
all = table.concat(all)
for _, cls in ipairs({ "a", "c", "d", "l", "p", "s", "u", "w", "x", "A", "C", "D", "L", "P", "S", "U", "W", "X" }) do
  local matched = {}
  for c in all:gmatch("%" .. cls) do matched[#matched + 1] = c:byte() end
  local printable = all:gsub("[^%" .. cls .. "]", ""):gsub("[^\33-\126]", "")
  print("%" .. cls, #matched, matched[1], matched[#matched], printable)
end
print(("x.y"):match("%."), ("a%b"):match("%%"), ("[x]"):match("%[(.)%]"))
print(("z"):match("%z"), ("a\0b"):find("%z"))
