-- Method calls resolved through __index tables one, two and three levels up, and on tables
-- with more string keys than an object holds (their own keys then shadow the class's).
local Base = {} Base.__index = Base
function Base:who() return "base" end
function Base:deep() return "base-deep" end
local Mid = setmetatable({}, { __index = Base }) Mid.__index = Mid
function Mid:who() return "mid" end
local Leaf = setmetatable({}, { __index = Mid }) Leaf.__index = Leaf
local o = setmetatable({}, Leaf)
print(o:who(), o:deep())
function Leaf:who() return "leaf" end
print(o:who())
Base.deep = function() return "base-deep-2" end
print(o:deep())
-- own method on a table with many string keys
local big = setmetatable({}, Base)
for i = 1, 100 do big["k" .. i] = i end
print(big:who())
big.who = function() return "own" end
print(big:who())
big.who = nil
print(big:who())
-- a class with many string keys, its method shadowing its parent's
local Wide = setmetatable({}, { __index = Base }) Wide.__index = Wide
for i = 1, 100 do Wide["m" .. i] = function() return i end end
Wide.deep = function() return "wide-deep" end
local w = setmetatable({}, Wide)
print(w:deep(), w:who(), w:m50())
-- __index a function two levels up
local F = setmetatable({}, { __index = function(_, k) return function() return "fn:" .. k end end })
F.__index = F
local x = setmetatable({}, F)
print(x:anything())
-- method on a string and on a missing method
print(("ab"):rep(2))
print(pcall(function() return o:missing() end))
