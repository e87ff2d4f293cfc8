local co = coroutine.create(function(...)
  print("args", select("#", ...), ...)
  local r = { coroutine.yield() }
  print("resume values", #r, unpack(r))
  print("nil resume", select("#", coroutine.yield(nil, nil)))
  return nil, nil, "end"
end)
print(select("#", coroutine.resume(co, 1, nil, 3)))
print(coroutine.resume(co, "a", "b", "c"))
print(coroutine.resume(co))
print(coroutine.resume(co))
