local user = {}
print("user: " .. user.name)
