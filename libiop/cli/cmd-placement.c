/*
 * libiop — the iop command-line tool
 * SPDX-License-Identifier: MIT
 *
 * Placement: iop place FILE | --instrument I --ratings a,b,c.
 */
#include "iop-cli.h"

#include <stdio.h>
#include <string.h>

static void
print_recommendation (const iop_recommendation *rec, gboolean built_in_pack)
{
  const iop_level *level = iop_recommendation_get_level (rec);
  const iop_level *wm = iop_recommendation_get_withdrawal_level (rec);

  printf ("Recommended: %s level %s, %s%s%s\n", iop_edition_to_string (iop_level_get_edition (level)),
          iop_level_get_code (level), iop_level_get_name (level),
          iop_recommendation_get_designation (rec) ? " " : "",
          iop_recommendation_get_designation (rec) ? iop_recommendation_get_designation (rec) : "");
  if (wm != NULL)
    printf ("Withdrawal management: %s, %s\n", iop_level_get_code (wm), iop_level_get_name (wm));
  if (iop_recommendation_has_composite (rec))
    printf ("Composite score: %d\n", iop_recommendation_get_composite (rec));
  if (iop_recommendation_get_n_binding_dimensions (rec) > 0)
    {
      printf ("Binding dimensions:");
      for (size_t i = 0; i < iop_recommendation_get_n_binding_dimensions (rec); i++)
        printf (" %s", iop_recommendation_get_binding_dimension (rec, i));
      printf ("\n");
    }
  printf ("Reasons:\n");
  for (size_t i = 0; i < iop_recommendation_get_n_reasons (rec); i++)
    printf ("  %zu. %s [%s; %s]\n", i + 1, iop_recommendation_get_reason_text (rec, i),
            iop_recommendation_get_reason_code (rec, i),
            iop_recommendation_get_reason_source (rec, i) ? iop_recommendation_get_reason_source (rec, i) : "libiop");
  if (iop_recommendation_get_n_alternatives (rec) > 0)
    {
      printf ("Alternatives considered:");
      for (size_t i = 0; i < iop_recommendation_get_n_alternatives (rec); i++)
        printf ("%s %s (%s)", i ? "," : "", iop_recommendation_get_alternative_code (rec, i),
                iop_recommendation_get_alternative_reason (rec, i));
      printf ("\n");
    }
  printf ("Pack: %s %s%s\n", iop_recommendation_get_pack_id (rec), iop_recommendation_get_pack_version (rec),
          built_in_pack ? " (the open default built from public rules; not the ASAM Criteria or the LOCUS grid)" : "");
}

/* Parses "a,b,c" into integers without echoing them (they are patient ratings). */
static gboolean
parse_ratings (const char *text, GArray *out, int *status)
{
  g_auto(GStrv) tokens = g_strsplit (text, ",", -1);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      gint64 value = 0;
      int v;
      if (!g_ascii_string_to_signed (g_strstrip (tokens[i]), 10, G_MININT32, G_MAXINT32, &value, NULL))
        {
          *status = iop_cli_usage_error ("place", "--ratings: rating %u is not an integer", i + 1);
          return FALSE;
        }
      v = (int) value;
      g_array_append_val (out, v);
    }
  return TRUE;
}

int
iop_cmd_place (int argc, char **argv)
{
  g_autofree char *pack = NULL, *continuum_path = NULL, *instrument = NULL, *ratings = NULL;
  g_autofree char *age_text = NULL;
  g_auto(GStrv) available = NULL;
  gboolean json = FALSE, co_occurring = FALSE;
  int status = IOP_EXIT_OK;
  iop_error *error = NULL;
  g_autoptr(iop_continuum) continuum = NULL;
  g_autoptr(iop_placer) placer = NULL;
  g_autoptr(iop_assessment) assessment = NULL;
  g_autoptr(iop_recommendation) rec = NULL;
  const GOptionEntry entries[] = {
    { "instrument", 'i', 0, G_OPTION_ARG_STRING, &instrument, "Quick form: asam3, asam4, locus or calocus", "I" },
    { "ratings", 'r', 0, G_OPTION_ARG_STRING, &ratings, "Quick form: the ratings in dimension order, comma-separated", "A,B,C,..." },
    { "age", 0, 0, G_OPTION_ARG_STRING, &age_text, "Quick form: adult (default) or adolescent", "AGE" },
    { "co-occurring", 0, 0, G_OPTION_ARG_NONE, &co_occurring, "Quick form: a co-occurring mental-health condition is present", NULL },
    { "available", 0, 0, G_OPTION_ARG_STRING_ARRAY, &available, "Quick form: a level available locally (repeat the option)", "CODE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (level, edition, reasons, composite, ...)", NULL },
    { "pack", 0, 0, G_OPTION_ARG_FILENAME, &pack, "Use this placement pack instead of the built-in one", "FILE" },
    { "continuum", 0, 0, G_OPTION_ARG_FILENAME, &continuum_path, "Use this continuum pack for the levels", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("place", "[ASSESSMENT.json]",
                      "Recommend a level of care from a multidimensional assessment, with the reasons "
                      "and the dimensions that bound the decision.\n\n"
                      "Either give an assessment document (docs/json-formats.md), or use the quick form:\n"
                      "  iop place --instrument asam3 --ratings 1,0,2,2,1,1 [--co-occurring] [--age adolescent]\n\n"
                      "Dimension order: ASAM d1..d6 (rated 0-4); LOCUS I, II, III, IV-A, IV-B, V, VI "
                      "(1-5); CALOCUS I, II, III, IV-A, IV-B, V, VI-A, VI-B (1-5).\n\n"
                      "The built-in pack is an open default built from public rules; it is not the ASAM "
                      "Criteria decision logic or the LOCUS grid (load a licensed pack with --pack).",
                      entries, &argc, &argv, &status))
    return status;
  if ((argc == 2) == (instrument != NULL))
    return iop_cli_usage_error ("place", argc == 2 ? "give either ASSESSMENT.json or --instrument, not both"
                                                   : "give ASSESSMENT.json or --instrument with --ratings");
  if (argc > 2)
    return iop_cli_usage_error ("place", "unexpected argument '%s'", argv[2]);
  if (instrument != NULL && ratings == NULL)
    return iop_cli_usage_error ("place", "--instrument needs --ratings");
  if (instrument == NULL && (ratings != NULL || age_text != NULL || co_occurring || available != NULL))
    return iop_cli_usage_error ("place", "--ratings, --age, --co-occurring and --available belong to the quick form (--instrument)");

  if (continuum_path != NULL)
    {
      continuum = iop_continuum_new_from_file (continuum_path, &error);
      if (continuum == NULL)
        return iop_cli_fail ("place", error);
    }
  if (pack != NULL)
    placer = iop_placer_new_from_file (continuum, pack, &error);
  else if (continuum != NULL)
    {
      g_autofree char *text = iop_placer_default_pack_json ();
      placer = iop_placer_new_from_json (continuum, text, &error);
    }
  else
    placer = iop_placer_new_default ();
  if (placer == NULL)
    return iop_cli_fail ("place", error);

  if (instrument != NULL)
    {
      g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (int));
      iop_age_group age = IOP_AGE_ADULT;
      if (age_text != NULL)
        {
          age = iop_age_group_from_string (age_text, &error);
          if (age == 0)
            {
              status = iop_cli_usage_error ("place", "%s", iop_error_get_message (error));
              iop_error_free (error);
              return status;
            }
        }
      if (!parse_ratings (ratings, values, &status))
        return status;
      assessment = iop_assessment_new (placer, instrument, &error);
      if (assessment == NULL)
        return iop_cli_fail ("place", error);
      if (!iop_assessment_set_ratings (assessment, (const int *) (void *) values->data, values->len, &error))
        return iop_cli_fail ("place", error);
      iop_assessment_set_age_group (assessment, age);
      iop_assessment_set_co_occurring (assessment, co_occurring);
      for (guint i = 0; available != NULL && available[i] != NULL; i++)
        if (!iop_assessment_add_available_level (assessment, available[i], &error))
          return iop_cli_fail ("place", error);
    }
  else
    {
      g_autofree char *contents = NULL;
      contents = iop_cli_read_file ("place", argv[1], &status);
      if (contents == NULL)
        return status;
      assessment = iop_assessment_new_from_json (placer, contents, &error);
      if (assessment == NULL)
        return iop_cli_fail ("place", error);
    }

  rec = iop_placer_place (placer, assessment, &error);
  if (rec == NULL)
    return iop_cli_fail ("place", error);
  if (json)
    {
      g_autofree char *text = iop_recommendation_to_json (rec);
      printf ("%s\n", text);
    }
  else
    print_recommendation (rec, pack == NULL);
  return IOP_EXIT_OK;
}
