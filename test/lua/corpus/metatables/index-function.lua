local calls = {}
local t = setmetatable({ present = 1 }, {
  __index = function(tbl, key)
    calls[#calls + 1] = tostring(key)
    if key == "double" then return function(self, v) return v * 2 end end
    return key .. "!"
  end,
})
print(t.present, t.absent, t[1], t.double(t, 21), t:double(4))
print(table.concat(calls, ","))
local self_seen
local u = setmetatable({}, { __index = function(tbl, k) self_seen = tbl; return nil end })
print(u.anything, self_seen == u)
local memo = setmetatable({}, { __index = function(m, n)
  local v = n < 2 and n or m[n - 1] + m[n - 2]
  rawset(m, n, v)
  return v
end })
print(memo[50], memo[80])
