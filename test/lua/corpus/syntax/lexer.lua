-- lexical details that compile
local f = assert(loadstring([==[
  local a = 0x1P+2 + 0xa.8 + 1e-1 + .25 + 5.
  local s = "\z
             joined" .. '\'' .. "\x20\u{41}\065"
  local l = [=[
level one ]] inside]=]
  --[=[ comment
  ]=] local c = 1 -- trailing
  return a, s, l, c, #[[
]]
]==], "=lexer"))
print(f())
print(loadstring("return 1--[[x]]+--[==[y]==]2")())
print(loadstring("return#'abc'")(), loadstring("return-1")(), loadstring("return not-1")())
print(loadstring("return 1;")())
print(loadstring(";;return 2", "=semi"))
print(select(2, loadstring("local a <const> = 1", "=attrib")))
