local function show(t)
  local keys = {}
  for k, v in pairs(t) do keys[#keys + 1] = k .. "=" .. tostring(v) end
  table.sort(keys)
  print(table.concat(keys, " "))
end
show(os.date("*t", 1700000000))
show(os.date("!*t", 1700000000))
show(os.date("!*t", 0))
show(os.date("!*t", 951782400))
local now = os.date("*t")
print(type(now.year), type(now.isdst), now.month >= 1 and now.month <= 12)
local t = os.date("!*t", 1234567890)
print(os.time(t) == 1234567890)
