/*
 * libiop — the iop command-line tool
 * SPDX-License-Identifier: MIT
 *
 * Continuing care: iop plan, iop escalate.
 */
#include "iop-cli.h"

#include <stdio.h>

static iop_careplan_template *
load_template (const char *path, iop_error **error)
{
  return path != NULL ? iop_careplan_template_new_from_file (path, error) : iop_careplan_template_new_default ();
}

static void
print_plan (const iop_careplan *plan)
{
  const char *provider = iop_careplan_get_receiving_provider (plan);
  const char *appointment = iop_careplan_get_first_appointment (plan);

  printf ("Continuing-care plan from %s to %s\n", iop_careplan_get_start_date (plan), iop_careplan_get_end_date (plan));
  printf ("Receiving provider: %s; first appointment: %s\n", provider ? provider : "(none)",
          appointment ? appointment : "(none)");
  for (size_t i = 0; i < iop_careplan_get_n_items (plan); i++)
    {
      int minutes = iop_careplan_get_item_minutes (plan, i);
      printf ("  %s  %-26s %-10s %s", iop_careplan_get_item_date (plan, i), iop_careplan_get_item_kind (plan, i),
              iop_contact_status_to_string (iop_careplan_get_item_status (plan, i)), iop_careplan_get_item_title (plan, i));
      if (minutes > 0)
        printf (" (%d min)", minutes);
      printf ("\n");
    }
}

int
iop_cmd_plan (int argc, char **argv)
{
  g_autofree char *template_path = NULL, *start = NULL, *continuum_path = NULL, *program_path = NULL;
  g_autofree char *contents = NULL;
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  iop_error *error = NULL;
  g_autoptr(iop_continuum) continuum = NULL;
  g_autoptr(iop_program) program = NULL;
  g_autoptr(iop_episode) episode = NULL;
  g_autoptr(iop_careplan_template) tpl = NULL;
  g_autoptr(iop_careplan) plan = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the plan document (JSON)", NULL },
    { "template", 0, 0, G_OPTION_ARG_FILENAME, &template_path, "Use this care-plan template", "FILE" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start, "Discharge or step-down date (default: today)", "YYYY-MM-DD" },
    { "pack", 0, 0, G_OPTION_ARG_FILENAME, &continuum_path, "Use this continuum pack", "FILE" },
    { "program", 0, 0, G_OPTION_ARG_FILENAME, &program_path, "Use this program pack", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("plan", "EPISODE.json",
                      "Make a continuing-care plan for an episode from its discharge or step-down date: tapered "
                      "telephone contact, alumni meetings, booster sessions, support groups and community "
                      "referrals, as dated items. --json prints the plan document the clinic can edit.",
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return iop_cli_usage_error ("plan", argc < 2 ? "missing EPISODE.json" : "unexpected argument '%s'",
                                argc < 2 ? "" : argv[2]);
  contents = iop_cli_read_file ("plan", argv[1], &status);
  if (contents == NULL)
    return status;
  continuum = iop_cli_load_continuum (continuum_path, &error);
  if (continuum == NULL)
    return iop_cli_fail ("plan", error);
  program = program_path != NULL ? iop_program_new_from_file (program_path, &error) : iop_program_new_default ();
  if (program == NULL)
    return iop_cli_fail ("plan", error);
  tpl = load_template (template_path, &error);
  if (tpl == NULL)
    return iop_cli_fail ("plan", error);
  episode = iop_episode_new_from_json (continuum, program, contents, &error);
  if (episode == NULL)
    return iop_cli_fail ("plan", error);
  if (start == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      start = g_date_time_format (now, "%Y-%m-%d");
    }
  plan = iop_careplan_new (tpl, episode, start, &error);
  if (plan == NULL)
    return iop_cli_fail ("plan", error);
  if (json)
    {
      g_autofree char *text = iop_careplan_to_json (plan);
      printf ("%s\n", text);
    }
  else
    print_plan (plan);
  return IOP_EXIT_OK;
}

int
iop_cmd_escalate (int argc, char **argv)
{
  g_autofree char *template_path = NULL, *as_of = NULL, *contents = NULL;
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  iop_error *error = NULL;
  g_autoptr(iop_careplan_template) tpl = NULL;
  g_autoptr(iop_careplan) plan = NULL;
  g_autoptr(iop_escalations) esc = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "template", 0, 0, G_OPTION_ARG_FILENAME, &template_path, "The plan's care-plan template", "FILE" },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, "Evaluate on this date (default: today)", "YYYY-MM-DD" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("escalate", "PLAN.json",
                      "Apply the escalation rules to a continuing-care plan (its contact log and recorded "
                      "measures). Exit status 1 when an escalation fires.", entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return iop_cli_usage_error ("escalate", argc < 2 ? "missing PLAN.json" : "unexpected argument '%s'",
                                argc < 2 ? "" : argv[2]);
  contents = iop_cli_read_file ("escalate", argv[1], &status);
  if (contents == NULL)
    return status;
  tpl = load_template (template_path, &error);
  if (tpl == NULL)
    return iop_cli_fail ("escalate", error);
  plan = iop_careplan_new_from_json (tpl, contents, &error);
  if (plan == NULL)
    return iop_cli_fail ("escalate", error);
  if (as_of == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      as_of = g_date_time_format (now, "%Y-%m-%d");
    }
  esc = iop_careplan_escalate (plan, as_of, &error);
  if (esc == NULL)
    return iop_cli_fail ("escalate", error);
  if (json)
    {
      g_autofree char *text = iop_escalations_to_json (esc);
      printf ("%s\n", text);
    }
  else if (iop_escalations_get_n (esc) == 0)
    printf ("No escalation as of %s\n", as_of);
  else
    for (size_t i = 0; i < iop_escalations_get_n (esc); i++)
      printf ("%s: %s (%s, evidence %s; %s)\n", iop_escalations_get_action (esc, i), iop_escalations_get_text (esc, i),
              iop_escalations_get_rule (esc, i), iop_escalations_get_date (esc, i), iop_escalations_get_source (esc, i));
  return iop_escalations_get_n (esc) == 0 ? IOP_EXIT_OK : IOP_EXIT_FAILURE;
}
