local function try(v, ...)
  local ok, e = pcall(error, v, ...)
  return ok, type(e), e
end
print(try(nil))
print(try(false))
print(try(true))
print(try(42))
print(try(1.5))
local t = { code = 7 }
local ok, typ, e = try(t)
print(ok, typ, e == t, e.code)
local ok2, e2 = pcall(function() error(42) end)
print(ok2, type(e2), e2)
local ok3, e3 = pcall(function() error({ "in table" }, 2) end)
print(ok3, type(e3), e3[1])
local mt = { __tostring = function(s) return "E(" .. s.msg .. ")" end }
local ok4, e4 = pcall(function() error(setmetatable({ msg = "custom" }, mt)) end)
print(ok4, tostring(e4), e4.msg)
local f = function() end
local ok5, e5 = pcall(error, f)
print(ok5, e5 == f)
