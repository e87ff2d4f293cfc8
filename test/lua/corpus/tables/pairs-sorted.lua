-- pairs visits every key exactly once (order is printed sorted)
local t = { 10, 20, 30, x = "a", y = "b", [true] = "t", [1.5] = "f", [-1] = "neg" }
local keys = {}
for k, v in pairs(t) do keys[#keys + 1] = tostring(k) .. "=" .. tostring(v) end
table.sort(keys)
print(table.concat(keys, " "))
local count = 0
for k in next, t do count = count + 1 end
print(count)
print(next({}), next({}, nil))
local k, v = next({ only = 1 })
print(k, v, next({ only = 1 }, "only"))
print(type(pairs(t)), select("#", pairs(t)))
local f, s, ctl = pairs(t)
print(f == next, s == t, ctl)
