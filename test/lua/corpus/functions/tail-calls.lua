local function loop(n, acc)
  if n == 0 then return acc end
  return loop(n - 1, acc + 1)
end
print(loop(1000000, 0))
local function a(n) if n == 0 then return "done" end return (function(m) return a(m) end)(n - 1) end
print(a(100000))
local t = {}
function t.m(self, n) if n == 0 then return "method done" end return self:m(n - 1) end
print(t:m(200000))
