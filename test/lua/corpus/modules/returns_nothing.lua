returns_nothing_ran = true
