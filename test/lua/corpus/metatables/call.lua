local callable = setmetatable({ name = "obj" }, {
  __call = function(self, a, b, ...)
    return self.name, a, b, select("#", ...)
  end,
})
print(callable(1, 2, 3, 4, 5))
print(callable())
print(pcall(callable, "x"))
local counter = setmetatable({ n = 0 }, { __call = function(self) self.n = self.n + 1; return self.n end })
counter(); counter()
print(counter())
local class = setmetatable({}, { __call = function(cls, v) return { value = v } end })
print(class(42).value)
local t = { f = callable }
print(t.f("m"))
print(select("#", callable()))
