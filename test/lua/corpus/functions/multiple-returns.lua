local function mr() return 1, 2, 3 end
local function none() end
print(mr())
print(mr(), 10)
print(10, mr())
print((mr()))
local t = { mr(), mr() }
print(#t)
t = { mr(), (mr()) }
print(#t)
print(none())
print(select("#", none()), select("#", (none())))
print(none() == nil)
local a, b, c, d = mr()
print(a, b, c, d)
a, b, c, d = 0, mr()
print(a, b, c, d)
a, b, c, d = mr(), 0
print(a, b, c, d)
print(string.format("%d %d %d", mr()))
print(math.max(mr()), math.max(mr(), 0))
print(#{ none() }, #{ none(), nil })
local function tail() return mr() end
print(tail())
local function paren() return (mr()) end
print(paren())
print(mr() + 1, "x" .. mr())
