-- Weekly schedules and intensity compliance through the Lua binding: hours-per-week band edges
-- (step-down and step-up recommendations), adolescent bands, the IOP taper rule, the H0015 and
-- Medicare rule sets, unknown rule sets, Medicare payment tiers and recertification dates,
-- per-diem claim rules (one unit per date, exclusive services, the Medicare PHP window),
-- schedule validation (the schedule is unchanged on error), byte-identical schedule JSON round
-- trips with exact JSON paths on error, nil refused, ownership across garbage collection, and
-- the report's JSON.
-- Mirrors tests/python/test_compliance.py (parity is the point).
-- SPDX-License-Identifier: MIT
local t = require "harness"
local iop = require "iop"

local ADULT, ADOLESCENT = iop.IOP_AGE_ADULT, iop.IOP_AGE_ADOLESCENT
local ASAM3, ASAM4 = iop.IOP_EDITION_ASAM3, iop.IOP_EDITION_ASAM4
local MON, TUE, WED, FRI, SAT, SUN =
  iop.IOP_MONDAY, iop.IOP_TUESDAY, iop.IOP_WEDNESDAY, iop.IOP_FRIDAY, iop.IOP_SATURDAY, iop.IOP_SUNDAY
local INVALID_ARGUMENT, NOT_FOUND, PARSE, INVALID_DATA =
  iop.IOP_ERROR_INVALID_ARGUMENT, iop.IOP_ERROR_NOT_FOUND, iop.IOP_ERROR_PARSE, iop.IOP_ERROR_INVALID_DATA
local UNDER_VALGRIND = os.getenv("IOP_UNDER_VALGRIND") ~= nil

-- Helpers ------------------------------------------------------------------------------------

local function contains(s, sub) return s:find(sub, 1, true) ~= nil end

local continuum = iop.Continuum()
local rules = iop.ComplianceRules()
local L21 = continuum:lookup_level(ASAM3, "2.1")
local L25 = continuum:lookup_level(ASAM3, "2.5")

-- A schedule with one untimed session a day, Monday first, of the given minutes.
local function week(...)
  local s = iop.Schedule()
  for i, m in ipairs({ ... }) do s:add_session(MON + i - 1, nil, m, "group-therapy") end
  return s
end

-- Three service days (Mon, Wed, Fri) adding up to exactly `hours` hours.
local function hours_week(hours)
  local total = math.floor(hours * 60 + 0.5)
  local third = total // 3
  local s = iop.Schedule()
  s:add_session(MON, nil, third, "group-therapy")
  s:add_session(WED, nil, third, "group-therapy")
  s:add_session(FRI, nil, total - 2 * third, "group-therapy")
  return s
end

local function ids(report)
  local out = {}
  for i = 0, report:get_n_results() - 1 do out[#out + 1] = report:get_rule(i) end
  return table.concat(out, ",")
end

-- The index of the only result for a rule.
local function find(report, rule)
  local found
  for i = 0, report:get_n_results() - 1 do
    if report:get_rule(i) == rule then
      if found then error("two results for " .. rule) end
      found = i
    end
  end
  if not found then error("no result for " .. rule .. " in " .. report:to_json(), 2) end
  return found
end

local function near(a, b, what) t.truthy(math.abs(a - b) < 1e-9, (what or "value") .. ": " .. a .. " vs " .. b) end

local function claims(lines)
  local parts = {}
  for _, l in ipairs(lines) do
    parts[#parts + 1] = string.format('{"date": "%s", "code": "%s"%s}', l[1], l[2],
                                      l[3] and (', "units": ' .. tostring(l[3])) or "")
  end
  return '{"format": "libiop-claims", "format_version": 1, "lines": [' .. table.concat(parts, ", ") .. "]}"
end

local function sample_schedule()
  local s = iop.Schedule()
  s:add_session(MON, "09:00", 180, "group-therapy")
  s:add_session(MON, nil, 60, "drug-testing")
  s:add_session(WED, "18:00", 90, "family-therapy")
  s:add_session(MON, "13:00", 60, "individual-counseling")
  return s
end

-- Pack -------------------------------------------------------------------------------------

t.test("pack identity and rule sets", function()
  t.eq(rules:get_id(), "libiop-default-compliance", "id")
  t.eq(rules:get_n_rule_sets(), 4, "rule sets")
  t.eq(rules:get_rule_set_id(0), "asam")
  t.eq(rules:get_rule_set_id(1), "service-day")
  t.eq(rules:get_rule_set_id(2), "h0015")
  t.eq(rules:get_rule_set_id(3), "medicare")
  t.eq(rules:get_rule_set_id(4), nil, "out of range")
  local text = iop.ComplianceRules.default_pack_json()
  t.truthy(contains(text, '"format": "libiop-compliance"'), "format")
  t.eq(iop.ComplianceRules.from_json(text):get_id(), "libiop-default-compliance", "from_json")
end)

-- Intensity edges ---------------------------------------------------------------------------

t.test("2.1 adult 8.75 h fails with step-down to 1", function()
  local rep = rules:check_schedule(L21, ADULT, hours_week(8.75))
  t.eq(rep:is_compliant(), false, "compliant")
  local i = find(rep, "weekly-hours-band")
  t.eq(rep:get_passed(i), false, "passed")
  t.eq(rep:get_status(i), "fail", "status")
  near(rep:get_measured(i), 8.75, "measured")
  t.eq(rep:get_required(i), "9-19 hours/week", "required")
  t.eq(rep:get_date(i), nil, "date")
  t.eq(rep:get_source(i), "continuum-bands", "source")
  t.eq(rep:get_recommendation(), "step-down", "recommendation")
  t.eq(rep:get_recommended_level():get_code(), "1", "recommended level")
  t.eq(rep:get_recommended_level():get_edition(), ASAM3, "recommended edition")
end)

t.test("2.1 adult 9 h passes", function()
  local rep = rules:check_schedule(L21, ADULT, hours_week(9))
  t.eq(rep:is_compliant(), true, "compliant")
  t.eq(ids(rep), "weekly-hours-band,service-day-minimum", "rules")
  local i = find(rep, "weekly-hours-band")
  t.eq(rep:get_status(i), "pass", "status")
  t.eq(rep:get_measured(i), 9.0, "measured")
  local d = find(rep, "service-day-minimum")
  t.eq(rep:get_measured(d), 3.0, "day measured")
  t.eq(rep:get_required(d), ">= 3 hours/service day", "day required")
  t.eq(rep:get_recommendation(), nil, "recommendation")
  t.eq(rep:get_recommended_level(), nil, "recommended level")
end)

t.test("2.1 adult 19 h passes", function()
  local rep = rules:check_schedule(L21, ADULT, hours_week(19))
  t.eq(rep:is_compliant(), true, "compliant")
  t.eq(rep:get_measured(find(rep, "weekly-hours-band")), 19.0, "measured")
  t.eq(rep:get_recommendation(), nil, "recommendation")
end)

t.test("2.1 adult 19.25 h fails with step-up to 2.5", function()
  local rep = rules:check_schedule(L21, ADULT, hours_week(19.25))
  t.eq(rep:is_compliant(), false, "compliant")
  local i = find(rep, "weekly-hours-band")
  t.eq(rep:get_status(i), "fail", "status")
  near(rep:get_measured(i), 19.25, "measured")
  t.eq(rep:get_passed(find(rep, "service-day-minimum")), true, "service day")
  t.eq(rep:get_recommendation(), "step-up", "recommendation")
  t.eq(rep:get_recommended_level():get_code(), "2.5", "recommended level")
end)

t.test("2.1 adolescent band starts at 6 h", function()
  local rep = rules:check_schedule(L21, ADOLESCENT, week(120, 120, 120), 0, "asam")
  t.eq(rep:is_compliant(), true, "6 h adolescent")
  t.eq(rep:get_required(0), "6-19 hours/week", "required")
  rep = rules:check_schedule(L21, ADOLESCENT, week(119, 120, 120), 0, "asam")
  t.eq(rep:is_compliant(), false, "5.98 h adolescent")
  t.eq(rep:get_recommendation(), "step-down", "recommendation")
  t.eq(rules:check_schedule(L21, ADULT, week(120, 120, 120), 0, "asam"):is_compliant(), false, "6 h adult")
end)

t.test("2.5 adult at 20 h", function()
  local rep = rules:check_schedule(L25, ADULT, week(240, 240, 240, 240, 240), 0, "asam")
  t.eq(rep:is_compliant(), true, "20 h")
  t.eq(rep:get_measured(0), 20.0, "measured")
  t.eq(rep:get_required(0), ">= 20 hours/week", "required")
  rep = rules:check_schedule(L25, ADULT, week(240, 240, 240, 240, 239), 0, "asam")
  t.eq(rep:is_compliant(), false, "19.98 h")
  t.eq(rep:get_recommendation(), "step-down", "recommendation")
  t.eq(rep:get_recommended_level():get_code(), "2.1", "recommended level")
  rep = rules:check_schedule(L25, ADULT, week(240, 240, 240, 240, 240))
  local d = find(rep, "service-day-minimum")
  t.eq(rep:get_passed(d), false, "4 h/day under 2.5's minimum")
  t.eq(rep:get_required(d), ">= 5 hours/service day", "day required")
end)

t.test("asam4 2.1", function()
  local rep = rules:check_schedule(continuum:lookup_level(ASAM4, "2.1"), ADULT, hours_week(9))
  t.eq(rep:is_compliant(), true, "compliant")
  t.truthy(contains(rep:to_json(), '"edition":"asam4"'), "edition in JSON")
end)

-- Taper --------------------------------------------------------------------------------------

t.test("taper: 7 h for weeks 1 and 2", function()
  for weeks = 1, 2 do
    local rep = rules:check_schedule(L21, ADULT, hours_week(7), weeks, "asam")
    t.eq(rep:is_compliant(), true, "compliant week " .. weeks)
    local i = find(rep, "weekly-hours-band")
    t.eq(rep:get_passed(i), true, "passed")
    t.eq(rep:get_status(i), "taper", "status")
    t.eq(rep:get_measured(i), 7.0, "measured")
    t.eq(rep:get_source(i), "aetna-asam-taper", "source")
    t.truthy(contains(rep:get_text(i), weeks .. " of at most 2 weeks"), "text " .. rep:get_text(i))
    t.eq(rep:get_recommendation(), nil, "recommendation")
    t.eq(rep:get_recommended_level(), nil, "recommended level")
  end
end)

t.test("taper: week 3 fails with step-down", function()
  local rep = rules:check_schedule(L21, ADULT, hours_week(7), 3, "asam")
  t.eq(rep:is_compliant(), false, "compliant")
  t.eq(rep:get_status(find(rep, "weekly-hours-band")), "fail", "status")
  t.eq(rep:get_recommendation(), "step-down", "recommendation")
  t.eq(rep:get_recommended_level():get_code(), "1", "recommended level")
end)

t.test("taper: weeks 0 fails", function()
  local rep = rules:check_schedule(L21, ADULT, hours_week(7), 0, "asam")
  t.eq(rep:is_compliant(), false, "compliant")
  t.eq(rep:get_status(0), "fail", "status")
  t.eq(rep:get_recommendation(), "step-down", "recommendation")
end)

t.test("taper does not excuse the service-day minimum", function()
  local rep = rules:check_schedule(L21, ADULT, hours_week(7), 1)
  t.eq(rep:is_compliant(), false, "compliant")
  t.eq(rep:get_status(find(rep, "weekly-hours-band")), "taper", "band")
  t.eq(rep:get_passed(find(rep, "service-day-minimum")), false, "service day")
end)

t.test("negative weeks and invalid age refused", function()
  t.raises(INVALID_ARGUMENT, rules.check_schedule, rules, L21, ADULT, hours_week(9), -1)
  t.raises(INVALID_ARGUMENT, rules.check_schedule, rules, L21, 0, hours_week(9))
end)

-- Rule sets ---------------------------------------------------------------------------------

t.test("rule sets asam,h0015,medicare", function()
  local rep = rules:check_schedule(L21, ADULT, week(180, 180, 180), 0, "asam,h0015,medicare")
  t.eq(rep:is_compliant(), true, "compliant")
  t.eq(ids(rep), "weekly-hours-band,h0015-hours-per-day,h0015-days-per-week,medicare-certification", "rules")
  local d = find(rep, "h0015-days-per-week")
  t.eq(rep:get_measured(d), 3.0, "days")
  t.eq(rep:get_required(d), ">= 3 days/week", "days required")
  local m = find(rep, "medicare-certification")
  t.eq(rep:get_required(m), ">= 9 hours/week", "medicare required")
  t.eq(rep:get_source(m), "cms-iop-2024", "medicare source")
  t.truthy(contains(rep:to_json(), '"rule_set":"h0015"'), "rule_set h0015 in JSON")
  t.truthy(contains(rep:to_json(), '"rule_set":"medicare"'), "rule_set medicare in JSON")
end)

t.test("h0015 failures", function()
  local rep = rules:check_schedule(L21, ADULT, week(300, 300), 0, "h0015")
  t.eq(rep:is_compliant(), false, "two days")
  t.eq(ids(rep), "h0015-hours-per-day,h0015-days-per-week", "rules")
  t.eq(rep:get_passed(1), false, "days")
  t.eq(rep:get_measured(1), 2.0, "days measured")
  rep = rules:check_schedule(L21, ADULT, week(240, 240, 179), 0, "h0015")
  t.eq(rep:get_passed(find(rep, "h0015-hours-per-day")), false, "short day")
  t.eq(rep:get_passed(find(rep, "h0015-days-per-week")), true, "three days")
end)

t.test("medicare 9 hours", function()
  local rep = rules:check_schedule(L21, ADULT, hours_week(9), 0, "medicare")
  t.eq(rep:is_compliant(), true, "9 h")
  t.eq(ids(rep), "medicare-certification", "rules")
  rep = rules:check_schedule(L21, ADULT, hours_week(8.75), 0, "medicare")
  t.eq(rep:is_compliant(), false, "8.75 h")
  t.eq(rep:get_status(0), "fail", "status")
end)

t.test("unknown rule set raises NotFound", function()
  for _, sets in ipairs({ "nope", "asam,nope" }) do
    local err = t.raises(NOT_FOUND, rules.check_schedule, rules, L21, ADULT, hours_week(9), 0, sets)
    t.truthy(contains(tostring(err), "nope"), "message names the set")
  end
end)

t.test("empty rule-set selection refused", function()
  t.raises(INVALID_ARGUMENT, rules.check_schedule, rules, L21, ADULT, hours_week(9), 0, "")
  t.raises(INVALID_ARGUMENT, rules.check_schedule, rules, L21, ADULT, hours_week(9), 0, ",")
  t.eq(ids(rules:check_schedule(L21, ADULT, hours_week(9), 0, "asam,,medicare")),
       "weekly-hours-band,medicare-certification", "empty items skipped")
end)

-- Medicare ----------------------------------------------------------------------------------

t.test("medicare tiers 0..5", function()
  local expected = { [0] = 0, 0, 0, 3, 4, 4 }
  for n = 0, 5 do t.eq(rules:get_medicare_tier(n), expected[n], "tier for " .. n) end
end)

t.test("recertification due", function()
  t.eq(rules:get_recertification_due("2025-12-31"), "2026-02-28")
  t.eq(rules:get_recertification_due("2024-12-31"), "2025-02-28")
  t.eq(rules:get_recertification_due("2025-01-31"), "2025-03-31")
  t.eq(rules:get_recertification_due("2025-06-15"), "2025-08-15")
  for _, bad in ipairs({ "2025-02-30", "2025-13-01", "31/12/2025", "" }) do
    t.raises(INVALID_ARGUMENT, rules.get_recertification_due, rules, bad)
  end
end)

-- Claims --------------------------------------------------------------------------------------

t.test("claims: two IOP units on one date", function()
  for _, lines in ipairs({ { { "2026-03-02", "H0015" }, { "2026-03-02", "S9480" } },
                           { { "2026-03-02", "H0015", 2 } } }) do
    local rep = rules:check_claims(claims(lines))
    t.eq(rep:is_compliant(), false, "compliant")
    t.eq(ids(rep), "one-unit-per-day", "rules")
    t.eq(rep:get_passed(0), false, "passed")
    t.eq(rep:get_measured(0), 2.0, "units")
    t.eq(rep:get_date(0), "2026-03-02", "date")
    t.eq(rep:get_required(0), "<= 1 unit/date of service", "required")
    t.eq(rep:get_source(0), "bcbsnc-per-diem", "source")
  end
end)

t.test("claims: IOP and PHP on the same date", function()
  local rep = rules:check_claims(claims({ { "2026-03-02", "H0015" }, { "2026-03-02", "H0035" } }))
  t.eq(rep:is_compliant(), false, "compliant")
  t.eq(ids(rep), "exclusive-services,medicare-php-window", "rules")
  t.eq(rep:get_date(0), "2026-03-02", "date 0")
  t.eq(rep:get_date(1), "2026-03-02", "date 1")
  t.truthy(contains(rep:to_json(), '"level":null'), "no level")
end)

t.test("claims: PHP window 7 vs 8 days", function()
  local rep = rules:check_claims(claims({ { "2026-03-02", "H0015" }, { "2026-03-09", "H0035" } }))
  t.eq(rep:is_compliant(), false, "7 days")
  t.eq(ids(rep), "medicare-php-window", "rules")
  t.eq(rep:get_measured(0), 7.0, "days")
  t.eq(rep:get_date(0), "2026-03-02", "date")
  t.truthy(contains(rep:get_text(0), "2026-03-09"), "text names the PHP date")
  rep = rules:check_claims(claims({ { "2026-03-01", "H0015" }, { "2026-03-09", "H0035" } }))
  t.eq(rep:is_compliant(), true, "8 days")
  t.eq(rep:get_n_results(), 0, "no results")
  t.eq(rules:check_claims(claims({ { "2026-03-10", "H0015" }, { "2026-03-09", "H0035" } })):is_compliant(),
       true, "IOP after PHP")
end)

t.test("claims: clean and ignored codes", function()
  local rep = rules:check_claims(claims({ { "2026-03-02", "H0015" }, { "2026-03-03", "H0015" },
                                          { "2026-03-02", "99213" }, { "2026-03-02", "90853", 3 } }))
  t.eq(rep:is_compliant(), true, "compliant")
  t.eq(rep:get_n_results(), 0, "results")
  t.eq(rules:check_claims(claims({})):is_compliant(), true, "no lines")
end)

t.test("claims: malformed documents with paths", function()
  t.raises(PARSE, rules.check_claims, rules, "{")
  local cases = {
    { claims({ { "2026-02-30", "H0015" } }), INVALID_DATA, "$.lines[0].date" },
    { '{"format": "libiop-claims", "format_version": 1, "lines": [{"date": "2026-03-01", "code": "H0015"}, '
      .. '{"date": "2026-03-01"}]}', PARSE, "$.lines[1].code" },
    { claims({ { "2026-03-01", "H0015", 0 } }), INVALID_DATA, "$.lines[0].units" },
    { claims({ { "2026-03-01", "H0015", '"x"' } }), PARSE, "$.lines[0].units" },
    { '{"format": "x", "format_version": 1, "lines": []}', INVALID_DATA, "$.format" },
  }
  for _, c in ipairs(cases) do
    local err = t.raises(c[2], rules.check_claims, rules, c[1])
    t.eq(err.path, c[3], "path")
  end
end)

-- Schedules ---------------------------------------------------------------------------------

t.test("schedule getters and order", function()
  local s = sample_schedule()
  t.eq(s:get_n_sessions(), 4, "sessions")
  local expected = { { MON, "09:00", 180, "group-therapy" }, { MON, "13:00", 60, "individual-counseling" },
                     { MON, nil, 60, "drug-testing" }, { WED, "18:00", 90, "family-therapy" } }
  for i, e in ipairs(expected) do
    t.eq(s:get_session_day(i - 1), e[1], "day " .. i)
    t.eq(s:get_session_start(i - 1), e[2], "start " .. i)
    t.eq(s:get_session_minutes(i - 1), e[3], "minutes " .. i)
    t.eq(s:get_session_kind(i - 1), e[4], "kind " .. i)
  end
  t.eq(s:get_minutes_per_week(), 390, "minutes per week")
  t.eq(s:get_hours_per_week(), 6.5, "hours per week")
  t.eq(s:get_minutes_on(MON), 300, "monday")
  t.eq(s:get_minutes_on(TUE), 0, "tuesday")
  t.eq(s:get_days_per_week(), 2, "days")
  t.eq(s:get_min_minutes_per_service_day(), 90, "shortest day")
  t.eq(s:get_session_day(4), 0, "out of range day")
  t.eq(s:get_session_start(4), nil, "out of range start")
  t.eq(s:get_session_minutes(4), 0, "out of range minutes")
  t.eq(s:get_session_kind(4), nil, "out of range kind")
  local e = iop.Schedule()
  t.eq(e:get_n_sessions() + e:get_minutes_per_week() + e:get_days_per_week() + e:get_min_minutes_per_service_day(),
       0, "empty")
end)

t.test("schedule edges allowed", function()
  local s = iop.Schedule()
  s:add_session(TUE, "09:00", 60, "group-therapy")
  s:add_session(TUE, "10:00", 60, "psychoeducation")
  s:add_session(SUN, "23:00", 60, "peer-support")
  s:add_session(SAT, "00:00", 1440, "activity-therapy")
  t.eq(s:get_n_sessions(), 4, "sessions")
end)

t.test("schedule errors leave the schedule unchanged", function()
  local s = sample_schedule()
  local before = s:to_json()
  local bad = {
    { MON, "11:00", 60, "group-therapy" },  -- overlap
    { MON, "08:30", 31, "group-therapy" },  -- overlap from before
    { MON, "23:00", 61, "group-therapy" },  -- crosses midnight
    { TUE, "10:00", 0, "group-therapy" },   -- 0 minutes
    { TUE, nil, 1441, "group-therapy" },    -- over a day
    { TUE, "10:00", 60, "yoga" },           -- unknown kind
    { TUE, "9:00", 60, "group-therapy" },   -- bad time
    { TUE, "24:00", 60, "group-therapy" },
    { TUE, "10:00Z", 60, "group-therapy" },
    { 0, "10:00", 60, "group-therapy" },
    { 8, nil, 60, "group-therapy" },
    { MON, nil, 1141, "assessment" },       -- Monday would exceed 24 hours
  }
  for i, args in ipairs(bad) do
    local err = t.raises(INVALID_ARGUMENT, s.add_session, s, args[1], args[2], args[3], args[4])
    t.eq(err.path, nil, "no path " .. i)
    t.eq(s:to_json(), before, "unchanged after case " .. i)
  end
  t.eq(s:get_n_sessions(), 4, "sessions")
  local ok = pcall(s.add_session, s, MON, "10:00", 60, nil)
  t.eq(ok, false, "nil kind refused")
  t.eq(s:to_json(), before, "unchanged after nil kind")
end)

t.test("schedule copy is independent", function()
  local s = sample_schedule()
  local c = s:copy()
  c:add_session(FRI, nil, 60, "life-skills")
  t.eq(s:get_n_sessions(), 4, "original")
  t.eq(c:get_n_sessions(), 5, "copy")
  s = nil
  collectgarbage()
  t.eq(c:get_minutes_per_week(), 450, "copy after gc")
end)

t.test("schedule JSON round trip is byte-identical", function()
  local text = sample_schedule():to_json()
  t.eq(text, '{"format":"libiop-schedule","format_version":1,"sessions":['
    .. '{"day":"mon","start":"09:00","minutes":180,"kind":"group-therapy"},'
    .. '{"day":"mon","start":"13:00","minutes":60,"kind":"individual-counseling"},'
    .. '{"day":"mon","start":null,"minutes":60,"kind":"drug-testing"},'
    .. '{"day":"wed","start":"18:00","minutes":90,"kind":"family-therapy"}]}', "document")
  t.eq(iop.Schedule.from_json(text):to_json(), text, "round trip")
end)

t.test("malformed schedule JSON gives exact paths", function()
  local function doc(session1)
    return '{"format": "libiop-schedule", "format_version": 1, "sessions": ['
      .. '{"day": "mon", "start": "09:00", "minutes": 180, "kind": "group-therapy"}, ' .. session1 .. ']}'
  end
  local cases = {
    { doc('{"day": "mon", "start": "09:30", "minutes": 60, "kind": "group-therapy"}'), INVALID_DATA, "$.sessions[1]" },
    { doc('{"day": "mon", "start": "23:30", "minutes": 60, "kind": "group-therapy"}'), INVALID_DATA, "$.sessions[1]" },
    { doc('{"day": "tue", "start": "09:00", "minutes": 0, "kind": "group-therapy"}'), INVALID_DATA, "$.sessions[1]" },
    { doc('{"day": "tue", "start": null, "minutes": 60, "kind": "yoga"}'), INVALID_DATA, "$.sessions[1]" },
    { doc('{"day": "xyz", "start": null, "minutes": 60, "kind": "group-therapy"}'), INVALID_DATA, "$.sessions[1].day" },
    { '{"format": "nope", "format_version": 1, "sessions": []}', INVALID_DATA, "$.format" },
    { '{"format": "libiop-schedule", "format_version": 1}', PARSE, "$.sessions" },
  }
  for _, c in ipairs(cases) do
    local err = t.raises(c[2], iop.Schedule.from_json, c[1])
    t.eq(err.path, c[3], "path")
  end
  t.eq(t.raises(PARSE, iop.Schedule.from_json, "{").path, nil, "malformed JSON has no path")
end)

-- nil and ownership -------------------------------------------------------------------------

t.test("nil level or schedule refused", function()
  local ok, err = pcall(rules.check_schedule, rules, nil, ADULT, hours_week(9))
  t.eq(ok, false, "nil level")
  t.truthy(contains(tostring(err), "NULL pointer"), "nil level: " .. tostring(err))
  ok, err = pcall(rules.check_schedule, rules, L21, ADULT, nil)
  t.eq(ok, false, "nil schedule")
  t.truthy(contains(tostring(err), "NULL pointer"), "nil schedule: " .. tostring(err))
  t.eq(pcall(rules.check_claims, rules, nil), false, "nil claims")
end)

t.test("report and level survive collectgarbage of the rules", function()
  local r = iop.ComplianceRules()
  local c = iop.Continuum()
  local level = c:lookup_level(ASAM3, "2.1")
  local rep = r:check_schedule(level, ADULT, hours_week(8.75))
  local rec = rep:get_recommended_level()
  r, c = nil, nil
  collectgarbage()
  collectgarbage()
  t.eq(level:get_code(), "2.1", "level")
  t.eq(rec:get_code(), "1", "recommended level")
  t.eq(rep:is_compliant(), false, "report")
  t.truthy(contains(rep:to_json(), '"recommended_level":"1"'), "report JSON")
  rep = nil
  collectgarbage()
  t.eq(rec:get_code(), "1", "recommended level after report")
  t.eq(rec:get_edition(), ASAM3, "edition")
end)

t.test("rules from_json outlive the continuum", function()
  local c = iop.Continuum()
  local r = iop.ComplianceRules.from_json(iop.ComplianceRules.default_pack_json(), c)
  local level = c:lookup_level(ASAM3, "2.1")
  c = nil
  collectgarbage()
  t.eq(r:check_schedule(level, ADULT, hours_week(9)):is_compliant(), true, "compliant")
end)

-- Report JSON ---------------------------------------------------------------------------------

t.test("report JSON", function()
  local rep = rules:check_schedule(L21, ADULT, hours_week(19.25), 0, "asam,service-day,medicare")
  local j = rep:to_json()
  t.truthy(contains(j, '{"compliant":false,"level":"2.1","edition":"asam3","age_group":"adult",'
                       .. '"recommendation":"step-up","recommended_level":"2.5","rules":['), j)
  t.truthy(contains(j, '{"id":"weekly-hours-band","rule_set":"asam","passed":false,"status":"fail",'
                       .. '"measured":19.25,"required":"9-19 hours/week","date":null,'), j)
  t.truthy(contains(j, '{"id":"service-day-minimum","rule_set":"service-day","passed":true,"status":"pass",'
                       .. '"measured":6.42,"required":">= 3 hours/service day","date":null,'), j)
  t.truthy(contains(j, '{"id":"medicare-certification","rule_set":"medicare","passed":true,"status":"pass",'
                       .. '"measured":19.25,'), j)
  local _, n = j:gsub('"id":', "")
  t.eq(n, 3, "rules in JSON")
  j = rules:check_schedule(L21, ADULT, hours_week(12)):to_json()
  t.truthy(contains(j, '"compliant":true'), "compliant")
  t.truthy(contains(j, '"recommendation":null'), "no recommendation")
  t.truthy(not contains(j, '"passed":false'), "all passed")
end)

t.test("repeated checks", function()
  -- Gives valgrind (memcheck/lua/compliance) something to find if anything leaks.
  for i = 1, UNDER_VALGRIND and 10 or 100 do
    local r = iop.ComplianceRules()
    local s = hours_week(7 + i % 14)
    local rep = r:check_schedule(L21, ADULT, s, i % 4, "asam,h0015,medicare")
    rep:to_json()
    rep:get_recommended_level()
    t.eq(iop.Schedule.from_json(s:to_json()):to_json(), s:to_json(), "round trip")
    pcall(s.add_session, s, MON, "9:00", 60, "group-therapy")
    pcall(s.add_session, s, TUE, nil, 60, "yoga")
    pcall(r.check_schedule, r, L21, ADULT, s, 0, "nope")
    pcall(iop.Schedule.from_json, '{"format":"libiop-schedule","format_version":1,"sessions":'
      .. '[{"day":"mon","start":"09:00","minutes":0,"kind":"assessment"}]}')
    r:check_claims(claims({ { "2026-03-02", "H0015" }, { "2026-03-02", "H0035" } }))
    r:get_recertification_due("2025-12-31")
    pcall(r.get_recertification_due, r, "bad")
    r, s, rep = nil, nil, nil
  end
  collectgarbage()
end)

t.run()
