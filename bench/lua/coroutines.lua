-- coroutines: ping-pong with a coroutine (1e6 round trips: 2e6 switches), a generator
-- driven by a for loop, and a three-stage pipeline of coroutines
local n = tonumber(arg and arg[1]) or 1000000
local pong = coroutine.create(function(v)
  while true do v = coroutine.yield(v + 1) end
end)
local value, switches = 0, 0
for i = 1, n do
  local _, r = coroutine.resume(pong, value)
  value = r % 1000003
  switches = switches + 2
end
local gen = coroutine.wrap(function()
  for i = 1, n do coroutine.yield(i) end
  return nil
end)
local sum = 0
for v in gen do sum = sum + v end
local function source(count)
  return coroutine.wrap(function() for i = 1, count do coroutine.yield(i) end end)
end
local function stage(input, f)
  return coroutine.wrap(function()
    for v in input do coroutine.yield(f(v)) end
  end)
end
local piped = 0
for v in stage(stage(source(n / 2), function(x) return x * 3 end), function(x) return x % 1001 end) do
  piped = piped + v
end
print("coroutines", switches, value, sum, piped)
