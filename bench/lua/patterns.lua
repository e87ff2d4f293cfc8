-- patterns: gmatch, gsub, find, match over generated text
local n = tonumber(arg and arg[1]) or 20000
local lines = {}
for i = 1, n do
  lines[i] = string.format("user%d=%d; path=/srv/app%d/file_%d.lua (size %d bytes)", i, i * 3, i % 17, i, i * 131 % 9973)
end
local text = table.concat(lines, "\n")
local words, nums = 0, 0
for w in text:gmatch("%a+") do words = words + 1 end
for d in text:gmatch("%d+") do nums = nums + #d end
local replaced, count = text:gsub("(%w+)=(%d+)", "%2:%1")
local sizes = 0
for size in text:gmatch("%(size (%d+) bytes%)") do sizes = sizes + tonumber(size) end
local found, pos = 0, 1
while true do
  local s, e = text:find("app1%d", pos)
  if not s then break end
  found = found + 1
  pos = e + 1
end
local exts = 0
for i = 1, n, 7 do
  local dir, file, ext = lines[i]:match("path=(/[%w/]+)/([%w_]+)%.(%a+)")
  if ext == "lua" then exts = exts + #dir + #file end
end
local upper = select(2, text:gsub("%f[%a]user", function(u) return u:upper() end))
print("patterns", words, nums, #replaced, count, sizes, found, exts, upper)
