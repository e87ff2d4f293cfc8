local nums = { 0, 1, -1, 42, -42, 3.0, 2147483647, -2147483648, 4294967296, 1e15, 2^53 }
for _, n in ipairs(nums) do
  print(string.format("[%d] [%i] [%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%8.3d]", n, n, n, n, n, n, n, n, n))
end
print(string.format("%d", "10"), string.format("%d", " 0x10 "))
print(pcall(string.format, "%d", 1.5))
print(pcall(string.format, "%d", "1.5"))
print(pcall(string.format, "%d", "x"))
print(pcall(string.format, "%d", {}))
print(string.format("%d", -0.0), string.format("%d", 3.0))
