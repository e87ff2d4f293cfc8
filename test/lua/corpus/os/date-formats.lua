local t = 1700000000 -- 2023-11-14 22:13:20 UTC, a Tuesday
local formats = {
  "%a", "%A", "%b", "%B", "%c", "%d", "%H", "%I", "%j", "%m", "%M", "%p", "%S", "%U", "%w", "%W",
  "%x", "%X", "%y", "%Y", "%%", "%e", "%D", "%F", "%T", "%R", "%h", "%C", "%g", "%G", "%V", "%u",
  "%n", "%t", "%r", "%z", "%Z", "%s", "plain text", "", "%Y-%m-%dT%H:%M:%S",
}
for _, f in ipairs(formats) do
  print(string.format("%-20q", f), "[" .. os.date("!" .. f, t) .. "]", "[" .. os.date(f, t) .. "]")
end
for _, ts in ipairs({ 0, 86399, 951782400, 1234567890, 2000000000, 1704067199 }) do
  print(ts, os.date("!%Y-%m-%d %H:%M:%S %A %j %U %W", ts))
end
print(type(os.date()), #os.date("%Y") == 4)
