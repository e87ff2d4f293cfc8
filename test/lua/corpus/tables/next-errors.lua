print(pcall(next, {}, "missing"))
print(pcall(next, { a = 1 }, "b"))
print(pcall(next))
print(pcall(next, nil))
print(pcall(function() local k = next(42); return k end))
print(pcall(function() local f = pairs(nil); return f end))
print(pcall(function() for k in pairs("str") do end end))
-- a tail call leaves no frame to name the function
print(pcall(function() return next(42) end))
