local function three() return 1, 2, 3 end
local t = { three() }
print(#t, t[1], t[2], t[3])
t = { three(), three() }
print(#t, t[1], t[2], t[3], t[4])
t = { (three()) }
print(#t, t[1])
t = { three(), "x" }
print(#t, t[1], t[2])
t = { 1, 2, 3; x = "a", ["y z"] = "b", [10] = 10, }
print(#t, t.x, t["y z"], t[10])
t = { [1] = "a", "b" }
print(t[1])
t = { "b", [1] = "a" }
print(t[1])
t = { x = 1, x = 2 }
print(t.x)
t = { [1 + 1] = "two", [("k"):rep(2)] = "kk" }
print(t[2], t.kk)
local n = { { 1, 2 }, { 3, { 4, 5 } } }
print(n[2][2][2], #n, #n[2])
t = { f = function(self) return self.v end, v = 9 }
print(t:f(), t.f(t))
t = { ... }
print(#t)
