-- # on proper sequences
local t = {}
for i = 1, 10 do t[i] = i; io.write(#t, " ") end
print()
for i = 10, 1, -1 do t[i] = nil; io.write(#t, " ") end
print()
local u = { "a", "b", "c" }
u[#u + 1] = "d"
print(#u)
table.insert(u, "e")
print(#u)
table.remove(u)
print(#u)
local big = {}
for i = 1, 1000 do big[#big + 1] = i end
print(#big, big[#big])
local h = { x = 1, y = 2 }
print(#h)
h[1] = "one"
print(#h)
local s = {}
s[1], s[2], s[3] = 1, 2, 3
print(#s)
