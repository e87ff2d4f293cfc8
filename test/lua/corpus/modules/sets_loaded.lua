package.loaded[...] = { custom = true }
