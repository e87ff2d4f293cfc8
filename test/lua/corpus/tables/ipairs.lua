-- ipairs stops at the first nil
local t = { 1, 2, nil, 4 }
for i, v in ipairs(t) do print(i, v) end
local u = { n = 3, [1] = "a", [2] = "b", [4] = "d" }
for i, v in ipairs(u) do print(i, v) end
for i, v in ipairs({}) do print("never") end
local w = { false, false, nil }
for i, v in ipairs(w) do print(i, v) end
local f, s, i0 = ipairs(t)
print(type(f), s == t, i0)
print(f(t, 0))
print(f(t, 2))
print(pcall(ipairs))
print(pcall(ipairs, nil))
local stop = { 1, 2, 3, 4, 5 }
for i, v in ipairs(stop) do
  if i == 2 then stop[4] = nil end
  io.write(i, ":", v, " ")
end
print()
