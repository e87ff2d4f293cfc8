local gen = coroutine.wrap(function(first)
  print("first", first)
  for i = 1, 3 do
    local got = coroutine.yield(i)
    print("resumed with", got)
  end
  return "end"
end)
print(gen("a"))
print(gen("b"))
print(gen("c"))
print(gen("d"))
print(pcall(gen))
print(type(gen))
local function chars(s)
  return coroutine.wrap(function()
    for c in s:gmatch(".") do coroutine.yield(c) end
  end)
end
for c in chars("abc") do io.write(c, ".") end
print()
