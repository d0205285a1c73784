-- Example: an episode of care, its attendance and its weekly check, from Lua.
local iop = require "iop"

local episode = iop.Episode("C-0042", iop.IOP_EDITION_ASAM3, "2.1", "2026-01-05")
local week = iop.Schedule()
for _, day in ipairs({ iop.IOP_MONDAY, iop.IOP_WEDNESDAY, iop.IOP_FRIDAY }) do
  week:add_session(day, "09:00", 180, "group-therapy")
end
episode:set_schedule(week)
episode:add_diagnosis("F10.20")
episode:add_diagnosis("F32.1")
print("co-occurring: " .. tostring(episode:is_co_occurring()))

-- Leaving a stage needs its exit criteria: here, the stage's goals achieved or waived.
local ok, err = pcall(episode.change_stage, episode, "education", "2026-01-12", "Goals set")
assert(not ok and err.name == "InvalidArgumentError")
print("refused: " .. err.message)
episode:add_goal("g1", "assessment", "Name three triggers and a coping plan for each", "2026-01-12")
episode:set_goal_status("g1", "achieved")
episode:change_stage("education", "2026-01-12", "Goals set")
print("stage: " .. episode:get_stage())

for _, a in ipairs({ { "2026-01-05", iop.IOP_ATTENDANCE_ATTENDED }, { "2026-01-07", iop.IOP_ATTENDANCE_MISSED },
                     { "2026-01-09", iop.IOP_ATTENDANCE_MISSED }, { "2026-01-12", iop.IOP_ATTENDANCE_ATTENDED } }) do
  episode:add_attendance(a[1], "09:00", 180, "group-therapy", a[2])
end
local summary = episode:summarize_attendance("2026-01-12")
for i = 0, summary:get_n_weeks() - 1 do
  print(string.format("%s planned %.1f h, attended %.1f h", summary:get_week(i), summary:get_planned_hours(i),
                      summary:get_attended_hours(i)))
end
for i = 0, summary:get_n_flags() - 1 do
  print("flag: " .. summary:get_flag(i) .. " on " .. summary:get_flag_date(i))
end

local report = episode:check("2026-01-12")
for i = 0, report:get_n_results() - 1 do
  print(string.format("%-22s %-5s measured %g, required %s", report:get_rule(i), report:get_status(i),
                      report:get_measured(i), report:get_required(i)))
end

local text = episode:to_json()
assert(iop.Episode.from_json(text):to_json() == text) -- the document reads back byte for byte
