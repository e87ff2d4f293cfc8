print("calling")
f()
