-- malformed patterns
local pats = { "%", "[a", "[", "[^", "(", "(()", ")", "%b", "%ba", "%f", "%fa", "%1", "(a)%2", "[%", "a(", "%g" }
for _, p in ipairs(pats) do
  local ok, err = pcall(string.find, "abc", p)
  print(string.format("%-6s", p), ok, err)
end
local many = ("()"):rep(40)
print(pcall(string.find, "x", many))
print(pcall(function() local r = ("x"):match("(%"); return r end))
print(pcall(function() local r = ("x"):gmatch("[")(); return r end))
