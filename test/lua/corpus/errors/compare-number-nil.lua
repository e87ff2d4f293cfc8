local limit
if 5 < limit then print("no") end
