-- numeric literal syntax
print(0xff, 0XFF, 0x10, 0xA, 0xa, 0x7fffffff, 0xffffffff, 0x100000000)
print(1e2, 1E2, 1e+2, 1e-2, .5, 3., 3.0, 0.5e1)
print(0x1p4, 0x1P-1, 0xA.8p0, 0x.1p4, 0x1.8)
print(0xffffffffffffffff)
print(1e309, -1e309)
print(007, 010, 1e0)
print(9007199254740993)
print(- - 1, - -1)
