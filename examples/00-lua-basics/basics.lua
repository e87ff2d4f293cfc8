-- The study guide's Lua basics (第二部分 2.1 基础语法), line for line; run it with
-- `bin/tsresty run examples/00-lua-basics/basics.lua` (OpenResty: `resty basics.lua` or `luajit basics.lua`).
-- 变量定义（默认全局变量）
local name = "OpenResty"  -- local声明局部变量
local age = 10
local is_active = true

-- 数据类型
local str = "Hello"                    -- 字符串
local num = 123                        -- 数字
local bool = true                      -- 布尔
local tbl = {1, 2, 3}                 -- 表（数组）
local dict = {name="John", age=30}    -- 表（字典）
local func = function() end           -- 函数
local nothing = nil                    -- 空值

-- 字符串操作
local s = "Hello World"
local len = #s                        -- 长度
local upper = string.upper(s)         -- 转大写
local sub = string.sub(s, 1, 5)       -- 截取 "Hello"
local concat = s .. " OpenResty"      -- 连接

-- 表操作
local arr = {10, 20, 30}
table.insert(arr, 40)                 -- 插入
table.remove(arr, 1)                  -- 删除
local len = #arr                      -- 长度

local dict = {name="John", age=30}
dict.email = "john@example.com"       -- 添加
dict.age = nil                        -- 删除

-- 控制结构
if age > 18 then
    print("Adult")
elseif age > 12 then
    print("Teenager")
else
    print("Child")
end

-- 循环
for i = 1, 10 do
    print(i)
end

for i, v in ipairs(arr) do            -- 遍历数组
    print(i, v)
end

for k, v in pairs(dict) do            -- 遍历字典
    print(k, v)
end

-- 函数定义
local function add(a, b)
    return a + b
end

local result = add(10, 20)
