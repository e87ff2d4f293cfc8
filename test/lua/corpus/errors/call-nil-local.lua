local handler
handler("event")
