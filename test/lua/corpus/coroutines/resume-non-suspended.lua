local co
co = coroutine.create(function()
  print(coroutine.resume(co))
  return "ok"
end)
print(coroutine.resume(co))
print(pcall(coroutine.yield, 1))
print(pcall(function() coroutine.yield() end))
local main = coroutine.running()
print(main)
local outer
outer = coroutine.create(function()
  local inner = coroutine.create(function() return coroutine.resume(outer) end)
  return coroutine.resume(inner)
end)
print(coroutine.resume(outer))
