-- The coroutine paths compiled without generators (see docs/lua-runtime.md): yield written
-- as coroutine.yield or through a local alias, resume and wrap with 0, 1 and several values,
-- a replaced coroutine.yield, wraps iterated from inside coroutines, errors through them.
local yield = coroutine.yield
local co = coroutine.create(function(...)
  print("start", select("#", ...), ...)
  print("got", select("#", yield()), yield(1))
  print("got", yield(1, nil, 3))
  local a, b, c = coroutine.yield("x", "y")
  print("got", a, b, c)
  return "done", nil
end)
print(coroutine.resume(co))
print(coroutine.resume(co, "a"))
print(coroutine.resume(co, "b", "c"))
print(coroutine.resume(co))
print(select("#", coroutine.resume(co, 1, nil, 3)))
print(coroutine.resume(co))
print(coroutine.status(co))

-- wrap: one value, none, several; the values a wrap returns keep their count
local w = coroutine.wrap(function(a)
  local b = yield(a * 2)
  local c, d = yield()
  yield(b, c, d)
  return nil, nil
end)
print(w(21))
print(select("#", w("b")))
print(w("c", "d"))
print(select("#", w()))
print(pcall(w))

-- a replaced coroutine.yield is called as any function
local real = coroutine.yield
coroutine.yield = function(...) return real("wrapped", ...) end
local r = coroutine.wrap(function() local v = coroutine.yield("v") return v end)
print(r())
print(r("back"))
coroutine.yield = real

-- generic for over wraps inside a coroutine, nested three deep
local function count(n)
  return coroutine.wrap(function() for i = 1, n do yield(i) end end)
end
local function map(it, f)
  return coroutine.wrap(function() for v in it do yield(f(v)) end end)
end
local outer = coroutine.wrap(function()
  local s = 0
  for v in map(map(count(5), function(x) return x * 10 end), function(x) return x + 1 end) do
    s = s + v
    yield(v)
  end
  return "sum", s
end)
for i = 1, 6 do print(outer()) end

-- errors: inside a wrap iterated by a for, and resume's own
local bad = coroutine.wrap(function() yield(1) error("boom") end)
print(pcall(function() for v in bad do print("v", v) end end))
print(pcall(function() for v in bad do end end))
print(select("#", coroutine.resume(coroutine.create(function() return yield end))), type(yield))
print(pcall(coroutine.resume, 42))
print(coroutine.resume(coroutine.running() or coroutine.create(print), "p"))

-- yield inside pcall inside a coroutine, resumed from another coroutine
local inner = coroutine.create(function()
  print("pcall", pcall(function() local x = yield("in pcall") return x end))
  return "inner end"
end)
local driver = coroutine.wrap(function()
  print("first", coroutine.resume(inner))
  print("second", coroutine.resume(inner, "sent"))
  return coroutine.status(inner)
end)
print(driver())
