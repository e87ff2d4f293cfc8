local f = loadstring("local a = nil\nreturn a.b", "=mychunk")
f()
