/*
 * Example: an episode of care from admission to a weekly check.
 *
 *   episode [EPISODE.json [YYYY-MM-DD]]
 *
 * Without arguments, opens an episode at ASAM 3rd edition Level 2.1, records diagnoses, the stage
 * of change, a weekly schedule, a goal and a stage move, two weeks of attendance and the Medicare
 * certification, then prints the attendance summary and the check. With a file, reads the
 * episode (libiop-episode format) and checks it on the date given (default: its admission date).
 * Frees everything it creates.
 */
#include <libiop/iop.h>
#include <stdio.h>
#include <string.h>

/* Prints the error and frees it; returns 1 for main(). */
static int
report_error (const char *what, iop_error *error)
{
  fprintf (stderr, "%s: %s", what, iop_error_get_message (error));
  if (iop_error_get_path (error) != NULL)
    fprintf (stderr, " (at %s)", iop_error_get_path (error));
  fprintf (stderr, "\n");
  iop_error_free (error);
  return 1;
}

/* Opens and fills the sample episode; NULL (with *error) when a step is refused. */
static iop_episode *
sample_episode (iop_error **error)
{
  static const char *const dates[] = { "2026-01-05", "2026-01-07", "2026-01-09", "2026-01-12", "2026-01-14",
                                       "2026-01-16" };
  static const iop_attendance_status statuses[] = { IOP_ATTENDANCE_ATTENDED, IOP_ATTENDANCE_ATTENDED,
                                                    IOP_ATTENDANCE_MISSED, IOP_ATTENDANCE_EXCUSED,
                                                    IOP_ATTENDANCE_ATTENDED, IOP_ATTENDANCE_ATTENDED };
  iop_episode *episode = iop_episode_new (NULL, NULL, "C-0042", IOP_EDITION_ASAM3, "2.1", "2026-01-05", error);
  iop_schedule *week = iop_schedule_new ();
  bool ok = episode != NULL;

  /* Three 3-hour groups a week: 9 hours, the bottom of the 2.1 adult band. */
  ok = ok && iop_schedule_add_session (week, IOP_MONDAY, "09:00", 180, "group-therapy", error) &&
       iop_schedule_add_session (week, IOP_WEDNESDAY, "09:00", 180, "group-therapy", error) &&
       iop_schedule_add_session (week, IOP_FRIDAY, "09:00", 180, "group-therapy", error);
  if (ok)
    iop_episode_set_schedule (episode, week);
  iop_schedule_free (week);
  ok = ok && iop_episode_add_diagnosis (episode, "F10.20", error) && iop_episode_add_diagnosis (episode, "F32.1", error) &&
       iop_episode_set_stage_of_change (episode, IOP_STAGE_OF_CHANGE_PREPARATION, "2026-01-05", error) &&
       iop_episode_set_medicare_certified (episode, "2026-01-05", error) &&
       iop_episode_add_goal (episode, "g1", "assessment", "Name three triggers and a coping plan for each",
                             "2026-01-12", error) &&
       iop_episode_set_goal_status (episode, "g1", "achieved", error) &&
       iop_episode_change_stage (episode, "education", "2026-01-12", "Goals set with the client", error);
  for (size_t i = 0; ok && i < sizeof dates / sizeof dates[0]; i++)
    ok = iop_episode_add_attendance (episode, dates[i], "09:00", 180, "group-therapy", statuses[i], error);
  if (!ok)
    {
      iop_episode_free (episode);
      return NULL;
    }
  return episode;
}

int
main (int argc, char **argv)
{
  iop_error *error = NULL;
  iop_episode *episode;
  iop_attendance_summary *summary;
  iop_compliance_report *report;
  const char *as_of;
  char *json;

  episode = argc > 1 ? iop_episode_new_from_file (NULL, NULL, argv[1], &error) : sample_episode (&error);
  if (episode == NULL)
    return report_error (argc > 1 ? argv[1] : "sample episode", error);
  as_of = argc > 2 ? argv[2] : argc > 1 ? iop_episode_get_admission_date (episode) : "2026-01-16";

  printf ("Client %s, Level %s since %s, stage %s, %s%s\n", iop_episode_get_client_id (episode),
          iop_level_get_code (iop_episode_get_level (episode)), iop_episode_get_admission_date (episode),
          iop_episode_get_stage (episode), iop_episode_has_substance_diagnosis (episode) ? "substance use" : "",
          iop_episode_is_co_occurring (episode) ? " with a co-occurring mental-health diagnosis" : "");

  summary = iop_episode_summarize_attendance (episode, as_of, &error);
  if (summary == NULL)
    {
      iop_episode_free (episode);
      return report_error ("attendance", error);
    }
  printf ("Attendance to %s: rate %.2f, %.2f sessions a week\n", as_of, iop_attendance_summary_get_rate (summary),
          iop_attendance_summary_get_sessions_per_week (summary));
  for (size_t i = 0; i < iop_attendance_summary_get_n_weeks (summary); i++)
    printf ("  %s  planned %4.1f h, attended %4.1f h\n", iop_attendance_summary_get_week (summary, i),
            iop_attendance_summary_get_planned_hours (summary, i),
            iop_attendance_summary_get_attended_hours (summary, i));
  for (size_t i = 0; i < iop_attendance_summary_get_n_flags (summary); i++)
    printf ("  flag: %s on %s\n", iop_attendance_summary_get_flag (summary, i),
            iop_attendance_summary_get_flag_date (summary, i));
  iop_attendance_summary_free (summary);

  report = iop_episode_check (episode, NULL, as_of, &error);
  if (report == NULL)
    {
      iop_episode_free (episode);
      return report_error ("check", error);
    }
  printf ("Check on %s: %s\n", as_of, iop_compliance_report_is_compliant (report) ? "compliant" : "not compliant");
  for (size_t i = 0; i < iop_compliance_report_get_n_results (report); i++)
    printf ("  %-26s %-5s measured %g, required %s\n", iop_compliance_report_get_rule (report, i),
            iop_compliance_report_get_status (report, i), iop_compliance_report_get_measured (report, i),
            iop_compliance_report_get_required (report, i));
  iop_compliance_report_free (report);

  /* The record as a document: reading it back gives the same bytes. */
  json = iop_episode_to_json (episode);
  printf ("Document: %zu bytes of JSON\n", strlen (json));
  iop_free (json);
  iop_episode_free (episode);
  return 0;
}
