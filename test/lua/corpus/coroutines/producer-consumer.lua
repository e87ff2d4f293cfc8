local function producer()
  return coroutine.create(function()
    for _, item in ipairs({ "a", "b", "c" }) do coroutine.yield(item) end
    return nil
  end)
end
local function filter(src)
  return coroutine.create(function()
    while true do
      local _, item = coroutine.resume(src)
      if not item then return nil end
      coroutine.yield(item:upper())
    end
  end)
end
local p = filter(producer())
while true do
  local ok, item = coroutine.resume(p)
  if not item then break end
  print(ok, item)
end
print(coroutine.status(p))
local switches = 0
local ping = coroutine.wrap(function() while true do switches = switches + 1; coroutine.yield() end end)
for i = 1, 100000 do ping() end
print(switches)
