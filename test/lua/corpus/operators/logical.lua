-- and/or return one of their operands and short-circuit
print(1 and 2, nil and 2, false and 2, 1 or 2, nil or 2, false or false, nil or false)
print(false and nil, nil and false, 0 or 1, "" and "yes")
local calls = 0
local function f(v) calls = calls + 1; return v end
local r = f(false) and f(true)
print(r, calls)
r = f(true) or f(false)
print(r, calls)
r = f(nil) or f(false) or f("last")
print(r, calls)
local function multi() return 1, 2, 3 end
print(multi() and multi())
print((multi()) or 0, multi() or 0)
local x = nil
local y = x and x.field or "default"
print(y)
print(select("#", nil and 1), select("#", (nil and 1)))
