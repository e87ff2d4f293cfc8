print(dofile("modules/dofile_target.lua"))
print(dofile("modules/dofile_target.lua"), dofile_ran)
print(pcall(dofile, "modules/no_such_file.lua"))
print(pcall(dofile, "modules/syntax_error.lua"))
