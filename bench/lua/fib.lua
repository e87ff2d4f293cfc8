-- recursion: naive Fibonacci
local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end
local n = tonumber(arg and arg[1]) or 36
local total = 0
for i = 1, 2 do total = total + fib(n) end
print("fib", n, total)
