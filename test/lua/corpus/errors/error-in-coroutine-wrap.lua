local gen = coroutine.wrap(function() local t; return t.field end)
gen()
