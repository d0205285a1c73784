/*
 * libiop — the iop command-line tool
 * SPDX-License-Identifier: MIT
 *
 * Continuing care: iop plan, iop escalate, iop readiness, iop export.
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

/* The files readiness and export read, named by their options. */
typedef struct {
  char *episode, *consent, *template, *continuum, *program;
} PlanInputs;

static void
plan_inputs_clear (PlanInputs *in)
{
  g_free (in->episode);
  g_free (in->consent);
  g_free (in->template);
  g_free (in->continuum);
  g_free (in->program);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PlanInputs, plan_inputs_clear)

/* Reads the plan, its episode (against the continuum and program packs the episode was made
 * with, as iop plan does) and, when named, the consent. */
static gboolean
load_plan_episode_consent (const char *command, const char *plan_path, const PlanInputs *in, iop_careplan **plan,
                           iop_episode **episode, iop_consent **consent, int *status)
{
  g_autofree char *plan_text = NULL, *episode_text = NULL;
  g_autoptr(iop_careplan_template) tpl = NULL;
  g_autoptr(iop_continuum) continuum = NULL;
  g_autoptr(iop_program) program = NULL;
  const char *episode_path = in->episode, *consent_path = in->consent;
  iop_error *error = NULL;

  if (episode_path == NULL)
    {
      *status = iop_cli_usage_error (command, "--episode is required");
      return FALSE;
    }
  plan_text = iop_cli_read_file (command, plan_path, status);
  if (plan_text == NULL)
    return FALSE;
  episode_text = iop_cli_read_file (command, episode_path, status);
  if (episode_text == NULL)
    return FALSE;
  tpl = load_template (in->template, &error);
  if (tpl != NULL)
    continuum = iop_cli_load_continuum (in->continuum, &error);
  if (continuum != NULL)
    program = in->program != NULL ? iop_program_new_from_file (in->program, &error) : iop_program_new_default ();
  if (program == NULL || (*plan = iop_careplan_new_from_json (tpl, plan_text, &error)) == NULL ||
      (*episode = iop_episode_new_from_json (continuum, program, episode_text, &error)) == NULL)
    {
      *status = iop_cli_fail (command, error);
      return FALSE;
    }
  if (consent_path != NULL)
    {
      g_autofree char *consent_text = iop_cli_read_file (command, consent_path, status);
      if (consent_text == NULL)
        return FALSE;
      *consent = iop_consent_new_from_json (consent_text, &error);
      if (*consent == NULL)
        {
          *status = iop_cli_fail (command, error);
          return FALSE;
        }
    }
  return TRUE;
}

static char *
today_text (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  return g_date_time_format (now, "%Y-%m-%d");
}

int
iop_cmd_readiness (int argc, char **argv)
{
  g_auto(PlanInputs) in = { NULL };
  g_autofree char *as_of = NULL;
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  iop_error *error = NULL;
  g_autoptr(iop_careplan) plan = NULL;
  g_autoptr(iop_episode) episode = NULL;
  g_autoptr(iop_consent) consent = NULL;
  g_autoptr(iop_readiness) r = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "episode", 0, 0, G_OPTION_ARG_FILENAME, &in.episode, "The plan's episode (required)", "FILE" },
    { "consent", 0, 0, G_OPTION_ARG_FILENAME, &in.consent, "The consent on file", "FILE" },
    { "template", 0, 0, G_OPTION_ARG_FILENAME, &in.template, "The plan's care-plan template", "FILE" },
    { "pack", 0, 0, G_OPTION_ARG_FILENAME, &in.continuum, "The episode's continuum pack", "FILE" },
    { "program", 0, 0, G_OPTION_ARG_FILENAME, &in.program, "The episode's program pack", "FILE" },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, "Check on this date (default: today)", "YYYY-MM-DD" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("readiness", "PLAN.json",
                      "Check whether an episode is ready to move to the plan's receiving provider: final-stage "
                      "goals, stage of change, recent measures without urgent flags, receiving provider, first "
                      "appointment and consent. Exit status 1 when an item fails.", entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return iop_cli_usage_error ("readiness", argc < 2 ? "missing PLAN.json" : "unexpected argument '%s'",
                                argc < 2 ? "" : argv[2]);
  if (!load_plan_episode_consent ("readiness", argv[1], &in, &plan, &episode, &consent, &status))
    return status;
  if (as_of == NULL)
    as_of = today_text ();
  r = iop_careplan_check_readiness (plan, episode, consent, as_of, &error);
  if (r == NULL)
    return iop_cli_fail ("readiness", error);
  if (json)
    {
      g_autofree char *text = iop_readiness_to_json (r);
      printf ("%s\n", text);
    }
  else
    {
      printf ("%s\n", iop_readiness_is_ready (r) ? "Ready for transition" : "Not ready for transition");
      for (size_t i = 0; i < iop_readiness_get_n_items (r); i++)
        printf ("  [%-4s] %-18s %s\n", iop_readiness_get_passed (r, i) ? "ok" : "FAIL", iop_readiness_get_item (r, i),
                iop_readiness_get_text (r, i));
    }
  return iop_readiness_is_ready (r) ? IOP_EXIT_OK : IOP_EXIT_FAILURE;
}

int
iop_cmd_export (int argc, char **argv)
{
  g_auto(PlanInputs) in = { NULL };
  g_autofree char *date = NULL, *recipient = NULL, *format = NULL, *text = NULL;
  int status = IOP_EXIT_OK;
  iop_error *error = NULL;
  g_autoptr(iop_careplan) plan = NULL;
  g_autoptr(iop_episode) episode = NULL;
  g_autoptr(iop_consent) consent = NULL;
  const GOptionEntry entries[] = {
    { "episode", 0, 0, G_OPTION_ARG_FILENAME, &in.episode, "The plan's episode (required)", "FILE" },
    { "consent", 0, 0, G_OPTION_ARG_FILENAME, &in.consent, "The consent on file (without it, nothing is exported)", "FILE" },
    { "recipient", 0, 0, G_OPTION_ARG_STRING, &recipient, "Who receives it (default: the plan's receiving provider)", "NAME" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, "Disclosure date (default: today)", "YYYY-MM-DD" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "fhir (a FHIR R4 Bundle, the default) or package", "FORMAT" },
    { "template", 0, 0, G_OPTION_ARG_FILENAME, &in.template, "The plan's care-plan template", "FILE" },
    { "pack", 0, 0, G_OPTION_ARG_FILENAME, &in.continuum, "The episode's continuum pack", "FILE" },
    { "program", 0, 0, G_OPTION_ARG_FILENAME, &in.program, "The episode's program pack", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("export", "PLAN.json",
                      "Export a continuing-care plan with its episode for the receiving provider, as a FHIR R4 "
                      "Bundle or a libiop transition package. The consent must permit the disclosure (42 CFR "
                      "Part 2); otherwise nothing is printed and the exit status is 1.", entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return iop_cli_usage_error ("export", argc < 2 ? "missing PLAN.json" : "unexpected argument '%s'",
                                argc < 2 ? "" : argv[2]);
  if (format != NULL && g_strcmp0 (format, "fhir") != 0 && g_strcmp0 (format, "package") != 0)
    return iop_cli_usage_error ("export", "--format must be fhir or package");
  if (!load_plan_episode_consent ("export", argv[1], &in, &plan, &episode, &consent, &status))
    return status;
  if (recipient == NULL)
    {
      if (iop_careplan_get_receiving_provider (plan) == NULL)
        return iop_cli_failf ("export", "the plan names no receiving provider; give --recipient");
      recipient = g_strdup (iop_careplan_get_receiving_provider (plan));
    }
  if (date == NULL)
    date = today_text ();
  if (g_strcmp0 (format, "package") == 0)
    text = iop_careplan_transition_package (plan, episode, consent, recipient, date, &error);
  else
    text = iop_careplan_to_fhir (plan, episode, consent, recipient, date, &error);
  if (text == NULL)
    return iop_cli_fail ("export", error);
  printf ("%s\n", text);
  return IOP_EXIT_OK;
}
