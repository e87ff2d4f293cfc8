local ok = true
print(ok * 2)
