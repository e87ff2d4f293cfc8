-- negative zero
local nz = -0
print(nz, 0 * -1, -0.0, 0/-1, tostring(-0))
print(nz == 0, 1/nz, 1/0, 1/(0 * -1))
print(string.format("%g %f %.1f", -0.0, -0.0, -0.0))
print(-0 .. "", (-0) .. "x")
local t = {}
t[0] = "zero"
print(t[-0], t[0 * -1])
t[-0] = "negzero"
print(t[0])
local n = 0
for k, v in pairs(t) do n = n + 1; print("key", k, v) end
print("count", n)
print(math.abs(-0), -(-0), 0 - 0, -0 + 0)
print(math.min(0, -0), math.max(-0, 0))
