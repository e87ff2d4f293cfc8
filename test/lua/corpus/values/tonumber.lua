-- tonumber conversions
local cases = {
  "10", "  10  ", "10 ", "\t\n10\n", "0x10", "0X1f", "-0x10", "1e1", "1E+2", ".5", "5.",
  "-.5", "+5", "1e", "", " ", "abc", "10abc", "0x", "1 2", "inf", "nan", "-inf",
  "1e500", "0x1p4", "1..2", "- 1", "--1", "0b101", "1_000", "١", "0x7fffffff",
}
for _, s in ipairs(cases) do
  print(string.format("%q", s), tonumber(s))
end
print(tonumber(42), tonumber(nil), tonumber(true), tonumber({}) )
print(tonumber("ff", 16), tonumber("FF", 16), tonumber("777", 8), tonumber("z", 36), tonumber("Z", 36))
print(tonumber("101", 2), tonumber("102", 2), tonumber("-ff", 16), tonumber(" 11 ", 2))
print(tonumber("8", 8), tonumber("", 10), tonumber("10", 10))
print(pcall(tonumber, "10", 1))
print(pcall(tonumber, "10", 37))
print(pcall(tonumber))
