print(math.floor("x"))
