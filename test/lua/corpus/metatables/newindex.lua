local log = {}
local t = setmetatable({ existing = 1 }, {
  __newindex = function(tbl, k, v)
    log[#log + 1] = tostring(k) .. "=" .. tostring(v)
    rawset(tbl, k, v and v * 2)
  end,
})
t.existing = 5 -- existing keys do not trigger __newindex
t.fresh = 10
t.fresh = 11 -- now it exists
t[1] = 3
print(t.existing, t.fresh, t[1], table.concat(log, " "))
local store = {}
local proxy = setmetatable({}, { __newindex = store, __index = store })
proxy.a = "A"
print(rawget(proxy, "a"), store.a, proxy.a)
local ro = setmetatable({}, { __newindex = function(_, k) error("read-only field " .. k, 2) end })
print(pcall(function() ro.x = 1 end))
local chain2 = {}
local chain1 = setmetatable({}, { __newindex = chain2 })
local top = setmetatable({}, { __newindex = chain1 })
top.v = 1
print(rawget(top, "v"), rawget(chain1, "v"), rawget(chain2, "v"))
