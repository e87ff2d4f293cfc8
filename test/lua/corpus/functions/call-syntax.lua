local function show(x) return type(x) == "table" and ("table #" .. #x) or tostring(x) end
print(show "string arg", show [[long arg]], show { 1, 2, 3 })
local o = { name = "o" }
function o:hello(greeting) return (greeting or "hi") .. " " .. self.name end
print(o:hello "hey", pcall(o.hello, o, {}))
local chain = { f = function(self) return self end, v = "chained" }
print(chain:f():f():f().v)
local s = ("%s-%s"):format("a", "b"):upper():rep(2)
print(s)
local fns = { function() return "first" end, function() return "second" end }
print(fns[1](), fns[2]())
print((function(a) return a * 2 end)(21))
