print(("hello"):find("^h"), ("hello"):find("^e"), ("hello"):find("o$"), ("hello"):find("l$"))
print(("hello"):find("^hello$"), ("hello!"):find("^hello$"), ("a^b"):find("a^b"), ("a$b"):find("a$b"))
print(("hello"):find("^l", 3), ("hello"):find("^l", 4), ("hello"):match("^(h)(e)"))
print(("$"):find("$"), ("$"):find("^$"), (""):find("^$"), ("x"):find("$"))
print(("aaa"):gsub("^a", "b"), ("aaa"):gsub("a$", "b"), ("abc"):gsub("$", "!"), ("abc"):gsub("^", "!"))
local n = 0
for w in ("^a^a"):gmatch("^a") do n = n + 1 end
print(n)
