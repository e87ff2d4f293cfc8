print(string.format("%d", "ten"))
