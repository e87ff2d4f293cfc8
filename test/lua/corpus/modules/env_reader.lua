return function() return visible_name end
