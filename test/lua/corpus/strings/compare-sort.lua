local words = { "banana", "Apple", "cherry", "apple", "", "a", "B", "10", "9", "a\0", "ab" }
table.sort(words)
for i, w in ipairs(words) do io.write(string.format("%q", w), " ") end
print()
print(("a"):rep(3) < ("a"):rep(4), "abc" <= "abc", "b" >= "abc")
