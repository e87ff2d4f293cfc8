print(string.format("%a %a %a %a", 1, 0.5, 255, -0.1))
print(string.format("%A", 1), string.format("%.2a", 1/3))
