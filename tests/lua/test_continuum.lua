-- The care continuum through the Lua binding: the built-in pack's facts, navigation, ownership
-- across garbage collection, user packs and strict validation with JSON paths.
-- Mirrors tests/test-continuum.c and tests/python/test_continuum.py.
-- SPDX-License-Identifier: MIT
local t = require "harness"
local iop = require "iop"

local ASAM3, ASAM4, LOCUS, ANY =
  iop.IOP_EDITION_ASAM3, iop.IOP_EDITION_ASAM4, iop.IOP_EDITION_LOCUS, iop.IOP_EDITION_ANY
local ADULT, ADOLESCENT = iop.IOP_AGE_ADULT, iop.IOP_AGE_ADOLESCENT
local UNDER_VALGRIND = os.getenv("IOP_UNDER_VALGRIND") ~= nil

local ASAM3_CODES = "0.5 1 OTP 2.1 2.5 3.1 3.3 3.5 3.7 4 1-WM 2-WM 3.2-WM 3.7-WM 4-WM"
local ASAM4_CODES = "RR 1.0 1.5 1.7 2.1 2.5 2.7 3.1 3.5 3.7 4"
local LOCUS_CODES = "0 1 2 3 4 5 6"

-- The first adult band with min 9 in the built-in pack's text: ASAM 3rd edition 2.1.
local BAND_21 = '("adult": {%s*"min": )9(,%s*"max": 19)'

local function codes(levels)
  local out = {}
  for i, level in ipairs(levels) do out[i] = level:get_code() end
  return table.concat(out, " ")
end

local function lookup(c, edition, code)
  local level = c:lookup_level(edition, code)
  t.truthy(level ~= nil, "level " .. iop.edition_to_string(edition) .. " " .. code)
  return level
end

-- The 0-based index of a level in pack order (the order of c:levels()).
local function level_index(c, pred)
  for i, level in ipairs(c:levels()) do
    if pred(level) then return i - 1 end
  end
  error("no such level in the pack")
end

local function index_of(c, edition, code)
  return level_index(c, function(l) return l:get_edition() == edition and l:get_code() == code end)
end

local function write_temp(text)
  local name = os.tmpname()
  local f = assert(io.open(name, "w"))
  f:write(text)
  f:close()
  return name
end

local function from_temp_file(text)
  local name = write_temp(text)
  local ok, result = pcall(iop.Continuum.from_file, name)
  os.remove(name)
  if not ok then error(result, 0) end
  return result
end

-- Replaces the first match of pattern in text, requiring that there is one.
local function edit(text, pattern, repl)
  local out, n = text:gsub(pattern, repl, 1)
  t.eq(n, 1, "replacements of " .. pattern)
  return out
end

-- The same, on the built-in pack's text.
local function edit_default(pattern, repl)
  return edit(iop.Continuum.default_pack_json(), pattern, repl)
end

-- A small complete pack: two LOCUS levels, the second with an adult weekly band.
local function mini_pack(opts)
  opts = opts or {}
  return string.format([[{
  "format": "libiop-continuum", "format_version": 1, "id": "mini", "version": "1",
  "sources": { "s": { "citation": "Test source", "confidence": "L" } },
  "levels": [
    { "code": "1", "edition": "locus", "name": "Low", "setting": "outpatient", "source": "s",
      "step_up": "%s" },
    { "code": "%s", "edition": "locus", "name": "High", "setting": "inpatient", "source": "s",
      "step_down": "1", "x-note": "extension members are allowed",
      "hours_per_week": { "adult": { "min": %s, "max": %s, "source": "s" } } }
  ]
}]], opts.step_up or "2", opts.code or "2", opts.min or "20", opts.max or "40")
end

-- Loads text, requires the given error code and exact JSON path; returns the error.
local function refused(code, path, text)
  local err = t.raises(code, iop.Continuum.from_json, text)
  t.eq(err.path, path, "path")
  t.eq(err.message:sub(1, #path + 2), path .. ": ", "message starts with the path")
  local name = write_temp(text)
  local ok, ferr = pcall(iop.Continuum.from_file, name)
  os.remove(name)
  t.truthy(not ok, "from_file refuses it too")
  t.eq(ferr.path, path, "from_file path")
  return err
end

-- Default pack ------------------------------------------------------------------------------

t.test("default pack identity", function()
  local c = iop.Continuum()
  t.eq(c:get_id(), "libiop-default", "id")
  t.truthy(c:get_version() ~= nil and #c:get_version() > 0, "version")
  t.eq(c:get_title():sub(1, 26), "libiop open continuum pack", "title")
end)

t.test("counts per edition", function()
  local c = iop.Continuum()
  t.eq(c:get_n_levels(ASAM3), 15, "asam3")
  t.eq(c:get_n_levels(ASAM4), 11, "asam4")
  t.eq(c:get_n_levels(LOCUS), 7, "locus")
  t.eq(c:get_n_levels(ANY), 33, "any")
  t.eq(c:get_n_levels(), 33, "default argument")
  t.eq(c:get_n_levels(99), 0, "unknown edition")
end)

t.test("levels() arrays in pack order", function()
  local c = iop.Continuum()
  t.eq(#c:levels(ASAM3), 15, "#asam3")
  t.eq(#c:levels(), 33, "#all")
  t.eq(#c:levels(99), 0, "#unknown edition")
  t.eq(codes(c:levels(ASAM3)), ASAM3_CODES, "asam3 codes")
  t.eq(codes(c:levels(ASAM4)), ASAM4_CODES, "asam4 codes")
  t.eq(codes(c:levels(LOCUS)), LOCUS_CODES, "locus codes")
  t.eq(codes(c:levels()), ASAM3_CODES .. " " .. ASAM4_CODES .. " " .. LOCUS_CODES, "all codes")
  local all = c:levels()
  t.eq(all[16]:get_edition(), ASAM4, "first asam4 level")
  t.eq(all[34], nil, "past the end")
end)

t.test("get_level by 0-based index", function()
  local c = iop.Continuum()
  t.eq(c:get_level(ASAM3, 3):get_code(), "2.1", "asam3[3]")
  t.eq(c:get_level(ANY, 15):get_code(), "RR", "any[15]")
  t.eq(c:get_level(LOCUS, 7), nil, "locus[7]")
  t.truthy(c:get_level(ASAM3, 3) == c:lookup_level(ASAM3, "2.1"), "same level")
end)

-- Acceptance facts --------------------------------------------------------------------------

t.test("asam3 2.1 intensive outpatient", function()
  local level = lookup(iop.Continuum(), ASAM3, "2.1")
  t.eq(level:get_name(), "Intensive Outpatient Services", "name")
  t.eq(level:get_edition(), ASAM3, "edition")
  t.eq(level:get_setting(), iop.IOP_SETTING_OUTPATIENT, "setting")
  t.eq(level:get_management(), iop.IOP_MANAGEMENT_CLINICALLY_MANAGED, "management")
  t.eq(level:is_withdrawal_management(), false, "withdrawal management")
end)

t.test("asam3 2.1 adult 9-19 hours a week", function()
  local r = lookup(iop.Continuum(), ASAM3, "2.1"):get_hours_per_week(ADULT)
  t.eq(r.has_min, true, "has_min")
  t.eq(r.min, 9, "min")
  t.eq(r.has_max, true, "has_max")
  t.eq(r.max, 19, "max")
  t.eq(r.max_exclusive, false, "max_exclusive")
  t.eq(r:is_published(), true, "published")
  t.eq(r:contains(8.75), false, "8.75")
  t.eq(r:contains(9), true, "9")
  t.eq(r:contains(19), true, "19")
  t.eq(r:contains(19.25), false, "19.25")
end)

t.test("asam3 2.1 adolescent 6-19 hours a week", function()
  local r = lookup(iop.Continuum(), ASAM3, "2.1"):get_hours_per_week(ADOLESCENT)
  t.eq(r.min, 6, "min")
  t.eq(r.max, 19, "max")
  t.eq(r:contains(5.75), false, "5.75")
  t.eq(r:contains(6), true, "6")
  t.eq(r:contains(8.75), true, "8.75")
  t.eq(r:contains(19.25), false, "19.25")
end)

t.test("asam3 2.1 hours per day", function()
  local level = lookup(iop.Continuum(), ASAM3, "2.1")
  local adult, adolescent = level:get_hours_per_day(ADULT), level:get_hours_per_day(ADOLESCENT)
  t.eq(adult.min, 3, "adult min")
  t.eq(adult.has_max, false, "adult has no max")
  t.eq(adolescent.min, 2, "adolescent min")
  t.eq(adult:contains(2.5), false, "adult 2.5")
  t.eq(adult:contains(3), true, "adult 3")
  t.eq(adolescent:contains(2), true, "adolescent 2")
end)

t.test("exclusive upper bound and unpublished bands", function()
  local c = iop.Continuum()
  local r = lookup(c, ASAM3, "1"):get_hours_per_week(ADULT)
  t.eq(r.has_min, false, "level 1 has no min")
  t.eq(r.max, 9, "level 1 max")
  t.eq(r.max_exclusive, true, "exclusive")
  t.eq(r:contains(8.75), true, "8.75")
  t.eq(r:contains(9), false, "9")
  local none = lookup(c, ASAM3, "3.3"):get_hours_per_week(ADULT)
  t.eq(none:is_published(), false, "3.3 unpublished")
  t.eq(none:contains(1000), true, "unpublished contains everything")
  t.eq(lookup(c, ASAM3, "2.1"):get_hours_per_week(99):is_published(), false, "invalid age")
end)

t.test("asam4 2.5 high-intensity outpatient", function()
  local level = lookup(iop.Continuum(), ASAM4, "2.5")
  t.eq(level:get_name(), "High-Intensity Outpatient", "name")
  local r = level:get_hours_per_week(ADULT)
  t.eq(r.has_min, true, "has_min")
  t.eq(r.min, 20, "min")
  t.eq(r.has_max, false, "no max")
  t.eq(r:contains(60), true, "60")
  t.eq(r:contains(19.5), false, "19.5")
end)

t.test("crosswalk asam3 3.3 -> asam4 3.5", function()
  local level = lookup(iop.Continuum(), ASAM3, "3.3")
  local target = level:crosswalk(ASAM4)
  t.truthy(target ~= nil, "target")
  t.eq(target:get_edition(), ASAM4, "target edition")
  t.eq(target:get_code(), "3.5", "target code")
  t.eq(level:get_crosswalk_confidence(ASAM4), iop.IOP_CONFIDENCE_MEDIUM, "confidence")
  t.eq(level:get_crosswalk_note(ASAM4), "The 4th edition folds 3.3 into 3.5.", "note")
  t.eq(level:crosswalk(LOCUS), nil, "no locus mapping")
  t.eq(level:get_crosswalk_confidence(LOCUS), iop.IOP_CONFIDENCE_NONE, "no locus confidence")
  t.eq(level:crosswalk(ASAM3), nil, "own edition")
end)

t.test("step_up walk from 0.5 and step_down walk from 4", function()
  local c = iop.Continuum()
  local walk, level = {}, lookup(c, ASAM3, "0.5")
  while level ~= nil do
    walk[#walk + 1] = level:get_code()
    level = level:get_step_up()
  end
  t.eq(table.concat(walk, " "), "0.5 1 2.1 2.5 3.1 3.5 3.7 4", "step up")
  walk, level = {}, lookup(c, ASAM3, "4")
  while level ~= nil do
    walk[#walk + 1] = level:get_code()
    level = level:get_step_down()
  end
  t.eq(table.concat(walk, " "), "4 3.7 3.5 3.1 2.5 2.1 1 0.5", "step down")
end)

t.test("aliases", function()
  local c = iop.Continuum()
  t.truthy(lookup(c, ASAM3, "II.1") == lookup(c, ASAM3, "2.1"), "II.1 is 2.1")
  t.eq(lookup(c, ANY, "II.1"):get_code(), "2.1", "II.1 in any edition")
  local four = lookup(c, ASAM3, "4")
  t.eq(four:get_n_aliases(), 2, "aliases of 4")
  t.eq(four:get_alias(0), "IV", "alias 0")
  t.eq(four:get_alias(1), "4.0", "alias 1")
  t.eq(four:get_alias(2), nil, "alias 2")
  t.eq(lookup(c, ASAM3, "III.2-D"):get_code(), "3.2-WM", "III.2-D")
  -- Any edition: codes before aliases, then pack order.
  local l = lookup(c, ANY, "1.0")
  t.eq(l:get_edition(), ASAM4, "1.0 is an asam4 code first")
  t.eq(lookup(c, ASAM3, "1.0"):get_code(), "1", "1.0 is an asam3 alias of 1")
  t.eq(lookup(c, ANY, "6"):get_edition(), LOCUS, "6 is only a locus code")
end)

t.test("lookup of an unknown code returns nil", function()
  local c = iop.Continuum()
  t.eq(c:lookup_level(ASAM3, "9.9"), nil, "asam3 9.9")
  t.eq(c:lookup_level(ANY, "9.9"), nil, "any 9.9")
  t.eq(c:lookup_level(ASAM4, "II.1"), nil, "asam3 alias in asam4")
  t.eq(c:lookup_level(ASAM3, "ii.1"), nil, "case-sensitive")
  t.eq(c:lookup_level(99, "2.1"), nil, "unknown edition")
end)

t.test("billing codes", function()
  local level = lookup(iop.Continuum(), ASAM3, "2.1")
  local found = false
  for i = 0, level:get_n_billing_codes() - 1 do
    if level:get_billing_code(i) == "H0015" then
      found = true
      t.eq(level:get_billing_code_system(i), "hcpcs", "H0015 system")
      t.truthy(level:get_billing_code_description(i):find("intensive outpatient", 1, true),
               "H0015 description")
    end
  end
  t.truthy(found, "H0015 listed for 2.1")
  t.eq(level:get_n_billing_codes(), 5, "number of codes")
  t.eq(level:get_billing_code(5), nil, "past the end")
end)

t.test("sources resolve to citations", function()
  local c = iop.Continuum()
  local level = lookup(c, ASAM3, "2.1")
  for _, field in ipairs({ "level", "hours_per_week.adult", "hours_per_week.adolescent",
                           "hours_per_day.adult", "hours_per_day.adolescent", "billing_codes.0",
                           "crosswalk.asam4", "crosswalk.locus" }) do
    local source = level:get_source(field)
    t.eq(type(source), "string", "source of " .. field)
    local citation = c:get_source_citation(source)
    t.truthy(type(citation) == "string" and #citation > 0, "citation of " .. source)
    t.truthy(c:get_source_confidence(source) ~= iop.IOP_CONFIDENCE_NONE, "confidence of " .. source)
  end
  local week = level:get_source("hours_per_week.adult")
  t.eq(week, "il-77-iac-2060-410", "weekly hours source")
  t.eq(c:get_source_citation(week):sub(1, 28), "Illinois Administrative Code", "citation")
  t.eq(c:get_source_url(week):sub(1, 8), "https://", "url")
  t.eq(c:get_source_confidence(week), iop.IOP_CONFIDENCE_HIGH, "confidence")
  t.eq(level:get_source("crosswalk.asam3"), nil, "no crosswalk to its own edition")
  t.eq(level:get_source("billing_codes.99"), nil, "billing code out of range")
  t.eq(level:get_source("bogus"), nil, "unknown field")
  t.eq(c:get_source_citation("no-such-source"), nil, "unknown source")
  t.eq(c:get_source_confidence("no-such-source"), iop.IOP_CONFIDENCE_NONE, "unknown confidence")
end)

t.test("to_json", function()
  local json = lookup(iop.Continuum(), ASAM3, "2.1"):to_json()
  t.eq(type(json), "string", "type")
  t.truthy(json:find('"hours_per_week":{"adult":{"min":9,"max":19,', 1, true), "adult band")
  t.truthy(json:find('"step_down":"1"', 1, true), "step_down")
  t.truthy(json:find('"step_up":"2.5"', 1, true), "step_up")
  t.truthy(json:find('"aliases":["II.1"]', 1, true), "aliases")
end)

t.test("comparison has 7 aspects", function()
  local c = iop.Continuum()
  t.eq(c:get_n_comparison_aspects(), 7, "count")
  local ids = {}
  for i = 0, c:get_n_comparison_aspects() - 1 do
    local id = c:get_comparison_aspect(i)
    ids[#ids + 1] = id
    t.truthy(#c:get_comparison(id, iop.IOP_SETTING_INPATIENT) > 0, id .. " inpatient")
    t.truthy(#c:get_comparison(id, iop.IOP_SETTING_OUTPATIENT) > 0, id .. " outpatient")
  end
  t.eq(table.concat(ids, " "), "location intensity duration support lifestyle cost suitability", "ids")
  t.eq(c:get_comparison_aspect(7), nil, "past the end")
  t.eq(c:get_comparison_label("cost"), "Cost", "label")
  t.eq(c:get_comparison("cost", iop.IOP_SETTING_RESIDENTIAL), nil, "other setting")
  t.eq(c:get_comparison("no-such-aspect", iop.IOP_SETTING_INPATIENT), nil, "unknown aspect")
  local json = c:comparison_to_json()
  local n = select(2, json:gsub('"id":', ""))
  t.eq(n, 7, "aspects in comparison_to_json")
end)

-- Ownership ---------------------------------------------------------------------------------

t.test("a level outlives its continuum", function()
  local c = iop.Continuum()
  local level = c:lookup_level(ASAM3, "2.1")
  c = nil
  collectgarbage()
  collectgarbage()
  t.eq(c, nil, "continuum dropped")
  t.eq(level:get_name(), "Intensive Outpatient Services", "name")
  t.eq(level:get_hours_per_week(ADULT).min, 9, "min")
  t.eq(level:get_step_down():get_code(), "1", "step down")
  t.eq(level:crosswalk(ASAM4):get_code(), "2.1", "crosswalk")
  t.eq(level:get_continuum():get_n_levels(), 33, "continuum through the level")
end)

t.test("a levels() array outlives its continuum", function()
  local c = iop.Continuum()
  local levels = c:levels(LOCUS)
  c = nil
  collectgarbage()
  collectgarbage()
  t.eq(#levels, 7, "#levels")
  t.eq(codes(levels), LOCUS_CODES, "codes")
  t.eq(levels[7]:get_name(), "Medically Managed Residential Services", "last name")
end)

t.test("a range is a copy", function()
  local c = iop.Continuum()
  local r = c:lookup_level(ASAM3, "2.1"):get_hours_per_week(ADULT)
  c = nil
  collectgarbage()
  t.eq(r.max, 19, "max after collection")
  r.min = 1
  t.eq(iop.Continuum():lookup_level(ASAM3, "2.1"):get_hours_per_week(ADULT).min, 9, "level unchanged")
end)

t.test("repeated creation", function()
  -- Gives valgrind (memcheck/lua/continuum) something to find if anything leaks.
  for _ = 1, UNDER_VALGRIND and 25 or 200 do
    local c = iop.Continuum()
    local level = c:lookup_level(ASAM3, "2.1")
    local levels = c:levels(ASAM4)
    t.eq(c:get_n_levels(), 33, "levels")
    c = nil
    t.eq(level:get_step_up():get_code(), "2.5", "step up")
    t.eq(#levels, 11, "#asam4")
    t.truthy(level:to_json():find("H0015", 1, true), "to_json")
  end
  collectgarbage()
end)

-- User packs --------------------------------------------------------------------------------

t.test("default_pack_json loads back", function()
  local text = iop.Continuum.default_pack_json()
  t.eq(type(text), "string", "type")
  local c = iop.Continuum.from_json(text)
  t.eq(c:get_n_levels(), 33, "levels")
  t.eq(c:get_id(), "libiop-default", "id")
  t.eq(codes(c:levels()), codes(iop.Continuum():levels()), "same order")
end)

t.test("a user pack from a file changes the answer", function()
  local text = edit(edit_default(BAND_21, "%16%2"), '"id": "libiop%-default"', '"id": "clinic-pack"')
  local c = from_temp_file(text)
  t.eq(c:get_id(), "clinic-pack", "id")
  local r = c:lookup_level(ASAM3, "2.1"):get_hours_per_week(ADULT)
  t.eq(r.min, 6, "new min")
  t.eq(r.max, 19, "max unchanged")
  t.eq(r:contains(7), true, "7 hours now inside")
  t.eq(c:lookup_level(ASAM4, "2.1"):get_hours_per_week(ADULT).min, 9, "asam4 2.1 unchanged")
  t.eq(iop.Continuum():lookup_level(ASAM3, "2.1"):get_hours_per_week(ADULT):contains(7), false,
       "built-in pack unchanged")
end)

t.test("a small hand-written pack", function()
  local c = from_temp_file(mini_pack())
  t.eq(c:get_id(), "mini", "id")
  t.eq(c:get_title(), "mini", "title defaults to the id")
  t.eq(c:get_n_levels(), 2, "levels")
  t.eq(c:get_n_levels(ASAM3), 0, "no asam3")
  t.eq(c:get_n_comparison_aspects(), 0, "no comparison")
  local low = lookup(c, LOCUS, "1")
  t.eq(low:get_step_up():get_name(), "High", "step up")
  t.eq(low:get_description(), nil, "no description")
  t.eq(low:get_step_up():get_hours_per_week(ADULT).max, 40, "band")
  t.eq(c:get_source_confidence(low:get_source("level")), iop.IOP_CONFIDENCE_LOW, "confidence")
end)

-- Invalid packs -----------------------------------------------------------------------------

t.test("min above max", function()
  local c = iop.Continuum()
  local err = refused(iop.IOP_ERROR_INVALID_DATA,
    string.format("$.levels[%d].hours_per_week.adult", index_of(c, ASAM3, "2.1")),
    edit_default(BAND_21, "%125%2"))
  t.eq(err.name, "InvalidDataError", "name")
  refused(iop.IOP_ERROR_INVALID_DATA, "$.levels[1].hours_per_week.adult",
          mini_pack({ min = 50, max = 40 }))
end)

t.test("unknown step_down", function()
  local c = iop.Continuum()
  -- Only ASAM 3rd edition level 1 steps down to 0.5.
  local err = refused(iop.IOP_ERROR_INVALID_DATA,
    string.format("$.levels[%d].step_down", index_of(c, ASAM3, "1")),
    edit_default('"step_down": "0%.5"', '"step_down": "0.25"'))
  t.truthy(err.message:find('"0.25"', 1, true), "message names the code")
  refused(iop.IOP_ERROR_INVALID_DATA, "$.levels[0].step_up", mini_pack({ step_up = "3" }))
end)

t.test("duplicate code", function()
  local c = iop.Continuum()
  refused(iop.IOP_ERROR_INVALID_DATA,
    string.format("$.levels[%d].code", index_of(c, ASAM3, "2.5")),
    edit_default('"code": "2%.5",(%s*"edition": "asam3")', '"code": "2.1",%1'))
  refused(iop.IOP_ERROR_INVALID_DATA, "$.levels[1].code", mini_pack({ code = "1" }))
end)

t.test("misspelt member", function()
  local c = iop.Continuum()
  local i = level_index(c, function(l) return l:is_withdrawal_management() end)
  local err = refused(iop.IOP_ERROR_PARSE, string.format("$.levels[%d].withdrawl_management", i),
    edit_default('"withdrawal_management": true', '"withdrawl_management": true'))
  t.eq(err.name, "ParseError", "name")
  refused(iop.IOP_ERROR_PARSE, '$.sources["midshore-glossary"].cite',
    edit_default('("midshore%-glossary": {)', '%1 "cite": "x",'))
end)

t.test("wrong member type", function()
  refused(iop.IOP_ERROR_PARSE, "$.levels[1].hours_per_week.adult.min",
          mini_pack({ min = '"20"' }))
end)

-- Strictness beyond the member rules (mirrors tests/test-continuum.c) ------------------------

t.test("non-RFC 8259 JSON is a parse error", function()
  local base = iop.Continuum.default_pack_json()
  t.raises(iop.IOP_ERROR_PARSE, iop.Continuum.from_json, "/* pack */ " .. base)
  t.raises(iop.IOP_ERROR_PARSE, iop.Continuum.from_json, base .. " {}")
  t.raises(iop.IOP_ERROR_PARSE, iop.Continuum.from_json, "{'format': 1}")
end)

t.test("unknown source of an unpublished band is invalid data", function()
  local text = edit(mini_pack(), '"adult": {[^}]*}', '"adolescent": { "source": "nope" }')
  refused(iop.IOP_ERROR_INVALID_DATA, "$.levels[1].hours_per_week.adolescent.source", text)
end)

t.test("an empty alias is invalid data, not a parse error", function()
  local text = edit(mini_pack(), '"name": "High",', '"name": "High", "aliases": [""],')
  refused(iop.IOP_ERROR_INVALID_DATA, "$.levels[1].aliases[0]", text)
end)

t.run()
