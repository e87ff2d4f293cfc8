local s = "a.b.c[d]"
print(s:find("."), s:find(".", 1, true), s:find("[d]", 1, true), s:find("[d]"))
print(s:find("b", 3), s:find("b", 4), s:find(".", -2, true), s:find("", 3), s:find("", 100))
print(s:find("", #s + 1), s:find("", #s + 2), s:find("a", -100), s:find("c", 0))
print(("hello"):find("l"), ("hello"):find("xyz"), ("hello"):find("lo"), ("hello"):find("hello world"))
print(("a+b"):find("+", 1, true), ("a%b"):find("%", 1, true), ("x"):find("x", 1, false))
print(string.find("abc", "b", nil, true))
