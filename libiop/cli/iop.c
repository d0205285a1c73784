/*
 * libiop — the iop command-line tool
 * SPDX-License-Identifier: MIT
 *
 * iop COMMAND [OPTIONS] [ARGS]. Output goes to stdout (text, or JSON with --json); errors go to
 * stderr with exit status 1 (failed request) or 2 (bad command line).
 */
#include "iop-cli.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

static int cmd_version (int argc, char **argv);
static int cmd_help (int argc, char **argv);

static const IopCommand commands[] = {
  { "levels", "List levels of care (ASAM 3rd/4th edition, LOCUS)", iop_cmd_levels },
  { "level", "Show one level of care with its intensity, codes and neighbours", iop_cmd_level },
  { "crosswalk", "Map a level to another edition (ASAM 3rd <-> 4th, LOCUS <-> ASAM)", iop_cmd_crosswalk },
  { "compare", "Compare inpatient and outpatient care, aspect by aspect", iop_cmd_compare },
  { "pack", "Print a built-in rule pack: continuum, measure, placement, compliance or payers", iop_cmd_pack },
  { "place", "Recommend a level of care from an ASAM, LOCUS or CALOCUS assessment, with reasons", iop_cmd_place },
  { "intensity", "Check a weekly schedule against its level's intensity rules (ASAM, state, H0015, Medicare)", iop_cmd_intensity },
  { "claims", "Check claim lines against per-diem rules and the Medicare PHP window", iop_cmd_claims },
  { "check", "Check an episode of care: intensity, attendance and Medicare recertification", iop_cmd_check },
  { "attendance", "Summarize an episode's attendance per ISO week, with engagement flags", iop_cmd_attendance },
  { "plan", "Make a continuing-care plan (tapered contact, activities, referrals) for an episode", iop_cmd_plan },
  { "escalate", "Apply escalation rules to a continuing-care plan's contact log and measures", iop_cmd_escalate },
  { "readiness", "Check whether an episode is ready to move to the continuing-care plan's receiving provider", iop_cmd_readiness },
  { "export", "Export a continuing-care plan (FHIR R4 Bundle or transition package), consent permitting", iop_cmd_export },
  { "consent", "42 CFR Part 2 consent: check a disclosure, validate the elements, export FHIR Consent", iop_cmd_consent },
  { "preauth", "Decide a pre-authorization request, or a file of them (--batch), against payer policies", iop_cmd_preauth },
  { "instruments", "List the outcome instruments (PHQ-9, GAD-7, AUDIT, AUDIT-C, DAST-10, BAM)", iop_cmd_instruments },
  { "score", "Score one administration of an outcome instrument, with band and safety flags", iop_cmd_score },
  { "series", "Summarize dated administrations: change from baseline, response, remission", iop_cmd_series },
  { "version", "Print the libiop version", cmd_version },
  { "help", "Show help for a command", cmd_help },
};

static void
print_overview (FILE *out)
{
  fprintf (out,
           "Usage: iop COMMAND [OPTIONS] [ARGS]\n\n"
           "libiop %s: levels of care, placement, episodes, continuing care and pre-authorization\n"
           "for intensive outpatient treatment.\n\nCommands:\n", iop_version_string ());
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun 'iop COMMAND --help' for a command's options.\n"
                "Exit status: 0 success, 1 the request failed, 2 bad command line.\n");
}

gboolean
iop_cli_parse (const char *command, const char *params, const char *description,
               const GOptionEntry *entries, int *argc, char ***argv, int *status)
{
  g_autofree char *prog = g_strdup_printf ("iop %s", command);
  g_autoptr(GOptionContext) ctx = g_option_context_new (params);
  GError *error = NULL;

  g_set_prgname (prog);
  g_option_context_set_summary (ctx, description);
  if (entries != NULL)
    g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      *status = iop_cli_usage_error (command, "%s", error->message);
      g_error_free (error);
      return FALSE;
    }
  return TRUE;
}

int
iop_cli_usage_error (const char *command, const char *format, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "iop %s: %s\nRun 'iop %s --help' for usage.\n", command, msg, command);
  return IOP_EXIT_USAGE;
}

int
iop_cli_fail (const char *command, iop_error *error)
{
  fprintf (stderr, "iop %s: error: %s\n", command, iop_error_get_message (error));
  if (iop_error_get_path (error) != NULL)
    fprintf (stderr, "iop %s: at JSON path %s\n", command, iop_error_get_path (error));
  iop_error_free (error);
  return IOP_EXIT_FAILURE;
}

int
iop_cli_failf (const char *command, const char *format, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "iop %s: error: %s\n", command, msg);
  return IOP_EXIT_FAILURE;
}

char *
iop_cli_read_file (const char *command, const char *path, int *status)
{
  char *contents = NULL;
  GError *gerror = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &gerror))
    {
      *status = iop_cli_failf (command, "%s", gerror->message);
      g_error_free (gerror);
      return NULL;
    }
  return contents;
}

iop_continuum *
iop_cli_load_continuum (const char *pack_path, iop_error **error)
{
  if (pack_path == NULL)
    return iop_continuum_new_default ();
  return iop_continuum_new_from_file (pack_path, error);
}

static int
cmd_version (int argc, char **argv)
{
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("version", NULL, "Print the version of the libiop library in use.",
                      entries, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return iop_cli_usage_error ("version", "unexpected argument '%s'", argv[1]);
  if (json)
    printf ("{\"version\":\"%s\",\"headers\":\"%s\"}\n", iop_version_string (), IOP_VERSION_STRING);
  else
    printf ("iop %s\n", iop_version_string ());
  return IOP_EXIT_OK;
}

static const IopCommand *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

static int
cmd_help (int argc, char **argv)
{
  const IopCommand *cmd;
  char *help_argv[3];

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      print_overview (stdout);
      return IOP_EXIT_OK;
    }
  cmd = find_command (argv[1]);
  if (cmd == NULL || cmd->run == cmd_help)
    return iop_cli_usage_error ("help", "unknown command '%s'", argv[1]);
  help_argv[0] = argv[1];
  help_argv[1] = (char *) "--help";
  help_argv[2] = NULL;
  return cmd->run (2, help_argv);
}

int
main (int argc, char **argv)
{
  const IopCommand *cmd;

  setlocale (LC_ALL, "");
  if (argc < 2)
    {
      print_overview (stderr);
      return IOP_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      print_overview (stdout);
      return IOP_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    return cmd_version (1, argv + 1);
  cmd = find_command (argv[1]);
  if (cmd == NULL)
    {
      fprintf (stderr, "iop: unknown command '%s'\nRun 'iop --help' for the list of commands.\n",
               argv[1]);
      return IOP_EXIT_USAGE;
    }
  return cmd->run (argc - 1, argv + 1);
}
