local x = "outer"
do
  local x = "inner"
  print(x)
end
print(x)
local y = 1
local y = y + 1
print(y)
local function shadow(x) local x = x .. "!" return x end
print(shadow("arg"))
for i = 1, 1 do local x = "loop"; print(x) end
print(x)
local a, a = 1, 2
print(a)
if true then local z = "if"; print(z) end
print(z)
