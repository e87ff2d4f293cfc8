assert(false, { "table message" })
