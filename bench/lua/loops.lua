-- numeric loops: nested integer and floating-point arithmetic
local n = tonumber(arg and arg[1]) or 5000
local acc = 0
for i = 1, n do
  for j = 1, n do
    acc = (acc + i * j % 7 + (i + j) % 3) % 1000003
  end
end
local x = 0.0
for i = 1, n * 300 do
  x = x + math.sqrt(i) * 0.5 - math.floor(i / 3)
end
local sieve, primes = {}, 0
for i = 2, n * 100 do
  if not sieve[i] then
    primes = primes + 1
    for k = i * i, n * 100, i do sieve[k] = true end
  end
end
print("loops", acc, string.format("%.3f", x), primes)
