-- only nil and false are false
local values = { 0, 1, -1, "", "false", "0", {}, false, true, 0/0 }
values[11] = nil
for i = 1, 11 do
  local v = values[i]
  local shown = type(v) == "table" and "table" or tostring(v)
  print(i, shown, v and "truthy" or "falsy", not v, not not v)
end
if 0 then print("0 is true") end
if "" then print("empty string is true") end
if not nil then print("nil is false") end
print(nil == false, false == false, nil == nil)
print(nil and 1, false and 1, 0 and 1, nil or "d", false or nil, 1 or error("no"))
