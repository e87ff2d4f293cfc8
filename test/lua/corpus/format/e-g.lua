local nums = { 0, 1, -1, 12345.678, 0.0001, 0.00001, 1e15, 1e16, 1e-5, 123456789, 1/3, 100, 1e100, -0.0 }
for _, n in ipairs(nums) do
  print(string.format("[%e] [%.2e] [%E] [%12.4e] [%g] [%G] [%.3g] [%10g] [%-10g] [%#g] [%.14g] [%.0g]", n, n, n, n, n, n, n, n, n, n, n, n))
end
print(string.format("%g %g %g %G", 1/0, -1/0, 1e-300, 1e-300))
print(string.format("%+e %+g % g", 5, 5, 5))
