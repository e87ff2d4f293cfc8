#!/usr/bin/env luajit
-- a first line starting with # is skipped
print("after shebang", debug.getinfo(1, "l").currentline)
