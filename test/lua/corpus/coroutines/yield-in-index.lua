-- yield from inside an __index function called by the VM
local proxy = setmetatable({}, {
  __index = function(t, k)
    local v = coroutine.yield("need " .. k)
    return v
  end,
})
local co = coroutine.create(function()
  local a = proxy.alpha
  local b = proxy.beta
  return a .. "+" .. b
end)
print(coroutine.resume(co))
print(coroutine.resume(co, "A"))
print(coroutine.resume(co, "B"))
local addmt = { __add = function(x, y) return coroutine.yield("adding") end }
local co2 = coroutine.wrap(function() return setmetatable({}, addmt) + 1 end)
print(co2())
print(co2(42))
