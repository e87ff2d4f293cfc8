local s = "hello"
print(string.sub(s, nil))
