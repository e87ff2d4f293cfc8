local function mask(v) return (tostring(v):gsub("0x%x+", "ADDR"):gsub("builtin#%d+", "ADDR")) end
print(nil, true, false, 0, -1.5, "s", "")
print(mask({}), mask(print), mask(function() end), mask(coroutine.create(print)), mask(io.stdout))
print(mask(setmetatable({}, {})), mask(string.gsub), mask(newproxy()), mask(newproxy(true)))
print()
print("a", nil, "b")
print(1, 2, 3)
print(select("#", print()))
