-- sethook is accepted; gethook reports what was set
local count = 0
debug.sethook(function() count = count + 1 end, "", 1000)
for i = 1, 10 do local _ = i end
debug.sethook()
print(type(count))
local h, mask, n = debug.gethook()
print(h, mask, n)
debug.sethook(function() end, "c")
local hook, m = debug.gethook()
print(type(hook), m)
debug.sethook()
print(debug.gethook())
