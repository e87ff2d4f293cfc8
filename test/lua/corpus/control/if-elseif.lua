local function classify(n)
  if n < 0 then return "negative"
  elseif n == 0 then return "zero"
  elseif n < 10 then return "small"
  else return "large" end
end
for _, n in ipairs({ -5, 0, 3, 100 }) do print(n, classify(n)) end
if nil then print("no") elseif false then print("no") else print("else branch") end
local v = 0
if v then print("0 is truthy") end
