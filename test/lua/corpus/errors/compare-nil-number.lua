local v
print(v >= 1)
