local c = os.clock()
print(type(c), c >= 0)
local x = 0
for i = 1, 100000 do x = x + i end
print(os.clock() >= c)
print(type(os.getenv("PATH")))
print(os.getenv("TSRESTY_CORPUS_SURELY_UNSET_VARIABLE"))
print(os.getenv("TSRESTY_TEST_ENV"))
print(pcall(os.getenv))
