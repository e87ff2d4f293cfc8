local t = {}
t x
