-- %q leaves bytes 128-255 as they are (the output is not valid UTF-8)
io.write(string.format("%q", "\127\128\200\255"), "\n")
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
io.write(string.format("%q", table.concat(all)), "\n")
