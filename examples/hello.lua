-- The smallest tsresty program: `tsresty run examples/hello.lua [name]`.
local name = arg[1] or "OpenResty"
print(string.format("Hello, %s!", name))
