print(tostring())
