local function get() end
print("value: " .. get())
