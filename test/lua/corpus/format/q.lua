local samples = {
  "plain", "with \"quotes\"", "back\\slash", "new\nline", "cr\rreturn", "tab\tstop", "nul\0byte",
  "\0001", "\1\2\3", "\127", "", "'single'", "a\0", "\r\n", "\0", "\0009", "é", "\26",
}
for _, s in ipairs(samples) do
  io.write(string.format("%q", s), "\n")
end
print(string.format("%q", 1), string.format("%q", 1.5), string.format("%q", -0.1), string.format("%q", 1e100))
print(string.format("%q", 1/0), string.format("%q", -1/0), string.format("%q", 2^53))
print((select(2, pcall(string.format, "%q", {})):gsub("0x%x+", "ADDR")))
print(pcall(string.format, "%q", nil))
print(pcall(string.format, "%q", true))
print(string.format("%q", "x"):len(), loadstring("return " .. string.format("%q", "a\0b\n\"c\r\255"))() == "a\0b\n\"c\r\255")
