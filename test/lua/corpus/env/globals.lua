print(_G._G == _G, _G.print == print, _VERSION)
x_global = 1
print(_G.x_global, rawget(_G, "x_global"))
_G.y_global = 2
print(y_global)
local names = {}
for k, v in pairs(_G) do if type(v) ~= "table" or k == "_G" then names[#names + 1] = k end end
table.sort(names)
print(table.concat(names, " "))
local libs = {}
for k, v in pairs(_G) do if type(v) == "table" and k ~= "_G" then libs[#libs + 1] = k end end
table.sort(libs)
print(table.concat(libs, " "))
setmetatable(_G, { __index = function(_, k) return "missing:" .. k end })
print(not_defined)
setmetatable(_G, nil)
print(not_defined)
