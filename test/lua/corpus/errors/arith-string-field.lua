local t = { n = "abc" }
print(t.n + 1)
