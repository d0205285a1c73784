/*
 * libiop — the iop command-line tool
 * SPDX-License-Identifier: MIT
 *
 * Intensity compliance: iop intensity, iop claims.
 */
#include "iop-cli.h"

#include <stdio.h>
#include <string.h>

void
iop_cli_print_report (const iop_compliance_report *report)
{
  printf ("%s\n", iop_compliance_report_is_compliant (report) ? "Compliant" : "Not compliant");
  for (size_t i = 0; i < iop_compliance_report_get_n_results (report); i++)
    {
      const char *date = iop_compliance_report_get_date (report, i);
      printf ("  [%-5s] %-22s %s%smeasured %g, required %s\n          %s (%s)\n",
              iop_compliance_report_get_status (report, i), iop_compliance_report_get_rule (report, i),
              date ? date : "", date ? "  " : "",
              iop_compliance_report_get_measured (report, i), iop_compliance_report_get_required (report, i),
              iop_compliance_report_get_text (report, i), iop_compliance_report_get_source (report, i));
    }
  if (iop_compliance_report_get_recommendation (report) != NULL)
    printf ("Recommendation: %s%s%s\n", iop_compliance_report_get_recommendation (report),
            iop_compliance_report_get_recommended_level (report) ? " to Level " : "",
            iop_compliance_report_get_recommended_level (report)
              ? iop_level_get_code (iop_compliance_report_get_recommended_level (report)) : "");
}

int
iop_cli_emit_report (const iop_compliance_report *report, gboolean json)
{
  if (json)
    {
      g_autofree char *text = iop_compliance_report_to_json (report);
      printf ("%s\n", text);
    }
  else
    iop_cli_print_report (report);
  return iop_compliance_report_is_compliant (report) ? IOP_EXIT_OK : IOP_EXIT_FAILURE;
}

/* Parses "mon:180,wed:180" into untimed sessions of kind group-therapy. */
static gboolean
parse_week (const char *text, iop_schedule *schedule, int *status)
{
  g_auto(GStrv) items = g_strsplit (text, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (g_strstrip (items[i]), ":", 2);
      iop_error *error = NULL;
      gint64 minutes = 0;
      iop_weekday day;
      if (parts[0] == NULL || parts[1] == NULL)
        {
          *status = iop_cli_usage_error ("intensity", "--week: entry %u is not DAY:MINUTES", i + 1);
          return FALSE;
        }
      day = iop_weekday_from_string (parts[0], &error);
      if (day == 0 || !g_ascii_string_to_signed (parts[1], 10, G_MININT32, G_MAXINT32, &minutes, NULL))
        {
          *status = iop_cli_usage_error ("intensity", "--week: entry %u is not DAY:MINUTES (%s)", i + 1,
                                         error ? iop_error_get_message (error) : "minutes must be an integer");
          iop_error_free (error);
          return FALSE;
        }
      if (!iop_schedule_add_session (schedule, day, NULL, (int) minutes, "group-therapy", &error))
        {
          *status = iop_cli_usage_error ("intensity", "--week: entry %u: %s", i + 1, iop_error_get_message (error));
          iop_error_free (error);
          return FALSE;
        }
    }
  return TRUE;
}

int
iop_cmd_intensity (int argc, char **argv)
{
  g_autofree char *level_code = NULL, *edition_text = NULL, *age_text = NULL, *week = NULL;
  g_autofree char *schedule_path = NULL, *rules_text = NULL, *pack = NULL, *continuum_path = NULL;
  gboolean json = FALSE;
  int weeks_below = 0, status = IOP_EXIT_OK;
  iop_error *error = NULL;
  iop_edition edition = IOP_EDITION_ASAM3;
  iop_age_group age = IOP_AGE_ADULT;
  g_autoptr(iop_continuum) continuum = NULL;
  g_autoptr(iop_compliance_rules) rules = NULL;
  g_autoptr(iop_schedule) schedule = NULL;
  g_autoptr(iop_compliance_report) report = NULL;
  const iop_level *level;
  const GOptionEntry entries[] = {
    { "level", 'l', 0, G_OPTION_ARG_STRING, &level_code, "Level of care (required), such as 2.1", "CODE" },
    { "edition", 'e', 0, G_OPTION_ARG_STRING, &edition_text, "Edition of the level: 3 (default), 4 or locus", "E" },
    { "age", 0, 0, G_OPTION_ARG_STRING, &age_text, "adult (default) or adolescent", "AGE" },
    { "week", 'w', 0, G_OPTION_ARG_STRING, &week, "Sessions as DAY:MINUTES, comma-separated; a day may repeat (mon:180,wed:180,fri:180)", "SPEC" },
    { "schedule", 0, 0, G_OPTION_ARG_FILENAME, &schedule_path, "A schedule document instead of --week", "FILE" },
    { "weeks-below", 0, 0, G_OPTION_ARG_INT, &weeks_below, "Consecutive weeks below the band while tapering (0: not tapering)", "N" },
    { "rules", 'r', 0, G_OPTION_ARG_STRING, &rules_text, "Rule sets, comma-separated: asam, service-day, h0015, medicare (default: asam,service-day)", "SETS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (compliant, level, edition, age_group, recommendation, recommended_level, rules[{id, rule_set, passed, status, measured, required, date, text, source}])", NULL },
    { "pack", 0, 0, G_OPTION_ARG_FILENAME, &pack, "Use this compliance pack instead of the built-in one", "FILE" },
    { "continuum", 0, 0, G_OPTION_ARG_FILENAME, &continuum_path, "Use this continuum pack for bands and per-day minimums", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("intensity", NULL, "Check a weekly schedule against its level of care: the level's "
                      "hours-per-week band (with the IOP taper rule), minimum hours per service day, H0015's "
                      "3 hours a day and 3 days a week, Medicare's 9 hours a week.\n\n"
                      "Example: iop intensity --level 2.1 --week mon:180,wed:180,fri:180 --rules asam,h0015\n"
                      "Exit status 1 when a rule fails.", entries, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return iop_cli_usage_error ("intensity", "unexpected argument '%s'", argv[1]);
  if (level_code == NULL)
    return iop_cli_usage_error ("intensity", "--level is required");
  if ((week == NULL) == (schedule_path == NULL))
    return iop_cli_usage_error ("intensity", "give --week or --schedule");
  if (edition_text != NULL)
    {
      edition = iop_edition_from_string (edition_text, &error);
      if (edition == IOP_EDITION_ANY)
        {
          status = iop_cli_usage_error ("intensity", "%s", iop_error_get_message (error));
          iop_error_free (error);
          return status;
        }
    }
  if (age_text != NULL)
    {
      age = iop_age_group_from_string (age_text, &error);
      if (age == 0)
        {
          status = iop_cli_usage_error ("intensity", "%s", iop_error_get_message (error));
          iop_error_free (error);
          return status;
        }
    }
  if (weeks_below < 0)
    return iop_cli_usage_error ("intensity", "--weeks-below must not be negative");
  continuum = iop_cli_load_continuum (continuum_path, &error);
  if (continuum == NULL)
    return iop_cli_fail ("intensity", error);
  if (pack != NULL)
    rules = iop_compliance_rules_new_from_file (continuum, pack, &error);
  else
    {
      g_autofree char *text = iop_compliance_rules_default_pack_json ();
      rules = iop_compliance_rules_new_from_json (continuum, text, &error);
    }
  if (rules == NULL)
    return iop_cli_fail ("intensity", error);
  level = iop_continuum_lookup_level (continuum, edition, level_code);
  if (level == NULL)
    return iop_cli_failf ("intensity", "unknown %s level '%s' (see 'iop levels')", iop_edition_to_string (edition), level_code);
  if (week != NULL)
    {
      schedule = iop_schedule_new ();
      if (!parse_week (week, schedule, &status))
        return status;
    }
  else
    {
      g_autofree char *contents = NULL;
      contents = iop_cli_read_file ("intensity", schedule_path, &status);
      if (contents == NULL)
        return status;
      schedule = iop_schedule_new_from_json (contents, &error);
      if (schedule == NULL)
        return iop_cli_fail ("intensity", error);
    }
  report = iop_compliance_rules_check_schedule (rules, level, age, schedule, weeks_below, rules_text, &error);
  if (report == NULL)
    return iop_cli_fail ("intensity", error);
  if (!json)
    printf ("Level %s (%s), %s: %g hours/week over %d days, %zu sessions\n", iop_level_get_code (level),
            iop_edition_to_string (edition), iop_age_group_to_string (age),
            iop_schedule_get_hours_per_week (schedule), iop_schedule_get_days_per_week (schedule),
            iop_schedule_get_n_sessions (schedule));
  return iop_cli_emit_report (report, json);
}

int
iop_cmd_claims (int argc, char **argv)
{
  g_autofree char *pack = NULL, *contents = NULL;
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  iop_error *error = NULL;
  g_autoptr(iop_compliance_rules) rules = NULL;
  g_autoptr(iop_compliance_report) report = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "pack", 0, 0, G_OPTION_ARG_FILENAME, &pack, "Use this compliance pack instead of the built-in one", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("claims", "FILE", "Check claim lines (a libiop-claims document) against the per-diem rules "
                      "(one unit per date of service; IOP, PHP and residential exclusive on a date) and the "
                      "Medicare PHP window. Exit status 1 when a rule fails.", entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return iop_cli_usage_error ("claims", argc < 2 ? "missing FILE" : "unexpected argument '%s'", argc < 2 ? "" : argv[2]);
  contents = iop_cli_read_file ("claims", argv[1], &status);
  if (contents == NULL)
    return status;
  rules = pack != NULL ? iop_compliance_rules_new_from_file (NULL, pack, &error) : iop_compliance_rules_new_default ();
  if (rules == NULL)
    return iop_cli_fail ("claims", error);
  report = iop_compliance_rules_check_claims (rules, contents, &error);
  if (report == NULL)
    return iop_cli_fail ("claims", error);
  return iop_cli_emit_report (report, json);
}
