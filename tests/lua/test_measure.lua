-- Outcome measures through the Lua binding: band edges of every instrument, reverse scoring,
-- restricted answer sets, safety and screen flags, AUDIT-C by sex, the BAM composites, answer
-- validation (library error tables and binding string errors), ownership across garbage
-- collection, measure series (date order, calendar dates, response and remission, JSON round
-- trip) and user measures packs with strict validation.
-- Mirrors tests/test-measure.c and tests/python/test_measure.py.
-- SPDX-License-Identifier: MIT
local t = require "harness"
local iop = require "iop"

local FEMALE, MALE, UNKNOWN = iop.IOP_SEX_FEMALE, iop.IOP_SEX_MALE, iop.IOP_SEX_UNKNOWN
local MET, NOT_MET, NOT_APPLICABLE =
  iop.IOP_OUTCOME_MET, iop.IOP_OUTCOME_NOT_MET, iop.IOP_OUTCOME_NOT_APPLICABLE
local URGENT, WARNING, SEV_NONE =
  iop.IOP_SEVERITY_URGENT, iop.IOP_SEVERITY_WARNING, iop.IOP_SEVERITY_NONE
local INVALID_ARGUMENT, INVALID_DATA, NOT_FOUND, PARSE, IO =
  iop.IOP_ERROR_INVALID_ARGUMENT, iop.IOP_ERROR_INVALID_DATA, iop.IOP_ERROR_NOT_FOUND,
  iop.IOP_ERROR_PARSE, iop.IOP_ERROR_IO
local UNDER_VALGRIND = os.getenv("IOP_UNDER_VALGRIND") ~= nil

local INSTRUMENT_IDS = "phq9 gad7 audit audit-c dast10 bam"

-- Items per instrument, and the highest answer code of items 1..n (AUDIT items 9-10: 0/2/4).
local N_ITEMS = { phq9 = 9, gad7 = 7, audit = 10, ["audit-c"] = 3, dast10 = 10, bam = 17 }
local MAX_ANSWER = { phq9 = 3, gad7 = 3, audit = 4, ["audit-c"] = 4, dast10 = 1, bam = 4 }

-- Answers whose total is exactly `total`: the highest points first, item by item. AUDIT items
-- 9-10 take 0, 2 or 4 (points = answer): they carry only what items 1-8 (at most 32) cannot,
-- rounded up to even. DAST-10 item 3 is reverse-scored: answer 0 ("no") scores 1 point and
-- answer 1 ("yes") scores 0.
local function answers_for(id, total)
  local n, tail = N_ITEMS[id], 0
  if id == "audit" then
    tail = math.max(0, total - 32)
    tail = tail + tail % 2
    n = 8
  end
  local answers, left = {}, total - tail
  for i = 1, n do
    local p = math.min(MAX_ANSWER[id], left)
    answers[i] = p
    left = left - p
  end
  if id == "audit" then
    answers[9], answers[10] = math.min(4, tail), tail - math.min(4, tail)
  end
  assert(left == 0, id .. " cannot reach " .. total)
  if id == "dast10" then answers[3] = 1 - answers[3] end
  return answers
end

-- A table of n copies of v, optionally followed by more values.
local function rep(v, n, ...)
  local out = {}
  for i = 1, n do out[i] = v end
  for _, x in ipairs({ ... }) do out[#out + 1] = x end
  return out
end

local function join(list) return table.concat(list, " ") end

-- (instrument, total, band id, band label): both sides of every band boundary, and the ends.
local BAND_EDGES = {
  { "phq9", 0, "minimal", "None to minimal" },
  { "phq9", 4, "minimal", "None to minimal" },
  { "phq9", 5, "mild", "Mild" },
  { "phq9", 9, "mild", "Mild" },
  { "phq9", 10, "moderate", "Moderate" },
  { "phq9", 14, "moderate", "Moderate" },
  { "phq9", 15, "moderately-severe", "Moderately severe" },
  { "phq9", 19, "moderately-severe", "Moderately severe" },
  { "phq9", 20, "severe", "Severe" },
  { "phq9", 27, "severe", "Severe" },
  { "gad7", 0, "minimal", "Minimal" },
  { "gad7", 4, "minimal", "Minimal" },
  { "gad7", 5, "mild", "Mild" },
  { "gad7", 9, "mild", "Mild" },
  { "gad7", 10, "moderate", "Moderate" },
  { "gad7", 14, "moderate", "Moderate" },
  { "gad7", 15, "severe", "Severe" },
  { "gad7", 21, "severe", "Severe" },
  { "audit", 0, "zone-1", "Zone I: low risk" },
  { "audit", 7, "zone-1", "Zone I: low risk" },
  { "audit", 8, "zone-2", "Zone II: increasing risk" },
  { "audit", 15, "zone-2", "Zone II: increasing risk" },
  { "audit", 16, "zone-3", "Zone III: higher risk" },
  { "audit", 19, "zone-3", "Zone III: higher risk" },
  { "audit", 20, "zone-4", "Zone IV: possible dependence" },
  { "audit", 40, "zone-4", "Zone IV: possible dependence" },
  { "dast10", 0, "none", "No problems reported" },
  { "dast10", 1, "low", "Low level" },
  { "dast10", 2, "low", "Low level" },
  { "dast10", 3, "moderate", "Moderate level" },
  { "dast10", 5, "moderate", "Moderate level" },
  { "dast10", 6, "substantial", "Substantial level" },
  { "dast10", 8, "substantial", "Substantial level" },
  { "dast10", 9, "severe", "Severe level" },
  { "dast10", 10, "severe", "Severe level" },
}

-- (instrument, flag, highest total without it, lowest total with it)
local SCREEN_FLAGS = {
  { "phq9", "depression-screen-positive", 9, 10 },
  { "gad7", "anxiety-screen-positive", 9, 10 },
  { "audit", "possible-dependence", 19, 20 },
  { "dast10", "drug-problems-substantial", 5, 6 },
}

local SET = iop.MeasureSet()

-- The shared test corpus (tests/data/measures).
local CORPUS = (os.getenv("IOP_TEST_DATA_DIR") or
                (debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or ".") .. "/../data") ..
               "/measures"

local function inst(id, set)
  local i = (set or SET):lookup_instrument(id)
  t.truthy(i ~= nil, "instrument " .. id)
  return i
end

local function score(id, answers, sex)
  return inst(id):score(answers, sex or UNKNOWN)
end

local function flag_ids(s)
  local out = {}
  for i = 0, s:get_n_flags() - 1 do out[#out + 1] = s:get_flag_id(i) end
  return join(out)
end

-- Requires that message does not contain value as a number of its own (patient data).
local function not_quoted(message, value, what)
  local v = tostring(value)
  local init = 1
  while true do
    local s, e = message:find(v, init, true)
    if s == nil then return end
    local before, after = message:sub(s - 1, s - 1), message:sub(e + 1, e + 1)
    if not before:match("[%d%.]") and not after:match("[%d%.]") then
      error(string.format("%s: the message quotes %s: %q", what or "message", v, message), 2)
    end
    init = e + 1
  end
end

-- Scoring must fail with an InvalidArgumentError naming the item and not quoting the value.
local function invalid_answer(id, answers, item, bad)
  local err = t.raises(INVALID_ARGUMENT, inst(id).score, inst(id), answers, UNKNOWN)
  t.eq(err.name, "InvalidArgumentError", "name")
  t.eq(err.path, nil, "path")
  t.truthy(err.message:find("item " .. item .. ":", 1, true), "message names item " .. item)
  not_quoted(err.message, bad)
  return err
end

-- Calls fn(...) and requires it to raise a plain string error (a binding type error).
local function raises_string(fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then error("expected a string error, got success", 2) end
  if type(err) ~= "string" then error("expected a string error, got " .. tostring(err), 2) end
  return err
end

local function write_temp(text)
  local name = os.tmpname()
  local f = assert(io.open(name, "w"))
  f:write(text)
  f:close()
  return name
end

-- Replaces the first match of pattern in text, requiring that there is one.
local function edit(text, pattern, repl)
  local out, n = text:gsub(pattern, repl, 1)
  t.eq(n, 1, "replacements of " .. pattern)
  return out
end

-- A small instrument a program could add without new C code: three items answered 0-2, item 3
-- reverse-scored, bands low 0-2 / high 3-6, an info flag at 3 and outcome rules.
local function k3_instrument(opts)
  opts = opts or {}
  return string.format([[
    { "id": "%s", "name": "Three-item check", "abbreviation": "K-3", "lookback_days": 7,
      "answers": [0, 1, 2],
      "items": [ { "id": "1", "label": "First" }, { "id": "2", "label": "Second" },
                 { "id": "3", "label": "Third (reversed)", "points": %s } ],
      "scales": [ { "id": "total", "label": "Total", "primary": true, "items": ["1", "2", "3"],
                    "bands": [ { "id": "low", "label": "Low", "min": %d, "max": 2 },
                               { "id": "high", "label": "High", "min": 3, "max": 6 } ] } ],
      "flags": [ { "id": "k3-high", "label": "High K-3", "severity": "info", "%s": "%s",
                   "op": ">=", "value": 3, "source": "k3-source" } ],
      "outcomes": { "min_baseline": 4, "response_reduction_percent": 50, "remission_below": 2,
                    "source": "k3-source" },
      "source": "k3-source" }]], opts.id or "k3", opts.points or "[2, 1, 0]", opts.min or 0,
    opts.flag_member or "scale", opts.flag_target or "total")
end

-- The built-in pack's text with the K-3 instrument appended (the 7th, index 6).
local function pack_with_k3(opts)
  local text = iop.MeasureSet.default_pack_json()
  text = edit(text, '"id": "libiop%-default%-measures"', '"id": "clinic-measures"')
  text = edit(text, '("sources": {)', '%1 "k3-source": { "citation": "Clinic-defined test '
              .. 'instrument", "confidence": "L" },')
  -- The instruments array is the last member: its closing bracket precedes the final brace.
  return edit(text, "(})(%s*%]%s*}%s*)$", function(last, tail)
    return last .. ",\n" .. k3_instrument(opts) .. tail
  end)
end

-- Loads a pack from text and from a file; requires the error class and exact JSON path.
local function pack_refused(code, path, text)
  local err = t.raises(code, iop.MeasureSet.from_json, text)
  t.eq(err.path, path, "path")
  t.eq(err.message:sub(1, #path + 2), path .. ": ", "message starts with the path")
  local name = write_temp(text)
  local ok, ferr = pcall(iop.MeasureSet.from_file, name)
  os.remove(name)
  t.truthy(not ok, "from_file refuses it too")
  t.eq(ferr.code, code, "from_file code")
  t.eq(ferr.path, path, "from_file path")
  return err
end

-- A series from dated administrations { {date, answers}, ... }.
local function series_of(id, sex, administrations)
  local s = iop.MeasureSeries(SET, id, sex)
  for _, a in ipairs(administrations or {}) do s:add(a[1], a[2]) end
  return s
end

-- A PHQ-9 series with one administration per total, a week apart from 2026-01-05.
local function phq9_series(...)
  local adm = {}
  for k, total in ipairs({ ... }) do
    adm[k] = { string.format("2026-01-%02d", 5 + 7 * (k - 1)), answers_for("phq9", total) }
  end
  return series_of("phq9", UNKNOWN, adm)
end

local function series_refused(code, path, text)
  local err = t.raises(code, iop.MeasureSeries.from_json, SET, text)
  t.eq(err.path, path, "path")
  if path ~= nil then
    t.eq(err.message:sub(1, #path + 2), path .. ": ", "message starts with the path")
  end
  return err
end

-- Default set --------------------------------------------------------------------------------

t.test("default set identity", function()
  t.eq(SET:get_id(), "libiop-default-measures", "id")
  t.eq(SET:get_version(), "2026.11", "version")
  t.eq(SET:get_n_instruments(), 6, "instruments")
end)

t.test("instruments() array in pack order", function()
  local ids = {}
  for i, instrument in ipairs(SET:instruments()) do ids[i] = instrument:get_id() end
  t.eq(join(ids), INSTRUMENT_IDS, "instruments()")
  ids = {}
  for k = 0, 5 do ids[#ids + 1] = SET:get_instrument(k):get_id() end
  t.eq(join(ids), INSTRUMENT_IDS, "get_instrument")
  t.eq(SET:get_instrument(6), nil, "past the end")
  t.eq(SET:instruments()[7], nil, "array end")
end)

t.test("instrument metadata", function()
  local expected = {
    { "phq9", "Patient Health Questionnaire-9", "PHQ-9", "44261-6", 14, "total", true },
    { "gad7", "Generalized Anxiety Disorder-7", "GAD-7", "70274-6", 14, "total", true },
    { "audit", "Alcohol Use Disorders Identification Test", "AUDIT", nil, 365, "total", false },
    { "audit-c", "AUDIT-Consumption", "AUDIT-C", "75626-2", 365, "total", false },
    { "dast10", "Drug Abuse Screening Test-10", "DAST-10", nil, 365, "total", false },
    { "bam", "Brief Addiction Monitor", "BAM", nil, 30, "use risk protective", false },
  }
  for _, e in ipairs(expected) do
    local id = e[1]
    local i = inst(id)
    t.eq(i:get_id(), id, id .. " id")
    t.eq(i:get_name(), e[2], id .. " name")
    t.eq(i:get_abbreviation(), e[3], id .. " abbreviation")
    t.eq(i:get_loinc(), e[4], id .. " loinc")
    t.eq(i:get_lookback_days(), e[5], id .. " lookback")
    t.eq(i:get_n_items(), N_ITEMS[id], id .. " items")
    local items, scales = {}, {}
    for k = 0, i:get_n_items() - 1 do items[#items + 1] = i:get_item_id(k) end
    for k = 1, N_ITEMS[id] do t.eq(items[k], tostring(k), id .. " item id " .. k) end
    t.eq(i:get_item_id(i:get_n_items()), nil, id .. " item past the end")
    t.eq(i:get_item_label(i:get_n_items()), nil, id .. " label past the end")
    for k = 0, i:get_n_scales() - 1 do scales[#scales + 1] = i:get_scale_id(k) end
    t.eq(join(scales), e[6], id .. " scales")
    t.eq(i:get_scale_id(i:get_n_scales()), nil, id .. " scale past the end")
    t.eq(i:has_outcome_rules(), e[7], id .. " outcome rules")
  end
end)

t.test("item labels are paraphrases", function()
  t.eq(inst("phq9"):get_item_label(8), "Thoughts of death or self-harm", "phq9 item 9")
  t.eq(inst("dast10"):get_item_label(2), "Able to stop using when wanted", "dast10 item 3")
  t.eq(inst("bam"):get_item_label(16), "Satisfaction with progress (unscored)", "bam item 17")
end)

t.test("allowed answers", function()
  local function allowed(i, index)
    local out = {}
    for a = -2, 6 do
      if i:is_valid_answer(index, a) then out[#out + 1] = tostring(a) end
    end
    return join(out)
  end
  t.eq(allowed(inst("phq9"), 0), "0 1 2 3", "phq9 item 1")
  t.eq(allowed(inst("audit"), 7), "0 1 2 3 4", "audit item 8")
  t.eq(allowed(inst("audit"), 8), "0 2 4", "audit item 9")
  t.eq(allowed(inst("audit"), 9), "0 2 4", "audit item 10")
  t.eq(allowed(inst("dast10"), 2), "0 1", "dast10 item 3")
  t.eq(inst("phq9"):is_valid_answer(9, 0), false, "no item 10")
  t.eq(inst("phq9"):is_valid_answer(99, 0), false, "no item 100")
end)

t.test("lookup by id or abbreviation, case-insensitively", function()
  local cases = { phq9 = "phq9", PHQ9 = "phq9", ["PHQ-9"] = "phq9", ["phq-9"] = "phq9",
                  ["Gad-7"] = "gad7", GAD7 = "gad7", AUDIT = "audit", ["audit-c"] = "audit-c",
                  ["AUDIT-C"] = "audit-c", ["Audit-C"] = "audit-c", ["DAST-10"] = "dast10",
                  dast10 = "dast10", BAM = "bam", bam = "bam" }
  for name, id in pairs(cases) do t.eq(inst(name):get_id(), id, name) end
end)

t.test("lookup of an unknown instrument returns nil", function()
  for _, name in ipairs({ "phq", "phq-99", "audit-", "c-ssrs", "", " phq9", "phq9 " }) do
    t.eq(SET:lookup_instrument(name), nil, "'" .. name .. "'")
  end
  raises_string(SET.lookup_instrument, SET, nil)
end)

t.test("enumeration names", function()
  t.eq(iop.sex_to_string(UNKNOWN) .. " " .. iop.sex_to_string(FEMALE) .. " " ..
       iop.sex_to_string(MALE), "unknown female male", "sex")
  t.eq(iop.severity_to_string(SEV_NONE) .. " " .. iop.severity_to_string(iop.IOP_SEVERITY_INFO) ..
       " " .. iop.severity_to_string(WARNING) .. " " .. iop.severity_to_string(URGENT),
       "none info warning urgent", "severity")
  t.eq(iop.outcome_to_string(NOT_APPLICABLE) .. " " .. iop.outcome_to_string(NOT_MET) .. " " ..
       iop.outcome_to_string(MET), "not-applicable not-met met", "outcome")
  t.eq(iop.sex_from_string("female"), FEMALE, "female")
  t.eq(iop.sex_from_string("male"), MALE, "male")
  t.eq(iop.sex_from_string("unknown"), UNKNOWN, "unknown")
  for _, text in ipairs({ "Female", "f", "other", "" }) do
    t.raises(INVALID_ARGUMENT, iop.sex_from_string, text)
  end
end)

-- Band edges ---------------------------------------------------------------------------------

t.test("the answer builder hits exact totals", function()
  t.eq(join(answers_for("dast10", 0)), "0 0 1 0 0 0 0 0 0 0", "dast10 0")
  t.eq(join(answers_for("dast10", 1)), "1 0 1 0 0 0 0 0 0 0", "dast10 1")
  t.eq(join(answers_for("dast10", 3)), "1 1 0 0 0 0 0 0 0 0", "dast10 3")
  t.eq(join(answers_for("audit", 40)), join(rep(4, 10)), "audit 40")
  t.eq(join(answers_for("audit", 33)), "4 4 4 4 4 4 4 3 2 0", "audit 33")
  t.eq(join(answers_for("audit", 19)), "4 4 4 4 3 0 0 0 0 0", "audit 19")
  t.eq(join(answers_for("phq9", 20)), "3 3 3 3 3 3 2 0 0", "phq9 20")
end)

t.test("every band edge", function()
  for _, e in ipairs(BAND_EDGES) do
    local id, total, band, label = e[1], e[2], e[3], e[4]
    local what = id .. " " .. total
    local s = score(id, answers_for(id, total))
    t.eq(s:has_total(), true, what .. " has_total")
    t.eq(s:get_total(), total, what .. " total")
    t.eq(s:get_scale("total"), total, what .. " scale")
    t.eq(s:get_band(), band, what .. " band")
    t.eq(s:get_band_label(), label, what .. " label")
    t.eq(s:get_scale_band("total"), band, what .. " scale band")
  end
end)

t.test("every possible total falls in its band", function()
  -- The rows of one band in BAND_EDGES give its [min, max]; every total in between must give
  -- that band, so the bands tile each scale from 0 to its maximum.
  local k = 1
  while k <= #BAND_EDGES do
    local id, band, label = BAND_EDGES[k][1], BAND_EDGES[k][3], BAND_EDGES[k][4]
    local low, high = BAND_EDGES[k][2], BAND_EDGES[k][2]
    while k <= #BAND_EDGES and BAND_EDGES[k][1] == id and BAND_EDGES[k][3] == band do
      high = BAND_EDGES[k][2]
      k = k + 1
    end
    for total = low, high do
      local s = score(id, answers_for(id, total))
      t.eq(s:get_total(), total, id .. " " .. total)
      t.eq(s:get_band(), band, id .. " " .. total .. " band")
      t.eq(s:get_band_label(), label, id .. " " .. total .. " label")
    end
  end
end)

t.test("domain test vectors", function()
  local s = score("phq9", { 3, 3, 3, 3, 3, 3, 2, 0, 0 })
  t.eq(s:get_total(), 20, "phq9 total")
  t.eq(s:get_band(), "severe", "phq9 band")
  s = score("audit", rep(2, 8, 0, 0))
  t.eq(s:get_total(), 16, "audit total")
  t.eq(s:get_band(), "zone-3", "audit band")
  s = score("gad7", { 2, 2, 2, 2, 2, 0, 0 })
  t.eq(s:get_total(), 10, "gad7 total")
  t.eq(s:get_band(), "moderate", "gad7 band")
  t.eq(s:has_flag("anxiety-screen-positive"), true, "gad7 positive screen")
end)

-- Scoring rules ------------------------------------------------------------------------------

t.test("dast10 item 3 is reverse-scored", function()
  local all_yes = score("dast10", rep(1, 10))
  t.eq(all_yes:get_total(), 9, "all yes")
  t.eq(all_yes:get_band(), "severe", "all yes band")
  local item3_no = score("dast10", { 1, 1, 0, 1, 1, 1, 1, 1, 1, 1 })
  t.eq(item3_no:get_total(), 10, "all yes but item 3 no")
  t.eq(item3_no:get_band(), "severe", "band")
  t.eq(score("dast10", rep(0, 10)):get_total(), 1, "all no")
  t.eq(score("dast10", { 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 }):get_total(), 0, "only item 3 yes")
end)

t.test("dast10 reverse item is serialized as the answer", function()
  local json = score("dast10", { 1, 1, 0, 1, 1, 1, 1, 1, 1, 1 }):to_json()
  t.truthy(json:find('"answers":[1,1,0,1,1,1,1,1,1,1]', 1, true), "the answer, not the points")
  t.truthy(json:find('"total":10,', 1, true), "total")
end)

t.test("audit items 9 and 10 take 0, 2 or 4", function()
  t.eq(score("audit", rep(0, 8, 2, 4)):get_total(), 6, "2 and 4")
  t.eq(score("audit", rep(0, 8, 4, 4)):get_total(), 8, "4 and 4")
  local err = invalid_answer("audit", rep(0, 8, 3, 0), 9, 3)
  t.truthy(err.message:find("AUDIT item 9", 1, true), "AUDIT item 9")
  invalid_answer("audit", rep(0, 8, 1, 0), 9, 1)
  invalid_answer("audit", rep(0, 8, 0, 3), 10, 3)
  t.eq(score("audit", rep(0, 9, 0)):get_total(), 0, "zeros")
  t.eq(score("audit", { 3, 0, 0, 0, 0, 0, 0, 0, 0, 0 }):get_total(), 3, "3 is fine for items 1-8")
end)

t.test("phq9 item 9 flag with a minimal total", function()
  local s = score("phq9", rep(0, 8, 1))
  t.eq(s:get_total(), 1, "total")
  t.eq(s:get_band(), "minimal", "band")
  t.eq(flag_ids(s), "self-harm-thoughts", "flags")
  t.eq(s:has_flag("self-harm-thoughts"), true, "has_flag")
  t.eq(s:get_flag_severity(0), URGENT, "severity")
  t.eq(s:get_max_severity(), URGENT, "max severity")
  t.truthy(s:get_flag_label(0):find("immediate clinical review", 1, true), "label")
  for answer = 1, 3 do
    t.eq(score("phq9", rep(0, 8, answer)):has_flag("self-harm-thoughts"), true,
         "item 9 = " .. answer)
  end
  t.eq(score("phq9", rep(3, 8, 0)):has_flag("self-harm-thoughts"), false, "item 9 = 0")
end)

t.test("phq9 item 9 flag alongside the screen", function()
  local s = score("phq9", { 3, 3, 3, 3, 0, 0, 0, 0, 2 })
  t.eq(s:get_total(), 14, "total")
  t.eq(flag_ids(s), "self-harm-thoughts depression-screen-positive", "flags")
  t.eq(s:get_flag_severity(0), URGENT, "first severity")
  t.eq(s:get_flag_severity(1), WARNING, "second severity")
  t.eq(s:get_max_severity(), URGENT, "max severity")
end)

t.test("screen flags at their thresholds", function()
  for _, e in ipairs(SCREEN_FLAGS) do
    local id, flag, below, at = e[1], e[2], e[3], e[4]
    local lower = score(id, answers_for(id, below))
    t.eq(lower:has_flag(flag), false, id .. " " .. below)
    t.eq(lower:get_n_flags(), 0, id .. " " .. below .. " flags")
    t.eq(lower:get_max_severity(), SEV_NONE, id .. " " .. below .. " max severity")
    local upper = score(id, answers_for(id, at))
    t.eq(flag_ids(upper), flag, id .. " " .. at)
    t.eq(upper:get_flag_severity(0), WARNING, id .. " " .. at .. " severity")
    t.eq(upper:get_max_severity(), WARNING, id .. " " .. at .. " max severity")
  end
end)

t.test("out-of-range flag index", function()
  local s = score("phq9", rep(0, 9))
  t.eq(s:get_n_flags(), 0, "no flags")
  t.eq(s:get_flag_id(0), nil, "id")
  t.eq(s:get_flag_label(0), nil, "label")
  t.eq(s:get_flag_severity(0), SEV_NONE, "severity")
  t.eq(s:has_flag("no-such-flag"), false, "unknown flag")
end)

t.test("audit-c by sex", function()
  local cases = { { MALE, 3, false }, { MALE, 4, true }, { FEMALE, 2, false },
                  { FEMALE, 3, true }, { UNKNOWN, 2, false }, { UNKNOWN, 3, true } }
  local labels = { [MALE] = "for men", [FEMALE] = "for women", [UNKNOWN] = "sex not recorded" }
  for _, c in ipairs(cases) do
    local sex, total, flagged = c[1], c[2], c[3]
    local what = iop.sex_to_string(sex) .. " " .. total
    local s = score("audit-c", answers_for("audit-c", total), sex)
    t.eq(s:get_total(), total, what .. " total")
    t.eq(s:get_band(), nil, what .. " no band")
    t.eq(s:get_band_label(), nil, what .. " no band label")
    t.eq(s:has_flag("alcohol-screen-positive"), flagged, what .. " flag")
    t.eq(s:get_n_flags(), flagged and 1 or 0, what .. " one flag at most")
    if flagged then t.truthy(s:get_flag_label(0):find(labels[sex], 1, true), what .. " label") end
    t.truthy(s:to_json():find('"sex":"' .. iop.sex_to_string(sex) .. '"', 1, true), what .. " json")
  end
end)

t.test("sex defaults to unknown; an invalid sex is refused", function()
  t.eq(inst("audit-c"):score({ 1, 1, 1 }):has_flag("alcohol-screen-positive"), true, "default")
  t.eq(inst("audit-c"):score({ 1, 1, 1 }, MALE):has_flag("alcohol-screen-positive"), false, "male")
  t.raises(INVALID_ARGUMENT, inst("audit-c").score, inst("audit-c"), { 1, 1, 1 }, 3)
  t.raises(INVALID_ARGUMENT, inst("audit-c").score, inst("audit-c"), { 1, 1, 1 }, 7)
  t.raises(INVALID_ARGUMENT, inst("audit-c").score, inst("audit-c"), { 1, 1, 1 }, -1)
end)

t.test("bam composites", function()
  local s = score("bam", { 1, 2, 3, 1, 0, 2, 4, 0, 4, 4, 1, 3, 2, 1, 0, 4, 4 })
  t.eq(s:has_total(), false, "no total")
  t.eq(s:get_total(), -1, "total")
  t.eq(s:get_band(), nil, "band")
  t.eq(s:get_band_label(), nil, "band label")
  t.eq(s:get_scale("use"), 1 + 0 + 2, "use: items 4, 5, 6")
  t.eq(s:get_scale("risk"), 1 + 2 + 3 + 0 + 1 + 0, "risk: items 1, 2, 3, 8, 11, 15")
  t.eq(s:get_scale("protective"), 4 + 4 + 3 + 2 + 1 + 4, "protective: 9, 10, 12, 13, 14, 16")
  t.eq(s:get_scale("total"), -1, "no total scale")
  t.eq(s:get_scale("no-such-scale"), -1, "unknown scale")
  t.eq(s:get_scale_band("risk"), nil, "no risk bands")
  t.eq(s:get_scale_band("no-such-scale"), nil, "unknown scale band")
  t.eq(flag_ids(s), "any-use", "flags")
end)

t.test("bam items 7 and 17 are unscored", function()
  local base = rep(2, 17)
  base[7], base[17] = 0, 0
  local changed = rep(2, 17)
  changed[7], changed[17] = 4, 4
  local a, b = score("bam", base), score("bam", changed)
  for _, scale in ipairs({ "use", "risk", "protective" }) do
    t.eq(b:get_scale(scale), a:get_scale(scale), scale)
  end
  t.eq(flag_ids(b), flag_ids(a), "flags")
end)

t.test("bam thresholds", function()
  local function bam(use, risk, protective)
    local answers = rep(0, 17)
    for _, item in ipairs({ 4, 5, 6 }) do answers[item] = use end
    for _, item in ipairs({ 1, 2, 3, 8, 11, 15 }) do answers[item] = risk end
    for _, item in ipairs({ 9, 10, 12, 13, 14, 16 }) do answers[item] = protective end
    return answers
  end
  t.eq(score("bam", bam(0, 0, 3)):has_flag("any-use"), false, "no use")
  local one_use = bam(0, 0, 3)
  one_use[5] = 1 -- item 5 (heavy drinking)
  local s = score("bam", one_use)
  t.eq(s:get_scale("use"), 1, "use 1")
  t.eq(s:has_flag("any-use"), true, "any use at 1")
  s = score("bam", bam(0, 2, 3))
  t.eq(s:get_scale("risk"), 12, "risk 12")
  t.eq(s:has_flag("risk-concern"), true, "risk concern at 12")
  local eleven = bam(0, 2, 3)
  eleven[1] = 1
  s = score("bam", eleven)
  t.eq(s:get_scale("risk"), 11, "risk 11")
  t.eq(s:has_flag("risk-concern"), false, "no risk concern at 11")
  s = score("bam", bam(0, 0, 2))
  t.eq(s:get_scale("protective"), 12, "protective 12")
  t.eq(s:has_flag("protective-concern"), true, "protective concern at 12")
  local thirteen = bam(0, 0, 2)
  thirteen[9] = 3
  s = score("bam", thirteen)
  t.eq(s:get_scale("protective"), 13, "protective 13")
  t.eq(s:has_flag("protective-concern"), false, "no protective concern at 13")
  t.eq(flag_ids(score("bam", rep(0, 17))), "protective-concern", "all zero")
  local everything = score("bam", bam(1, 2, 2))
  t.eq(flag_ids(everything), "any-use risk-concern protective-concern", "all three")
  t.eq(everything:get_max_severity(), WARNING, "max severity")
end)

-- Answer validation --------------------------------------------------------------------------

t.test("wrong number of answers for every instrument", function()
  for id, n in pairs(N_ITEMS) do
    local i = inst(id)
    for _, count in ipairs({ n - 1, n + 1, 1, 0 }) do
      local err = t.raises(INVALID_ARGUMENT, i.score, i, rep(0, count))
      t.eq(err.path, nil, id .. " " .. count .. " path")
      t.truthy(err.message:find(i:get_abbreviation(), 1, true), id .. " " .. count .. " names it")
      t.truthy(err.message:find(n .. " answers", 1, true), id .. " " .. count .. " count")
    end
  end
end)

t.test("wrong number of answers", function()
  for _, answers in ipairs({ rep(0, 8), rep(0, 10), {} }) do
    local err = t.raises(INVALID_ARGUMENT, inst("phq9").score, inst("phq9"), answers)
    t.eq(err.name, "InvalidArgumentError", #answers .. " name")
    t.truthy(err.message:find("PHQ-9", 1, true), #answers .. " names the instrument")
    t.truthy(err.message:find("9 answers", 1, true), #answers .. " names the count")
  end
  local err = t.raises(INVALID_ARGUMENT, inst("bam").score, inst("bam"), rep(0, 16))
  t.truthy(err.message:find("17 answers", 1, true), "bam count")
end)

t.test("the bad answer table of the C suite", function()
  -- bad_answers[] in tests/test-measure.c: { instrument, 1-based item, answer }.
  local rows = { { "phq9", 2, 4 }, { "phq9", 5, -7 }, { "phq9", 9, 1000 },
                 { "phq9", 1, -2147483648 }, { "gad7", 7, 4 }, { "gad7", 3, -1 },
                 { "audit", 8, 5 }, { "audit", 9, 3 }, { "audit", 10, 1 }, { "audit-c", 3, 5 },
                 { "dast10", 3, 2 }, { "dast10", 10, -3 }, { "bam", 17, 5 }, { "bam", 7, 77 } }
  for _, row in ipairs(rows) do
    local answers = rep(0, N_ITEMS[row[1]])
    answers[row[2]] = row[3]
    invalid_answer(row[1], answers, row[2], row[3])
  end
end)

t.test("the first invalid item is reported", function()
  local err = t.raises(INVALID_ARGUMENT, inst("phq9").score, inst("phq9"),
                       { 3, 3, 9, 3, 3, 3, -4, 3, 3 })
  t.truthy(err.message:find("item 3:", 1, true), "item 3")
  t.truthy(not err.message:find("item 7", 1, true), "not item 7")
end)

t.test("disallowed answers name the item, not the value", function()
  invalid_answer("phq9", { 0, 0, 7, 0, 0, 0, 0, 0, 0 }, 3, 7)
  invalid_answer("phq9", rep(-1, 1, 0, 0, 0, 0, 0, 0, 0, 0), 1, -1)
  invalid_answer("phq9", rep(0, 8, 42), 9, 42)
  invalid_answer("gad7", rep(0, 6, 5), 7, 5)
  invalid_answer("dast10", { 0, 0, 0, 0, 2, 0, 0, 0, 0, 0 }, 5, 2)
  invalid_answer("bam", rep(0, 16, 5), 17, 5)
  invalid_answer("audit-c", { 0, 6, 0 }, 2, 6)
  invalid_answer("phq9", { 0, 5, 0, 6, 0, 0, 0, 0, 0 }, 2, 5) -- the first one is reported
end)

t.test("non-integers are string errors naming the item", function()
  local phq = inst("phq9")
  local cases = {
    { rep(0, 8, 2.5), 9 },
    { { 0, "1", 0, 0, 0, 0, 0, 0, 0 }, 2 }, -- numeric strings are refused too
    { rep(true, 1, 0, 0, 0, 0, 0, 0, 0, 0), 1 },
    { { 0, 0, 0, false, 0, 0, 0, 0, 0 }, 4 },
    { { 0, {}, 0, 0, 0, 0, 0, 0, 0 }, 2 },
  }
  for _, c in ipairs(cases) do
    local msg = raises_string(phq.score, phq, c[1])
    local expect = string.format("answers[%d] (item %d) must be an integer", c[2], c[2])
    t.truthy(msg:find(expect, 1, true), "expected '" .. expect .. "' in " .. msg)
  end
  -- An integral float is an integer in Lua (as for every integer argument of the binding).
  t.eq(phq:score(rep(2.0, 1, 0, 0, 0, 0, 0, 0, 0, 0)):get_total(), 2, "2.0")
end)

t.test("out of int range is a string error naming the item", function()
  local phq = inst("phq9")
  for _, big in ipairs({ 1 << 40, -(1 << 40), 1 << 31 }) do
    local msg = raises_string(phq.score, phq, { 0, 0, big, 0, 0, 0, 0, 0, 0 })
    t.truthy(msg:find("answers[3] (item 3) is out of range", 1, true), msg)
    t.truthy(not msg:find(tostring(big), 1, true), "the value is not quoted")
  end
end)

t.test("answers must be a table", function()
  local phq = inst("phq9")
  for _, answers in ipairs({ "000000000", 5, true }) do
    local msg = raises_string(phq.score, phq, answers)
    t.truthy(msg:find("table of integers", 1, true), msg)
  end
  raises_string(phq.score, phq, nil)
end)

-- Score objects ------------------------------------------------------------------------------

t.test("score to_json", function()
  local s = score("phq9", { 3, 3, 3, 3, 3, 3, 2, 0, 1 }, FEMALE)
  local json = s:to_json()
  t.eq(type(json), "string", "type")
  for _, fragment in ipairs({
    '"instrument":"phq9"', '"total":21', '"band":{"id":"severe","label":"Severe"}',
    '"scales":{"total":{"value":21,"band":"severe"}}',
    '"flags":[{"id":"self-harm-thoughts","label":"' .. s:get_flag_label(0) ..
      '","severity":"urgent"},{"id":"depression-screen-positive","label":"' ..
      s:get_flag_label(1) .. '","severity":"warning"}]',
    '"answers":[3,3,3,3,3,3,2,0,1]', '"sex":"female"',
  }) do
    t.truthy(json:find(fragment, 1, true), "to_json has " .. fragment)
  end
  t.eq(json:sub(1, 1) .. json:sub(-1), "{}", "one object")
end)

t.test("score to_json without a total", function()
  local json = score("bam", rep(0, 17)):to_json()
  for _, fragment in ipairs({ '"instrument":"bam"', '"total":null', '"band":null',
    '"scales":{"use":{"value":0,"band":null},"risk":{"value":0,"band":null},' ..
      '"protective":{"value":0,"band":null}}',
    '"flags":[{"id":"protective-concern",' }) do
    t.truthy(json:find(fragment, 1, true), "to_json has " .. fragment)
  end
  t.truthy(score("audit-c", { 0, 0, 0 }):to_json():find('"flags":[]', 1, true), "no flags")
end)

t.test("score copy", function()
  local s = score("gad7", { 3, 3, 3, 1, 0, 0, 0 })
  local c = s:copy()
  t.eq(c:to_json(), s:to_json(), "same JSON")
  s = nil
  collectgarbage()
  collectgarbage()
  t.eq(c:get_total(), 10, "total")
  t.eq(c:get_band(), "moderate", "band")
  t.eq(c:has_flag("anxiety-screen-positive"), true, "flag")
  t.eq(c:get_instrument():get_id(), "gad7", "instrument")
end)

t.test("a score knows its instrument", function()
  t.eq(score("DAST-10", rep(0, 10)):get_instrument():get_abbreviation(), "DAST-10", "abbreviation")
end)

-- Ownership ----------------------------------------------------------------------------------

t.test("instrument and score outlive the set", function()
  local set = iop.MeasureSet()
  local phq = set:lookup_instrument("phq9")
  local bam = set:get_instrument(5)
  local s = phq:score(rep(1, 9))
  local copy = phq:score(rep(2, 9)):copy()
  set = nil
  collectgarbage()
  collectgarbage()
  t.eq(set, nil, "set dropped")
  t.eq(phq:get_name(), "Patient Health Questionnaire-9", "name")
  t.eq(phq:score({ 3, 3, 3, 3, 3, 3, 2, 0, 0 }):get_band(), "severe", "scores")
  t.eq(bam:get_scale_id(2), "protective", "bam scale")
  t.eq(s:get_total(), 9, "score total")
  t.eq(s:get_band_label(), "Mild", "score band")
  t.eq(s:get_instrument():get_loinc(), "44261-6", "score instrument")
  t.eq(s:has_flag("self-harm-thoughts"), true, "score flag")
  t.eq(copy:get_total(), 18, "copy total")
  t.eq(copy:get_instrument():get_abbreviation(), "PHQ-9", "copy instrument")
end)

t.test("an instruments() array outlives the set", function()
  local set = iop.MeasureSet()
  local list = set:instruments()
  set = nil
  collectgarbage()
  collectgarbage()
  local ids = {}
  for i, instrument in ipairs(list) do ids[i] = instrument:get_id() end
  t.eq(join(ids), INSTRUMENT_IDS, "ids")
  t.eq(list[5]:score(rep(1, 10)):get_total(), 9, "dast10 scores")
end)

t.test("a series keeps its set", function()
  local set = iop.MeasureSet()
  local series = iop.MeasureSeries(set, "gad7")
  set = nil
  collectgarbage()
  collectgarbage()
  series:add("2026-01-01", rep(3, 7))
  t.eq(series:get_instrument():get_name(), "Generalized Anxiety Disorder-7", "instrument")
  t.eq(series:get_score(0):get_band(), "severe", "score")
end)

t.test("scores from a series outlive it", function()
  local series = iop.MeasureSeries(iop.MeasureSet(), "phq9")
  series:add("2026-01-01", rep(2, 9))
  local first = series:get_score(0)
  series = nil
  collectgarbage()
  collectgarbage()
  t.eq(first:get_total(), 18, "total")
  t.eq(first:has_flag("self-harm-thoughts"), true, "flag")
end)

t.test("repeated creation", function()
  -- Gives valgrind (memcheck/lua/measure) something to find if anything leaks.
  for _ = 1, UNDER_VALGRIND and 10 or 200 do
    local set = iop.MeasureSet()
    local audit = set:lookup_instrument("audit")
    local series = iop.MeasureSeries(set, "phq9", FEMALE)
    local other = iop.MeasureSet()
    set = nil
    t.eq(audit:score(rep(4, 10)):get_total(), 40, "audit 40")
    t.raises(INVALID_ARGUMENT, audit.score, audit, rep(0, 8, 3, 0))
    raises_string(audit.score, audit, rep(0, 9, 1.5))
    series:add("2026-02-01", rep(1, 9))
    series:add("2026-01-01", rep(2, 9))
    t.raises(INVALID_ARGUMENT, series.add, series, "2026-02-30", rep(0, 9))
    t.eq(iop.MeasureSeries.from_json(other, series:to_json()):to_json(), series:to_json(), "copy")
  end
  collectgarbage()
end)

-- Measure series -----------------------------------------------------------------------------

t.test("new series", function()
  local series = iop.MeasureSeries(SET, "GAD-7", FEMALE)
  t.eq(series:get_instrument():get_id(), "gad7", "instrument")
  t.eq(series:get_sex(), FEMALE, "sex")
  t.eq(series:get_n_administrations(), 0, "empty")
  t.eq(series:get_date(0), nil, "no date")
  t.eq(series:get_score(0), nil, "no score")
  t.eq(series:get_change_from_baseline(), 0, "change")
  t.eq(series:get_response(), NOT_APPLICABLE, "response")
  t.eq(series:get_remission(), NOT_APPLICABLE, "remission")
  t.eq(iop.MeasureSeries(SET, "bam"):get_sex(), UNKNOWN, "default sex")
end)

t.test("unknown instrument and invalid sex", function()
  local err = t.raises(NOT_FOUND, iop.MeasureSeries, SET, "phq-99")
  t.eq(err.name, "NotFoundError", "name")
  t.eq(tostring(err):sub(1, 18), "iop.NotFoundError:", "tostring")
  t.raises(INVALID_ARGUMENT, iop.MeasureSeries, SET, "phq9", 7)
end)

-- The binding passes nil for the MeasureSet as NULL: the library prints a libiop-CRITICAL and
-- returns NULL without an error, so Lua gets nil instead of an error. Proposed fix in
-- bindings/iop.i: a non-NULL check for `iop_measure_set *set` (constraints.i NONNULL, or a
-- typemap like IOP_STRING's) so that nil raises an error before reaching C.
t.test("MeasureSeries(nil, ...) and MeasureSeries.from_json(nil, ...) raise", function()
  local ok = pcall(iop.MeasureSeries, nil, "phq9")
  t.eq(ok, false, "MeasureSeries(nil, 'phq9') raises")
  ok = pcall(iop.MeasureSeries.from_json, nil, iop.MeasureSeries(SET, "phq9"):to_json())
  t.eq(ok, false, "MeasureSeries.from_json(nil, ...) raises")
end)

t.test("add out of order keeps date order", function()
  local series = series_of("phq9", UNKNOWN, {
    { "2026-03-01", answers_for("phq9", 5) },
    { "2026-01-01", answers_for("phq9", 20) },
    { "2026-02-01", answers_for("phq9", 12) },
  })
  t.eq(series:get_n_administrations(), 3, "count")
  t.eq(join({ series:get_date(0), series:get_date(1), series:get_date(2) }),
       "2026-01-01 2026-02-01 2026-03-01", "dates")
  t.eq(join({ series:get_score(0):get_total(), series:get_score(1):get_total(),
              series:get_score(2):get_total() }), "20 12 5", "totals")
  t.eq(series:get_date(3), nil, "date past the end")
  t.eq(series:get_score(3), nil, "score past the end")
  t.eq(series:get_change_from_baseline(), -15, "change")
  t.eq(series:get_response(), MET, "response")
end)

t.test("equal dates keep insertion order", function()
  local series = series_of("phq9", UNKNOWN, {
    { "2026-01-10", answers_for("phq9", 3) },
    { "2026-01-10", answers_for("phq9", 4) },
    { "2026-01-01", answers_for("phq9", 11) },
    { "2026-01-10", answers_for("phq9", 5) },
  })
  local totals = {}
  for i = 0, 3 do totals[#totals + 1] = series:get_score(i):get_total() end
  t.eq(join(totals), "11 3 4 5", "totals")
  t.eq(series:get_change_from_baseline(), -6, "change")
  t.eq(series:get_remission(), NOT_MET, "the latest is the 5")
end)

t.test("invalid dates are refused and leave the series unchanged", function()
  local series = phq9_series(12, 6)
  local before = series:to_json()
  for _, date in ipairs({ "2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-01-00",
                          "2026-04-31", "2026-1-05", "26-01-05", "2026/01/05",
                          "2026-01-05T10:00", "0000-01-01", "", "yesterday" }) do
    local err = t.raises(INVALID_ARGUMENT, series.add, series, date, answers_for("phq9", 1))
    t.eq(err.name, "InvalidArgumentError", date .. " name")
    if date ~= "" then t.truthy(not err.message:find(date, 1, true), date .. " not quoted") end
    t.eq(series:get_n_administrations(), 2, date .. " count")
    t.eq(series:to_json(), before, date .. " unchanged")
  end
  raises_string(series.add, series, nil, rep(0, 9))
  raises_string(series.add, series, "2026-01-05\0", rep(0, 9))
  t.eq(series:to_json(), before, "unchanged")
end)

t.test("invalid answers leave the series unchanged", function()
  local series = phq9_series(12)
  local before = series:to_json()
  t.raises(INVALID_ARGUMENT, series.add, series, "2026-02-01", rep(0, 8))
  t.raises(INVALID_ARGUMENT, series.add, series, "2026-02-01", rep(0, 8, 4))
  raises_string(series.add, series, "2026-02-01", rep(0, 8, 0.5))
  t.eq(series:get_n_administrations(), 1, "count")
  t.eq(series:to_json(), before, "unchanged")
end)

t.test("leap days", function()
  local series = series_of("gad7", UNKNOWN, { { "2024-02-29", rep(0, 7) },
                                              { "2000-02-29", rep(1, 7) } })
  t.eq(series:get_date(0) .. " " .. series:get_date(1), "2000-02-29 2024-02-29", "dates")
  for _, date in ipairs({ "1900-02-29", "2100-02-29", "2023-02-29" }) do
    t.raises(INVALID_ARGUMENT, series.add, series, date, rep(0, 7))
  end
  t.eq(series:get_n_administrations(), 2, "count")
end)

t.test("change from baseline", function()
  t.eq(phq9_series():get_change_from_baseline(), 0, "empty")
  t.eq(phq9_series(14):get_change_from_baseline(), 0, "one")
  t.eq(phq9_series(14, 9):get_change_from_baseline(), -5, "14 -> 9")
  t.eq(phq9_series(4, 9, 17):get_change_from_baseline(), 13, "4 -> 17")
  local bam = series_of("bam", UNKNOWN, { { "2026-01-01", rep(0, 17) },
                                          { "2026-02-01", rep(4, 17) } })
  t.eq(bam:get_change_from_baseline(), 0, "no primary scale")
end)

t.test("response is a 50 percent reduction", function()
  t.eq(phq9_series(20, 10):get_response(), MET, "exactly 50%")
  t.eq(phq9_series(20, 11):get_response(), NOT_MET, "45%")
  t.eq(phq9_series(11, 5):get_response(), MET, "54.5%")
  t.eq(phq9_series(11, 6):get_response(), NOT_MET, "45.5%")
  t.eq(phq9_series(10, 5):get_response(), MET, "minimum baseline")
  t.eq(phq9_series(20, 0):get_response(), MET, "to zero")
  t.eq(phq9_series(10, 14):get_response(), NOT_MET, "worse")
  t.eq(phq9_series(20, 2, 15):get_response(), NOT_MET, "an intermediate low does not count")
end)

t.test("a baseline below 10 is not applicable", function()
  local series = phq9_series(9, 0)
  t.eq(series:get_response(), NOT_APPLICABLE, "response")
  t.eq(series:get_remission(), NOT_APPLICABLE, "remission")
  t.eq(series:get_change_from_baseline(), -9, "change")
  local single = phq9_series(20)
  t.eq(single:get_response(), NOT_APPLICABLE, "single response")
  t.eq(single:get_remission(), NOT_APPLICABLE, "single remission")
end)

t.test("remission is below 5", function()
  t.eq(phq9_series(15, 4):get_remission(), MET, "4")
  t.eq(phq9_series(15, 5):get_remission(), NOT_MET, "5")
  t.eq(phq9_series(10, 0):get_remission(), MET, "0")
  local series = phq9_series(27, 13)
  t.eq(series:get_response(), MET, "response without remission")
  t.eq(series:get_remission(), NOT_MET, "remission not met")
end)

t.test("gad7 uses the same rules", function()
  local series = series_of("gad7", UNKNOWN, { { "2026-01-01", answers_for("gad7", 12) },
                                              { "2026-03-01", answers_for("gad7", 4) } })
  t.eq(series:get_response(), MET, "response")
  t.eq(series:get_remission(), MET, "remission")
  series = series_of("gad7", UNKNOWN, { { "2026-01-01", answers_for("gad7", 9) },
                                        { "2026-03-01", answers_for("gad7", 0) } })
  t.eq(series:get_response(), NOT_APPLICABLE, "baseline 9 response")
  t.eq(series:get_remission(), NOT_APPLICABLE, "baseline 9 remission")
end)

t.test("instruments without outcome rules", function()
  local series = series_of("audit", UNKNOWN, { { "2026-01-01", answers_for("audit", 30) },
                                               { "2026-06-01", answers_for("audit", 2) } })
  t.eq(series:get_change_from_baseline(), -28, "change")
  t.eq(series:get_response(), NOT_APPLICABLE, "response")
  t.eq(series:get_remission(), NOT_APPLICABLE, "remission")
end)

t.test("the series' sex applies to its scores", function()
  for _, c in ipairs({ { MALE, false }, { FEMALE, true }, { UNKNOWN, true } }) do
    local series = series_of("audit-c", c[1], { { "2026-01-01", { 1, 1, 1 } } })
    t.eq(series:get_score(0):has_flag("alcohol-screen-positive"), c[2], iop.sex_to_string(c[1]))
  end
end)

t.test("series to_json", function()
  local series = series_of("phq9", FEMALE, { { "2026-03-01", { 1, 1, 1, 1, 0, 0, 0, 0, 0 } },
                                             { "2026-01-05", { 2, 2, 2, 2, 2, 2, 2, 2, 1 } } })
  local json = series:to_json()
  t.eq(json:sub(1, 67),
       '{"format":"libiop-measure-series","format_version":1,"instrument":"', "head")
  for _, fragment in ipairs({
    '"instrument":"phq9","sex":"female"',
    '"administrations":[{"date":"2026-01-05","answers":[2,2,2,2,2,2,2,2,1]},' ..
      '{"date":"2026-03-01","answers":[1,1,1,1,0,0,0,0,0]}]',
    '"summary":{"administrations":2,"baseline":{"date":"2026-01-05","total":17,' ..
      '"band":{"id":"moderately-severe"',
    '"latest":{"date":"2026-03-01","total":4,"band":{"id":"minimal","label":"None to minimal"}',
    '"change_from_baseline":-13,"response":"met","remission":"met"}}',
  }) do
    t.truthy(json:find(fragment, 1, true), "to_json has " .. fragment)
  end
end)

t.test("series to_json of short series", function()
  local empty = iop.MeasureSeries(SET, "phq9"):to_json()
  t.truthy(empty:find('"administrations":[]', 1, true), "no administrations")
  t.truthy(empty:find('"summary":{"administrations":0,"change_from_baseline":null,' ..
                      '"response":"not-applicable","remission":"not-applicable"}', 1, true),
           "empty summary")
  t.truthy(not empty:find('"baseline"', 1, true), "no baseline")
  local one = phq9_series(12):to_json()
  t.truthy(one:find('"change_from_baseline":null', 1, true), "one: no change")
  local bam = series_of("bam", UNKNOWN, { { "2026-01-01", rep(0, 17) },
                                          { "2026-02-01", rep(1, 17) } }):to_json()
  t.truthy(bam:find('"change_from_baseline":null', 1, true), "bam: no change")
  t.truthy(bam:find('"latest":{"date":"2026-02-01","total":null', 1, true), "bam: no total")
end)

t.test("JSON round trip is byte-identical", function()
  local bam_answers = { 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1 }
  local cases = {
    series_of("phq9", FEMALE, { { "2026-03-01", rep(0, 9) }, { "2026-01-05", rep(3, 9) },
                                { "2026-02-01", { 1, 2, 1, 2, 1, 2, 1, 2, 0 } },
                                { "2026-02-01", rep(0, 8, 1) } }),
    series_of("audit-c", MALE, { { "2025-12-31", { 4, 4, 4 } } }),
    series_of("bam", UNKNOWN, { { "2024-02-29", bam_answers } }),
    iop.MeasureSeries(SET, "dast10", UNKNOWN),
  }
  for _, series in ipairs(cases) do
    local id = series:get_instrument():get_id()
    local text = series:to_json()
    local back = iop.MeasureSeries.from_json(SET, text)
    t.eq(back:to_json(), text, id .. " round trip")
    t.eq(back:get_sex(), series:get_sex(), id .. " sex")
    t.eq(back:get_n_administrations(), series:get_n_administrations(), id .. " count")
    t.eq(iop.MeasureSeries.from_json(SET, back:to_json()):to_json(), text, id .. " twice")
  end
end)

t.test("from_json sorts, re-scores and ignores the summary", function()
  local doc = string.format([[{"format": "libiop-measure-series", "format_version": 1,
    "instrument": "PHQ-9", "sex": "male",
    "administrations": [{"date": "2026-04-01", "answers": [%s]},
                        {"date": "2026-01-01", "answers": [%s]}]%s}]],
    table.concat(answers_for("phq9", 4), ","), table.concat(answers_for("phq9", 16), ","), "%s")
  local series = iop.MeasureSeries.from_json(SET, doc:format(
    ', "summary": {"response": "not-met", "change_from_baseline": 99, "bogus": true}'))
  t.eq(series:get_instrument():get_id(), "phq9", "instrument")
  t.eq(series:get_sex(), MALE, "sex")
  t.eq(series:get_date(0) .. " " .. series:get_date(1), "2026-01-01 2026-04-01", "dates")
  t.eq(series:get_change_from_baseline(), -12, "change")
  t.eq(series:get_response(), MET, "response")
  t.eq(series:get_remission(), MET, "remission")
  t.truthy(series:to_json():find('"instrument":"phq9"', 1, true), "canonical id")
  t.truthy(series:to_json():find('"change_from_baseline":-12', 1, true), "derived change")
  t.eq(iop.MeasureSeries.from_json(SET, doc:format("")):to_json(), series:to_json(), "no summary")
end)

-- phq9_series(14, 8) as text: administrations on 2026-01-05 and 2026-01-12.
local function series_doc() return phq9_series(14, 8):to_json() end

t.test("invalid date in a document", function()
  for _, date in ipairs({ "2026-02-30", "2025-02-29", "2026-1-12" }) do
    local text = edit(series_doc(), '"date":"2026%-01%-12"', '"date":"' .. date .. '"')
    local err = series_refused(INVALID_DATA, "$.administrations[1].date", text)
    t.eq(err.name, "InvalidDataError", date .. " name")
    t.truthy(not err.message:find(date, 1, true), date .. " not quoted")
    t.truthy(not err.message:find(date:sub(6), 1, true), date .. " month-day not quoted")
  end
  series_refused(PARSE, "$.administrations[0].date",
                 edit(series_doc(), '"date":"2026%-01%-05"', '"date":20260105'))
end)

t.test("invalid answers in a document", function()
  -- phq9 14 = 3,3,3,3,2,0,0,0,0 and 8 = 3,3,2,0,0,0,0,0,0
  local err = series_refused(INVALID_DATA, "$.administrations[1].answers",
    edit(series_doc(), '%[3,3,2,0,0,0,0,0,0%]', '[3,3,2,0,0,0,0,0]'))
  t.truthy(err.message:find("9 answers", 1, true), "count")
  err = series_refused(INVALID_DATA, "$.administrations[1].answers",
    edit(series_doc(), '%[3,3,2,0,0,0,0,0,0%]', '[3,3,2,0,7,0,0,0,0]'))
  t.truthy(err.message:find("item 5", 1, true), "names item 5")
  not_quoted(err.message, 7)
  local path = "$.administrations[0].answers[8]"
  for _, bad in ipairs({ "1.5", '"1"', "true", "null", "1099511627776" }) do
    err = series_refused(PARSE, path,
      edit(series_doc(), '%[3,3,3,3,2,0,0,0,0%]', '[3,3,3,3,2,0,0,0,' .. bad .. ']'))
    t.truthy(not err.message:sub(#path + 1):find(bad, 1, true), bad .. " not quoted")
  end
end)

t.test("invalid document members", function()
  series_refused(NOT_FOUND, "$.instrument",
                 edit(series_doc(), '"instrument":"phq9"', '"instrument":"phq-99"'))
  local err = series_refused(INVALID_DATA, "$.sex",
                             edit(series_doc(), '"sex":"unknown"', '"sex":"other"'))
  t.truthy(not err.message:find("other", 1, true), "sex not quoted")
  series_refused(INVALID_DATA, "$.format",
    edit(series_doc(), '"format":"libiop%-measure%-series"', '"format":"libiop-measures"'))
  series_refused(INVALID_DATA, "$.format_version",
                 edit(series_doc(), '"format_version":1', '"format_version":2'))
  series_refused(PARSE, "$.administrations[1].dat",
                 edit(series_doc(), '"date":"2026%-01%-12"', '"dat":"2026-01-12"'))
  series_refused(PARSE, "$.administrations[1].answers",
                 edit(series_doc(), '(,"answers":%[3,3,2,0,0,0,0,0,0%])', ""))
  series_refused(PARSE, "$", "[]")
  err = series_refused(PARSE, nil, phq9_series(3):to_json():sub(1, -2))
  t.truthy(err.message:find("malformed JSON", 1, true), "malformed")
end)

-- User packs ---------------------------------------------------------------------------------

t.test("default_pack_json loads back", function()
  local text = iop.MeasureSet.default_pack_json()
  t.eq(type(text), "string", "type")
  t.truthy(text:find('"format": "libiop-measures"', 1, true), "format")
  local set = iop.MeasureSet.from_json(text)
  t.eq(set:get_id(), "libiop-default-measures", "id")
  local ids = {}
  for i, instrument in ipairs(set:instruments()) do ids[i] = instrument:get_id() end
  t.eq(join(ids), INSTRUMENT_IDS, "instruments")
end)

t.test("a user pack from a file scores a new instrument", function()
  local name = write_temp(pack_with_k3())
  local ok, set = pcall(iop.MeasureSet.from_file, name)
  os.remove(name)
  if not ok then error(tostring(set), 0) end
  t.eq(set:get_id(), "clinic-measures", "id")
  t.eq(set:get_n_instruments(), 7, "instruments")
  local k3 = inst("k-3", set)
  t.eq(k3:get_id(), "k3", "id")
  t.eq(k3:get_name(), "Three-item check", "name")
  t.eq(k3:get_loinc(), nil, "no loinc")
  t.eq(k3:get_lookback_days(), 7, "lookback")
  t.eq(k3:has_outcome_rules(), true, "outcome rules")
  local low = k3:score({ 0, 0, 2 }) -- item 3 reversed: 2 -> 0 points
  t.eq(low:get_total(), 0, "low total")
  t.eq(low:get_band(), "low", "low band")
  t.eq(low:get_n_flags(), 0, "low flags")
  local high = k3:score({ 1, 0, 0 }) -- 1 + 0 + 2
  t.eq(high:get_total(), 3, "high total")
  t.eq(high:get_band_label(), "High", "high label")
  t.eq(flag_ids(high), "k3-high", "high flag")
  t.eq(high:get_max_severity(), iop.IOP_SEVERITY_INFO, "info")
  local err = t.raises(INVALID_ARGUMENT, k3.score, k3, { 0, 3, 0 })
  t.truthy(err.message:find("K-3 item 2", 1, true), "names the item")
  t.eq(inst("phq9", set):score(rep(3, 9)):get_total(), 27, "built-in instruments still there")
  local series = iop.MeasureSeries(set, "k3")
  series:add("2026-01-01", { 2, 2, 0 })
  series:add("2026-02-01", { 0, 1, 2 })
  t.eq(series:get_change_from_baseline(), -5, "change")
  t.eq(series:get_response(), MET, "response")
  t.eq(series:get_remission(), MET, "remission")
  t.eq(iop.MeasureSet():lookup_instrument("k3"), nil, "built-in set unchanged")
end)

t.test("corpus: a user pack's response needs the full percentage", function()
  -- tests/data/measures/valid/custom-instrument.json, "dose": one item scored at face value
  -- (0, 49, 50, 51, 100); response 50% from a baseline of 100 or more; remission below 50.
  local set = iop.MeasureSet.from_file(CORPUS .. "/valid/custom-instrument.json")
  local rows = { { 100, 51, NOT_MET, NOT_MET }, { 100, 50, MET, NOT_MET }, { 100, 49, MET, MET },
                 { 100, 100, NOT_MET, NOT_MET }, { 100, 0, MET, MET },
                 { 51, 0, NOT_APPLICABLE, NOT_APPLICABLE } }
  for _, row in ipairs(rows) do
    local what = row[1] .. " -> " .. row[2]
    local series = iop.MeasureSeries(set, "dose")
    series:add("2026-01-05", { row[1] })
    series:add("2026-02-02", { row[2] })
    t.eq(series:get_response(), row[3], what .. " response")
    t.eq(series:get_remission(), row[4], what .. " remission")
    t.eq(series:get_change_from_baseline(), row[2] - row[1], what .. " change")
  end
end)

t.test("a series of a user instrument needs its pack", function()
  local set = iop.MeasureSet.from_json(pack_with_k3())
  local series = iop.MeasureSeries(set, "k3")
  series:add("2026-01-01", { 1, 1, 1 })
  local text = series:to_json()
  t.eq(iop.MeasureSeries.from_json(set, text):to_json(), text, "round trip")
  local err = t.raises(NOT_FOUND, iop.MeasureSeries.from_json, iop.MeasureSet(), text)
  t.eq(err.path, "$.instrument", "path")
end)

t.test("bands with a gap", function()
  -- PHQ-9 mild 6-9: 5 is lost (the first "Mild" band in the pack).
  local err = pack_refused(INVALID_DATA, "$.instruments[0].scales[0].bands[1].min",
    edit(iop.MeasureSet.default_pack_json(), '("label": "Mild",%s*"min": )5', "%16"))
  t.eq(err.name, "InvalidDataError", "name")
  -- AUDIT zone III from 15: overlaps zone II.
  pack_refused(INVALID_DATA, "$.instruments[2].scales[0].bands[2].min",
    edit(iop.MeasureSet.default_pack_json(), '("label": "Zone III: higher risk",%s*"min": )16',
         "%115"))
  -- GAD-7 severe stops at 20, short of 21.
  pack_refused(INVALID_DATA, "$.instruments[1].scales[0].bands",
    edit(iop.MeasureSet.default_pack_json(), '("min": 15,%s*"max": )21', "%120"))
  -- K-3 bands start at 1.
  pack_refused(INVALID_DATA, "$.instruments[6].scales[0].bands[0].min", pack_with_k3({ min = 1 }))
end)

t.test("other invalid packs", function()
  pack_refused(INVALID_DATA, "$.instruments[6].flags[0].item",
               pack_with_k3({ flag_member = "item", flag_target = "4" }))
  pack_refused(INVALID_DATA, "$.instruments[6].items[2].points",
               pack_with_k3({ points = "[2, 1]" }))
  pack_refused(INVALID_DATA, "$.instruments[6].id", pack_with_k3({ id = "phq9" }))
  pack_refused(PARSE, "$.instruments[6].flags[0].sevrity",
               edit(pack_with_k3(), '"severity": "info"', '"sevrity": "info"'))
end)

t.test("unreadable and malformed packs", function()
  local err = t.raises(IO, iop.MeasureSet.from_file, "/nonexistent/iop-measures.json")
  t.eq(err.name, "IoError", "name")
  err = t.raises(PARSE, iop.MeasureSet.from_json, '{"format": "libiop-measures", ')
  t.truthy(err.message:find("malformed JSON", 1, true), "malformed")
  raises_string(iop.MeasureSet.from_json, nil)
end)


-- The shared test corpus in tests/data/measures, as tests/test-measure.c reads it ---------------


local function read_text(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("a")
  f:close()
  return text
end

-- The .json files of a corpus folder, sorted (Lua has no directory listing: ls through popen).
local function corpus_files(dir)
  local p = assert(io.popen('ls -1 "' .. CORPUS .. "/" .. dir .. '"'))
  local out = {}
  for name in p:lines() do
    if name:match("%.json$") then out[#out + 1] = name end
  end
  p:close()
  t.truthy(#out > 0, "files in " .. dir)
  return out
end

local function contains(list, value)
  for _, v in ipairs(list) do if v == value then return true end end
  return false
end

-- tests/data/measures/series/invalid: { code, JSON path, patient data the message must not
-- quote }. The same table as invalid_series[] in tests/test-measure.c.
local INVALID_SERIES = {
  ["malformed-json.json"] = { PARSE, nil, nil },
  ["wrong-format.json"] = { INVALID_DATA, "$.format", nil },
  ["format-version-2.json"] = { INVALID_DATA, "$.format_version", nil },
  ["unknown-member.json"] = { PARSE, "$.patient", "Jane" },
  ["unknown-instrument.json"] = { NOT_FOUND, "$.instrument", nil },
  ["unknown-sex.json"] = { INVALID_DATA, "$.sex", "intersex-x" },
  ["missing-sex.json"] = { PARSE, "$.sex", nil },
  ["administrations-not-array.json"] = { PARSE, "$.administrations", nil },
  ["administration-not-object.json"] = { PARSE, "$.administrations[1]", nil },
  ["unknown-administration-member.json"] = { PARSE, "$.administrations[0].score", "18" },
  ["bad-date-feb-31.json"] = { INVALID_DATA, "$.administrations[1].date", "1999" },
  ["bad-date-not-leap-year.json"] = { INVALID_DATA, "$.administrations[0].date", "2025" },
  ["bad-date-unpadded.json"] = { INVALID_DATA, "$.administrations[0].date", "2026-1-05" },
  ["bad-date-with-time.json"] = { INVALID_DATA, "$.administrations[0].date", "T00:00" },
  ["bad-date-month-13.json"] = { INVALID_DATA, "$.administrations[0].date", "2026-13" },
  ["date-empty.json"] = { INVALID_DATA, "$.administrations[0].date", nil },
  ["date-not-string.json"] = { PARSE, "$.administrations[0].date", "20260105" },
  ["missing-date.json"] = { PARSE, "$.administrations[0].date", nil },
  ["answer-outside-set.json"] = { INVALID_DATA, "$.administrations[0].answers", "77" },
  ["answer-negative.json"] = { INVALID_DATA, "$.administrations[0].answers", "-7" },
  ["answer-not-integer.json"] = { PARSE, "$.administrations[0].answers[2]", "1.5" },
  ["answer-string.json"] = { PARSE, "$.administrations[0].answers[2]", '"2"' },
  ["answer-beyond-int32.json"] = { PARSE, "$.administrations[0].answers[2]", "4294967296" },
  ["too-few-answers.json"] = { INVALID_DATA, "$.administrations[1].answers", nil },
  ["missing-answers.json"] = { PARSE, "$.administrations[0].answers", nil },
}

-- A selection of tests/data/measures/invalid with its exact error (invalid_packs[] in
-- tests/test-measure.c has every file; the rest are checked for consistency only).
local INVALID_PACKS = {
  ["malformed-json.json"] = { PARSE, nil },
  ["top-level-array.json"] = { PARSE, "$" },
  ["bands-gap.json"] = { INVALID_DATA, "$.instruments[0].scales[0].bands[1].min" },
  ["bands-overlap.json"] = { INVALID_DATA, "$.instruments[0].scales[0].bands[1].min" },
  ["bands-first-not-at-minimum.json"] =
    { INVALID_DATA, "$.instruments[0].scales[0].bands[0].min" },
  ["bands-last-short-of-maximum.json"] = { INVALID_DATA, "$.instruments[0].scales[0].bands" },
  ["band-min-above-max.json"] = { INVALID_DATA, "$.instruments[0].scales[0].bands[1]" },
  ["scale-unknown-item.json"] = { INVALID_DATA, "$.instruments[0].scales[0].items[2]" },
  ["flag-unknown-item.json"] = { INVALID_DATA, "$.instruments[0].flags[1].item" },
  ["flag-unknown-sex.json"] = { INVALID_DATA, "$.instruments[0].flags[0].sex" },
  ["points-length-mismatch.json"] = { INVALID_DATA, "$.instruments[1].items[0].points" },
  ["duplicate-instrument-id-case.json"] = { INVALID_DATA, "$.instruments[1].id" },
  ["unknown-instrument-member.json"] = { PARSE, "$.instruments[0].lookback" },
  ["unknown-instrument-member-bracket.json"] = { PARSE, '$.instruments[0]["sub-scales"]' },
  ["source-bad-confidence.json"] = { INVALID_DATA, '$.sources["test-2"].confidence' },
  ["outcomes-without-primary.json"] = { INVALID_DATA, "$.instruments[1].outcomes" },
  ["response-percent-101.json"] =
    { INVALID_DATA, "$.instruments[0].outcomes.response_reduction_percent" },
}

t.test("corpus: every valid pack loads", function()
  local files = corpus_files("valid")
  t.truthy(contains(files, "minimal.json"), "minimal.json")
  for _, name in ipairs(files) do
    local path = CORPUS .. "/valid/" .. name
    local set = iop.MeasureSet.from_file(path)
    t.eq(set:get_id(), read_text(path):match('^%s*{.-"id":%s*"([^"]*)"'), name .. " id")
    t.truthy(set:get_n_instruments() > 0, name .. " instruments")
    t.eq(iop.MeasureSet.from_json(read_text(path)):get_n_instruments(), set:get_n_instruments(),
         name .. " from_json")
  end
end)

t.test("corpus: the minimal pack scores", function()
  local set = iop.MeasureSet.from_file(CORPUS .. "/valid/minimal.json")
  local t3 = inst("T-3", set)
  local s = t3:score({ 2, 2, 1 })
  t.eq(s:get_total(), 5, "total")
  t.eq(s:get_band(), "high", "band")
  t.eq(s:get_scale("sub"), 4, "sub scale")
  t.eq(s:has_flag("high-total"), true, "flag")
  t.eq(t3:score({ 1, 1, 1 }):get_band(), "mid", "mid band")
end)

t.test("corpus: every invalid pack is refused consistently", function()
  local files = corpus_files("invalid")
  for name in pairs(INVALID_PACKS) do t.truthy(contains(files, name), "file " .. name) end
  for _, name in ipairs(files) do
    local path = CORPUS .. "/invalid/" .. name
    local ok, err = pcall(iop.MeasureSet.from_file, path)
    t.eq(ok, false, name .. " refused")
    t.eq(type(err), "table", name .. " error table")
    t.truthy(err.code == PARSE or err.code == INVALID_DATA, name .. " code " .. tostring(err.code))
    if err.path ~= nil then
      t.eq(err.path:sub(1, 1), "$", name .. " path")
      t.eq(err.message:sub(1, #err.path + 2), err.path .. ": ", name .. " message starts with path")
    end
    local ok2, err2 = pcall(iop.MeasureSet.from_json, read_text(path))
    t.eq(ok2, false, name .. " from_json refused")
    t.eq(err2.code, err.code, name .. " same code")
    t.eq(err2.path, err.path, name .. " same path")
    local row = INVALID_PACKS[name]
    if row then
      t.eq(err.code, row[1], name .. " code")
      t.eq(err.path, row[2], name .. " path")
    end
  end
end)

t.test("corpus: valid series documents load", function()
  local series = iop.MeasureSeries.from_json(SET, read_text(CORPUS ..
                                                  "/series/valid/phq9-improving.json"))
  t.eq(series:get_instrument():get_id(), "phq9", "instrument")
  t.eq(series:get_sex(), FEMALE, "sex")
  t.eq(join({ series:get_date(0), series:get_date(1), series:get_date(2) }),
       "2026-01-05 2026-02-02 2026-03-02", "dates")
  t.eq(join({ series:get_score(0):get_total(), series:get_score(1):get_total(),
              series:get_score(2):get_total() }), "18 12 6", "totals")
  t.eq(series:get_change_from_baseline(), -12, "change")
  t.eq(series:get_response(), MET, "response")
  t.eq(series:get_remission(), NOT_MET, "remission")
  local json = series:to_json()
  t.truthy(json:find('"summary":{"administrations":3,', 1, true), "stale summary ignored")
  t.truthy(json:find('"change_from_baseline":-12', 1, true), "change recomputed")
  t.truthy(not json:find("$comment", 1, true), "comment dropped")

  local bam = iop.MeasureSeries.from_json(SET, read_text(CORPUS ..
                                                         "/series/valid/bam-monthly.json"))
  local first, second = bam:get_score(0), bam:get_score(1)
  t.eq(join({ first:get_scale("use"), first:get_scale("risk"), first:get_scale("protective") }),
       "1 12 15", "first scales")
  t.eq(flag_ids(first), "any-use risk-concern", "first flags")
  t.eq(join({ second:get_scale("use"), second:get_scale("risk"), second:get_scale("protective") }),
       "0 7 21", "second scales")
  t.eq(second:get_n_flags(), 0, "second flags")
  t.eq(bam:get_change_from_baseline(), 0, "bam change")
  for _, name in ipairs(corpus_files("series/valid")) do
    local text = iop.MeasureSeries.from_json(SET, read_text(CORPUS .. "/series/valid/" .. name))
                   :to_json()
    t.eq(iop.MeasureSeries.from_json(SET, text):to_json(), text, name .. " round trip")
  end
end)

t.test("corpus: invalid series documents", function()
  local files = corpus_files("series/invalid")
  for name in pairs(INVALID_SERIES) do t.truthy(contains(files, name), "file " .. name) end
  for _, name in ipairs(files) do
    local ok, err = pcall(iop.MeasureSeries.from_json, SET,
                          read_text(CORPUS .. "/series/invalid/" .. name))
    t.eq(ok, false, name .. " refused")
    t.eq(type(err), "table", name .. " error table")
    if err.path ~= nil then
      t.eq(err.message:sub(1, #err.path + 2), err.path .. ": ", name .. " message starts with path")
    end
    local row = INVALID_SERIES[name]
    if row then
      t.eq(err.code, row[1], name .. " code")
      t.eq(err.path, row[2], name .. " path")
      if row[3] then
        t.truthy(not err.message:find(row[3], 1, true), name .. " quotes " .. row[3])
      end
    end
  end
end)

t.run()
