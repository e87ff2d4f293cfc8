local function locals(level)
  local out = {}
  local i = 1
  while true do
    local name, value = debug.getlocal(level + 1, i)
    if not name then break end
    out[#out + 1] = name .. "=" .. tostring(value)
    i = i + 1
  end
  return table.concat(out, " ")
end
local function f(a, b)
  local c = a + b
  do local inner = "x" end
  local d = "last"
  local r = locals(1)
  return r
end
print(f(1, 2))
print(debug.getlocal(f, 1), debug.getlocal(f, 2), debug.getlocal(f, 3))
local function setter()
  local v = "original"
  debug.setlocal(1, 1, "changed")
  return v
end
print(setter())
local function va(...) return debug.getlocal(1, -1) end
print(va("vararg1", "vararg2"))
print(pcall(debug.getlocal, 100, 1))
