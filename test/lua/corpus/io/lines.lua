local name = os.tmpname()
local f = assert(io.open(name, "w"))
f:write("alpha\nbeta\n\ngamma")
f:close()
for line in io.lines(name) do io.write("[", line, "]") end
print()
f = assert(io.open(name))
local n = 0
for line in f:lines() do n = n + 1 end
print(n, io.type(f))
f:close()
print(io.type(f))
local it = io.lines(name)
print(it(), it(), it(), it(), it())
print((select(2, pcall(io.lines, name .. ".missing")):gsub("^.*: ", "ERR: ")))
local crlf = os.tmpname()
f = assert(io.open(crlf, "wb"))
f:write("a\r\nb\r\n")
f:close()
for line in io.lines(crlf) do io.write(#line, " ") end
print()
os.remove(name)
os.remove(crlf)
