/*
 * libiop — the iop command-line tool
 * SPDX-License-Identifier: MIT
 *
 * Outcome-measure commands: instruments, score, series.
 */
#include "iop-cli.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

static iop_measure_set *
load_set (const char *pack_path, iop_error **error)
{
  if (pack_path == NULL)
    return iop_measure_set_new_default ();
  return iop_measure_set_new_from_file (pack_path, error);
}

int
iop_cmd_instruments (int argc, char **argv)
{
  g_autofree char *pack = NULL;
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  iop_error *error = NULL;
  g_autoptr(iop_measure_set) set = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "pack", 0, 0, G_OPTION_ARG_FILENAME, &pack, "Use this measures pack instead of the built-in one", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("instruments", NULL, "List the outcome instruments that 'iop score' knows, "
                      "with their items and scales.", entries, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return iop_cli_usage_error ("instruments", "unexpected argument '%s'", argv[1]);
  set = load_set (pack, &error);
  if (set == NULL)
    return iop_cli_fail ("instruments", error);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (b);
      for (size_t i = 0; i < iop_measure_set_get_n_instruments (set); i++)
        {
          const iop_instrument *inst = iop_measure_set_get_instrument (set, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, iop_instrument_get_id (inst));
          json_builder_set_member_name (b, "abbreviation");
          json_builder_add_string_value (b, iop_instrument_get_abbreviation (inst));
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, iop_instrument_get_name (inst));
          json_builder_set_member_name (b, "items");
          json_builder_add_int_value (b, (gint64) iop_instrument_get_n_items (inst));
          json_builder_set_member_name (b, "scales");
          json_builder_begin_array (b);
          for (size_t s = 0; s < iop_instrument_get_n_scales (inst); s++)
            json_builder_add_string_value (b, iop_instrument_get_scale_id (inst, s));
          json_builder_end_array (b);
          json_builder_set_member_name (b, "loinc");
          if (iop_instrument_get_loinc (inst) != NULL)
            json_builder_add_string_value (b, iop_instrument_get_loinc (inst));
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
      return IOP_EXIT_OK;
    }
  for (size_t i = 0; i < iop_measure_set_get_n_instruments (set); i++)
    {
      const iop_instrument *inst = iop_measure_set_get_instrument (set, i);
      printf ("%-8s %-8s %2zu items  %s\n", iop_instrument_get_id (inst),
              iop_instrument_get_abbreviation (inst), iop_instrument_get_n_items (inst),
              iop_instrument_get_name (inst));
    }
  return IOP_EXIT_OK;
}

/* Parses "a,b,c" into integers. Never echoes the values (they are patient answers). */
static gboolean
parse_items (const char *text, GArray *out, int *status)
{
  g_auto(GStrv) tokens = g_strsplit (text, ",", -1);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *t = g_strstrip (tokens[i]);
      gint64 value = 0;
      int v;
      if (!g_ascii_string_to_signed (t, 10, G_MININT32, G_MAXINT32, &value, NULL))
        {
          *status = iop_cli_usage_error ("score", "--items: item %u is not an integer", i + 1);
          return FALSE;
        }
      v = (int) value;
      g_array_append_val (out, v);
    }
  return TRUE;
}

static void
print_score (const iop_score *score)
{
  const iop_instrument *inst = iop_score_get_instrument (score);

  printf ("%s (%s)\n", iop_instrument_get_abbreviation (inst), iop_instrument_get_name (inst));
  if (iop_score_has_total (score))
    printf ("  Total:  %d%s%s\n", iop_score_get_total (score),
            iop_score_get_band_label (score) ? ", " : "",
            iop_score_get_band_label (score) ? iop_score_get_band_label (score) : "");
  for (size_t s = 0; s < iop_instrument_get_n_scales (inst); s++)
    {
      const char *id = iop_instrument_get_scale_id (inst, s);
      if (iop_score_has_total (score) && iop_instrument_get_n_scales (inst) == 1)
        break;
      printf ("  Scale %-10s %d%s%s\n", id, iop_score_get_scale (score, id),
              iop_score_get_scale_band (score, id) ? ", " : "",
              iop_score_get_scale_band (score, id) ? iop_score_get_scale_band (score, id) : "");
    }
  if (iop_score_get_n_flags (score) == 0)
    printf ("  Flags:  none\n");
  for (size_t f = 0; f < iop_score_get_n_flags (score); f++)
    printf ("  Flag:   [%s] %s\n", iop_severity_to_string (iop_score_get_flag_severity (score, f)),
            iop_score_get_flag_label (score, f));
}

int
iop_cmd_score (int argc, char **argv)
{
  g_autofree char *items = NULL, *sex_text = NULL, *pack = NULL;
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  iop_error *error = NULL;
  iop_sex sex = IOP_SEX_UNKNOWN;
  g_autoptr(iop_measure_set) set = NULL;
  g_autoptr(GArray) answers = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(iop_score) score = NULL;
  const iop_instrument *inst;
  const GOptionEntry entries[] = {
    { "items", 'i', 0, G_OPTION_ARG_STRING, &items, "The answers, comma-separated, in item order (required)", "A,B,C,..." },
    { "sex", 0, 0, G_OPTION_ARG_STRING, &sex_text, "female, male or unknown (default), for sex-specific cut-offs such as AUDIT-C", "SEX" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (instrument, total, band, scales, flags)", NULL },
    { "pack", 0, 0, G_OPTION_ARG_FILENAME, &pack, "Use this measures pack instead of the built-in one", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("score", "INSTRUMENT", "Score one administration of an outcome instrument: "
                      "phq9, gad7, audit, audit-c, dast10 or bam (see 'iop instruments').\n\n"
                      "Answers are the instrument's answer codes: PHQ-9 and GAD-7 0-3; AUDIT items "
                      "1-8 0-4 and items 9-10 0, 2 or 4; AUDIT-C 0-4; DAST-10 0 = no, 1 = yes (item 3 "
                      "is reverse-scored by libiop); BAM items 1-17 0-4.\n\n"
                      "Example: iop score phq9 --items 1,2,1,0,0,1,0,0,0",
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return iop_cli_usage_error ("score", argc < 2 ? "missing INSTRUMENT" : "unexpected argument '%s'",
                                argc < 2 ? "" : argv[2]);
  if (items == NULL)
    return iop_cli_usage_error ("score", "--items is required");
  if (sex_text != NULL)
    {
      sex = iop_sex_from_string (sex_text, &error);
      if ((int) sex < 0)
        {
          status = iop_cli_usage_error ("score", "%s", iop_error_get_message (error));
          iop_error_free (error);
          return status;
        }
    }
  if (!parse_items (items, answers, &status))
    return status;
  set = load_set (pack, &error);
  if (set == NULL)
    return iop_cli_fail ("score", error);
  inst = iop_measure_set_lookup_instrument (set, argv[1]);
  if (inst == NULL)
    return iop_cli_failf ("score", "unknown instrument '%s' (see 'iop instruments')", argv[1]);
  score = iop_instrument_score (inst, (const int *) (void *) answers->data, answers->len, sex, &error);
  if (score == NULL)
    return iop_cli_fail ("score", error);
  if (json)
    {
      g_autofree char *text = iop_score_to_json (score);
      printf ("%s\n", text);
    }
  else
    print_score (score);
  return IOP_EXIT_OK;
}

int
iop_cmd_series (int argc, char **argv)
{
  g_autofree char *pack = NULL, *contents = NULL;
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  iop_error *error = NULL;
  g_autoptr(iop_measure_set) set = NULL;
  iop_measure_series *series;
  size_t n;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the series with its summary as JSON", NULL },
    { "pack", 0, 0, G_OPTION_ARG_FILENAME, &pack, "Use this measures pack instead of the built-in one", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("series", "FILE", "Summarize a measure series document (dated administrations "
                      "of one instrument): change from baseline, latest band, response and remission.",
                      entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return iop_cli_usage_error ("series", argc < 2 ? "missing FILE" : "unexpected argument '%s'",
                                argc < 2 ? "" : argv[2]);
  contents = iop_cli_read_file ("series", argv[1], &status);
  if (contents == NULL)
    return status;
  set = load_set (pack, &error);
  if (set == NULL)
    return iop_cli_fail ("series", error);
  series = iop_measure_series_new_from_json (set, contents, &error);
  if (series == NULL)
    return iop_cli_fail ("series", error);
  n = iop_measure_series_get_n_administrations (series);
  if (json)
    {
      g_autofree char *text = iop_measure_series_to_json (series);
      printf ("%s\n", text);
    }
  else
    {
      const iop_instrument *inst = iop_measure_series_get_instrument (series);
      printf ("%s series: %zu administration%s\n", iop_instrument_get_abbreviation (inst), n, n == 1 ? "" : "s");
      for (size_t i = 0; i < n; i++)
        {
          const iop_score *s = iop_measure_series_get_score (series, i);
          printf ("  %s ", iop_measure_series_get_date (series, i));
          if (iop_score_has_total (s))
            printf (" total %d%s%s", iop_score_get_total (s), iop_score_get_band_label (s) ? ", " : "",
                    iop_score_get_band_label (s) ? iop_score_get_band_label (s) : "");
          else
            for (size_t k = 0; k < iop_instrument_get_n_scales (inst); k++)
              printf (" %s %d", iop_instrument_get_scale_id (inst, k),
                      iop_score_get_scale (s, iop_instrument_get_scale_id (inst, k)));
          for (size_t f = 0; f < iop_score_get_n_flags (s); f++)
            printf ("  [%s: %s]", iop_severity_to_string (iop_score_get_flag_severity (s, f)),
                    iop_score_get_flag_id (s, f));
          printf ("\n");
        }
      if (n >= 2 && iop_score_has_total (iop_measure_series_get_score (series, 0)))
        printf ("  Change from baseline: %+d\n", iop_measure_series_get_change_from_baseline (series));
      if (iop_instrument_has_outcome_rules (inst))
        printf ("  Response: %s; remission: %s\n",
                iop_outcome_to_string (iop_measure_series_get_response (series)),
                iop_outcome_to_string (iop_measure_series_get_remission (series)));
    }
  iop_measure_series_free (series);
  return IOP_EXIT_OK;
}
