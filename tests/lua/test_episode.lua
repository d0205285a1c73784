-- Episodes of care and program packs through the Lua binding: ICD-10-CM syntax and
-- classification, co-occurring diagnoses, the stage-of-change and level histories, treatment
-- stages (allowed and refused moves, exit criteria: goals met, stage of change, minimum days; a
-- program pack written here), goals, attendance validation, the attendance summary (ISO weeks
-- computed independently with the C library's strftime %G-W%V, planned against attended hours,
-- rate, outreach and dropout-risk edges), the check (rules, Medicare recertification on month
-- ends, taper weeks, the age on the check date, rule-set selection), byte-identical JSON round
-- trips, malformed documents with their error codes and JSON paths, messages that never quote
-- patient data, nil refused, and ownership across garbage collection.
-- Mirrors tests/python/test_episode.py (parity is the point).
-- SPDX-License-Identifier: MIT
local t = require "harness"
local iop = require "iop"

local ASAM3, LOCUS = iop.IOP_EDITION_ASAM3, iop.IOP_EDITION_LOCUS
local ADULT, ADOLESCENT = iop.IOP_AGE_ADULT, iop.IOP_AGE_ADOLESCENT
local ATTENDED, MISSED, EXCUSED = iop.IOP_ATTENDANCE_ATTENDED, iop.IOP_ATTENDANCE_MISSED, iop.IOP_ATTENDANCE_EXCUSED
local MON, TUE, WED, THU, FRI = iop.IOP_MONDAY, iop.IOP_TUESDAY, iop.IOP_WEDNESDAY, iop.IOP_THURSDAY, iop.IOP_FRIDAY
local INVALID_ARGUMENT, NOT_FOUND, EXISTS, PARSE, IO, INVALID_DATA =
  iop.IOP_ERROR_INVALID_ARGUMENT, iop.IOP_ERROR_NOT_FOUND, iop.IOP_ERROR_EXISTS, iop.IOP_ERROR_PARSE,
  iop.IOP_ERROR_IO, iop.IOP_ERROR_INVALID_DATA
local SOC = {
  precontemplation = iop.IOP_STAGE_OF_CHANGE_PRECONTEMPLATION, contemplation = iop.IOP_STAGE_OF_CHANGE_CONTEMPLATION,
  preparation = iop.IOP_STAGE_OF_CHANGE_PREPARATION, action = iop.IOP_STAGE_OF_CHANGE_ACTION,
  maintenance = iop.IOP_STAGE_OF_CHANGE_MAINTENANCE, relapse = iop.IOP_STAGE_OF_CHANGE_RELAPSE,
}
local CLIENT = "PSEUDO-4410"
local DATA = os.getenv("IOP_TEST_DATA_DIR") or "tests/data"

-- Helpers ------------------------------------------------------------------------------------

local function contains(s, sub) return s:find(sub, 1, true) ~= nil end
local function has_date(s) return s:find("%d%d%d%d%-%d%d%-%d%d") ~= nil end
local function near(a, b, what) t.truthy(math.abs(a - b) < 1e-9, (what or "value") .. ": " .. a .. " vs " .. b) end

-- Replaces the first plain occurrence of old in s (which must be there).
local function replace(s, old, new)
  local i, j = s:find(old, 1, true)
  if not i then error("no " .. old .. " in the document", 2) end
  return s:sub(1, i - 1) .. new .. s:sub(j + 1)
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("a")
  f:close()
  return text
end

-- A date n days after "YYYY-MM-DD", and its ISO week from the C library (not from libiop).
local function time_of(date)
  local y, m, d = date:match("^(%d+)-(%d+)-(%d+)$")
  return os.time({ year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12 })
end
local function add_days(date, n) return os.date("%Y-%m-%d", time_of(date) + n * 86400) end
local function iso_week(date) return os.date("%G-W%V", time_of(date)) end
local function days_between(a, b) return math.floor((time_of(b) - time_of(a)) / 86400 + 0.5) end

local function episode(admission, program, edition, level)
  return iop.Episode(CLIENT, edition or ASAM3, level or "2.1", admission or "2026-01-05", nil, program)
end

local function week(minutes, days)
  local s = iop.Schedule()
  for _, d in ipairs(days or { MON, WED, FRI }) do s:add_session(d, "09:00", minutes or 180, "group-therapy") end
  return s
end

local function achieve(e, id, stage, status)
  e:add_goal(id, stage, "Practice the coping plan")
  e:set_goal_status(id, status or "achieved")
end

local function ids(report)
  local out = {}
  for i = 0, report:get_n_results() - 1 do out[#out + 1] = report:get_rule(i) end
  return table.concat(out, ",")
end

local function find(report, rule)
  for i = 0, report:get_n_results() - 1 do
    if report:get_rule(i) == rule then return i end
  end
  error("no result for " .. rule .. " in " .. report:to_json(), 2)
end

local function with_sessions(statuses, program)
  local e = episode("2026-01-05", program)
  local status = { A = ATTENDED, M = MISSED, E = EXCUSED }
  for i = 1, #statuses do
    e:add_attendance(add_days("2026-01-05", i - 1), "09:00", 180, "group-therapy", status[statuses:sub(i, i)])
  end
  return e
end

local function flags(summary)
  local out = {}
  for i = 0, summary:get_n_flags() - 1 do
    out[#out + 1] = summary:get_flag(i) .. "@" .. summary:get_flag_date(i)
  end
  return table.concat(out, ",")
end

-- A Matrix Model-like 16-week program in three stages with minimum days.
local function program_pack(misses, below)
  return [[{"format":"libiop-program","format_version":1,"id":"lua-matrix-16-week","version":"1",
    "sources":{"test":{"citation":"Test fixture","confidence":"L"}},
    "stages":[
      {"id":"early-recovery","name":"Early recovery","source":"test","entry_criteria":["Admitted"],
       "exit_criteria":[{"id":"four-weeks","type":"min-days","days":28,"text":"Four weeks"}],
       "next":["relapse-prevention"]},
      {"id":"relapse-prevention","name":"Relapse prevention","source":"test","entry_criteria":[],
       "exit_criteria":[{"id":"twelve-weeks","type":"min-days","days":84,"text":"Twelve weeks"},
                        {"id":"rp-ready","type":"stage-of-change","stages":["maintenance"],"text":"Maintenance"}],
       "next":["social-support"]},
      {"id":"social-support","name":"Social support","source":"test","entry_criteria":[],"exit_criteria":[],
       "next":[]}],
    "engagement":{"consecutive_misses":]] .. (misses or 2) .. [[,"dropout_risk_below":]] .. (below or "0.75") ..
    [[,"outreach_source":"test","dropout_source":"test"}}]]
end

-- ICD-10-CM ------------------------------------------------------------------------------------

t.test("ICD-10-CM syntax", function()
  for _, code in ipairs({ "F10.20", "F32.1", "F41.1", "Z71.41", "F10", "F19.239", "C4A.0", "F1A.0" }) do
    t.eq(iop.icd10cm_is_valid(code), true, code)
  end
  for _, code in ipairs({ "F1", "F", "", "f10.20", "F10.", "F10.12345", "F1020", "FA0.1", " F10.20", "F10..2" }) do
    t.eq(iop.icd10cm_is_valid(code), false, code)
  end
  t.truthy(not pcall(iop.icd10cm_is_valid, nil), "nil refused")
end)

t.test("ICD-10-CM classification", function()
  local S, M, O = iop.IOP_DIAGNOSIS_SUBSTANCE, iop.IOP_DIAGNOSIS_MENTAL_HEALTH, iop.IOP_DIAGNOSIS_OTHER
  for code, cls in pairs({ ["F10.20"] = S, ["F19"] = S, ["F17.210"] = S, ["F32.1"] = M, ["F41.1"] = M, ["F09"] = M,
                           ["F20.9"] = M, ["F00"] = O, ["F1A.0"] = O, ["Z71.41"] = O, ["G30.9"] = O }) do
    t.eq(iop.icd10cm_classify(code), cls, code)
  end
  for _, code in ipairs({ "F1", "F", "f10.20" }) do
    local err = t.raises(INVALID_ARGUMENT, iop.icd10cm_classify, code)
    t.eq(err.name, "InvalidArgumentError", "name")
  end
end)

t.test("co-occurring diagnoses and duplicates", function()
  local e = episode()
  e:add_diagnosis("F10.20")
  t.eq(e:has_substance_diagnosis(), true, "substance")
  t.eq(e:is_co_occurring(), false, "not yet")
  e:add_diagnosis("Z71.41")
  t.eq(e:is_co_occurring(), false, "Z71.41 is not mental health")
  e:add_diagnosis("F32.1")
  t.eq(e:is_co_occurring(), true, "co-occurring")
  local err = t.raises(EXISTS, e.add_diagnosis, e, "F10.20")
  t.eq(err.name, "ExistsError", "name")
  t.eq(err.path, nil, "no path")
  t.raises(INVALID_ARGUMENT, e.add_diagnosis, e, "F10.")
  t.eq(e:get_n_diagnoses(), 3, "count")
  t.eq(e:get_diagnosis(0), "F10.20", "primary")
  t.eq(e:get_diagnosis(3), nil, "out of range")
end)

-- Opening and histories --------------------------------------------------------------------------

t.test("a new episode starts at the admission", function()
  local e = episode()
  t.eq(e:get_client_id(), CLIENT, "client")
  t.eq(e:get_stage(), "assessment", "first stage")
  t.eq(e:get_n_stage_changes(), 1, "stage history")
  t.eq(e:get_stage_change_reason(0), "admission", "reason")
  t.eq(e:get_level():get_code(), "2.1", "level")
  t.eq(e:get_level_change_date(0), "2026-01-05", "level date")
  t.eq(e:get_stage_of_change(), iop.IOP_STAGE_OF_CHANGE_UNKNOWN, "stage of change")
  t.eq(e:get_age_group(), ADULT, "age group")
  t.eq(e:get_payer(), nil, "payer")
  t.eq(e:get_schedule():get_n_sessions(), 0, "schedule")
  t.eq(episode(nil, nil, LOCUS, "3"):get_level():get_edition(), LOCUS, "LOCUS")
  t.raises(NOT_FOUND, iop.Episode, CLIENT, ASAM3, "2.2", "2026-01-05")
  local err = t.raises(INVALID_ARGUMENT, iop.Episode, "Jordan Example", ASAM3, "2.1", "2026-01-05")
  t.truthy(not contains(err.message, "Jordan"), "the identifier is not quoted")
  t.raises(INVALID_ARGUMENT, iop.Episode, CLIENT, ASAM3, "2.1", "2026-02-30")
  t.truthy(not pcall(iop.Episode, nil, ASAM3, "2.1", "2026-01-05"), "nil refused")
end)

t.test("stage of change: names and history", function()
  for name, value in pairs(SOC) do
    t.eq(iop.stage_of_change_to_string(value), name, "to_string")
    t.eq(iop.stage_of_change_from_string(name), value, "from_string")
  end
  t.raises(INVALID_ARGUMENT, iop.stage_of_change_from_string, "termination")
  local e = episode()
  e:set_stage_of_change(SOC.contemplation, "2026-01-05")
  e:set_stage_of_change(SOC.action, "2026-01-19")
  e:set_stage_of_change(SOC.relapse, "2026-02-02")
  t.raises(INVALID_ARGUMENT, e.set_stage_of_change, e, SOC.action, "2026-01-04")
  t.raises(INVALID_ARGUMENT, e.set_stage_of_change, e, SOC.action, "2026-02-01")
  t.raises(INVALID_ARGUMENT, e.set_stage_of_change, e, iop.IOP_STAGE_OF_CHANGE_UNKNOWN, "2026-03-01")
  t.eq(e:get_n_stage_of_change_entries(), 3, "entries")
  t.eq(e:get_stage_of_change_entry(1), SOC.action, "second")
  t.eq(e:get_stage_of_change_date(2), "2026-02-02", "third date")
  t.eq(e:get_stage_of_change(), SOC.relapse, "last")
end)

t.test("level history", function()
  local e = episode()
  e:change_level(ASAM3, "2.5", "2026-01-20", "Two positive screens")
  t.eq(e:get_level():get_code(), "2.5", "current")
  t.eq(e:get_level_change_level(1):get_code(), "2.5", "entry level")
  t.eq(e:get_level_change_reason(1), "Two positive screens", "reason")
  t.raises(NOT_FOUND, e.change_level, e, ASAM3, "2.2", "2026-02-01", "x")
  t.raises(INVALID_ARGUMENT, e.change_level, e, ASAM3, "2.1", "2026-01-19", "earlier")
  t.raises(INVALID_ARGUMENT, e.change_level, e, ASAM3, "2.5", "2026-02-01", "same level")
  t.raises(INVALID_ARGUMENT, e.change_level, e, ASAM3, "2.1", "2026-02-01", "")
  t.raises(INVALID_ARGUMENT, e.change_level, e, ASAM3, "2.1", "2026-02-01", string.rep("r", 501))
  t.eq(e:get_n_level_changes(), 2, "count")
  t.eq(e:get_level_change_level(2), nil, "out of range")
end)

-- Treatment stages ----------------------------------------------------------------------------

t.test("stage moves: allowed and refused", function()
  local e = episode()
  achieve(e, "g1", "assessment")
  local before = e:to_json()
  local err = t.raises(INVALID_ARGUMENT, e.change_stage, e, "life-skills", "2026-01-12", "Skip ahead")
  t.truthy(contains(err.message, "life-skills"), "names the stage")
  t.truthy(not contains(err.message, "Skip ahead"), "the reason is not quoted")
  t.raises(NOT_FOUND, e.change_stage, e, "detox", "2026-01-12", "x")
  t.raises(INVALID_ARGUMENT, e.change_stage, e, "education", "2026-01-04", "x")
  t.eq(e:to_json(), before, "unchanged")
  e:change_stage("education", "2026-01-12", "Goals set")
  t.eq(e:get_stage(), "education", "moved")
  t.eq(e:get_stage_change_date(1), "2026-01-12", "date")
  achieve(e, "g2", "education")
  t.raises(INVALID_ARGUMENT, e.change_stage, e, "intensive-therapy", "2026-01-11", "before the last move")
  e:change_stage("transition-planning", "2026-01-12", "Step-down planned")
  achieve(e, "g3", "transition-planning")
  t.raises(INVALID_ARGUMENT, e.change_stage, e, "assessment", "2026-02-01", "x")
end)

t.test("goals-met exit criterion", function()
  local cases = {
    { {}, false }, { { "active" }, false }, { { "proposed" }, false }, { { "not-achieved" }, false },
    { { "cancelled" }, false }, { { "achieved" }, true }, { { "waived" }, true },
    { { "achieved", "cancelled" }, true }, { { "achieved", "active" }, false },
  }
  for _, c in ipairs(cases) do
    local e = episode()
    achieve(e, "other-stage", "education")
    for i, status in ipairs(c[1]) do achieve(e, "g" .. i, "assessment", status) end
    local what = table.concat(c[1], ",")
    if c[2] then
      t.eq(e:can_leave_stage("2026-01-12"), true, what)
      e:change_stage("education", "2026-01-12", "x")
    else
      local err = t.raises(INVALID_ARGUMENT, e.can_leave_stage, e, "2026-01-12")
      t.truthy(contains(err.message, "assessment-goals"), "names the criterion: " .. what)
      t.raises(INVALID_ARGUMENT, e.change_stage, e, "education", "2026-01-12", "x")
      t.eq(e:get_stage(), "assessment", "unchanged " .. what)
    end
  end
end)

local function at_family_engagement()
  local e = episode()
  local path = { "assessment", "education", "intensive-therapy", "life-skills", "family-engagement" }
  for i = 1, 4 do
    achieve(e, "g" .. i, path[i])
    e:change_stage(path[i + 1], add_days("2026-01-12", 7 * (i - 1)), "x")
  end
  return e
end

t.test("family engagement needs action or maintenance", function()
  local e = at_family_engagement()
  local err = t.raises(INVALID_ARGUMENT, e.can_leave_stage, e, "2026-02-09")
  t.truthy(contains(err.message, "family-goals") and contains(err.message, "ready-for-change"), err.message)
  for name, value in pairs(SOC) do
    e = at_family_engagement()
    achieve(e, "family", "family-engagement")
    e:set_stage_of_change(value, "2026-02-05")
    if name == "action" or name == "maintenance" then
      e:change_stage("transition-planning", "2026-02-09", "x")
    else
      err = t.raises(INVALID_ARGUMENT, e.change_stage, e, "transition-planning", "2026-02-09", "x")
      t.truthy(contains(err.message, "ready-for-change") and not contains(err.message, "family-goals"), name)
    end
  end
  e = at_family_engagement()
  achieve(e, "family", "family-engagement")
  e:set_stage_of_change(SOC.action, "2026-02-10")
  t.raises(INVALID_ARGUMENT, e.change_stage, e, "transition-planning", "2026-02-09", "x")
  e:change_stage("transition-planning", "2026-02-10", "x")
end)

t.test("a program pack written here: minimum days", function()
  local program = iop.Program.from_json(program_pack())
  local e = episode("2026-01-05", program)
  t.eq(e:get_stage(), "early-recovery", "first stage")
  local err = t.raises(INVALID_ARGUMENT, e.change_stage, e, "relapse-prevention", "2026-02-01", "x")
  t.truthy(contains(err.message, "four-weeks"), err.message)
  e:change_stage("relapse-prevention", "2026-02-02", "x")
  e:set_stage_of_change(SOC.maintenance, "2026-02-02")
  local last = add_days("2026-02-02", 84)
  err = t.raises(INVALID_ARGUMENT, e.can_leave_stage, e, add_days(last, -1))
  t.truthy(contains(err.message, "twelve-weeks") and not contains(err.message, "rp-ready"), err.message)
  t.eq(e:can_leave_stage(last), true, "day 84")
  t.raises(NOT_FOUND, e.add_goal, e, "x", "assessment", "A built-in stage")
  local text = e:to_json()
  err = t.raises(INVALID_DATA, iop.Episode.from_json, text)
  t.eq(err.path, "$.program", "path")
  t.eq(iop.Episode.from_json(text, nil, program):to_json(), text, "read with its program")
end)

t.test("program packs: built-in, from a file, invalid", function()
  local p = iop.Program()
  local stages = { "assessment", "education", "intensive-therapy", "life-skills", "family-engagement",
                   "transition-planning" }
  t.eq(p:get_id(), "libiop-default-program", "id")
  t.eq(p:get_n_stages(), #stages, "stages")
  for i, a in ipairs(stages) do
    t.eq(p:get_stage_id(i - 1), a, "stage " .. i)
    for j, b in ipairs(stages) do
      local want = i ~= j and i < #stages and (j == i + 1 or j == #stages)
      t.eq(p:allows_transition(a, b), want, a .. " -> " .. b)
    end
  end
  t.eq(p:get_outreach_misses(), 2, "outreach")
  near(p:get_dropout_threshold(), 0.75, "dropout")
  local tip47 = iop.Program.from_file(DATA .. "/program/valid/tip47-phases.json")
  t.eq(tip47:get_stage_id(3), "community-support", "fourth phase")
  t.eq(tip47:allows_transition("early-recovery", "engagement"), true, "a move back")
  local err = t.raises(INVALID_DATA, iop.Program.from_file, DATA .. "/program/invalid/next-self.json")
  t.eq(err.path, "$.stages[1].next[0]", "path")
  err = t.raises(PARSE, iop.Program.from_file, DATA .. "/program/invalid/stage-unknown-member.json")
  t.eq(err.path, "$.stages[0].weeks", "path")
  t.raises(IO, iop.Program.from_file, DATA .. "/program/invalid/no-such-pack.json")
  err = t.raises(INVALID_DATA, iop.Program.from_json, program_pack(2, "1.5"))
  t.eq(err.path, "$.engagement.dropout_risk_below", "path")
end)

-- Goals -----------------------------------------------------------------------------------------

t.test("goals", function()
  local e = episode()
  local secret = "Rebuild trust with the daughter"
  e:add_goal("g1", "assessment", secret, "2026-01-19")
  e:add_goal("g2", "education", "d")
  t.eq(e:get_n_goals(), 2, "count")
  t.eq(e:get_goal_status(0), "active", "new goals are active")
  t.eq(e:get_goal_target_date(0), "2026-01-19", "target")
  t.eq(e:get_goal_target_date(1), nil, "no target")
  t.eq(e:get_goal_description(0), secret, "description")
  t.raises(EXISTS, e.add_goal, e, "g1", "education", "d")
  t.raises(NOT_FOUND, e.add_goal, e, "g3", "detox", "d")
  local err = t.raises(INVALID_ARGUMENT, e.add_goal, e, "g3", "education", secret, "2026-02-30")
  t.truthy(not contains(err.message, secret) and not has_date(err.message), err.message)
  t.raises(INVALID_ARGUMENT, e.add_goal, e, "g3", "education", "")
  t.raises(INVALID_ARGUMENT, e.add_goal, e, "g3", "education", string.rep("d", 1001))
  t.raises(INVALID_ARGUMENT, e.add_goal, e, "goal three", "education", "d")
  t.raises(INVALID_ARGUMENT, e.add_goal, e, "g3", "education", "bad \xff utf-8")
  for _, status in ipairs({ "proposed", "active", "achieved", "not-achieved", "waived", "cancelled" }) do
    e:set_goal_status("g1", status)
    t.eq(e:get_goal_status(0), status, status)
  end
  t.raises(INVALID_ARGUMENT, e.set_goal_status, e, "g1", "done")
  t.raises(NOT_FOUND, e.set_goal_status, e, "g9", "achieved")
  t.eq(e:get_n_goals(), 2, "count unchanged")
end)

-- Attendance ------------------------------------------------------------------------------------

t.test("attendance validation", function()
  local rows = {
    { "2026-01-07", "12:00", 60, "individual-counseling", ATTENDED, nil },
    { "2026-01-07", nil, 60, "drug-testing", ATTENDED, nil },
    { "2026-01-07", "23:00", 60, "peer-support", EXCUSED, nil },
    { "2026-01-09", "00:00", 1440, "activity-therapy", ATTENDED, nil },
    { "2026-01-07", "11:00", 30, "group-therapy", ATTENDED, INVALID_ARGUMENT },
    { "2026-01-07", "09:00", 30, "group-therapy", ATTENDED, EXISTS },
    { "2026-01-07", "23:30", 60, "group-therapy", ATTENDED, INVALID_ARGUMENT },
    { "2026-01-08", "09:00", 0, "group-therapy", ATTENDED, INVALID_ARGUMENT },
    { "2026-01-08", "09:00", -5, "group-therapy", ATTENDED, INVALID_ARGUMENT },
    { "2026-01-08", nil, 1441, "group-therapy", ATTENDED, INVALID_ARGUMENT },
    { "2026-01-08", "09:00", 60, "yoga", ATTENDED, INVALID_ARGUMENT },
    { "2026-02-30", "09:00", 60, "group-therapy", ATTENDED, INVALID_ARGUMENT },
    { "2026-01-08", "09:00Z", 60, "group-therapy", ATTENDED, INVALID_ARGUMENT },
    { "2026-01-08", "09:00+01:00", 60, "group-therapy", ATTENDED, INVALID_ARGUMENT },
    { "2026-01-04", "09:00", 60, "group-therapy", ATTENDED, INVALID_ARGUMENT },
    { "2026-01-08", "09:00", 60, "group-therapy", 4, INVALID_ARGUMENT },
  }
  for i, r in ipairs(rows) do
    local e = episode()
    e:add_attendance("2026-01-07", "09:00", 180, "group-therapy", ATTENDED)
    local before = e:to_json()
    if r[6] == nil then
      e:add_attendance(r[1], r[2], r[3], r[4], r[5])
      t.eq(e:get_n_attendance(), 2, "row " .. i)
    else
      local err = t.raises(r[6], e.add_attendance, e, r[1], r[2], r[3], r[4], r[5])
      t.eq(err.path, nil, "no path, row " .. i)
      t.eq(e:to_json(), before, "unchanged, row " .. i)
    end
  end
  t.truthy(not pcall(episode().add_attendance, episode(), "2026-01-07", "09:00", 60, nil, ATTENDED), "nil kind")
  t.truthy(not pcall(episode().add_attendance, episode(), "2026-01-07", "09:00", 60.5, "group-therapy", ATTENDED),
           "fractional minutes")
end)

t.test("attendance is kept by date and start", function()
  local e = episode()
  for _, r in ipairs({ { "2026-02-01", nil }, { "2026-01-07", "18:30" }, { "2026-01-05", nil },
                       { "2026-01-05", "13:00" }, { "2026-01-05", "09:00" } }) do
    e:add_attendance(r[1], r[2], 30, "group-therapy", ATTENDED)
  end
  local got = {}
  for i = 0, e:get_n_attendance() - 1 do
    got[#got + 1] = e:get_attendance_date(i) .. " " .. (e:get_attendance_start(i) or "untimed")
  end
  t.eq(table.concat(got, ","), "2026-01-05 09:00,2026-01-05 13:00,2026-01-05 untimed,2026-01-07 18:30,2026-02-01 untimed",
       "order")
  t.eq(e:get_attendance_date(5), nil, "out of range")
end)

-- Summary ---------------------------------------------------------------------------------------

t.test("ISO weeks across year boundaries", function()
  for _, r in ipairs({ { "2026-12-28", "2027-01-06" }, { "2027-01-01", "2027-01-04" }, { "2025-12-29", "2026-01-04" },
                       { "2020-12-31", "2021-01-11" }, { "2015-12-28", "2016-01-11" } }) do
    local s = episode(r[1]):summarize_attendance(r[2])
    local want, seen = {}, {}
    for n = 0, days_between(r[1], r[2]) do
      local w = iso_week(add_days(r[1], n))
      if not seen[w] then want[#want + 1] = w; seen[w] = true end
    end
    local got = {}
    for i = 0, s:get_n_weeks() - 1 do got[#got + 1] = s:get_week(i) end
    t.eq(table.concat(got, ","), table.concat(want, ","), r[1])
  end
  t.eq(iso_week("2026-12-28") .. "," .. iso_week("2027-01-06"), "2026-W53,2027-W01", "the C library agrees")
end)

t.test("planned against attended hours per week", function()
  local plan = week(180)
  plan:add_session(WED, "13:00", 60, "individual-counseling")
  local e = episode("2026-01-07")
  e:set_schedule(plan)
  local entries = {
    { "2026-01-07", "09:00", 180, ATTENDED }, { "2026-01-07", "13:00", 60, ATTENDED },
    { "2026-01-09", "09:00", 180, MISSED }, { "2026-01-12", "09:00", 180, EXCUSED },
    { "2026-01-14", "09:00", 180, ATTENDED }, { "2026-01-14", "13:00", 60, MISSED },
    { "2026-01-16", "09:00", 180, ATTENDED }, { "2026-01-19", "09:00", 150, ATTENDED },
    { "2026-01-21", "09:00", 180, ATTENDED },
  }
  for _, r in ipairs(entries) do e:add_attendance(r[1], r[2], r[3], "group-therapy", r[4]) end
  local s = e:summarize_attendance("2026-01-20")
  -- Expected figures computed here from the plan and the entries.
  local minutes_on = { [1] = 180, [3] = 240, [5] = 180 }
  local weeks, planned, attended, counts = {}, {}, {}, {}
  for n = 0, days_between("2026-01-07", "2026-01-20") do
    local d = add_days("2026-01-07", n)
    local w = iso_week(d)
    if not planned[w] then
      weeks[#weeks + 1] = w
      planned[w], attended[w], counts[w] = 0, 0, { [ATTENDED] = 0, [MISSED] = 0, [EXCUSED] = 0 }
    end
    planned[w] = planned[w] + (minutes_on[tonumber(os.date("%u", time_of(d)))] or 0)
  end
  local n_att, n_miss = 0, 0
  for _, r in ipairs(entries) do
    if r[1] <= "2026-01-20" then
      local w = iso_week(r[1])
      counts[w][r[4]] = counts[w][r[4]] + 1
      if r[4] == ATTENDED then attended[w] = attended[w] + r[3]; n_att = n_att + 1 end
      if r[4] == MISSED then n_miss = n_miss + 1 end
    end
  end
  t.eq(s:get_n_weeks(), #weeks, "weeks")
  for i, w in ipairs(weeks) do
    t.eq(s:get_week(i - 1), w, "week")
    near(s:get_planned_hours(i - 1), planned[w] / 60, "planned " .. w)
    near(s:get_attended_hours(i - 1), attended[w] / 60, "attended " .. w)
    for _, st in ipairs({ ATTENDED, MISSED, EXCUSED }) do
      t.eq(s:get_sessions(i - 1, st), counts[w][st], w .. " status " .. st)
    end
  end
  near(s:get_rate(), n_att / (n_att + n_miss), "rate")
  near(s:get_sessions_per_week(), n_att / #weeks, "sessions per week")
  t.eq(flags(s), "dropout-risk@2026-01-20", "flags")
  t.truthy(contains(s:to_json(), '"as_of":"2026-01-20"'), "JSON")
  s = e:summarize_attendance()
  t.eq(s:get_rate(), 0.75, "6 of 8")
  t.eq(s:get_n_flags(), 0, "exactly 0.75 is no risk")
  t.raises(INVALID_ARGUMENT, e.summarize_attendance, e, "2026-01-06")
  t.raises(INVALID_ARGUMENT, e.summarize_attendance, e, "2026-02-30")
end)

t.test("outreach and dropout-risk edges", function()
  for _, r in ipairs({ { "AAAM", 1, "" }, { "AAM", 1, "dropout-risk@2026-01-07" },
                       { "AAAAAAMM", 2, "outreach@2026-01-12" }, { "AAAAAAMEM", 2, "outreach@2026-01-13" },
                       { "AAAAAAMAM", 1, "" }, { "EEEE", 0, "" },
                       { "MEEEEM", 2, "outreach@2026-01-10,dropout-risk@2026-01-10" } }) do
    local s = with_sessions(r[1]):summarize_attendance()
    t.eq(s:get_current_misses(), r[2], r[1] .. " run")
    t.eq(flags(s), r[3], r[1] .. " flags")
  end
  local program = iop.Program.from_json(program_pack(3, "0.8"))
  t.eq(flags(with_sessions("AAAAM", program):summarize_attendance()), "", "0.8 exactly")
  t.eq(flags(with_sessions("AAAM", program):summarize_attendance()), "dropout-risk@2026-01-08", "0.75 < 0.8")
  t.eq(flags(with_sessions("AAAAAAAAAAAAMMM", program):summarize_attendance()), "outreach@2026-01-19",
       "three misses")
end)

-- The check -------------------------------------------------------------------------------------

t.test("check report", function()
  local e = episode()
  e:set_schedule(week(180))
  t.eq(ids(e:check("2026-01-05")), "weekly-hours-band,service-day-minimum", "schedule rules only")
  for _, r in ipairs({ { "2026-01-05", ATTENDED }, { "2026-01-07", ATTENDED }, { "2026-01-09", MISSED },
                       { "2026-01-12", MISSED } }) do
    e:add_attendance(r[1], "09:00", 180, "group-therapy", r[2])
  end
  e:set_medicare_certified("2026-01-05")
  local rep = e:check("2026-01-12")
  t.eq(ids(rep), "weekly-hours-band,service-day-minimum,medicare-certification,attendance-rate,consecutive-misses,"
       .. "medicare-recertification", "rules")
  t.eq(rep:is_compliant(), false, "compliant")
  local i = find(rep, "attendance-rate")
  t.eq(rep:get_passed(i), false, "rate passed")
  near(rep:get_measured(i), 0.5, "rate")
  t.eq(rep:get_required(i), ">= 0.75", "rate required")
  i = find(rep, "consecutive-misses")
  t.eq(rep:get_passed(i), false, "misses passed")
  t.eq(rep:get_required(i), "< 2 consecutive misses", "misses required")
  i = find(rep, "medicare-recertification")
  t.eq(rep:get_date(i), "2026-03-05", "due")
  near(rep:get_measured(i), days_between("2026-01-12", "2026-03-05"), "days left")
  t.truthy(contains(rep:to_json(), '"compliant":false'), "JSON")
  t.raises(INVALID_ARGUMENT, e.check, e, "2026-02-30")
  t.raises(INVALID_ARGUMENT, e.check, e, "2026-01-04")
end)

t.test("Medicare recertification on month ends", function()
  for _, r in ipairs({ { "2025-12-01", "2025-12-31", "2026-02-28" }, { "2027-12-01", "2027-12-31", "2028-02-29" },
                       { "2026-06-01", "2026-08-31", "2026-10-31" } }) do
    local e = episode(r[1])
    e:set_schedule(week(180))
    e:set_medicare_certified(r[2])
    t.eq(e:get_recertification_due(), r[3], r[2])
    local rep = e:check(r[3])
    local i = find(rep, "medicare-recertification")
    t.eq(rep:get_passed(i), true, "on the due date")
    t.eq(rep:get_measured(i), 0.0, "no day left")
    rep = e:check(add_days(r[3], 1))
    t.eq(rep:get_passed(find(rep, "medicare-recertification")), false, "the day after")
  end
  t.raises(NOT_FOUND, episode().get_recertification_due, episode())
end)

t.test("taper weeks", function()
  local e = episode()
  local seven = iop.Schedule()
  seven:add_session(MON, "09:00", 210, "group-therapy")
  seven:add_session(THU, "09:00", 210, "group-therapy")
  e:set_schedule(seven)
  e:set_rule_sets("asam")
  e:set_taper_start("2026-03-02")
  for _, r in ipairs({ { "2026-03-02", "taper" }, { "2026-03-08", "taper" }, { "2026-03-09", "taper" },
                       { "2026-03-15", "taper" }, { "2026-03-16", "fail" }, { "2026-03-01", "fail" } }) do
    local rep = e:check(r[1])
    t.eq(rep:get_status(find(rep, "weekly-hours-band")), r[2], r[1])
    t.eq(rep:get_recommendation(), r[2] == "fail" and "step-down" or nil, r[1] .. " recommendation")
  end
end)

t.test("the age group on the check date", function()
  local e = episode()
  e:set_birth_date("2008-03-15")
  t.eq(e:get_age_group("2026-03-14"), ADOLESCENT, "17")
  t.eq(e:get_age_group("2026-03-15"), ADULT, "18")
  e:set_schedule(week(120))
  e:set_rule_sets("asam")
  local rep = e:check("2026-03-14")
  t.eq(rep:get_required(0), "6-19 hours/week", "adolescent band")
  t.eq(rep:is_compliant(), true, "6 h at 17")
  rep = e:check("2026-03-15")
  t.eq(rep:get_required(0), "9-19 hours/week", "adult band")
  t.eq(rep:is_compliant(), false, "6 h at 18")
  t.raises(INVALID_ARGUMENT, e.set_birth_date, e, "2026-01-06")
end)

t.test("rule-set selection and free-text limits", function()
  local e = episode()
  e:set_schedule(week(180))
  e:set_rule_sets("asam,h0015")
  t.eq(ids(e:check("2026-01-05")), "weekly-hours-band,h0015-hours-per-day,h0015-days-per-week", "selection")
  e:set_rule_sets("asam,hedis")
  t.raises(NOT_FOUND, e.check, e, "2026-01-05")
  t.raises(iop.IOP_ERROR_INVALID_ARGUMENT, e.set_rule_sets, e, "")
  t.raises(iop.IOP_ERROR_INVALID_ARGUMENT, e.set_payer, e, "")
  t.raises(iop.IOP_ERROR_INVALID_ARGUMENT, e.set_payer, e, string.rep("p", 129))
  t.raises(iop.IOP_ERROR_INVALID_ARGUMENT, e.set_payer, e, "\xff\xfe")
  e:set_payer(string.rep("p", 128))
  t.eq(e:get_rule_sets(), "asam,hedis", "unchanged")
  t.eq(e:copy():to_json(), e:to_json(), "copies")
  e:set_rule_sets(nil)
  e:set_payer(nil)
  t.eq(e:get_rule_sets(), nil, "cleared")
  t.eq(e:get_payer(), nil, "cleared")
end)

-- JSON ------------------------------------------------------------------------------------------

t.test("byte-identical round trips", function()
  local full = episode()
  full:set_schedule(week(180))
  full:set_birth_date("1990-02-28")
  full:set_payer('payer "A" \\ ü')
  full:add_diagnosis("F10.20")
  full:change_level(ASAM3, "2.5", "2026-01-12", 'Line 1\nLine 2\t"quoted" ✓ 𝄞')
  full:set_stage_of_change(SOC.relapse, "2026-01-19")
  full:add_goal("g1", "assessment", 'Goal with "quotes"', "2026-01-10")
  full:set_goal_status("g1", "waived")
  full:change_stage("education", "2026-01-12", "x")
  full:add_attendance("2026-01-05", nil, 45, "drug-testing", EXCUSED)
  full:add_attendance("2026-01-05", "09:00", 180, "group-therapy", ATTENDED)
  full:set_medicare_certified("2026-01-06")
  full:set_taper_start("2026-02-02")
  full:set_rule_sets("asam,medicare")
  local program = iop.Program.from_json(program_pack())
  for _, c in ipairs({ { episode(), nil }, { full, nil }, { episode("2026-12-28", program), program } }) do
    local text = c[1]:to_json()
    t.eq(iop.Episode.from_json(text, nil, c[2]):to_json(), text, "read back")
    t.eq(c[1]:copy():to_json(), text, "copy")
    local head = '{"format":"libiop-episode","format_version":1,'
    t.eq(text:sub(1, #head), head, "starts with the format")
  end
  t.truthy(contains(full:to_json(), '"reason":"Line 1\\nLine 2\\t\\"quoted\\" ✓ 𝄞"'), "escaped reason")
  local base = iop.Episode.from_file(DATA .. "/episode/valid/base.json"):to_json()
  t.eq(iop.Episode.from_json(base):to_json(), base, "the corpus base")
end)

t.test("malformed documents: codes and paths, no patient data", function()
  local base = iop.Episode.from_file(DATA .. "/episode/valid/base.json"):to_json()
  local cases = {
    { replace(base, '"format_version":1', '"format_version":1,"patient_name":"Jordan"'), PARSE, "$.patient_name" },
    { replace(base, '"format_version":1', '"format_version":2'), INVALID_DATA, "$.format_version" },
    { replace(base, '"admission_date":"2026-02-02"', '"admission_date":"2026-02-30"'), INVALID_DATA,
      "$.admission_date" },
    { replace(base, '"id":"PSEUDO-7781"', '"id":7781'), PARSE, "$.client.id" },
    { replace(base, '"birth_date":"1979-04-23"', '"birth_date":"2026-03-01"'), INVALID_DATA, "$.client.birth_date" },
    { replace(base, '"F33.1"', '"F33."'), INVALID_DATA, "$.diagnoses[1]" },
    { replace(base, '"F33.1"', '"F11.20"'), INVALID_DATA, "$.diagnoses[1]" },
    { replace(base, '"date":"2026-02-02","edition"', '"date":"2026-02-03","edition"'), INVALID_DATA,
      "$.level_history[0].date" },
    { replace(base, '"date":"2026-02-23"', '"date":"2026-02-01"'), INVALID_DATA, "$.level_history[1].date" },
    { replace(base, '"code":"2.1"', '"code":"2.2"'), INVALID_DATA, "$.level_history[1].code" },
    { replace(base, '"stage":"action"', '"stage":"termination"'), INVALID_DATA, "$.stage_of_change_history[1].stage" },
    { replace(base, '"stage":"education","reason"', '"stage":"detox","reason"'), INVALID_DATA,
      "$.stage_history[1].stage" },
    { replace(base, '"libiop-default-program"', '"another-program"'), INVALID_DATA, "$.program" },
    { replace(base, '"id":"g-edu"', '"id":"g-assess"'), INVALID_DATA, "$.goals[1].id" },
    { replace(base, '"target_date":"2026-02-09"', '"target_date":"2026-13-01"'), INVALID_DATA,
      "$.goals[0].target_date" },
    { replace(base, '"date":"2026-02-06","start":"09:00"', '"date":"2026-02-04","start":"12:30"'), INVALID_DATA,
      "$.attendance[3]" },
    { replace(base, '"minutes":180,"kind":"group-therapy","status":"attended"},{"date":"2026-02-04"',
              '"minutes":180.5,"kind":"group-therapy","status":"attended"},{"date":"2026-02-04"'), PARSE,
      "$.attendance[0].minutes" },
    { replace(base, '"start":"13:00","minutes":50,"kind":"individual-counseling","status"',
              '"start":"13:00Z","minutes":50,"kind":"individual-counseling","status"'), INVALID_DATA, "$.attendance[2]" },
    { replace(base, '"taper_start":null', '"taper_start":"2026-02-30"'), INVALID_DATA, "$.taper_start" },
  }
  local secrets = { "PSEUDO-7781", "acme-behavioral-payer", "Maple Street", "Jordan's sponsor", "Friday paycheck",
                    "naloxone" }
  for _, c in ipairs(cases) do
    local err = t.raises(c[2], iop.Episode.from_json, c[1])
    t.eq(err.path, c[3], "path (" .. err.message .. ")")
    t.truthy(err.message:sub(1, #c[3] + 2) == c[3] .. ": ", "message starts with the path: " .. err.message)
    t.truthy(not contains(err.message, "(null)"), "a real message: " .. err.message)
    t.truthy(not has_date(err.message), "no date: " .. err.message)
    for _, s in ipairs(secrets) do t.truthy(not contains(err.message, s), "quotes " .. s) end
    t.eq(tostring(err):sub(1, 4), "iop.", "tostring")
  end
  local err = t.raises(PARSE, iop.Episode.from_json, "{")
  t.eq(err.path, nil, "syntax errors have no path")
  t.raises(IO, iop.Episode.from_file, DATA .. "/episode/no-such-episode.json")
  t.truthy(not pcall(iop.Episode.from_json, nil), "nil refused")
end)

-- Ownership -------------------------------------------------------------------------------------

t.test("an episode outlives its packs; copies are independent", function()
  local continuum = iop.Continuum()
  local program = iop.Program.from_json(program_pack())
  local e = iop.Episode("A1", ASAM3, "2.1", "2026-01-05", continuum, program)
  local level = e:get_level()
  continuum, program = nil, nil
  collectgarbage()
  collectgarbage()
  t.eq(e:get_stage(), "early-recovery", "stage")
  local c = e:copy()
  e = nil
  collectgarbage()
  collectgarbage()
  t.eq(level:get_code(), "2.1", "level")
  c:add_diagnosis("F10.20")
  t.eq(c:get_n_diagnoses(), 1, "copy changed")
  local summary = c:summarize_attendance()
  c = nil
  collectgarbage()
  t.eq(summary:get_n_weeks(), 1, "summary")
  local plan = week(180)
  local d = episode()
  d:set_schedule(plan)
  plan:add_session(TUE, nil, 60, "life-skills")
  t.eq(d:get_schedule():get_n_sessions(), 3, "schedule copied in")
  t.truthy(not pcall(d.set_schedule, d, nil), "nil schedule")
end)

t.test("an episode gives its program", function()
  local e = iop.Episode("C-1", iop.IOP_EDITION_ASAM3, "2.1", "2026-01-05")
  local p = e:get_program()
  t.eq(p:get_id(), iop.Program():get_id(), "same pack")
  e = nil
  collectgarbage()
  t.eq(p:get_stage_id(0), "assessment", "outlives the episode")
end)

t.run()
