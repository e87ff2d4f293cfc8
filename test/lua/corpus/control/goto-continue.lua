for i = 1, 10 do
  if i % 2 == 0 then goto continue end
  io.write(i, " ")
  ::continue::
end
print()
local i = 1
::top::
if i <= 3 then
  io.write("iter", i, " ")
  i = i + 1
  goto top
end
print()
for a = 1, 3 do
  for b = 1, 3 do
    if b == 2 then goto next_a end
    io.write(a, b, " ")
  end
  ::next_a::
end
print()
do
  goto skip
  print("not printed")
  ::skip::
end
print("after skip")
