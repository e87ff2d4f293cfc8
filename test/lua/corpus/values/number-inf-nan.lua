-- infinities and NaN
local inf = 1/0
local ninf = -1/0
print(inf, ninf, math.huge, -math.huge)
print(tostring(inf), tostring(ninf))
print(inf == math.huge, ninf == -math.huge, inf > 1e308, ninf < -1e308)
local nan = 0/0
print(nan ~= nan, nan == nan, nan < 1, nan > 1, nan <= nan, nan >= nan)
print(type(nan), type(inf))
print(inf + 1, inf - inf ~= inf - inf, inf * 0 ~= inf * 0, inf * -1)
print(1e308 * 10, -1e308 * 10)
print(math.floor(inf), math.ceil(ninf))
print(string.format("%.3f %.3f", inf, ninf))
print(string.format("%d", 3))
print(tostring(inf):upper(), tostring(ninf):len())
