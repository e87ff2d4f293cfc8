-- string literal escapes
print("a\tb", "a\\b", "a\"b", 'a\'b')
print("\65\066\0671", #"\0", #"a\0b", ("a\0b"):byte(1, -1))
print("\x41\x42\x7a", "\x7E")
print("line1\
line2")
print("a\z
       b", "c\z  d")
print("\u{48}\u{49}", #"\u{7FF}", #"\u{FFFF}", #"\u{10FFFF}", ("\u{20AC}"):byte(1, -1))
print("\a\b\f\v\r" == string.char(7, 8, 12, 11, 13))
print([[long
string]], [==[with ]] inside]==])
print([[
first newline skipped]])
print(#[[

]])
--[[ block
comment ]] print("after block comment")
--[==[ another
]] still comment ]==] print("after level-2 comment")
print("\0651")
