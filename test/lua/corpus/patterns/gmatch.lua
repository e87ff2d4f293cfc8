for w in ("one two  three"):gmatch("%a+") do io.write("[", w, "]") end
print()
for k, v in ("a=1, b=2, c=3"):gmatch("(%w+)=(%w+)") do io.write(k, "->", v, " ") end
print()
for pos in ("a.b.c"):gmatch("()%.") do io.write(pos, " ") end
print()
local n = 0
for e in ("abc"):gmatch("") do n = n + 1 end
print("empty matches", n)
local parts = {}
for p in ("a,,b,"):gmatch("([^,]*)") do parts[#parts + 1] = "<" .. p .. ">" end
print(table.concat(parts))
local it = ("x y z"):gmatch("%a")
print(it(), it(), it(), it())
for a, b in ("ab cd"):gmatch("(%a)(%a)") do io.write(b, a, " ") end
print()
for line in ("l1\nl2\n\nl4"):gmatch("[^\n]+") do io.write(line, "|") end
print()
