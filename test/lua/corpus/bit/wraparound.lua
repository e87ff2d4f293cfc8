-- 32-bit results come back as signed numbers
local h = 0
for i = 1, 100 do
  h = bit.bxor(bit.lshift(h, 5) + bit.rshift(h, 2), i * 2654435761)
  h = bit.tobit(h)
end
print(h, bit.tohex(h))
local function fnv1a(s)
  local hash = 2166136261
  for i = 1, #s do
    hash = bit.bxor(hash, s:byte(i))
    hash = bit.tobit(hash * 16777619 % 2^32)
  end
  return hash
end
print(fnv1a("hello"), fnv1a(""), fnv1a("the quick brown fox"))
print(bit.band(0xdeadbeef, 0xffff0000), bit.rshift(0xdeadbeef, 16), bit.arshift(0xdeadbeef, 16))
print(2^31 + 0, bit.tobit(2^31 + 0), bit.bor(2^31, 0) == -2^31)
local names = {}
for k in pairs(bit) do names[#names + 1] = k end
table.sort(names)
print(table.concat(names, " "))
print(require("bit") == bit)
