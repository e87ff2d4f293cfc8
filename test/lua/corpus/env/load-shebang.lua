-- LuaJIT skips a first line that starts with '#' in every chunk it loads, not only in files.
local f = load("#!/usr/bin/env luajit\nreturn 1 + 1")
print(f())
print(loadstring("# a comment line\nreturn 'two'")())
-- The skipped line still counts: errors name line 2.
print(type(loadstring("#\nerror('boom')", "=chunk")))
print(pcall(loadstring("#\nerror('boom')", "=chunk")))
-- Only the very first character decides.
print(loadstring(" #x"))
