/*
 * libiop — the iop command-line tool
 * SPDX-License-Identifier: MIT
 *
 * Care-continuum commands: levels, level, crosswalk, compare, pack.
 */
#include "iop-cli.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#define EDITION_HELP "3, 4, asam3, asam4, locus or calocus"

static const char *
edition_label (iop_edition edition)
{
  switch (edition)
    {
    case IOP_EDITION_ASAM3: return "ASAM 3rd edition";
    case IOP_EDITION_ASAM4: return "ASAM 4th edition";
    case IOP_EDITION_LOCUS: return "LOCUS/CALOCUS";
    case IOP_EDITION_ANY:
    default: return "any edition";
    }
}

/* Parses an optional --edition value; NULL means "any". */
static gboolean
parse_edition (const char *command, const char *text, iop_edition *out, int *status)
{
  iop_error *error = NULL;

  if (text == NULL)
    {
      *out = IOP_EDITION_ANY;
      return TRUE;
    }
  *out = iop_edition_from_string (text, &error);
  if (*out == IOP_EDITION_ANY)
    {
      *status = iop_cli_usage_error (command, "%s", iop_error_get_message (error));
      iop_error_free (error);
      return FALSE;
    }
  return TRUE;
}

static char *
format_range (iop_range r)
{
  char min[G_ASCII_DTOSTR_BUF_SIZE], max[G_ASCII_DTOSTR_BUF_SIZE];

  if (!iop_range_is_published (&r))
    return g_strdup ("not published");
  g_ascii_formatd (min, sizeof min, "%g", r.min);
  g_ascii_formatd (max, sizeof max, "%g", r.max);
  if (r.has_min && r.has_max)
    return g_strdup_printf ("%s-%s%s", min, max, r.max_exclusive ? " (max exclusive)" : "");
  if (r.has_min)
    return g_strdup_printf (">= %s", min);
  return g_strdup_printf ("%s %s", r.max_exclusive ? "<" : "<=", max);
}

static char *
format_bands (const iop_level *level, iop_range (*get) (const iop_level *, iop_age_group))
{
  g_autofree char *adult = format_range (get (level, IOP_AGE_ADULT));
  g_autofree char *adolescent = format_range (get (level, IOP_AGE_ADOLESCENT));
  return g_strdup_printf ("adult %s; adolescent %s", adult, adolescent);
}

static void
print_neighbour (const char *label, const iop_level *level)
{
  if (level != NULL)
    printf ("  %-15s %s  %s\n", label, iop_level_get_code (level), iop_level_get_name (level));
  else
    printf ("  %-15s none\n", label);
}

static void
print_level (const iop_level *level)
{
  const iop_continuum *c = iop_level_get_continuum (level);
  g_autofree char *week = format_bands (level, iop_level_get_hours_per_week);
  g_autofree char *day = format_bands (level, iop_level_get_hours_per_day);
  static const iop_edition editions[] = { IOP_EDITION_ASAM3, IOP_EDITION_ASAM4, IOP_EDITION_LOCUS };
  const char *source;

  printf ("%s level %s: %s\n", edition_label (iop_level_get_edition (level)),
          iop_level_get_code (level), iop_level_get_name (level));
  if (iop_level_get_description (level) != NULL)
    printf ("  %s\n", iop_level_get_description (level));
  printf ("  %-15s %s, %s%s\n", "Setting:", iop_setting_to_string (iop_level_get_setting (level)),
          iop_management_to_string (iop_level_get_management (level)),
          iop_level_is_withdrawal_management (level) ? ", withdrawal management" : "");
  printf ("  %-15s %s\n", "Hours/week:", week);
  printf ("  %-15s %s\n", "Hours/day:", day);
  if (iop_level_get_n_billing_codes (level) > 0)
    {
      printf ("  %-15s", "Billing codes:");
      for (size_t i = 0; i < iop_level_get_n_billing_codes (level); i++)
        printf ("%s %s (%s)", i ? "," : "", iop_level_get_billing_code (level, i),
                iop_level_get_billing_code_system (level, i));
      printf ("\n");
    }
  print_neighbour ("Step down:", iop_level_get_step_down (level));
  print_neighbour ("Step up:", iop_level_get_step_up (level));
  for (gsize e = 0; e < G_N_ELEMENTS (editions); e++)
    {
      const iop_level *target = iop_level_crosswalk (level, editions[e]);
      if (target == NULL)
        continue;
      printf ("  %-15s %s %s (confidence %s)\n", "Crosswalk:", edition_label (editions[e]),
              iop_level_get_code (target),
              iop_confidence_to_string (iop_level_get_crosswalk_confidence (level, editions[e])));
    }
  source = iop_level_get_source (level, "level");
  if (source != NULL)
    printf ("  %-15s %s [%s]\n", "Source:", iop_continuum_get_source_citation (c, source),
            iop_confidence_to_string (iop_continuum_get_source_confidence (c, source)));
}

int
iop_cmd_levels (int argc, char **argv)
{
  g_autofree char *edition_text = NULL, *pack = NULL;
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  iop_edition edition;
  iop_error *error = NULL;
  g_autoptr(iop_continuum) c = NULL;
  const GOptionEntry entries[] = {
    { "edition", 'e', 0, G_OPTION_ARG_STRING, &edition_text, "Only this edition: " EDITION_HELP, "E" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON array of levels", NULL },
    { "pack", 0, 0, G_OPTION_ARG_FILENAME, &pack, "Use this continuum pack instead of the built-in one", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("levels", NULL, "List the levels of care in the continuum pack, least to most "
                      "intensive within each edition.", entries, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return iop_cli_usage_error ("levels", "unexpected argument '%s'", argv[1]);
  if (!parse_edition ("levels", edition_text, &edition, &status))
    return status;
  c = iop_cli_load_continuum (pack, &error);
  if (c == NULL)
    return iop_cli_fail ("levels", error);

  if (json)
    printf ("[");
  else
    printf ("%-6s %-7s %-72s %-12s %s\n", "EDITION", "CODE", "NAME", "SETTING", "HOURS/WEEK (ADULT)");
  for (size_t i = 0; i < iop_continuum_get_n_levels (c, edition); i++)
    {
      const iop_level *level = iop_continuum_get_level (c, edition, i);
      if (json)
        {
          g_autofree char *text = iop_level_to_json (level);
          printf ("%s%s", i ? "," : "", text);
        }
      else
        {
          g_autofree char *week = format_range (iop_level_get_hours_per_week (level, IOP_AGE_ADULT));
          printf ("%-6s %-7s %-72s %-12s %s\n", iop_edition_to_string (iop_level_get_edition (level)),
                  iop_level_get_code (level), iop_level_get_name (level),
                  iop_setting_to_string (iop_level_get_setting (level)), week);
        }
    }
  if (json)
    printf ("]\n");
  return IOP_EXIT_OK;
}

/* Looks a level up, reporting "unknown level" as a failure. */
static const iop_level *
find_level (const char *command, const iop_continuum *c, iop_edition edition, const char *code,
            int *status)
{
  const iop_level *level = iop_continuum_lookup_level (c, edition, code);
  if (level == NULL)
    *status = iop_cli_failf (command, "unknown level '%s' in %s (see 'iop levels')", code,
                             edition_label (edition));
  return level;
}

int
iop_cmd_level (int argc, char **argv)
{
  g_autofree char *edition_text = NULL, *pack = NULL;
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  iop_edition edition;
  iop_error *error = NULL;
  g_autoptr(iop_continuum) c = NULL;
  const iop_level *level;
  const GOptionEntry entries[] = {
    { "edition", 'e', 0, G_OPTION_ARG_STRING, &edition_text, "Edition of CODE: " EDITION_HELP " (default: the first match, ASAM 3rd edition first)", "E" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the level as JSON", NULL },
    { "pack", 0, 0, G_OPTION_ARG_FILENAME, &pack, "Use this continuum pack instead of the built-in one", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("level", "CODE", "Show one level of care: setting, hours per week and per day "
                      "by age group, billing codes, the next level down and up, and crosswalks. "
                      "CODE may be an alias such as II.1.", entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return iop_cli_usage_error ("level", argc < 2 ? "missing CODE" : "unexpected argument '%s'",
                                argc < 2 ? "" : argv[2]);
  if (!parse_edition ("level", edition_text, &edition, &status))
    return status;
  c = iop_cli_load_continuum (pack, &error);
  if (c == NULL)
    return iop_cli_fail ("level", error);
  level = find_level ("level", c, edition, argv[1], &status);
  if (level == NULL)
    return status;
  if (json)
    {
      g_autofree char *text = iop_level_to_json (level);
      printf ("%s\n", text);
    }
  else
    print_level (level);
  return IOP_EXIT_OK;
}

int
iop_cmd_crosswalk (int argc, char **argv)
{
  g_autofree char *from_text = NULL, *to_text = NULL, *pack = NULL;
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  iop_edition from, to;
  iop_error *error = NULL;
  g_autoptr(iop_continuum) c = NULL;
  const iop_level *level = NULL, *target;
  const GOptionEntry entries[] = {
    { "to", 't', 0, G_OPTION_ARG_STRING, &to_text, "Target edition (required): " EDITION_HELP, "E" },
    { "from", 'f', 0, G_OPTION_ARG_STRING, &from_text, "Edition of CODE (default: the first edition other than the target that has CODE)", "E" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "pack", 0, 0, G_OPTION_ARG_FILENAME, &pack, "Use this continuum pack instead of the built-in one", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("crosswalk", "CODE", "Map a level of care to its counterpart in another edition, "
                      "with the mapping's confidence grade.", entries, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return iop_cli_usage_error ("crosswalk", argc < 2 ? "missing CODE" : "unexpected argument '%s'",
                                argc < 2 ? "" : argv[2]);
  if (to_text == NULL)
    return iop_cli_usage_error ("crosswalk", "--to is required");
  if (!parse_edition ("crosswalk", to_text, &to, &status) ||
      !parse_edition ("crosswalk", from_text, &from, &status))
    return status;
  c = iop_cli_load_continuum (pack, &error);
  if (c == NULL)
    return iop_cli_fail ("crosswalk", error);

  if (from != IOP_EDITION_ANY)
    level = find_level ("crosswalk", c, from, argv[1], &status);
  else
    {
      static const iop_edition order[] = { IOP_EDITION_ASAM3, IOP_EDITION_ASAM4, IOP_EDITION_LOCUS };
      for (gsize i = 0; level == NULL && i < G_N_ELEMENTS (order); i++)
        if (order[i] != to)
          level = iop_continuum_lookup_level (c, order[i], argv[1]);
      if (level == NULL)
        status = iop_cli_failf ("crosswalk", "unknown level '%s' outside %s (see 'iop levels')",
                                argv[1], edition_label (to));
    }
  if (level == NULL)
    return status;
  if (iop_level_get_edition (level) == to)
    return iop_cli_usage_error ("crosswalk", "--from and --to name the same edition");

  target = iop_level_crosswalk (level, to);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "from");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "edition");
      json_builder_add_string_value (b, iop_edition_to_string (iop_level_get_edition (level)));
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, iop_level_get_code (level));
      json_builder_end_object (b);
      json_builder_set_member_name (b, "to");
      if (target != NULL)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "edition");
          json_builder_add_string_value (b, iop_edition_to_string (to));
          json_builder_set_member_name (b, "code");
          json_builder_add_string_value (b, iop_level_get_code (target));
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, iop_level_get_name (target));
          json_builder_end_object (b);
        }
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "confidence");
      if (target != NULL)
        json_builder_add_string_value (b, iop_confidence_to_string (
            iop_level_get_crosswalk_confidence (level, to)));
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "note");
      if (iop_level_get_crosswalk_note (level, to) != NULL)
        json_builder_add_string_value (b, iop_level_get_crosswalk_note (level, to));
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
    }
  else if (target != NULL)
    {
      const char *note = iop_level_get_crosswalk_note (level, to);
      printf ("%s %s -> %s %s  %s (confidence %s)\n", edition_label (iop_level_get_edition (level)),
              iop_level_get_code (level), edition_label (to), iop_level_get_code (target),
              iop_level_get_name (target),
              iop_confidence_to_string (iop_level_get_crosswalk_confidence (level, to)));
      if (note != NULL)
        printf ("  Note: %s\n", note);
    }
  else
    printf ("%s %s has no counterpart in %s in this pack.\n",
            edition_label (iop_level_get_edition (level)), iop_level_get_code (level),
            edition_label (to));
  /* "No mapping" is an answer, not a failure, except that scripts may want to know. */
  return target != NULL ? IOP_EXIT_OK : IOP_EXIT_FAILURE;
}

int
iop_cmd_compare (int argc, char **argv)
{
  g_autofree char *pack = NULL;
  gboolean json = FALSE;
  int status = IOP_EXIT_OK;
  iop_error *error = NULL;
  g_autoptr(iop_continuum) c = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "pack", 0, 0, G_OPTION_ARG_FILENAME, &pack, "Use this continuum pack instead of the built-in one", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };

  if (!iop_cli_parse ("compare", NULL, "Compare inpatient (including residential) and outpatient care: "
                      "location, intensity, duration, support, lifestyle, cost and suitability.",
                      entries, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return iop_cli_usage_error ("compare", "unexpected argument '%s'", argv[1]);
  c = iop_cli_load_continuum (pack, &error);
  if (c == NULL)
    return iop_cli_fail ("compare", error);
  if (json)
    {
      g_autofree char *text = iop_continuum_comparison_to_json (c);
      printf ("%s\n", text);
      return IOP_EXIT_OK;
    }
  for (size_t i = 0; i < iop_continuum_get_n_comparison_aspects (c); i++)
    {
      const char *aspect = iop_continuum_get_comparison_aspect (c, i);
      printf ("%s\n  Inpatient:  %s\n  Outpatient: %s\n", iop_continuum_get_comparison_label (c, aspect),
              iop_continuum_get_comparison (c, aspect, IOP_SETTING_INPATIENT),
              iop_continuum_get_comparison (c, aspect, IOP_SETTING_OUTPATIENT));
    }
  return IOP_EXIT_OK;
}

int
iop_cmd_pack (int argc, char **argv)
{
  int status = IOP_EXIT_OK;
  g_autofree char *text = NULL;

  if (!iop_cli_parse ("pack", "[continuum|measure|placement|compliance|program|careplan|payers]",
                      "Print a built-in rule pack as JSON (default: the continuum pack). Save it, edit "
                      "it, and pass it back with --pack FILE to the commands that use it.",
                      NULL, &argc, &argv, &status))
    return status;
  if (argc > 2)
    return iop_cli_usage_error ("pack", "unexpected argument '%s'", argv[2]);
  if (argc < 2 || strcmp (argv[1], "continuum") == 0)
    text = iop_continuum_default_pack_json ();
  else if (strcmp (argv[1], "measure") == 0 || strcmp (argv[1], "measures") == 0)
    text = iop_measure_set_default_pack_json ();
  else if (strcmp (argv[1], "placement") == 0)
    text = iop_placer_default_pack_json ();
  else if (strcmp (argv[1], "compliance") == 0)
    text = iop_compliance_rules_default_pack_json ();
  else if (strcmp (argv[1], "program") == 0)
    text = iop_program_default_pack_json ();
  else if (strcmp (argv[1], "careplan") == 0)
    text = iop_careplan_template_default_pack_json ();
  else if (strcmp (argv[1], "payers") == 0)
    text = iop_preauth_policy_default_pack_json ();
  else
    return iop_cli_usage_error ("pack", "unknown pack '%s' (continuum, measure, placement, compliance, program, careplan or payers)", argv[1]);
  fputs (text, stdout);
  return IOP_EXIT_OK;
}
