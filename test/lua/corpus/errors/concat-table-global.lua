items = {}
print("items: " .. items)
