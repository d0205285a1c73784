"""Example: an episode of care, its attendance and its weekly check, from Python."""
import iop

episode = iop.Episode("C-0042", iop.IOP_EDITION_ASAM3, "2.1", "2026-01-05")
week = iop.Schedule()
for day in (iop.IOP_MONDAY, iop.IOP_WEDNESDAY, iop.IOP_FRIDAY):
    week.add_session(day, "09:00", 180, "group-therapy")
episode.set_schedule(week)
episode.add_diagnosis("F10.20")
episode.add_diagnosis("F32.1")
print("co-occurring:", episode.is_co_occurring())

# Leaving a stage needs its exit criteria: here, the stage's goals achieved or waived.
try:
    episode.change_stage("education", "2026-01-12", "Goals set")
except iop.InvalidArgumentError as error:
    print("refused:", error)
episode.add_goal("g1", "assessment", "Name three triggers and a coping plan for each", "2026-01-12")
episode.set_goal_status("g1", "achieved")
episode.change_stage("education", "2026-01-12", "Goals set")
print("stage:", episode.get_stage())

for date, status in (("2026-01-05", iop.IOP_ATTENDANCE_ATTENDED), ("2026-01-07", iop.IOP_ATTENDANCE_MISSED),
                     ("2026-01-09", iop.IOP_ATTENDANCE_MISSED), ("2026-01-12", iop.IOP_ATTENDANCE_ATTENDED)):
    episode.add_attendance(date, "09:00", 180, "group-therapy", status)
summary = episode.summarize_attendance("2026-01-12")
for i in range(summary.get_n_weeks()):
    print("%s planned %.1f h, attended %.1f h" % (summary.get_week(i), summary.get_planned_hours(i),
                                                 summary.get_attended_hours(i)))
print("flags:", [(summary.get_flag(i), summary.get_flag_date(i)) for i in range(summary.get_n_flags())])

report = episode.check("2026-01-12")
for r in report.results():
    print("%-22s %-5s measured %g, required %s" % (r["id"], r["status"], r["measured"], r["required"]))

text = episode.to_json()
assert iop.Episode.from_json(text).to_json() == text  # the document reads back byte for byte
