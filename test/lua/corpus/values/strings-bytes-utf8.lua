-- strings are byte strings
local s = "你好"
print(#s, s:len(), string.len(s))
print(s:byte(1, -1))
print(string.byte(s, 1), string.byte(s, 6), string.byte(s, 7))
print(s:sub(1, 3), s:sub(4, 6), s:sub(4))
print(#s:sub(2, 3), s:sub(2, 3):byte(1, -1))
print(s:upper() == s, s:rep(2), #s:rep(3))
print(("héllo"):len(), ("héllo"):upper())
print(#"€", ("€"):byte(1, -1))
local emoji = "\240\159\152\128"
print(#emoji, emoji)
print(s:reverse():byte(1, -1))
print(("aé"):find("é"), ("aé"):match("(.)(.)"):byte())
for c in ("añb"):gmatch(".") do io.write(c:byte(), " ") end
print()
print(string.char(228, 189, 160, 229, 165, 189) == s)
