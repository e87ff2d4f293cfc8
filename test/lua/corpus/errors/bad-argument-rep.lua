print(string.rep("x", "many"))
