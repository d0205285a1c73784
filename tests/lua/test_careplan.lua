-- Continuing care through the Lua binding: the default taper's dates computed independently with
-- os.time/os.date (start days across 2027 and 2028, named month-end and leap-year cases, the
-- boundary between the weekly and the two-weekly phase, counts per kind), a program's own
-- template, the contact log, every escalation rule firing and not firing, the six readiness items
-- each failing alone, both exports refusing every consent that does not permit them with an error
-- table of code 8 ("PermissionDeniedError") and succeeding with the two that do, the FHIR Bundle,
-- byte-identical round trips, the malformed plan and template corpora with their JSON paths and
-- no values in messages, nil refused where required, ownership across garbage collection.
-- Mirrors tests/python/test_careplan.py (parity is the point).
-- SPDX-License-Identifier: MIT
local t = require "harness"
local iop = require "iop"

local DATA = (os.getenv("IOP_TEST_DATA_DIR") or "tests/data") .. "/careplan"
local UNDER_VALGRIND = os.getenv("IOP_UNDER_VALGRIND") ~= nil
local PERMISSION_DENIED, INVALID_ARGUMENT, NOT_FOUND, PARSE, INVALID_DATA, IO =
  iop.IOP_ERROR_PERMISSION_DENIED, iop.IOP_ERROR_INVALID_ARGUMENT, iop.IOP_ERROR_NOT_FOUND, iop.IOP_ERROR_PARSE,
  iop.IOP_ERROR_INVALID_DATA, iop.IOP_ERROR_IO
local PLANNED, COMPLETED, MISSED, RESCHEDULED, CANCELLED = iop.IOP_CONTACT_PLANNED, iop.IOP_CONTACT_COMPLETED,
  iop.IOP_CONTACT_MISSED, iop.IOP_CONTACT_RESCHEDULED, iop.IOP_CONTACT_CANCELLED
local HILLSIDE = "Hillside Outpatient Counseling"
local PHI = { "C-0042", "C-7731", "Hillside", "NPI:", "Test Patient", "Telephone check-in", "Referral to",
              "Dr. Example", "Friday evenings", "sponsor", "Sponsor", "555-0100" }

local function contains(s, sub) return s:find(sub, 1, true) ~= nil end

local function no_phi(text, what)
  for _, v in ipairs(PHI) do
    if contains(text, v) then error(what .. " quotes a value from the records: " .. text, 2) end
  end
  if text:find("%d%d%d%d%-%d%d%-%d%d") then error(what .. " quotes a date: " .. text, 2) end
end

-- Replaces the first plain occurrence of @old in @s.
local function replace(s, old, new)
  local i, j = s:find(old, 1, true)
  assert(i, "not found: " .. old)
  return s:sub(1, i - 1) .. new .. s:sub(j + 1)
end

-- Replaces one member of libiop's compact JSON: "name":<object|array|string|literal> -> value.
local function with(json, member, value)
  local key = '"' .. member .. '":'
  local s, e = json:find(key, 1, true)
  assert(s, "no member " .. member)
  local rest = json:sub(e + 1)
  local first = rest:sub(1, 1)
  local len
  if first == "{" then len = #rest:match("^%b{}")
  elseif first == "[" then len = #rest:match("^%b[]")
  elseif first == '"' then len = #rest:match('^"[^"]*"')
  else len = #rest:match("^[%a%d%-]+") end
  return json:sub(1, e) .. value .. rest:sub(len + 1)
end

local function read(name)
  local f = assert(io.open(DATA .. "/" .. name, "r"))
  local s = f:read("a")
  f:close()
  return s
end

-- An independent reading of the generation rules ------------------------------------------------

local function ymd(s) return tonumber(s:sub(1, 4)), tonumber(s:sub(6, 7)), tonumber(s:sub(9, 10)) end
local function iso(y, m, d) return string.format("%04d-%02d-%02d", y, m, d) end
local function norm(y, m, d)
  local x = os.date("*t", os.time({ year = y, month = m, day = d, hour = 12 }))
  return x.year, x.month, x.day
end
local function days_in_month(y, m) return select(3, norm(y, m + 1, 0)) end
-- The same day of the month, or the month's last day.
local function add_months(s, k)
  local y, m, d = ymd(s)
  local yy, mm = norm(y, m + k, 1)
  return iso(yy, mm, math.min(d, days_in_month(yy, mm)))
end
local function add_days(s, n)
  local y, m, d = ymd(s)
  return iso(norm(y, m, d + n))
end
local function days_between(a, b)
  local ya, ma, da = ymd(a)
  local yb, mb, db = ymd(b)
  return math.floor((os.time({ year = yb, month = mb, day = db, hour = 12 }) -
                     os.time({ year = ya, month = ma, day = da, hour = 12 })) / 86400 + 0.5)
end

-- The documented default template (docs/careplan.md), as data for the reference expansion.
local DEFAULT = {
  series = {
    { kind = "phone-check-in", phases = { { 0, 3, 1, "week", "mckay-2005-tel" }, { 3, 12, 2, "week", "state-phone-protocol" },
                                          { 12, 18, 1, "month", "mckay-2010-extended" } } },
    { kind = "support-group", phases = { { 0, 1, 1, "week", "mckay-2005-tel" } } },
    { kind = "alumni-meeting", phases = { { 0, 12, 1, "month", "continuing-care-components" } } },
  },
  items = {
    { "booster-session", "months", 1, "libiop-default" }, { "booster-session", "months", 3, "libiop-default" },
    { "booster-session", "months", 6, "libiop-default" }, { "support-group", "days", 7, "continuing-care-components" },
    { "referral", "days", 14, "continuing-care-components" }, { "referral", "days", 14, "continuing-care-components" },
    { "referral", "days", 14, "continuing-care-components" },
    { "relapse-prevention-review", "months", 3, "state-phone-protocol" },
  },
}
local CUSTOM = {
  series = {
    { kind = "phone-check-in", phases = { { 0, 1, 10, "day", "program-policy" }, { 2, 6, 2, "month", "program-policy" } } },
    { kind = "support-group", phases = { { 0, 2, 3, "week", "program-policy" } } },
  },
  items = { { "relapse-prevention-review", "days", 0, "program-policy" }, { "referral", "months", 6, "program-policy" } },
}

-- "date kind source" of every item, by date then template order.
local function expand(tpl, start)
  local out = {}
  local function add(date, kind, source) out[#out + 1] = { date, #out, kind .. " " .. source } end
  for _, s in ipairs(tpl.series) do
    for _, ph in ipairs(s.phases) do
      local from, to, every, unit, source = ph[1], ph[2], ph[3], ph[4], ph[5]
      if unit == "month" then
        local m = from + every
        while m <= to do add(add_months(start, m), s.kind, source); m = m + every end
      else
        local step = every * (unit == "week" and 7 or 1)
        local d, stop = add_days(add_months(start, from), step), add_months(start, to)
        while d <= stop do add(d, s.kind, source); d = add_days(d, step) end
      end
    end
  end
  for _, it in ipairs(tpl.items) do
    add(it[2] == "months" and add_months(start, it[3]) or add_days(start, it[3]), it[1], it[4])
  end
  table.sort(out, function(a, b) if a[1] ~= b[1] then return a[1] < b[1] end return a[2] < b[2] end)
  local lines = {}
  for i, x in ipairs(out) do lines[i] = x[1] .. " " .. x[3] end
  return table.concat(lines, "\n")
end

local function items(p)
  local lines = {}
  for i = 0, p:get_n_items() - 1 do
    lines[#lines + 1] = p:get_item_date(i) .. " " .. p:get_item_kind(i) .. " " .. (p:get_item_source(i) or "-")
  end
  return table.concat(lines, "\n")
end

-- Fixtures ---------------------------------------------------------------------------------------

local function episode(text) return iop.Episode.from_json(text or read("episode-ready.json")) end
local function custom() return iop.CarePlanTemplate.from_file(DATA .. "/template-custom.json") end
local function ready_plan() return iop.CarePlan.from_file(DATA .. "/plan-ready.json") end
local function consent(name, member, value)
  local json = iop.Consent.from_file(DATA .. "/" .. name):to_json()
  if member then json = with(json, member, value) end
  return iop.Consent.from_json(json)
end

local function index(p, date, kind)
  for i = 0, p:get_n_items() - 1 do
    if p:get_item_date(i) == date and p:get_item_kind(i) == kind then return i end
  end
  error("no " .. kind .. " on " .. date, 2)
end

local function record(p, date, kind, status, relapse)
  local i = index(p, date, kind)
  t.eq(p:record_contact(i, status, nil, relapse or false), i, "record " .. kind .. " " .. date)
end

local MEASURES = iop.MeasureSet()
local function score(instrument, answers) return MEASURES:lookup_instrument(instrument):score(answers) end
local function phq9(others, item9)
  local a = {}
  for i = 1, 8 do a[i] = others end
  a[9] = item9
  return score("phq9", a)
end
local function bam(use, risk, protective)
  local kinds, a = "rrruuuxrpprppprpx", {}
  for i = 1, 17 do
    local k = kinds:sub(i, i)
    a[i] = k == "u" and use or k == "r" and risk or k == "p" and protective or 0
  end
  return score("bam", a)
end

local function fired(p, as_of)
  local e, out = p:escalate(as_of), {}
  for i = 0, e:get_n() - 1 do out[#out + 1] = e:get_rule(i) .. "@" .. e:get_date(i) end
  return table.concat(out, ",")
end

local READY_IDS = "final-stage-goals,stage-of-change,recent-measures,receiving-provider,first-appointment,consent"

local function failing(p, ep, c, as_of)
  local r = p:check_readiness(ep, c, as_of or "2026-02-27")
  local ids, out = {}, {}
  for i = 0, r:get_n_items() - 1 do
    ids[#ids + 1] = r:get_item(i)
    no_phi(r:get_text(i), "a readiness text")
    if not r:get_passed(i) then out[#out + 1] = r:get_item(i) end
  end
  t.eq(table.concat(ids, ","), READY_IDS, "items")
  t.eq(r:is_ready(), #out == 0, "ready")
  return table.concat(out, ",")
end

-- Generation -------------------------------------------------------------------------------------

t.test("the default template is the documented taper", function()
  local json = iop.CarePlanTemplate.default_pack_json()
  t.truthy(contains(json, '"duration_months": 18'), "18 months")
  local tpl = iop.CarePlanTemplate()
  t.eq(tpl:get_id(), "libiop-default-continuing-care", "id")
  t.eq(tpl:get_duration_months(), 18, "duration")
end)

t.test("start days across 2027 and 2028", function()
  local ep = episode()
  local step = UNDER_VALGRIND and 31 or 3
  local day, n = "2027-01-01", 0
  while day <= "2028-12-31" do
    local p = iop.CarePlan(ep, day)
    t.eq(items(p), expand(DEFAULT, day), "start " .. day)
    t.eq(p:get_end_date(), add_months(day, 18), "end " .. day)
    day = add_days(day, step)
    n = n + 1
  end
  t.truthy(n > 20, "enough starts")
end)

t.test("month ends, leap years and the phase boundary", function()
  local ep = episode()
  local cases = {
    { "2026-01-31", 12, "2026-04-25", "2027-07-31" }, { "2026-01-30", 12, "2026-04-24", "2027-07-30" },
    { "2026-01-29", 12, "2026-04-23", "2027-07-29" }, { "2026-02-28", 12, "2026-05-23", "2027-08-28" },
    { "2027-12-31", 13, "2028-03-31", "2029-06-30" }, { "2028-02-29", 12, "2028-05-23", "2029-08-29" },
    { "2026-04-01", 13, "2026-07-01", "2027-10-01" }, { "2026-08-31", 13, "2026-11-30", "2028-02-29" },
  }
  for _, c in ipairs(cases) do
    local start = c[1]
    local p = iop.CarePlan(ep, start)
    local weekly, biweekly, monthly, alumni, counts = {}, {}, {}, {}, {}
    for i = 0, p:get_n_items() - 1 do
      local k, src, d = p:get_item_kind(i), p:get_item_source(i), p:get_item_date(i)
      counts[k] = (counts[k] or 0) + 1
      if k == "phone-check-in" and src == "mckay-2005-tel" then weekly[#weekly + 1] = d end
      if k == "phone-check-in" and src == "state-phone-protocol" then biweekly[#biweekly + 1] = d end
      if k == "phone-check-in" and src == "mckay-2010-extended" then monthly[#monthly + 1] = d end
      if k == "alumni-meeting" then alumni[#alumni + 1] = d end
    end
    local three = add_months(start, 3)
    t.eq(#weekly, c[2], start .. " weekly calls")
    t.eq(#weekly, days_between(start, three) // 7, start .. " weekly calls by the length of 3 months")
    t.eq(weekly[#weekly], c[3], start .. " last weekly call")
    t.truthy(weekly[#weekly] <= three, start .. " weekly up to start + 3 months")
    t.eq(biweekly[1], add_days(three, 14), start .. " first two-weekly call")
    t.truthy(biweekly[#biweekly] <= add_months(start, 12), start .. " two-weekly through 12 months")
    for m = 13, 18 do t.eq(monthly[m - 12], add_months(start, m), start .. " month " .. m) end
    for m = 1, 12 do t.eq(alumni[m], add_months(start, m), start .. " alumni " .. m) end
    t.eq(p:get_end_date(), c[4], start .. " end")
    t.eq(counts["phone-check-in"], c[2] + #biweekly + 6, "calls")
    t.eq(counts["support-group"], 5, "groups")
    t.eq(counts["booster-session"], 3, "boosters")
    t.eq(counts["referral"], 3, "referrals")
    t.eq(counts["relapse-prevention-review"], 1, "review")
  end
end)

t.test("a program's own template", function()
  local tpl = custom()
  local ep = episode()
  t.eq(tpl:get_id(), "test-custom-care", "id")
  for _, start in ipairs({ "2026-01-31", "2026-03-31", "2028-02-01", "2027-12-31", "2028-02-29" }) do
    local p = iop.CarePlan(ep, start, tpl)
    t.eq(items(p), expand(CUSTOM, start), start)
    t.eq(p:get_item_date(0), start, "review on the start day")
  end
end)

t.test("bad starts", function()
  local ep = episode()
  for _, s in ipairs({ "2026-02-30", "2026-3-02", "", "2026-01-04" }) do t.raises(INVALID_ARGUMENT, iop.CarePlan, ep, s) end
  t.eq(pcall(iop.CarePlan, ep, nil), false, "nil date")
  t.eq(pcall(iop.CarePlan, nil, "2026-03-02"), false, "nil episode")
end)

-- Editing and the contact log ----------------------------------------------------------------------

t.test("provider, appointment and items", function()
  local p = iop.CarePlan(episode(), "2026-03-02")
  p:set_receiving_provider(HILLSIDE)
  p:set_first_appointment("2026-03-02")
  local before = p:to_json()
  t.raises(INVALID_ARGUMENT, p.set_receiving_provider, p, "")
  t.raises(INVALID_ARGUMENT, p.set_receiving_provider, p, string.rep("x", 201))
  t.raises(INVALID_ARGUMENT, p.set_first_appointment, p, "2026-03-01")
  t.raises(INVALID_ARGUMENT, p.add_item, p, "2026-03-01", "other", "Before")
  t.raises(INVALID_ARGUMENT, p.add_item, p, "2026-04-01", "referral", "R")
  t.raises(INVALID_ARGUMENT, p.add_item, p, "2026-04-01", "other", "Long", 1441)
  t.eq(p:to_json(), before, "unchanged")
  local i = p:add_item("2026-03-16", "other", "Meet Dr. Example about housing", 30)
  t.eq(i, index(p, "2026-03-16", "referral") + 3, "after the items of its date")
  t.eq(p:get_item_source(i), nil, "no source")
  p:set_receiving_provider(nil)
  p:set_first_appointment(nil)
  t.eq(p:get_receiving_provider(), nil, "cleared")
  t.eq(p:get_first_appointment(), nil, "cleared")
  t.eq(pcall(p.add_item, p, "2026-04-01", nil, "x"), false, "nil kind")
end)

t.test("contact log", function()
  local p = iop.CarePlan(episode(), "2026-03-02")
  local n = p:get_n_items()
  local c1, c2, c3 = index(p, "2026-03-09", "phone-check-in"), index(p, "2026-03-16", "phone-check-in"),
                     index(p, "2026-03-23", "phone-check-in")
  t.eq(p:record_contact(c1, COMPLETED), c1, "completed")
  t.eq(p:record_contact(c2, MISSED), c2, "missed")
  t.eq(p:record_contact(c1, MISSED, nil, true), c1, "a correction")
  t.eq(p:get_item_relapse(c1), true, "relapse")
  local copy = p:record_contact(c3, RESCHEDULED, "2026-03-25")
  t.eq(copy, c3 + 2, "after the supportive group of 2026-03-23")
  t.eq(p:get_n_items(), n + 1, "one more")
  t.eq(p:get_item_status(c3), RESCHEDULED, "original")
  t.eq(p:get_item_date(copy) .. " " .. p:get_item_status(copy), "2026-03-25 " .. PLANNED, "copy")
  local before = p:to_json()
  t.raises(NOT_FOUND, p.record_contact, p, p:get_n_items(), COMPLETED)
  for _, a in ipairs({ { c1, PLANNED }, { c1, 0 }, { c1, 6 }, { c2, RESCHEDULED }, { c2, COMPLETED, "2026-03-18" },
                       { c2, RESCHEDULED, "2026-02-30" }, { c2, RESCHEDULED, "2026-03-01" },
                       { c3, RESCHEDULED, "2026-03-27" }, { c3, COMPLETED } }) do
    local e = t.raises(INVALID_ARGUMENT, p.record_contact, p, a[1], a[2], a[3])
    no_phi(e.message, "a contact error")
  end
  t.eq(p:to_json(), before, "unchanged by refusals")
  t.truthy(p:record_contact(copy, RESCHEDULED, "2026-03-27") > copy, "the copy moves again")
  t.eq(iop.contact_status_from_string("cancelled"), CANCELLED, "status name")
  t.eq(iop.contact_status_to_string(MISSED), "missed", "status name")
  t.raises(INVALID_ARGUMENT, iop.contact_status_from_string, "no-show")
end)

t.test("measures and relapse prevention", function()
  local p = iop.CarePlan(episode(), "2026-03-02")
  p:record_measure("2026-03-10", phq9(1, 1))
  p:record_measure("2026-03-11", bam(1, 0, 4))
  t.eq(p:get_n_measures(), 2, "measures")
  t.eq(p:get_measure_instrument(0) .. " " .. p:get_measure_date(0), "phq9 2026-03-10", "first")
  t.eq(p:measure_has_flag(0, "self-harm-thoughts"), true, "item 9")
  t.eq(p:measure_has_flag(1, "any-use"), true, "use")
  t.eq(p:measure_has_flag(1, "protective-concern"), false, "protective")
  t.raises(INVALID_ARGUMENT, p.record_measure, p, "2026-03-32", phq9(0, 0))
  t.eq(pcall(p.record_measure, p, "2026-03-10", nil), false, "nil score")
  p:add_relapse_prevention("triggers", "Friday evenings after work")
  t.eq(p:get_n_relapse_prevention("triggers"), 1, "triggers")
  t.eq(p:get_relapse_prevention("triggers", 0), "Friday evenings after work", "trigger")
  t.raises(INVALID_ARGUMENT, p.add_relapse_prevention, p, "warning_signs", "x")
  t.raises(INVALID_ARGUMENT, p.add_relapse_prevention, p, "triggers", "")
end)

-- Escalation -------------------------------------------------------------------------------------

t.test("two consecutive misses; a completed contact between", function()
  local p = iop.CarePlan(episode(), "2026-03-02")
  record(p, "2026-03-09", "phone-check-in", MISSED)
  t.eq(fired(p, "2026-03-09"), "", "one miss")
  record(p, "2026-03-16", "phone-check-in", MISSED)
  t.eq(fired(p, "2026-03-15"), "", "before the second")
  t.eq(fired(p, "2026-03-16"), "missed-contacts@2026-03-16", "two misses")
  local e = p:escalate("2026-03-16")
  t.eq(e:get_action(0) .. " " .. e:get_source(0), "outreach state-phone-protocol", "action")
  record(p, "2026-03-23", "phone-check-in", COMPLETED)
  t.eq(fired(p, "2026-03-23"), "", "completed after")
  local q = iop.CarePlan(episode(), "2026-03-02")
  record(q, "2026-03-09", "phone-check-in", MISSED)
  record(q, "2026-03-16", "support-group", COMPLETED)
  record(q, "2026-03-23", "phone-check-in", MISSED)
  t.eq(fired(q, "2026-03-30"), "", "completed between")
end)

t.test("excluded kinds and skipped statuses", function()
  local p = iop.CarePlan(episode(), "2026-03-02")
  local other = p:add_item("2026-03-10", "other", "Housing appointment")
  record(p, "2026-03-09", "phone-check-in", MISSED)
  p:record_contact(other, MISSED)
  record(p, "2026-03-16", "referral", MISSED)
  record(p, "2026-03-16", "phone-check-in", CANCELLED)
  p:record_contact(index(p, "2026-03-23", "phone-check-in"), RESCHEDULED, "2026-03-25")
  t.eq(fired(p, "2026-03-29"), "", "one countable miss")
  record(p, "2026-03-30", "phone-check-in", MISSED)
  t.eq(fired(p, "2026-03-30"), "missed-contacts@2026-03-30", "two")
end)

t.test("BAM, PHQ-9 item 9 and relapse reports in their windows", function()
  local p = iop.CarePlan(episode(), "2026-03-02")
  p:record_measure("2026-03-10", bam(1, 0, 4))
  t.eq(fired(p, "2026-03-09"), "", "before")
  t.eq(fired(p, "2026-04-08"), "bam-concern@2026-03-10", "day 30")
  t.eq(fired(p, "2026-04-09"), "", "day 31")
  local q = iop.CarePlan(episode(), "2026-03-02")
  q:record_measure("2026-03-10", bam(0, 0, 0))
  q:record_measure("2026-03-11", phq9(2, 0))
  t.eq(fired(q, "2026-03-12"), "", "protective concern and a depression screen")
  q:record_measure("2026-03-12", bam(0, 2, 4))
  t.eq(fired(q, "2026-03-12"), "bam-concern@2026-03-12", "risk concern")
  local r = iop.CarePlan(episode(), "2026-03-02")
  r:record_measure("2026-03-12", phq9(0, 1))
  t.eq(fired(r, "2026-04-10"), "phq9-item9@2026-03-12", "item 9")
  t.eq(fired(r, "2026-04-11"), "", "item 9 out of the window")
  t.eq(r:escalate("2026-03-12"):get_action(0), "reassessment", "action")
  local s = iop.CarePlan(episode(), "2026-03-02")
  record(s, "2026-03-16", "phone-check-in", COMPLETED, true)
  t.eq(fired(s, "2026-03-15"), "", "relapse before")
  t.eq(fired(s, "2026-04-14"), "relapse@2026-03-16", "relapse day 30")
  t.eq(fired(s, "2026-04-15"), "", "relapse day 31")
end)

t.test("custom counts and windows", function()
  local p = iop.CarePlan(episode(), "2026-01-31", custom())
  record(p, "2026-02-10", "phone-check-in", MISSED)
  record(p, "2026-02-20", "phone-check-in", MISSED, true)
  t.eq(fired(p, "2026-02-20"), "relapse-week@2026-02-20", "two misses, a relapse")
  record(p, "2026-02-21", "support-group", MISSED)
  t.eq(fired(p, "2026-02-21"), "three-missed@2026-02-21,relapse-week@2026-02-20", "three misses")
  t.eq(fired(p, "2026-02-27"), "three-missed@2026-02-21", "relapse out of 7 days")
  p:record_measure("2026-03-01", score("gad7", { 2, 2, 2, 2, 1, 1, 0 }))
  t.eq(fired(p, "2026-03-07"), "three-missed@2026-02-21,anxiety@2026-03-01", "GAD-7")
  t.eq(fired(p, "2026-03-08"), "three-missed@2026-02-21", "GAD-7 out of 7 days")
end)

t.test("escalations JSON and bad dates", function()
  local p = iop.CarePlan(episode(), "2026-03-02")
  record(p, "2026-03-09", "phone-check-in", MISSED)
  record(p, "2026-03-16", "phone-check-in", MISSED, true)
  p:record_measure("2026-03-12", phq9(0, 1))
  p:record_measure("2026-03-13", bam(1, 0, 4))
  t.eq(fired(p, "2026-03-17"),
       "missed-contacts@2026-03-16,bam-concern@2026-03-13,phq9-item9@2026-03-12,relapse@2026-03-16", "all four")
  local json = p:escalate("2026-03-17"):to_json()
  t.truthy(contains(json, '"as_of":"2026-03-17"'), "as_of")
  t.truthy(contains(json, '"rule":"missed-contacts","action":"outreach","date":"2026-03-16"'), "first")
  t.eq(p:escalate("2026-03-02"):to_json(), '{"as_of":"2026-03-02","escalations":[]}', "none")
  t.raises(INVALID_ARGUMENT, p.escalate, p, "2026-03-32")
end)

-- Readiness --------------------------------------------------------------------------------------

t.test("readiness: ready, then each item failing alone", function()
  local p, ep, spec = ready_plan(), episode(), consent("consent-specific.json")
  t.eq(failing(p, ep, spec), "", "ready")
  t.eq(failing(p, ep, consent("consent-tpo.json")), "", "ready under the TPO consent")
  t.truthy(contains(p:check_readiness(ep, spec, "2026-02-27"):to_json(), '"ready":true'), "JSON")
  -- final stage not reached
  local text = read("episode-ready.json")
  local earlier = episode(replace(text, ',{"date":"2026-02-23","stage":"transition-planning","reason":"stage goals met"}', ""))
  t.eq(earlier:get_stage(), "family-engagement", "stage")
  t.eq(failing(p, earlier, spec), "final-stage-goals", "final stage")
  for _, row in ipairs({ { "active", "final-stage-goals" }, { "not-achieved", "final-stage-goals" },
                         { "cancelled", "final-stage-goals" }, { "waived", "" } }) do
    local e = episode()
    e:set_goal_status("g-transition", row[1])
    t.eq(failing(p, e, spec), row[2], "goal " .. row[1])
  end
  for _, row in ipairs({ { iop.IOP_STAGE_OF_CHANGE_CONTEMPLATION, "stage-of-change" },
                         { iop.IOP_STAGE_OF_CHANGE_PREPARATION, "stage-of-change" },
                         { iop.IOP_STAGE_OF_CHANGE_MAINTENANCE, "" } }) do
    local e = episode()
    e:set_stage_of_change(row[1], "2026-02-26")
    t.eq(failing(p, e, spec), row[2], "stage of change " .. row[1])
  end
  t.eq(failing(p, ep, spec, "2026-03-26"), "", "measure 29 days old")
  t.eq(failing(p, ep, spec, "2026-03-27"), "recent-measures", "measure 30 days old")
  local urgent = p:copy()
  urgent:record_measure("2026-02-26", phq9(0, 1))
  t.eq(failing(urgent, ep, spec), "recent-measures", "urgent flag")
  local warning = p:copy()
  warning:record_measure("2026-02-26", bam(1, 2, 0))
  t.eq(failing(warning, ep, spec), "", "a warning is not urgent")
  local q = iop.CarePlan(ep, "2026-02-27")
  q:record_measure("2026-02-25", phq9(0, 0))
  q:set_first_appointment("2026-03-03")
  t.eq(failing(q, ep, spec), "receiving-provider,consent", "no provider")
  q:set_receiving_provider(HILLSIDE)
  for _, row in ipairs({ { nil, "first-appointment" }, { "2026-02-27", "" }, { "2026-03-06", "" },
                         { "2026-03-07", "first-appointment" } }) do
    q:set_first_appointment(row[1])
    t.eq(failing(q, ep, spec), row[2], "appointment " .. tostring(row[1]))
  end
  q:set_first_appointment("2026-03-03")
  q:set_receiving_provider("Someone Else")
  t.eq(failing(q, ep, spec), "consent", "a provider the consent does not name")
  -- consent
  t.eq(failing(p, ep, nil), "consent", "no consent")
  local revoked = consent("consent-specific.json")
  revoked:set_revocation("2026-02-26", "in writing")
  t.eq(failing(p, ep, revoked), "consent", "revoked")
  local expired = consent("consent-specific.json", "expiration", '{"type":"date","date":"2026-02-26"}')
  t.eq(failing(p, ep, expired), "consent", "expired")
  t.eq(failing(p, ep, expired, "2026-02-26"), "", "last day in effect")
  local other = iop.Consent.from_json(replace(consent("consent-specific.json"):to_json(), '"id":"C-0042"', '"id":"C-0099"'))
  t.eq(failing(p, ep, other), "consent", "another patient's")
  t.eq(failing(p, ep, consent("consent-specific.json", "purposes", '["patient-request"]')), "consent", "purpose")
end)

t.test("readiness: custom parameters and errors", function()
  local ep = episode()
  local p = iop.CarePlan(ep, "2026-02-27", custom())
  local tpo = consent("consent-tpo.json")
  p:set_receiving_provider(HILLSIDE)
  p:set_first_appointment("2026-03-02")
  p:record_measure("2026-02-14", phq9(0, 0))
  t.eq(failing(p, ep, tpo), "", "ready")
  t.eq(failing(p, ep, tpo, "2026-02-28"), "recent-measures", "14 days")
  p:set_first_appointment("2026-03-03")
  t.eq(failing(p, ep, tpo), "first-appointment", "4 days")
  local other = episode(replace(read("episode-ready.json"), '"client":{"id":"C-0042"', '"client":{"id":"C-0099"'))
  t.raises(INVALID_ARGUMENT, p.check_readiness, p, other, tpo, "2026-02-27")
  t.raises(INVALID_ARGUMENT, p.check_readiness, p, ep, tpo, "2026-02-30")
  t.eq(pcall(p.check_readiness, p, nil, tpo, "2026-02-27"), false, "nil episode")
end)

-- Gated exports ----------------------------------------------------------------------------------

t.test("both exports refuse what the consent does not permit (code 8)", function()
  local p, ep = ready_plan(), episode()
  t.eq(PERMISSION_DENIED, 8, "code")
  local revoked = consent("consent-tpo.json")
  revoked:set_revocation("2026-02-20", "in writing")
  local other = iop.Consent.from_json(replace(consent("consent-specific.json"):to_json(), '"id":"C-0042"', '"id":"C-0099"'))
  local cases = {
    { nil, HILLSIDE, "2026-02-27", "no-consent" },
    { revoked, HILLSIDE, "2026-02-27", "revoked" },
    { consent("consent-specific.json"), HILLSIDE, "2027-01-01", "expired" },
    { consent("consent-specific.json"), "Lakeside Recovery Center", "2026-02-27", "recipient-not-covered" },
    { consent("consent-specific.json", "purposes", '["patient-request"]'), HILLSIDE, "2026-02-27", "purpose-not-covered" },
    { consent("consent-tpo.json", "purposes", '["payment"]'), HILLSIDE, "2026-02-27", "purpose-not-covered" },
    { consent("consent-specific.json", "data_classes", '["sud-treatment","care-plan","attendance","outcome-measures"]'),
      HILLSIDE, "2026-02-27", "data-class-not-covered" },
    { other, HILLSIDE, "2026-02-27", "other-patient" },
  }
  for _, c in ipairs(cases) do
    for _, method in ipairs({ "to_fhir", "transition_package" }) do
      local e = t.raises(PERMISSION_DENIED, p[method], p, ep, c[1], c[2], c[3])
      t.eq(e.name, "PermissionDeniedError", "name")
      t.truthy(contains(e.message, c[4]), method .. " " .. c[4])
      no_phi(e.message, method)
    end
  end
  local no_attendance = consent("consent-specific.json", "data_classes",
                                '["sud-treatment","diagnoses","care-plan","outcome-measures"]')
  t.raises(PERMISSION_DENIED, p.transition_package, p, ep, no_attendance, HILLSIDE, "2026-02-27")
  t.truthy(contains(p:to_fhir(ep, no_attendance, HILLSIDE, "2026-02-27"), '"resourceType":"Bundle"'), "the Bundle")
end)

t.test("both exports succeed with a permitting consent", function()
  local p, ep = ready_plan(), episode()
  local tpo, spec = consent("consent-tpo.json"), consent("consent-specific.json")
  for _, c in ipairs({ { tpo, "Lakeside Recovery Center" }, { spec, HILLSIDE }, { spec, "NPI:1234567893" } }) do
    local bundle = p:to_fhir(ep, c[1], c[2], "2026-02-27")
    t.truthy(contains(bundle, '"resourceType":"Bundle","type":"collection"'), "Bundle " .. c[2])
    local package = p:transition_package(ep, c[1], c[2], "2026-02-27")
    t.truthy(contains(package, '"format":"libiop-transition-package"'), "package " .. c[2])
    t.truthy(contains(package, p:to_json()), "the plan inside")
  end
  for _, method in ipairs({ "to_fhir", "transition_package" }) do
    t.raises(INVALID_ARGUMENT, p[method], p, ep, tpo, HILLSIDE, "2026-02-30")
    t.raises(INVALID_ARGUMENT, p[method], p, ep, tpo, "", "2026-02-27")
    t.eq(pcall(p[method], p, ep, tpo, nil, "2026-02-27"), false, "nil recipient")
  end
end)

t.test("the FHIR Bundle is deterministic", function()
  local p, ep, spec = ready_plan(), episode(), consent("consent-specific.json")
  local text = p:to_fhir(ep, spec, HILLSIDE, "2026-02-27")
  t.eq(p:to_fhir(ep, spec, HILLSIDE, "2026-02-27"), text, "same bytes")
  t.eq(p:copy():to_fhir(ep, spec, "NPI:1234567893", "2026-06-01"), text, "same bytes from a copy, another day")
  local n = 0
  for _ in text:gmatch('"resourceType":"ServiceRequest"') do n = n + 1 end
  t.eq(n, p:get_n_items(), "a ServiceRequest per item")
  local urls = {}
  for u in text:gmatch('"fullUrl":"(urn:uuid:[^"]+)"') do
    t.truthy(u:match("^urn:uuid:%x+%-%x+%-5%x+%-[89ab]%x+%-%x+$"), u)
    t.eq(urls[u], nil, "unique " .. u)
    urls[u] = true
  end
  t.truthy(contains(text, '"code":"assess-plan"'), "category")
  t.truthy(contains(text, '"code":"42CFRPart2"'), "labels")
end)

-- Documents --------------------------------------------------------------------------------------

t.test("round trips are byte-identical", function()
  local p = iop.CarePlan(episode(), "2027-12-31")
  local steps = {
    function() end,
    function()
      p:set_receiving_provider(HILLSIDE)
      p:set_first_appointment("2028-01-03")
      p:add_item("2028-01-05", "other", "Meet Dr. Example about housing")
    end,
    function()
      record(p, "2028-01-07", "phone-check-in", COMPLETED)
      record(p, "2028-01-14", "phone-check-in", MISSED, true)
      p:record_contact(index(p, "2028-01-21", "phone-check-in"), RESCHEDULED, "2028-01-22")
    end,
    function()
      p:record_measure("2028-01-10", phq9(1, 1))
      p:record_measure("2028-01-11", bam(1, 3, 0))
      p:add_relapse_prevention("coping_strategies", "Caf\u{e9} instead of the bar \"on the corner\"")
    end,
  }
  for k, step in ipairs(steps) do
    step()
    local first = p:to_json()
    t.eq(iop.CarePlan.from_json(first):to_json(), first, "step " .. k)
    t.eq(p:copy():to_json(), first, "copy " .. k)
  end
  local tpl = custom()
  local c = iop.CarePlan(episode(), "2026-01-31", tpl)
  t.eq(iop.CarePlan.from_json(c:to_json(), tpl):to_json(), c:to_json(), "custom template")
  local e = t.raises(INVALID_DATA, iop.CarePlan.from_json, c:to_json())
  t.eq(e.path, "$.template", "another template")
  for _, name in ipairs({ "plan-ready.json", "plan-admission.json" }) do
    t.eq(iop.CarePlan.from_file(DATA .. "/" .. name):to_json(), (read(name):gsub("%s+$", "")), name)
  end
end)

t.test("malformed plans and templates name the path", function()
  local plans = {
    { "unknown-member.json", PARSE, "$.notes" }, { "wrong-format.json", INVALID_DATA, "$.format" },
    { "format-version-2.json", INVALID_DATA, "$.format_version" }, { "other-template.json", INVALID_DATA, "$.template" },
    { "missing-client.json", PARSE, "$.client" }, { "client-with-space.json", INVALID_DATA, "$.client" },
    { "start-date-not-calendar.json", INVALID_DATA, "$.start_date" }, { "end-before-start.json", INVALID_DATA, "$.end_date" },
    { "provider-empty.json", INVALID_DATA, "$.receiving_provider" },
    { "provider-not-a-string.json", PARSE, "$.receiving_provider" },
    { "appointment-before-start.json", INVALID_DATA, "$.first_appointment" },
    { "items-not-an-array.json", PARSE, "$.items" }, { "item-not-an-object.json", PARSE, "$.items[1]" },
    { "item-unknown-member.json", PARSE, "$.items[0].notes" }, { "item-unknown-kind.json", INVALID_DATA, "$.items[0].kind" },
    { "item-unknown-status.json", INVALID_DATA, "$.items[1].status" },
    { "item-date-before-start.json", INVALID_DATA, "$.items[0].date" },
    { "items-out-of-order.json", INVALID_DATA, "$.items[2].date" },
    { "item-minutes-zero.json", INVALID_DATA, "$.items[0].minutes" },
    { "item-minutes-missing.json", PARSE, "$.items[0].minutes" },
    { "referral-without-resource.json", INVALID_DATA, "$.items[2].resource" },
    { "resource-on-phone-call.json", INVALID_DATA, "$.items[0].resource" },
    { "item-unknown-source.json", INVALID_DATA, "$.items[0].source" },
    { "item-relapse-not-boolean.json", PARSE, "$.items[3].relapse" },
    { "item-title-too-long.json", INVALID_DATA, "$.items[3].title" },
    { "relapse-prevention-unknown-section.json", PARSE, "$.relapse_prevention.warning_signs" },
    { "relapse-prevention-entry-not-a-string.json", PARSE, "$.relapse_prevention.triggers[0]" },
    { "relapse-prevention-entry-too-long.json", INVALID_DATA, "$.relapse_prevention.coping_strategies[1]" },
    { "measure-date-not-calendar.json", INVALID_DATA, "$.measures[0].date" },
    { "measure-flag-unknown-severity.json", INVALID_DATA, "$.measures[0].flags[0].severity" },
    { "measure-total-not-an-integer.json", PARSE, "$.measures[0].total" },
    { "measure-without-flags.json", PARSE, "$.measures[0].flags" },
  }
  local templates = {
    { "unknown-member.json", PARSE, "$.notes" }, { "wrong-format.json", INVALID_DATA, "$.format" },
    { "duration-zero.json", INVALID_DATA, "$.duration_months" }, { "series-not-an-array.json", PARSE, "$.series" },
    { "series-unknown-kind.json", INVALID_DATA, "$.series[0].kind" }, { "duplicate-id.json", INVALID_DATA, "$.items[0].id" },
    { "phases-empty.json", INVALID_DATA, "$.series[0].phases" },
    { "phase-to-not-after-from.json", INVALID_DATA, "$.series[0].phases[1].to_month" },
    { "phase-past-duration.json", INVALID_DATA, "$.series[0].phases[1].to_month" },
    { "phases-overlap.json", INVALID_DATA, "$.series[0].phases[1].from_month" },
    { "phase-unknown-unit.json", INVALID_DATA, "$.series[0].phases[0].unit" },
    { "phase-every-zero.json", INVALID_DATA, "$.series[0].phases[0].every" },
    { "phase-unknown-source.json", INVALID_DATA, "$.series[0].phases[0].source" },
    { "phase-unknown-member.json", PARSE, "$.series[0].phases[0].interval" },
    { "item-both-offsets.json", INVALID_DATA, "$.items[0]" }, { "item-no-offset.json", INVALID_DATA, "$.items[0]" },
    { "item-offset-past-duration.json", INVALID_DATA, "$.items[0].offset_months" },
    { "referral-without-resource.json", INVALID_DATA, "$.items[1].resource" },
    { "resource-on-booster.json", INVALID_DATA, "$.items[0].resource" },
    { "minutes-too-many.json", INVALID_DATA, "$.series[0].minutes" },
    { "escalation-unknown-type.json", INVALID_DATA, "$.escalation[0].type" },
    { "escalation-unknown-action.json", INVALID_DATA, "$.escalation[0].action" },
    { "missed-rule-without-count.json", INVALID_DATA, "$.escalation[0].count" },
    { "flag-rule-with-count.json", INVALID_DATA, "$.escalation[1].count" },
    { "flag-rule-without-instrument.json", INVALID_DATA, "$.escalation[1].instrument" },
    { "flag-rule-empty-flags.json", INVALID_DATA, "$.escalation[1].flags" },
    { "flag-rule-flag-not-a-string.json", PARSE, "$.escalation[1].flags[0]" },
    { "relapse-rule-without-window.json", INVALID_DATA, "$.escalation[2].window_days" },
    { "readiness-missing.json", PARSE, "$.readiness" },
    { "readiness-unknown-stage.json", INVALID_DATA, "$.readiness.stages_of_change[1]" },
    { "readiness-unknown-appointment-source.json", INVALID_DATA, "$.readiness.appointment_source" },
    { "readiness-appointment-days-negative.json", INVALID_DATA, "$.readiness.first_appointment_within_days" },
  }
  for _, c in ipairs(plans) do
    local e = t.raises(c[2], iop.CarePlan.from_file, DATA .. "/invalid-plan/" .. c[1])
    t.eq(e.path, c[3], c[1])
    t.eq(contains(e.message, "(null)"), false, c[1] .. " message")
    no_phi(e.message, c[1])
  end
  for _, c in ipairs(templates) do
    local e = t.raises(c[2], iop.CarePlanTemplate.from_file, DATA .. "/invalid-template/" .. c[1])
    t.eq(e.path, c[3], c[1])
  end
  t.truthy(#plans >= 20 and #templates >= 20, "corpus sizes")
  t.raises(IO, iop.CarePlan.from_file, DATA .. "/no-such-plan.json")
  t.raises(IO, iop.CarePlanTemplate.from_file, DATA .. "/no-such-template.json")
  t.eq(pcall(iop.CarePlan.from_json, nil), false, "nil refused")
end)

t.test("objects outlive their plan and template", function()
  local tpl = custom()
  local p = iop.CarePlan(episode(), "2026-01-31", tpl)
  tpl = nil
  collectgarbage()
  collectgarbage()
  record(p, "2026-02-10", "phone-check-in", COMPLETED, true)
  local e = p:escalate("2026-02-12")
  local r = p:check_readiness(episode(), nil, "2026-02-12")
  p = nil
  collectgarbage()
  collectgarbage()
  t.eq(e:get_n() .. " " .. e:get_rule(0) .. " " .. e:get_source(0), "1 relapse-week program-policy", "escalation")
  t.eq(r:is_ready(), false, "checklist")
  t.eq(r:get_item(5), "consent", "checklist item")
  t.truthy(contains(r:to_json(), '"source":"program-policy"'), "checklist source")
end)

t.run()
