for i, v in ipairs("abc") do end
