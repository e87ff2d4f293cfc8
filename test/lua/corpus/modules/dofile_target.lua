-- run by dofile: returns several values
dofile_ran = (dofile_ran or 0) + 1
return "first", "second", select("#", ...)
