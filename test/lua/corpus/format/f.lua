local nums = { 0, 1, -1, 3.14159265, -2.5, 0.5, 1.5, 2.5, 1e10, 1e-10, 123456.789, 1/3, -0.0 }
for _, n in ipairs(nums) do
  print(string.format("[%f] [%.2f] [%5.2f] [%-10.3f] [%010.3f] [%+.1f] [% .0f] [%.0f] [%#.0f] [%.10f]", n, n, n, n, n, n, n, n, n, n))
end
print(string.format("%5.2f", 3.14159), string.format("%.3f", "2.5"), string.format("%f", 1e300))
print(string.format("%.2f %.2f %.2f %.2f", 0.125, 0.375, 2.675, 1.005))
print(string.format("%.f %F", 2.5, 1.5))
print(string.format("%f %f %f", 1/0, -1/0, 0/0 ~= 0/0 and 1 or 0))
print(string.format("%.99f", 1):len())
