-- doubles only: precision limits
print(2^53, 2^53 + 1, 2^53 + 2, 2^53 == 2^53 + 1)
print(9007199254740991 + 1, 9007199254740991 + 2)
print(string.format("%.0f", 2^53 + 1), string.format("%.0f", 2^63))
print(math.floor(2^60) == 2^60, 2^1023 * 2, 2^-1074, 2^-1075)
print(1e15 + 1, 1e16 + 1, 123456789 * 987654321)
print(string.format("%d", 2^31), string.format("%d", -2^31), string.format("%d", 2^52))
print(0xffffffff + 1, 0x7fffffff * 2)
