-- FAQ Q1, method 2 of the seed tutorial: print() on the command line
-- (`resty lua/debug_cli.lua` with OpenResty, `bin/tsresty run lua/debug_cli.lua` with tsresty).
local variable = arg[1] or "nobody"  -- [added] the variable to print

-- 方法2：使用print（仅在resty命令行）
print("Debug:", variable)
