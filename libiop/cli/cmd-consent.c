/*
 * libiop — the iop command-line tool
 * SPDX-License-Identifier: MIT
 *
 * 42 CFR Part 2 consent: iop consent check | validate | fhir.
 */
#include "iop-cli.h"

#include <stdio.h>
#include <string.h>

static iop_consent *
load (const char *command, const char *path, int *status)
{
  iop_error *error = NULL;
  iop_consent *consent = iop_consent_new_from_file (path, &error);
  if (consent == NULL)
    *status = iop_cli_fail (command, error);
  return consent;
}

static int
consent_check (int argc, char **argv)
{
  static const char *const cmd = "consent check";
  g_autofree char *recipient = NULL, *recipient_class = NULL, *purpose = NULL, *date = NULL, *data_class = NULL;
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  iop_error *error = NULL;
  g_autoptr(iop_consent) consent = NULL;
  g_autoptr(iop_consent_decision) decision = NULL;
  const GOptionEntry entries[] = {
    { "recipient", 0, 0, G_OPTION_ARG_STRING, &recipient, "The recipient's name or identifier (required)", "R" },
    { "recipient-class", 0, 0, G_OPTION_ARG_STRING, &recipient_class, "The recipient's class: treating-providers, health-plans, third-party-payers or program-operations", "C" },
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose, "treatment, payment, health-care-operations, patient-request, care-management or research (required)", "P" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, "Date of the disclosure, YYYY-MM-DD (default: today)", "D" },
    { "data-class", 0, 0, G_OPTION_ARG_STRING, &data_class, "Class of the data disclosed, such as medications or counseling-notes", "K" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (permitted, purpose, date, data_class, reasons[{code, text}])", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse (cmd, "CONSENT.json", "Check whether a disclosure is permitted by a 42 CFR Part 2 consent "
                      "(a libiop-consent document), with every reason when it is not.\n\n"
                      "Example: iop consent check consent.json --recipient NPI:1234567893 --purpose treatment\n"
                      "Exit status 0 when permitted, 1 when not.", entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return iop_cli_usage_error (cmd, argc < 2 ? "missing CONSENT.json%s" : "unexpected argument '%s'",
                                argc < 2 ? "" : argv[2]);
  if (recipient == NULL)
    return iop_cli_usage_error (cmd, "--recipient is required");
  if (purpose == NULL)
    return iop_cli_usage_error (cmd, "--purpose is required");
  if (date == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      date = g_date_time_format (now, "%Y-%m-%d");
    }
  consent = load (cmd, argv[1], &status);
  if (consent == NULL)
    return status;
  decision = iop_consent_check (consent, recipient, recipient_class, purpose, date, data_class, &error);
  if (decision == NULL)
    {
      int s = iop_cli_usage_error (cmd, "%s", iop_error_get_message (error));
      iop_error_free (error);
      return s;
    }
  if (json)
    {
      g_autofree char *text = iop_consent_decision_to_json (decision);
      printf ("%s\n", text);
    }
  else
    {
      printf ("%s (%s on %s%s%s)\n", iop_consent_decision_is_permitted (decision) ? "Permitted" : "Not permitted",
              purpose, date, data_class ? ", " : "", data_class ? data_class : "");
      for (size_t i = 0; i < iop_consent_decision_get_n_reasons (decision); i++)
        printf ("  [%s] %s\n", iop_consent_decision_get_reason_code (decision, i),
                iop_consent_decision_get_reason_text (decision, i));
    }
  return iop_consent_decision_is_permitted (decision) ? IOP_EXIT_OK : IOP_EXIT_FAILURE;
}

static int
consent_validate (int argc, char **argv)
{
  static const char *const cmd = "consent validate";
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  g_autoptr(iop_consent) consent = NULL;
  g_autoptr(iop_consent_report) report = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (valid, kind, issues[{element, text}])", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse (cmd, "CONSENT.json", "List every 42 CFR 2.31(a) element a consent lacks or gets wrong. "
                      "Exit status 1 when an element is missing or invalid.", entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return iop_cli_usage_error (cmd, argc < 2 ? "missing CONSENT.json%s" : "unexpected argument '%s'",
                                argc < 2 ? "" : argv[2]);
  consent = load (cmd, argv[1], &status);
  if (consent == NULL)
    return status;
  report = iop_consent_validate (consent);
  if (json)
    {
      g_autofree char *text = iop_consent_report_to_json (report);
      printf ("%s\n", text);
    }
  else
    {
      printf ("%s (%s consent)\n", iop_consent_report_is_valid (report) ? "Valid" : "Not valid",
              iop_consent_get_kind (consent));
      for (size_t i = 0; i < iop_consent_report_get_n_issues (report); i++)
        printf ("  [%s] %s\n", iop_consent_report_get_element (report, i), iop_consent_report_get_text (report, i));
    }
  return iop_consent_report_is_valid (report) ? IOP_EXIT_OK : IOP_EXIT_FAILURE;
}

static int
consent_fhir (int argc, char **argv)
{
  static const char *const cmd = "consent fhir";
  int status = IOP_EXIT_OK;
  iop_error *error = NULL;
  g_autoptr(iop_consent) consent = NULL;
  g_autofree char *text = NULL;

  if (!iop_cli_parse (cmd, "CONSENT.json", "Print the consent as a FHIR R4 Consent resource (scope "
                      "patient-privacy, policy 42 CFR Part 2, DS4P security labels).", NULL, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return iop_cli_usage_error (cmd, argc < 2 ? "missing CONSENT.json%s" : "unexpected argument '%s'",
                                argc < 2 ? "" : argv[2]);
  consent = load (cmd, argv[1], &status);
  if (consent == NULL)
    return status;
  text = iop_consent_to_fhir (consent, &error);
  if (text == NULL)
    return iop_cli_fail (cmd, error);
  printf ("%s\n", text);
  return IOP_EXIT_OK;
}

int
iop_cmd_consent (int argc, char **argv)
{
  static const struct {
    const char *name, *summary;
    int (*run) (int, char **);
  } subs[] = {
    { "check", "Whether a disclosure (recipient, purpose, date, data class) is permitted", consent_check },
    { "validate", "List the 42 CFR 2.31(a) elements a consent lacks", consent_validate },
    { "fhir", "Print the consent as a FHIR R4 Consent resource", consent_fhir },
  };

  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      printf ("Usage: iop consent SUBCOMMAND [OPTIONS] CONSENT.json\n\n"
              "42 CFR Part 2 consent (a libiop-consent document).\n\nSubcommands:\n");
      for (gsize i = 0; i < G_N_ELEMENTS (subs); i++)
        printf ("  %-9s %s\n", subs[i].name, subs[i].summary);
      printf ("\nRun 'iop consent SUBCOMMAND --help' for its options.\n");
      return IOP_EXIT_OK;
    }
  if (argc < 2)
    return iop_cli_usage_error ("consent", "missing SUBCOMMAND (check, validate or fhir)");
  for (gsize i = 0; i < G_N_ELEMENTS (subs); i++)
    if (strcmp (argv[1], subs[i].name) == 0)
      return subs[i].run (argc - 1, argv + 1);
  return iop_cli_usage_error ("consent", "unknown subcommand '%s' (check, validate or fhir)", argv[1]);
}
