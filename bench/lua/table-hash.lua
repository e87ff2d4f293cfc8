-- table work: hash insert, lookup, update, delete with string and number keys
local n = tonumber(arg and arg[1]) or 200000
local h = {}
for i = 1, n do h["key" .. i] = i end
local hits, sum = 0, 0
for round = 1, 5 do
  for i = 1, n, 3 do
    local v = h["key" .. (i + round)]
    if v then hits = hits + 1; sum = sum + v end
  end
end
local counts = {}
for i = 1, n * 5 do
  local k = (i * 7919) % 10007
  counts[k] = (counts[k] or 0) + 1
end
local distinct = 0
for k, v in pairs(counts) do distinct = distinct + 1; sum = sum + k * v end
for i = 1, n, 2 do h["key" .. i] = nil end
local left = 0
for _ in pairs(h) do left = left + 1 end
print("table-hash", hits, distinct, left, sum)
