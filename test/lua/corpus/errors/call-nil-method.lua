local obj = { name = "x" }
obj:missing()
