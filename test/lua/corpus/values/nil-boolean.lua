print(nil, true, false)
print(tostring(nil), tostring(true), tostring(false))
print(tostring(nil) .. "|" .. tostring(true))
print(true == true, true ~= false, not true, not false, not nil)
local t = {}
t[true] = "T"
t[false] = "F"
print(t[true], t[false], t[1 == 1], t[1 == 2])
print(rawequal(nil, nil), rawequal(false, nil), rawequal(true, true))
