local nums = { 0, 1, 15, 16, 255, 256, 4095, 65535, 2^31, 2^32 - 1, 2^32, 2^40, 123456789 }
for _, n in ipairs(nums) do
  print(string.format("[%x] [%X] [%#x] [%#X] [%08x] [%-8X] [%o] [%#o] [%5o] [%.4x]", n, n, n, n, n, n, n, n, n, n))
end
print(string.format("%x", -1), string.format("%X", -255), string.format("%o", -8))
print(string.format("%x", "255"), pcall(string.format, "%x", 1.5))
print(pcall(string.format, "%x", "ff"))
