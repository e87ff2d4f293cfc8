print(string.format("%s is %d years and %.1f%% done", "x", 30, 55.55))
print(string.format("%5s|%-5s|%05.1f|%x|%q", "a", "b", 2.25, 48879, "q"))
local rows = { { "apple", 1.5, 3 }, { "banana", 0.25, 12 }, { "kiwi", 10, 100 } }
for _, r in ipairs(rows) do
  print(string.format("%-8s %6.2f %4d %8.3e", r[1], r[2], r[3], r[2] * r[3]))
end
print(("%d%%"):format(50), ("%s=%s"):format("k", "v"))
print(string.format("%s %s", 1, 2, 3))
print(string.format("%d items", "3"))
print(string.format("%.3s", 1.23456), string.format("%5s", 1.5), string.format("%s", 1e15))
