local t = { a = { b = {} } }
function t.a.b.f(x) return "f" .. x end
function t.a.b:g(x) return self == t.a.b, x end
print(t.a.b.f(1), t.a.b:g(2))
local function rec(n) return n > 0 and rec(n - 1) or "bottom" end
print(rec(3))
local lf = function(...) return select("#", ...) end
print(lf(1, 2))
function globalfn() return "global" end
print(globalfn(), type(_G.globalfn))
local obj = { v = 1 }
function obj:get() return self.v end
function obj.static() return "static" end
print(obj:get(), obj.get(obj), obj.static(), obj.get({ v = 2 }))
print(type(function() end), (function(...) return ... end)(7))
local s = "str"
print(s:upper(), ("lit"):upper(), #s)
print(tostring(nil), type(print))
local function f(a, b) return a, b end
print(f(1, 2, 3))
print(f())
print(f "str")
print(type((f { 1 })))
print(type(f { 1 }))
