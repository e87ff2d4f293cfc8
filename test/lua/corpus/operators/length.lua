print(#"", #"a", #"hello world", #"\0\0\0", #"你好")
print(#{}, #{1}, #{1, 2, 3}, #{n = 1}, #{1, 2, x = 3})
local s = "abc"
print(#s, #s + #s, -#s)
local t = { "a", "b", "c" }
t[#t + 1] = "d"
print(#t)
t[#t] = nil
print(#t)
print(pcall(function() return #nil end))
print(pcall(function() return #5 end))
print(pcall(function() local b = true; return #b end))
