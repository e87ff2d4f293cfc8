local s = "unterminated
