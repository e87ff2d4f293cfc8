package.path = "./modules/?.lua"
require("failing_module")
