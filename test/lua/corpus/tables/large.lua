local t = {}
for i = 1, 100000 do t[i] = i end
print(#t, t[1], t[50000], t[100000])
local sum = 0
for i, v in ipairs(t) do sum = sum + v end
print(sum)
for i = 100000, 50001, -1 do t[i] = nil end
print(#t)
local h = {}
for i = 1, 20000 do h["key" .. i] = i end
local n, s = 0, 0
for k, v in pairs(h) do n = n + 1; s = s + v end
print(n, s)
for i = 1, 20000, 2 do h["key" .. i] = nil end
n = 0
for k in pairs(h) do n = n + 1 end
print(n)
