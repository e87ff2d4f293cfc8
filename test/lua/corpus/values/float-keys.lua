-- a float key with an integer value is the same key as the integer
local t = {}
t[1] = "one"
print(t[1.0], t[2/2], t[0.5 * 2])
t[2.0] = "two"
print(t[2], #t)
t[3] = "three"
t[2^53] = "big"
print(t[2^53], t[9007199254740992])
t[1.5] = "one and a half"
print(t[1.5], t[3/2])
print(#t)
local keys = {}
for k in pairs(t) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do print(k, math.type and math.type(k) or type(k), t[k]) end
local u = { [1.0] = "a", [2] = "b" }
print(#u, u[1], u[2])
for i, v in ipairs(u) do print(i, v) end
print(next({ [3.0] = true }))
local s = {}
s["1"] = "string one"
s[1] = "number one"
print(s["1"], s[1])
local n = 0
for _ in pairs(s) do n = n + 1 end
print(n)
