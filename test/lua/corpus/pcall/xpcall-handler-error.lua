print(xpcall(function() error("first") end, function(m) error("handler failed") end))
