-- table work: array fill, sum, insert/remove, copy
local n = tonumber(arg and arg[1]) or 1000000
local sum = 0
for round = 1, 3 do
  local t = {}
  for i = 1, n do t[i] = i * round end
  for i = 1, #t do sum = (sum + t[i]) % 2147483647 end
  local s = 0
  for _, v in ipairs(t) do s = s + v % 13 end
  sum = (sum + s) % 2147483647
end
local stack = {}
for i = 1, n do stack[#stack + 1] = i end
while #stack > 0 do sum = (sum + stack[#stack]) % 2147483647; stack[#stack] = nil end
print("table-array", sum)
