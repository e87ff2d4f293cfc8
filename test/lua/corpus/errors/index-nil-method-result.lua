local function get() return nil end
print(get().x)
