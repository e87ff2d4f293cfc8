print("before")
local x
print(x.field)
