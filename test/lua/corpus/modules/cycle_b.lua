local ok, err = pcall(require, "cycle_a")
return { name = "b", ok = ok, err = err }
