name = "str"
name()
