print(tostring(1), tostring(-1.5), tostring("s"), tostring(1e100))
print(tostring(12):len(), ("%d"):rep(2):format(1, 2))
print(type(tostring(nil)), #tostring(true))
print(pcall(tostring))
print(tostring(nil, "extra"))
local n = 10
print(n .. "", "" .. n, n .. n)
print(("5"):rep(2) + 1)
