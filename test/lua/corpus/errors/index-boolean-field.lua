local t = { flag = true }
t.flag.x = 1
