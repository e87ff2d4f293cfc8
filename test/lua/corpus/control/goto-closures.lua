-- a backward goto leaves the block: locals declared after the label are fresh each time
local fns = {}
local n = 0
::again::
local v = n
fns[#fns + 1] = function() return v end
n = n + 1
if n < 3 then goto again end
print(fns[1](), fns[2](), fns[3]())
local out = {}
for i = 1, 3 do
  local j = 0
  ::inner::
  j = j + 1
  if j < i then goto inner end
  out[#out + 1] = i .. ":" .. j
end
print(table.concat(out, " "))
