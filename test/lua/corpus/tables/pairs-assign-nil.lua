-- assigning nil to existing fields during traversal is allowed
local t = {}
for i = 1, 50 do t["k" .. i] = i end
for i = 1, 20 do t[i] = i end
local seen, removed = 0, 0
for k, v in pairs(t) do
  seen = seen + 1
  if type(v) == "number" and v % 2 == 0 then
    t[k] = nil
    removed = removed + 1
  else
    t[k] = v * 10 -- assigning to an existing field is allowed too
  end
end
print(seen, removed)
local left, sum = 0, 0
for k, v in pairs(t) do left = left + 1; sum = sum + v end
print(left, sum)
-- clear everything while iterating
for k in pairs(t) do t[k] = nil end
print(next(t))
