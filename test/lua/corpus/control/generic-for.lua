local function range(n)
  local i = 0
  return function() i = i + 1; if i <= n then return i end end
end
for v in range(3) do io.write(v, " ") end print()
local function stateless(t, i)
  i = i + 1
  if t[i] then return i, t[i] end
end
for i, v in stateless, { "x", "y" }, 0 do io.write(i, v, " ") end print()
local function triples() local k = 0; return function() k = k + 1; if k <= 2 then return k, k * 2, k * 3 end end end
for a, b, c in triples() do io.write(a, b, c, " ") end print()
for k, v in next, { "only" } do print(k, v) end
local calls = 0
for x in function(s, c) calls = calls + 1; if c < 3 then return c + 1 end end, nil, 0 do io.write(x, " ") end
print(calls)
print(pcall(function() for x in 42 do end end))
print(pcall(function() for x in nil do end end))
local mt = setmetatable({}, { __call = function(self, s, c) if c < 2 then return c + 1 end end })
for x in mt, nil, 0 do io.write("callable", x, " ") end print()
