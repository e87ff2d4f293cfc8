local Animal = {}
Animal.__index = Animal
function Animal.new(name, sound)
  local self = setmetatable({}, Animal)
  self.name, self.sound = name, sound
  return self
end
function Animal:speak() return self.name .. " says " .. self.sound end
function Animal:kind() return "animal" end
local Dog = setmetatable({}, { __index = Animal })
Dog.__index = Dog
function Dog.new(name)
  local self = Animal.new(name, "woof")
  return setmetatable(self, Dog)
end
function Dog:kind() return "dog (" .. Animal.kind(self) .. ")" end
function Dog:fetch() return self.name .. " fetches" end
local a = Animal.new("cat", "meow")
local d = Dog.new("rex")
print(a:speak(), a:kind())
print(d:speak(), d:kind(), d:fetch())
print(getmetatable(d) == Dog, rawget(d, "speak"), d.fetch == Dog.fetch, a.fetch)
local count = 0
for i = 1, 1000 do count = count + #Dog.new("d" .. i):speak() end
print(count)
