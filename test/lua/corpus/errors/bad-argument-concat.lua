print(table.concat({ 1, 2 }, 3, "x"))
