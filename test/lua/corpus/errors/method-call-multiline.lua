-- A method call spread over lines: LuaJIT looks the method up at the line of its name
-- (an index error names that line) and calls at the line of the arguments' `(`, `{` or
-- string (a tail call: at the line of the call's last token).
local x
local t = {}
print(pcall(function() return x
:foo(1,
2) end))
print(pcall(function() return t
:foo(1,
2) end))
print(pcall(function() x
:foo(1,
2) end))
print(pcall(function() t
:foo(1,
2) end))
print(pcall(function() local a = x
:foo(1,
2) return a end))
print(pcall(function() local a = t
:foo(1,
2) return a end))
print(pcall(function() return x
:foo(unpack({1,
2})) end))
print(pcall(function() return t
:foo(unpack({1,
2})) end))
print(pcall(function() return x
:foo{
} end))
print(pcall(function() return x
:foo"a" end))
print(pcall(function() return t
.bar
:baz(
1,
2
)
end))
local co = coroutine.wrap(function() coroutine.yield(1) local a = x
:foo(1,
2) return a end)
print(pcall(co))
print(pcall(co))
local function f()
  return x
  :foo(1,
  2)
end
f()
