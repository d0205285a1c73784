/*
 * libiop — the iop command-line tool
 * SPDX-License-Identifier: MIT
 *
 * Pre-authorization: iop preauth REQUEST.json, iop preauth --batch REQUESTS.ndjson.
 */
#include "iop-cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void
print_decision (const iop_preauth_decision *d)
{
  g_autofree char *start = iop_preauth_decision_get_period_start (d);
  g_autofree char *end = iop_preauth_decision_get_period_end (d);
  g_autofree char *due = iop_preauth_decision_get_decision_due (d);
  g_autofree char *review = iop_preauth_decision_get_next_review (d);
  const char *rule = iop_preauth_decision_get_rule (d);

  printf ("Outcome: %s%s%s%s\n", iop_preauth_decision_get_outcome (d), rule ? " (rule " : "", rule ? rule : "",
          rule ? ")" : "");
  for (size_t i = 0; i < iop_preauth_decision_get_n_reasons (d); i++)
    {
      const char *source = iop_preauth_decision_get_reason_source (d, i);
      printf ("  [%s] %s%s%s%s\n", iop_preauth_decision_get_reason_code (d, i), iop_preauth_decision_get_reason_text (d, i),
              source ? " (" : "", source ? source : "", source ? ")" : "");
    }
  for (size_t i = 0; i < iop_preauth_decision_get_n_missing_documents (d); i++)
    printf ("Missing document: %s\n", iop_preauth_decision_get_missing_document (d, i));
  if (iop_preauth_decision_get_authorized_units (d) >= 0)
    printf ("Authorized: %d units, %s to %s\n", iop_preauth_decision_get_authorized_units (d), start, end);
  printf ("Decision due: %s\n", due ? due : "no timeframe applies");
  if (review != NULL)
    printf ("Next concurrent review: %s\n", review);
  if (iop_preauth_decision_get_out_of_pocket (d) >= 0)
    printf ("Estimated out of pocket: %.2f\n", iop_preauth_decision_get_out_of_pocket (d));
}

/* GLib before 2.76 serves json-glib's tree nodes from GSlice, whose shared magazine depot makes
 * batch workers wait on each other (measured: 2 jobs no faster than 1). GSlice reads G_SLICE once,
 * before main() runs, so a batch with several jobs re-executes the program once with
 * G_SLICE=always-malloc, unless the user has set G_SLICE. Newer GLib ignores the variable. */
static void
reexec_without_gslice (int argc, char **command_argv)
{
  g_autofree char **argv = NULL;
  g_autofree char *self = NULL;

  if (g_getenv ("G_SLICE") != NULL || glib_check_version (2, 76, 0) == NULL)
    return;
  self = g_file_read_link ("/proc/self/exe", NULL);
  if (self == NULL)
    return;
  /* The program's own argv: "iop", then the command's unparsed arguments. */
  argv = g_new0 (char *, argc + 2);
  argv[0] = (char *) "iop";
  memcpy (argv + 1, command_argv, sizeof (char *) * (gsize) argc);
  if (!g_setenv ("G_SLICE", "always-malloc", TRUE))
    return;
  fflush (stdout);
  execv (self, argv);
  /* No /proc, or the exec failed: go on with GSlice, only slower. */
  g_unsetenv ("G_SLICE");
}

static iop_preauth_policy *
load_policy (const char *path, iop_error **error)
{
  return path != NULL ? iop_preauth_policy_new_from_file (NULL, path, error) : iop_preauth_policy_new_default ();
}

int
iop_cmd_preauth (int argc, char **argv)
{
  g_autofree char *pack = NULL, *batch = NULL, *consent_path = NULL, *provider = NULL, *date = NULL;
  gboolean json = FALSE, pas = FALSE;
  int jobs = 1, status = IOP_EXIT_OK;
  iop_error *error = NULL;
  g_autoptr(iop_preauth_policy) policy = NULL;
  const GOptionEntry entries[] = {
    { "payer-pack", 'p', 0, G_OPTION_ARG_FILENAME, &pack, "Use this payer policy pack instead of the built-in (illustrative) one", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the decision as JSON (request, payer, rule, outcome, reasons[{code, text, source, document}], missing_documents, authorized_units, authorized_period, decision_due, timeframe, next_review, out_of_pocket)", NULL },
    { "batch", 'b', 0, G_OPTION_ARG_FILENAME, &batch, "Decide one request per line of FILE ('-' for standard input); print one JSON decision or error record per line, in order", "FILE" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Worker threads for --batch (1 to 64, default 1)", "N" },
    { "pas", 0, 0, G_OPTION_ARG_NONE, &pas, "Print the request as a Da Vinci PAS request Bundle (FHIR R4) instead of deciding it; needs --consent and --provider", NULL },
    { "consent", 0, 0, G_OPTION_ARG_FILENAME, &consent_path, "With --pas: the member's consent (42 CFR Part 2); without one nothing is exported", "FILE" },
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider, "With --pas: the requesting provider's name", "NAME" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, "With --pas: the disclosure date (default: today)", "YYYY-MM-DD" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  /* Before parsing: the options are still in argv. */
  {
    gboolean several_jobs = FALSE, batch_mode = FALSE;
    for (int i = 1; i < argc; i++)
      {
        batch_mode |= g_str_has_prefix (argv[i], "--batch") || strcmp (argv[i], "-b") == 0;
        several_jobs |= (g_str_has_prefix (argv[i], "--jobs") || g_str_has_prefix (argv[i], "-j")) &&
                        !(strcmp (argv[i], "--jobs=1") == 0 || (i + 1 < argc && strcmp (argv[i + 1], "1") == 0));
      }
    if (batch_mode && several_jobs)
      reexec_without_gslice (argc, argv);
  }
  if (!iop_cli_parse ("preauth", "[REQUEST.json]",
                      "Decide a pre-authorization request (a libiop-preauth-request document) against a payer "
                      "policy pack: outcome, reasons with their sources, missing documents, authorized units and "
                      "period, the decision deadline (CMS-0057-F: 72 hours expedited, 7 days standard), the next "
                      "concurrent review and an out-of-pocket estimate.\n\n"
                      "Batch mode: iop preauth --batch REQUESTS.ndjson [--jobs N]. A line that fails gives an "
                      "error record {\"line\", \"error\": {\"code\", \"path\", \"message\"}} and the run goes on; "
                      "exit status 1 when any line failed.", entries, &argc, &argv, &status))
    return status;
  if (jobs < 1 || jobs > 64)
    return iop_cli_usage_error ("preauth", "--jobs must be within 1..64");
  if (pas && batch != NULL)
    return iop_cli_usage_error ("preauth", "--pas does not go with --batch");
  if (!pas && (consent_path != NULL || provider != NULL || date != NULL))
    return iop_cli_usage_error ("preauth", "--consent, --provider and --date go with --pas");
  if (pas && provider == NULL)
    return iop_cli_usage_error ("preauth", "--pas needs --provider");
  if (batch != NULL)
    {
      FILE *input;
      size_t n_lines = 0, n_failed = 0;
      gboolean ok;
      if (argc > 1)
        return iop_cli_usage_error ("preauth", "unexpected argument '%s' with --batch", argv[1]);
      policy = load_policy (pack, &error);
      if (policy == NULL)
        return iop_cli_fail ("preauth", error);
      input = strcmp (batch, "-") == 0 ? stdin : fopen (batch, "r");
      if (input == NULL)
        return iop_cli_failf ("preauth", "cannot open '%s': %s", batch, g_strerror (errno));
      ok = iop_preauth_policy_decide_stream (policy, input, stdout, jobs, &n_lines, &n_failed, &error);
      if (input != stdin)
        fclose (input);
      if (!ok)
        return iop_cli_fail ("preauth", error);
      if (n_failed > 0)
        {
          fprintf (stderr, "iop preauth: %zu of %zu requests failed\n", n_failed, n_lines);
          return IOP_EXIT_FAILURE;
        }
      return IOP_EXIT_OK;
    }
  if (argc != 2)
    return iop_cli_usage_error ("preauth", argc < 2 ? "missing REQUEST.json (or --batch FILE)" : "unexpected argument '%s'",
                                argc < 2 ? "" : argv[2]);
  {
    g_autofree char *contents = iop_cli_read_file ("preauth", argv[1], &status);
    g_autoptr(iop_preauth_request) request = NULL;
    g_autoptr(iop_preauth_decision) decision = NULL;
    if (contents == NULL)
      return status;
    policy = load_policy (pack, &error);
    if (policy == NULL)
      return iop_cli_fail ("preauth", error);
    request = iop_preauth_request_new_from_json (contents, &error);
    if (request == NULL)
      return iop_cli_fail ("preauth", error);
    if (pas)
      {
        g_autoptr(iop_consent) consent = NULL;
        g_autofree char *bundle = NULL;
        if (consent_path != NULL)
          {
            g_autofree char *text = iop_cli_read_file ("preauth", consent_path, &status);
            if (text == NULL)
              return status;
            consent = iop_consent_new_from_json (text, &error);
            if (consent == NULL)
              return iop_cli_fail ("preauth", error);
          }
        if (date == NULL)
          {
            g_autoptr(GDateTime) now = g_date_time_new_now_local ();
            date = g_date_time_format (now, "%Y-%m-%d");
          }
        bundle = iop_preauth_request_to_pas (request, consent, provider, date, &error);
        if (bundle == NULL)
          return iop_cli_fail ("preauth", error);
        printf ("%s\n", bundle);
        return IOP_EXIT_OK;
      }
    decision = iop_preauth_policy_decide (policy, request, &error);
    if (decision == NULL)
      return iop_cli_fail ("preauth", error);
    if (json)
      {
        g_autofree char *text = iop_preauth_decision_to_json (decision);
        printf ("%s\n", text);
      }
    else
      print_decision (decision);
  }
  return IOP_EXIT_OK;
}
