local function r(x) return string.format("%.10f", x) end
print(r(math.sin(0)), r(math.sin(math.pi / 2)), r(math.sin(math.pi / 6)), r(math.sin(-1)))
print(r(math.cos(0)), r(math.cos(math.pi)), r(math.cos(1)), r(math.tan(math.pi / 4)), r(math.tan(1)))
print(r(math.asin(1)), r(math.acos(0)), r(math.atan(1)), r(math.acos(-1)), r(math.asin(-0.5)))
print(r(math.atan2(1, 1)), r(math.atan2(-1, -1)), r(math.atan2(0, -1)), r(math.atan2(1, 0)), r(math.atan2(0, 0)))
print(r(math.sinh(1)), r(math.cosh(1)), r(math.tanh(1)), r(math.tanh(100)))
print(math.sin(0), math.cos(0), math.tan(0), math.asin(2) ~= math.asin(2))
print(math.sin(1), math.cos(1), math.exp(1), math.sqrt(3))
