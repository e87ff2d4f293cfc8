-- the harness gives programs an empty stdin
print(io.read())
print(io.read("*a"))
print(io.read("*n"))
print(io.stdin:read(1))
for line in io.lines() do print("never", line) end
print("done")
