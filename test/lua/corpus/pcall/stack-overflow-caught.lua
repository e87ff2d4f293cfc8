local function recurse() return 1 + recurse() end
local ok, err = pcall(recurse)
print(ok, err)
local function mt_loop()
  local t = setmetatable({}, {})
  getmetatable(t).__index = function(tbl, k) return tbl[k] end
  return t.x
end
print(pcall(mt_loop))
