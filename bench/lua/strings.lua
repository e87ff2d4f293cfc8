-- string work: building with table.concat, rep, sub, byte/char, upper/lower
local n = tonumber(arg and arg[1]) or 250000
local parts = {}
for i = 1, n do parts[#parts + 1] = tostring(i) end
local s = table.concat(parts, ",")
local check = #s
local line = ("abcdefghij"):rep(20)
for i = 1, n do
  local a = line:sub(i % 150 + 1, i % 150 + 40)
  check = (check + a:byte(1) + #a + a:byte(-1)) % 1000000007
end
local chars = {}
for i = 1, n do chars[#chars + 1] = string.char(97 + i % 26) end
local word = table.concat(chars)
check = (check + #word:upper() + #word:rep(3, "-")) % 1000000007
local pieces = {}
for i = 1, 2000 do pieces[i] = ("x"):rep(i % 50) .. i end
local joined = table.concat(pieces, "|")
for i = 1, #joined, 97 do check = (check + joined:byte(i)) % 1000000007 end
print("strings", #s, check)
