local values = { 0, -0.0, 0.5, -0.5, 1.5, -1.5, 2^52 + 0.5, 2^53, -2^53, 1e300, -1e300, 1 / 0, -1 / 0, 0.9999999999999999, -1e-300 }
for _, v in ipairs(values) do
  print(v, math.floor(v), math.ceil(v), math.modf(v))
end
print(math.floor(0 / 0) ~= math.floor(0 / 0))
