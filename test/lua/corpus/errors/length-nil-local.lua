local list
print(#list)
