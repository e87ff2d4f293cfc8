local function show(info)
  local keys = {}
  for k, v in pairs(info) do
    if type(v) ~= "function" and type(v) ~= "table" and not (k == "nups" and info.what == "C") then keys[#keys + 1] = k .. "=" .. tostring(v) end
  end
  table.sort(keys)
  print(table.concat(keys, " "))
end
local function target(a, b, ...)
  local info = debug.getinfo(1)
  return info
end
show(target())
show(debug.getinfo(target))
show(debug.getinfo(print))
show(debug.getinfo(1, "Sl"))
show(debug.getinfo(1, "n"))
local function named() local i = debug.getinfo(1, "n"); return i end
local function call_named() local i = named(); return i end
show(call_named())
local t = {}
function t.field() local i = debug.getinfo(1, "n"); return i end
show(t.field())
function t:meth() local i = debug.getinfo(1, "n"); return i end
show(t:meth())
print(debug.getinfo(100))
print(debug.getinfo(1, "f").func ~= nil, debug.getinfo(target, "f").func == target)
local chunk = loadstring("local i = debug.getinfo(1, 'S'); return i", "=(load)")
show(chunk())
local chunk2 = loadstring("\nlocal i = debug.getinfo(1, 'Sl')\nreturn i")
show(chunk2())
print(pcall(debug.getinfo, 1, ">"))
