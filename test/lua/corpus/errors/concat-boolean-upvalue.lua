local flag = false
local function show() return "flag=" .. flag end
print(show())
