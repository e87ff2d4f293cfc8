package.path = "./modules/?.lua"
local reader = require("env_reader")
visible_name = "global value"
print(reader())
setfenv(reader, { visible_name = "isolated" })
print(reader())
