local config = { server = {} }
print(config.server.listen.port)
