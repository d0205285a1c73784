-- Example: the intensive outpatient level and its neighbours, from Lua.
local iop = require "iop"

local continuum = iop.Continuum() -- the built-in open pack; iop.Continuum.from_file(path) for your own
local level = continuum:lookup_level(iop.IOP_EDITION_ASAM3, "2.1")
local adult = level:get_hours_per_week(iop.IOP_AGE_ADULT)
print(string.format("%s: %s", level:get_code(), level:get_name()))
print(string.format("  adults %g-%g h/week", adult.min, adult.max))
print(string.format("  step down: %s, step up: %s", level:get_step_down():get_code(), level:get_step_up():get_code()))
for _, l in ipairs(continuum:levels(iop.IOP_EDITION_ASAM4)) do
  print(string.format("  4th edition %-4s %s", l:get_code(), l:get_name()))
end

local ok, err = pcall(iop.Continuum.from_json, '{"format": "libiop-continuum", "format_version": 1}')
assert(not ok and type(err) == "table")
print("refused a bad pack: " .. tostring(err) .. " (JSON path " .. tostring(err.path) .. ")")
