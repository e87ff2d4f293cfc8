local vars = { name = "Lua", version = 5.1, flag = false, [1] = "one" }
print(("$name $version $flag $missing"):gsub("%$(%w+)", vars))
print(("hello world"):gsub("%w+", { hello = "HI" }))
print(("1 2 3"):gsub("%d", { ["1"] = "one", ["2"] = 2 }))
print(("x y"):gsub("(%a)", setmetatable({}, { __index = function(_, k) return k:upper() end })))
print(pcall(string.gsub, "a", "a", { a = {} }))
print(pcall(function() local r = ("a"):gsub("a", { a = true }); return r end))
