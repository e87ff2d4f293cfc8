local state
local function read() return state.value end
print(read())
