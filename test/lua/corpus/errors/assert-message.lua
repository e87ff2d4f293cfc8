assert(nil, "custom assertion message")
