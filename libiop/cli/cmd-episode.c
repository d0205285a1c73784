/*
 * libiop — the iop command-line tool
 * SPDX-License-Identifier: MIT
 *
 * Episodes of care: iop check, iop attendance.
 */
#include "iop-cli.h"

#include <stdio.h>
#include <string.h>

/* Today's local date as "YYYY-MM-DD". */
static char *
today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  return g_date_time_format (now, "%Y-%m-%d");
}

/* Whether @text is a calendar date written YYYY-MM-DD (the form libiop reads). */
static gboolean
is_calendar_date (const char *text)
{
  unsigned y, m, d;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  if (sscanf (text, "%4u-%2u-%2u", &y, &m, &d) != 3 || y < 1 || m < 1 || m > 12 || d < 1)
    return FALSE;
  return g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

/* Loads the packs an episode needs and reads it; on failure reports it and returns NULL. */
static iop_episode *
load_episode (const char *command, const char *path, const char *continuum_path, const char *program_path,
              int *status)
{
  g_autoptr(iop_continuum) continuum = NULL;
  g_autoptr(iop_program) program = NULL;
  iop_error *error = NULL;
  g_autofree char *contents = iop_cli_read_file (command, path, status);
  iop_episode *episode;

  if (contents == NULL)
    return NULL;
  continuum = iop_cli_load_continuum (continuum_path, &error);
  if (continuum == NULL)
    {
      *status = iop_cli_fail (command, error);
      return NULL;
    }
  program = program_path != NULL ? iop_program_new_from_file (program_path, &error) : iop_program_new_default ();
  if (program == NULL)
    {
      *status = iop_cli_fail (command, error);
      return NULL;
    }
  episode = iop_episode_new_from_json (continuum, program, contents, &error);
  if (episode == NULL)
    *status = iop_cli_fail (command, error);
  return episode;
}

int
iop_cmd_check (int argc, char **argv)
{
  g_autofree char *as_of = NULL, *rules_path = NULL, *continuum_path = NULL, *program_path = NULL;
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  iop_error *error = NULL;
  g_autoptr(iop_episode) episode = NULL;
  g_autoptr(iop_compliance_rules) rules = NULL;
  g_autoptr(iop_compliance_report) report = NULL;
  g_autoptr(iop_continuum) continuum = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, "Check as of this date (default: today)", "YYYY-MM-DD" },
    { "rules", 0, 0, G_OPTION_ARG_FILENAME, &rules_path, "Use this compliance pack", "FILE" },
    { "pack", 0, 0, G_OPTION_ARG_FILENAME, &continuum_path, "Use this continuum pack", "FILE" },
    { "program", 0, 0, G_OPTION_ARG_FILENAME, &program_path, "Use this program pack", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("check", "EPISODE.json",
                      "Check an episode of care (a libiop-episode document): the planned schedule against its "
                      "level's intensity rules, attendance and engagement, and Medicare IOP recertification. "
                      "Exit status 1 when a rule fails.", entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return iop_cli_usage_error ("check", argc < 2 ? "missing EPISODE.json" : "unexpected argument '%s'",
                                argc < 2 ? "" : argv[2]);
  if (as_of != NULL && !is_calendar_date (as_of))
    return iop_cli_usage_error ("check", "--as-of must be a calendar date YYYY-MM-DD");
  episode = load_episode ("check", argv[1], continuum_path, program_path, &status);
  if (episode == NULL)
    return status;
  if (rules_path != NULL)
    {
      continuum = iop_continuum_ref (iop_level_get_continuum (iop_episode_get_level (episode)));
      rules = iop_compliance_rules_new_from_file (continuum, rules_path, &error);
      if (rules == NULL)
        return iop_cli_fail ("check", error);
    }
  if (as_of == NULL)
    as_of = today ();
  report = iop_episode_check (episode, rules, as_of, &error);
  if (report == NULL)
    return iop_cli_fail ("check", error);
  return iop_cli_emit_report (report, json);
}

int
iop_cmd_attendance (int argc, char **argv)
{
  g_autofree char *as_of = NULL, *continuum_path = NULL, *program_path = NULL;
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  iop_error *error = NULL;
  g_autoptr(iop_episode) episode = NULL;
  g_autoptr(iop_attendance_summary) summary = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, "Summarize up to this date (default: the last session)", "YYYY-MM-DD" },
    { "pack", 0, 0, G_OPTION_ARG_FILENAME, &continuum_path, "Use this continuum pack", "FILE" },
    { "program", 0, 0, G_OPTION_ARG_FILENAME, &program_path, "Use this program pack", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("attendance", "EPISODE.json",
                      "Summarize an episode's attendance per ISO week (planned against attended hours, sessions), "
                      "with the attendance rate and the outreach and dropout-risk flags. Exit status 0 unless "
                      "the input is bad.", entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return iop_cli_usage_error ("attendance", argc < 2 ? "missing EPISODE.json" : "unexpected argument '%s'",
                                argc < 2 ? "" : argv[2]);
  if (as_of != NULL && !is_calendar_date (as_of))
    return iop_cli_usage_error ("attendance", "--as-of must be a calendar date YYYY-MM-DD");
  episode = load_episode ("attendance", argv[1], continuum_path, program_path, &status);
  if (episode == NULL)
    return status;
  summary = iop_episode_summarize_attendance (episode, as_of, &error);
  if (summary == NULL)
    return iop_cli_fail ("attendance", error);
  if (json)
    {
      g_autofree char *text = iop_attendance_summary_to_json (summary);
      printf ("%s\n", text);
      return IOP_EXIT_OK;
    }
  printf ("Attendance rate %.0f%%, %.2f attended sessions per week, %d consecutive misses now\n",
          iop_attendance_summary_get_rate (summary) * 100, iop_attendance_summary_get_sessions_per_week (summary),
          iop_attendance_summary_get_current_misses (summary));
  for (size_t i = 0; i < iop_attendance_summary_get_n_weeks (summary); i++)
    printf ("  %s  planned %5.2f h  attended %5.2f h  sessions: %d attended, %d missed, %d excused\n",
            iop_attendance_summary_get_week (summary, i), iop_attendance_summary_get_planned_hours (summary, i),
            iop_attendance_summary_get_attended_hours (summary, i),
            iop_attendance_summary_get_sessions (summary, i, IOP_ATTENDANCE_ATTENDED),
            iop_attendance_summary_get_sessions (summary, i, IOP_ATTENDANCE_MISSED),
            iop_attendance_summary_get_sessions (summary, i, IOP_ATTENDANCE_EXCUSED));
  for (size_t i = 0; i < iop_attendance_summary_get_n_flags (summary); i++)
    printf ("Flag: %s on %s\n", iop_attendance_summary_get_flag (summary, i),
            iop_attendance_summary_get_flag_date (summary, i));
  return IOP_EXIT_OK;
}
