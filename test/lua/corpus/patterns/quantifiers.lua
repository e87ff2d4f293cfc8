local tests = {
  { "aaab", "a*" }, { "aaab", "a+" }, { "aaab", "a-" }, { "aaab", "a-b" }, { "aaab", "a?" },
  { "b", "a*b" }, { "b", "a+b" }, { "b", "a?b" }, { "<a><b>", "<.*>" }, { "<a><b>", "<.->" },
  { "abc", ".-" }, { "abc", ".-$" }, { "x = 10", "(%w+)%s*=%s*(%w+)" }, { "  trim  ", "^%s*(.-)%s*$" },
  { "ab12", "%a+%d?" }, { "aaa", "a-a" }, { "", "a*" }, { "", ".+" }, { "*", "*" }, { "a*b", "a%*b" },
  { "+", "+" }, { "?x", "?x" }, { "a-", "a-$" },
}
for _, t in ipairs(tests) do
  print(string.format("%q %q", t[1], t[2]), string.find(t[1], t[2]))
  print("", string.match(t[1], t[2]))
end
