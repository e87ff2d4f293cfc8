io.stderr:write("to stderr first line\n")
io.stderr:write("second stderr line\n")
print("to stdout")
