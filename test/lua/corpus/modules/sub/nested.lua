return { where = "modules/sub/nested.lua", name = ... }
