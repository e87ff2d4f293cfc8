local function iter(s, i)
  i = i + 1
  if i > 3 then return nil end
  local v = coroutine.yield("iterator at " .. i)
  return i, v
end
local co = coroutine.create(function()
  local got = {}
  for i, v in iter, nil, 0 do got[#got + 1] = i .. "=" .. tostring(v) end
  return table.concat(got, ",")
end)
local ok, msg = coroutine.resume(co)
local n = 0
while coroutine.status(co) == "suspended" do
  print(ok, msg)
  n = n + 1
  ok, msg = coroutine.resume(co, "v" .. n)
end
print(ok, msg)
