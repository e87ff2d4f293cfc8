local s = "text"
s.x = 1
