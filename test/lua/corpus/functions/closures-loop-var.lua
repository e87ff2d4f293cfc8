-- each iteration gets a fresh local
local fs = {}
for i = 1, 3 do fs[#fs + 1] = function() return i end end
print(fs[1](), fs[2](), fs[3]())
local gs = {}
for k, v in ipairs({ "a", "b", "c" }) do gs[#gs + 1] = function() return k .. v end end
print(gs[1](), gs[2](), gs[3]())
local hs = {}
local j = 0
while j < 3 do
  j = j + 1
  local captured = j
  hs[#hs + 1] = function() captured = captured + 10; return captured end
end
print(hs[1](), hs[1](), hs[2](), hs[3]())
local rs = {}
local n = 0
repeat
  n = n + 1
  local v = n * n
  rs[n] = function() return v end
until v >= 9
print(rs[1](), rs[2](), rs[3]())
local shared = {}
for i = 1, 2 do
  local x = 0
  shared[i] = { inc = function() x = x + 1; return x end, get = function() return x end }
end
shared[1].inc(); shared[1].inc(); shared[2].inc()
print(shared[1].get(), shared[2].get())
local ms = {}
for i = 1, 3 do
  ms[i] = function() i = i + 100; return i end -- modifying the loop variable copy
end
print(ms[1](), ms[1](), ms[2]())
