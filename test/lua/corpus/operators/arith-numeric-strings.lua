-- arithmetic coerces numeric strings
print("10" + 1, "10" - 1, "10" * 2, "10" / 4, "10" % 3, "2" ^ "3")
print("0x10" + 0, " 5 " + 0, "1e1" * 1, "-3" + 0, -"2", - "0x10")
print("1.5" + "2.5", type("1" + "1"), "3" .. 4 + 5)
print(10 + "0.5", 3 * "  2\t")
local s = "7"
print(s + s, s * s, s - 1, s / 2)
local t = { n = "42" }
print(t.n + 0, t.n * 1)
for _, v in ipairs({ "1", "0x1p4", "1e-3", ".5", "5.", "+5" }) do
  print(v, v + 0)
end
print(pcall(function() return "abc" + 1 end))
print(pcall(function() return "" + 1 end))
print(pcall(function() return "1 2" + 1 end))
print(pcall(function() return {} + 1 end))
print(pcall(function() return 1 + nil end))
print(pcall(function() return -"x" end))
print(pcall(function() return "10" < 9 end))
