local s = "one two one two"
print(s:find("one", 1), s:find("one", 2), s:find("one", -3), s:find("one", -7), s:find("one", 100))
print(s:match("%a+", 5), s:match("%a+", -3), s:match("^%a+", 5), s:match("^%a+", 4))
print(s:find("o", 0), s:find("o", -100))
print(("aaa"):match(".-", 2), ("abc"):match("(.)", -1))
print(s:find("t%a+", 6))
