local function make() return {} end
make()()
