local calls = 0
local mt = { __eq = function(a, b) calls = calls + 1; return a.id == b.id end }
local a = setmetatable({ id = 1 }, mt)
local b = setmetatable({ id = 1 }, mt)
local c = setmetatable({ id = 2 }, mt)
print(a == b, a ~= b, a == c, a ~= c, calls)
print(a == a, calls) -- same object: no call
local other = setmetatable({ id = 1 }, { __eq = function() return true end })
print(a == other, calls) -- different __eq: false in Lua 5.1
local same_fn = { __eq = mt.__eq }
local d = setmetatable({ id = 1 }, same_fn)
print(a == d, calls)
print(a == 1, a == "x", calls)
local plain = { id = 1 }
print(a == plain, plain == a, calls)
local truthy = setmetatable({}, { __eq = function() return "yes" end })
local truthy2 = setmetatable({}, getmetatable(truthy))
print(truthy == truthy2)
