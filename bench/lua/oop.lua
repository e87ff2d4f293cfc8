-- OOP with metatables: classes, inheritance, method calls, allocation
local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({ x = x, y = y }, Vec) end
function Vec.__add(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
function Vec:scale(k) return Vec.new(self.x * k, self.y * k) end
function Vec:dot(o) return self.x * o.x + self.y * o.y end

local Shape = {}
Shape.__index = Shape
function Shape.new(name) return setmetatable({ name = name, moves = 0 }, Shape) end
function Shape:move(d) self.pos = (self.pos or Vec.new(0, 0)) + d; self.moves = self.moves + 1 end
function Shape:area() return 0 end

local Rect = setmetatable({}, { __index = Shape })
Rect.__index = Rect
function Rect.new(w, h) local r = Shape.new("rect"); r.w, r.h = w, h; return setmetatable(r, Rect) end
function Rect:area() return self.w * self.h end

local Circle = setmetatable({}, { __index = Shape })
Circle.__index = Circle
function Circle.new(r) local c = Shape.new("circle"); c.r = r; return setmetatable(c, Circle) end
function Circle:area() return 3 * self.r * self.r end

local n = tonumber(arg and arg[1]) or 2000000
local shapes = {}
for i = 1, 100 do shapes[i] = (i % 2 == 0) and Rect.new(i, i + 1) or Circle.new(i) end
local total, dots = 0, 0
for i = 1, n do
  local s = shapes[i % 100 + 1]
  s:move(Vec.new(1, i % 3))
  total = (total + s:area()) % 1000000007
  local v = Vec.new(i % 10, i % 7):scale(2)
  dots = (dots + v:dot(s.pos)) % 1000000007
end
local moves = 0
for _, s in ipairs(shapes) do moves = moves + s.moves end
print("oop", total, dots, moves)
