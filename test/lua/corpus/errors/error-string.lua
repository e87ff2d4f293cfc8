print("about to fail")
error("something went wrong")
