-- the .. operator
print("a" .. "b" .. "c", "x" .. 1 .. 2, 1 .. 2 .. 3)
print("" .. "", #("" .. ""), "a" .. "" .. "b")
local parts = {}
for i = 1, 5 do parts[#parts + 1] = i .. ":" .. i * i end
print(table.concat(parts, " "))
print(1.0 .. "", -0.5 .. "", 1e300 * 1e10 .. "")
print(pcall(function() return "a" .. nil end))
print(pcall(function() return "a" .. {} end))
print(pcall(function() return "a" .. true end))
print(pcall(function() local x; return x .. "a" end))
print(pcall(function() local t = {}; return "a" .. t.missing end))
local s = ""
for i = 1, 10 do s = s .. i end
print(s, #s)
print(("x"):rep(3) .. ("y"):rep(2))
