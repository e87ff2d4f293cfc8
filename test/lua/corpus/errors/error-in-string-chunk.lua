local f = loadstring("local a = 1\nreturn a()")
f()
