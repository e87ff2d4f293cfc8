io.write("partial output without newline")
local t = nil
t[1] = 2
