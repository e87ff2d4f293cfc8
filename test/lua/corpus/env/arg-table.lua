print(type(arg), arg[0], #arg, select("#", ...))
