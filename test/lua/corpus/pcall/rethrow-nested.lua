local function risky(n) if n > 2 then error("too big: " .. n) end return n end
local function wrapper(n)
  local ok, err = pcall(risky, n)
  if not ok then error("wrapper: " .. err, 0) end
  return err
end
print(pcall(wrapper, 1))
print(pcall(wrapper, 5))
local ok, e = pcall(function()
  local ok2, e2 = pcall(function() error({ depth = 2 }) end)
  e2.depth = e2.depth + 1
  error(e2)
end)
print(ok, e.depth)
local results = {}
for i = 1, 5 do
  local ok3, v = pcall(function() if i % 2 == 0 then error("even " .. i, 0) end return i end)
  results[#results + 1] = tostring(ok3) .. ":" .. tostring(v)
end
print(table.concat(results, " "))
