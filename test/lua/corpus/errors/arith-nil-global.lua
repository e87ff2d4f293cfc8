total = total * 2
