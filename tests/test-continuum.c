/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Unit tests for iop-continuum.h: the built-in continuum pack (levels, hours, billing codes,
 * step moves, crosswalks, sources, comparison), the query and string API, JSON output, reference
 * counting, user packs, and the strict validation of packs.
 *
 * Test data (tests/data/continuum):
 *   valid/NAME.json    packs that must load; test_continuum_every_valid_pack_loads loads them
 *                      all, and each but minimal.json also has its own test below.
 *   invalid/NAME.json  packs that must be rejected, one defect each. Most derive from
 *                      valid/minimal.json (their "$comment" names the defect). The expected error
 *                      code and JSON path of every file live in the table invalid_packs[]
 *                      below; test_continuum_invalid_corpus_matches_the_tables fails when a file
 *                      has no row or a row has no file.
 *
 * The JSON output is checked by parsing it with json-glib, independently of libiop's reader, so
 * this test links json-glib directly (PkgConfig::JSONGLIB in tests/CMakeLists.txt).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libiop/iop.h>
#include <libiop/iop-glib.h>

#include "iop-test.h"

#define CONTINUUM_DATA IOP_TEST_DATA_DIR "/continuum"

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                     */

static const iop_level *
lookup (const iop_continuum *c, iop_edition edition, const char *code)
{
  const iop_level *level = iop_continuum_lookup_level (c, edition, code);
  if (level == NULL)
    fail_msg ("no %s level \"%s\"", iop_edition_to_string (edition), code);
  return level;
}

static void
assert_range (iop_range r, bool has_min, double min, bool has_max, double max, bool max_exclusive)
{
  assert_int_equal (r.has_min, has_min);
  if (has_min)
    assert_true (r.min == min);
  assert_int_equal (r.has_max, has_max);
  if (has_max)
    assert_true (r.max == max);
  assert_int_equal (r.max_exclusive, max_exclusive);
}

static char *
data_path (const char *dir, const char *file)
{
  return g_build_filename (CONTINUUM_DATA, dir, file, NULL);
}

static iop_continuum *
load_data_pack (const char *dir, const char *file)
{
  g_autofree char *path = data_path (dir, file);
  iop_error *err = NULL;
  iop_continuum *c = iop_continuum_new_from_file (path, &err);
  if (c == NULL)
    fail_msg ("%s: %s", path, iop_error_get_message (err));
  assert_null (err);
  return c;
}

static const char *
json_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    fail_msg ("expected a JSON string");
  return json_node_get_string (node);
}

static double
json_number (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    fail_msg ("expected a JSON number");
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  fail_msg ("expected a JSON number");
  return NAN;
}

static bool
json_bool (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    fail_msg ("expected a JSON boolean");
  return json_node_get_boolean (node);
}

static bool
json_is_null (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_NULL (node);
}

#define J(node, ...) json_at ((node), __VA_ARGS__, (const char *) NULL)

/* ------------------------------------------------------------------------------------------ */
/* The built-in pack: catalog                                                                  */

static void
test_continuum_default_pack_has_id_version_and_title (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  (void) state;

  assert_non_null (c);
  assert_string_equal (iop_continuum_get_id (c), "libiop-default");
  assert_non_null (iop_continuum_get_version (c));
  assert_true (strlen (iop_continuum_get_version (c)) > 0);
  assert_non_null (iop_continuum_get_title (c));
  assert_true (strlen (iop_continuum_get_title (c)) > 0);
}

static void
test_continuum_default_pack_counts_levels_per_edition (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  (void) state;

  assert_int_equal (iop_continuum_get_n_levels (c, IOP_EDITION_ASAM3), 15);
  assert_int_equal (iop_continuum_get_n_levels (c, IOP_EDITION_ASAM4), 11);
  assert_int_equal (iop_continuum_get_n_levels (c, IOP_EDITION_LOCUS), 7);
  assert_int_equal (iop_continuum_get_n_levels (c, IOP_EDITION_ANY), 15 + 11 + 7);

  /* Index bounds. */
  assert_non_null (iop_continuum_get_level (c, IOP_EDITION_ASAM3, 14));
  assert_null (iop_continuum_get_level (c, IOP_EDITION_ASAM3, 15));
  assert_null (iop_continuum_get_level (c, IOP_EDITION_ASAM4, 11));
  assert_null (iop_continuum_get_level (c, IOP_EDITION_LOCUS, 7));
  assert_non_null (iop_continuum_get_level (c, IOP_EDITION_ANY, 32));
  assert_null (iop_continuum_get_level (c, IOP_EDITION_ANY, 33));
  assert_null (iop_continuum_get_level (c, IOP_EDITION_ANY, SIZE_MAX));

  /* A value outside the enum is no edition at all. */
  assert_int_equal (iop_continuum_get_n_levels (c, (iop_edition) 5), 0);
  assert_int_equal (iop_continuum_get_n_levels (c, (iop_edition) -1), 0);
  assert_null (iop_continuum_get_level (c, (iop_edition) 5, 0));
}

static void
assert_codes (const iop_continuum *c, iop_edition edition, const char *const *codes, size_t n)
{
  assert_int_equal (iop_continuum_get_n_levels (c, edition), n);
  for (size_t i = 0; i < n; i++)
    {
      const iop_level *level = iop_continuum_get_level (c, edition, i);
      assert_non_null (level);
      assert_string_equal (iop_level_get_code (level), codes[i]);
      assert_int_equal (iop_level_get_edition (level), edition);
    }
}

static void
test_continuum_default_pack_lists_the_published_level_codes (void **state)
{
  static const char *const asam3[] = { "0.5", "1", "OTP", "2.1", "2.5", "3.1", "3.3", "3.5",
                                       "3.7", "4", "1-WM", "2-WM", "3.2-WM", "3.7-WM", "4-WM" };
  static const char *const asam4[] = { "RR", "1.0", "1.5", "1.7", "2.1", "2.5", "2.7", "3.1",
                                       "3.5", "3.7", "4" };
  static const char *const locus[] = { "0", "1", "2", "3", "4", "5", "6" };
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  (void) state;

  assert_codes (c, IOP_EDITION_ASAM3, asam3, G_N_ELEMENTS (asam3));
  assert_codes (c, IOP_EDITION_ASAM4, asam4, G_N_ELEMENTS (asam4));
  assert_codes (c, IOP_EDITION_LOCUS, locus, G_N_ELEMENTS (locus));

  /* The 4th edition folded 3.3 into 3.5 and dropped the separate withdrawal-management levels. */
  assert_null (iop_continuum_lookup_level (c, IOP_EDITION_ASAM4, "3.3"));
  for (size_t i = 0; i < iop_continuum_get_n_levels (c, IOP_EDITION_ASAM4); i++)
    assert_false (iop_level_is_withdrawal_management (
        iop_continuum_get_level (c, IOP_EDITION_ASAM4, i)));
}

static bool
valid_billing_system (const char *system)
{
  return system != NULL && (strcmp (system, "hcpcs") == 0 || strcmp (system, "cpt") == 0 ||
                            strcmp (system, "revenue") == 0 || strcmp (system, "condition") == 0);
}

static void
assert_source_resolves (const iop_continuum *c, const iop_level *level, const char *field)
{
  const char *id = iop_level_get_source (level, field);
  if (id == NULL)
    fail_msg ("%s level %s: no source for %s", iop_edition_to_string (iop_level_get_edition (level)),
              iop_level_get_code (level), field);
  if (iop_continuum_get_source_citation (c, id) == NULL)
    fail_msg ("%s level %s: source \"%s\" of %s is not in the sources table",
              iop_edition_to_string (iop_level_get_edition (level)), iop_level_get_code (level),
              id, field);
  assert_true (strlen (iop_continuum_get_source_citation (c, id)) > 0);
  assert_int_not_equal (iop_continuum_get_source_confidence (c, id), IOP_CONFIDENCE_NONE);
}

/* Checks every documented invariant of every level of @c. */
static void
assert_every_level_complete (const iop_continuum *c)
{
  static const iop_edition editions[] = { IOP_EDITION_ASAM3, IOP_EDITION_ASAM4, IOP_EDITION_LOCUS };
  static const iop_age_group ages[] = { IOP_AGE_ADULT, IOP_AGE_ADOLESCENT };
  size_t n = iop_continuum_get_n_levels (c, IOP_EDITION_ANY);

  assert_true (n > 0);
  for (size_t i = 0; i < n; i++)
    {
      const iop_level *level = iop_continuum_get_level (c, IOP_EDITION_ANY, i);
      iop_edition edition;
      size_t n_billing;

      assert_non_null (level);
      assert_ptr_equal (iop_level_get_continuum (level), c);
      assert_non_null (iop_level_get_code (level));
      assert_true (strlen (iop_level_get_code (level)) > 0);
      assert_non_null (iop_level_get_name (level));
      assert_true (strlen (iop_level_get_name (level)) > 0);
      edition = iop_level_get_edition (level);
      assert_true (edition == IOP_EDITION_ASAM3 || edition == IOP_EDITION_ASAM4 ||
                   edition == IOP_EDITION_LOCUS);
      assert_in_range (iop_level_get_setting (level), IOP_SETTING_COMMUNITY, IOP_SETTING_INPATIENT);
      assert_in_range (iop_level_get_management (level), IOP_MANAGEMENT_UNSPECIFIED,
                       IOP_MANAGEMENT_MEDICALLY_MANAGED);

      /* Lookup by code and by each alias finds this very level. */
      assert_ptr_equal (iop_continuum_lookup_level (c, edition, iop_level_get_code (level)), level);
      for (size_t a = 0; a < iop_level_get_n_aliases (level); a++)
        {
          assert_non_null (iop_level_get_alias (level, a));
          assert_ptr_equal (iop_continuum_lookup_level (c, edition, iop_level_get_alias (level, a)),
                            level);
        }
      assert_null (iop_level_get_alias (level, iop_level_get_n_aliases (level)));

      assert_source_resolves (c, level, "level");

      /* Every published band names a source; an unpublished band names none. */
      for (size_t a = 0; a < G_N_ELEMENTS (ages); a++)
        {
          g_autofree char *week = g_strconcat ("hours_per_week.", iop_age_group_to_string (ages[a]), NULL);
          g_autofree char *day = g_strconcat ("hours_per_day.", iop_age_group_to_string (ages[a]), NULL);
          iop_range w = iop_level_get_hours_per_week (level, ages[a]);
          iop_range d = iop_level_get_hours_per_day (level, ages[a]);

          if (iop_range_is_published (&w))
            assert_source_resolves (c, level, week);
          else
            assert_null (iop_level_get_source (level, week));
          if (iop_range_is_published (&d))
            assert_source_resolves (c, level, day);
          else
            assert_null (iop_level_get_source (level, day));
          if (w.has_min)
            assert_true (w.min >= 0 && w.min <= 168);
          if (w.has_max)
            assert_true (w.max >= 0 && w.max <= 168);
          if (d.has_min)
            assert_true (d.min >= 0 && d.min <= 24);
          if (d.has_max)
            assert_true (d.max >= 0 && d.max <= 24);
          if (w.has_min && w.has_max)
            assert_true (w.max_exclusive ? w.min < w.max : w.min <= w.max);
          if (d.has_min && d.has_max)
            assert_true (d.max_exclusive ? d.min < d.max : d.min <= d.max);
        }

      n_billing = iop_level_get_n_billing_codes (level);
      for (size_t b = 0; b < n_billing; b++)
        {
          g_autofree char *field = g_strdup_printf ("billing_codes.%zu", b);
          assert_non_null (iop_level_get_billing_code (level, b));
          assert_true (strlen (iop_level_get_billing_code (level, b)) > 0);
          assert_true (valid_billing_system (iop_level_get_billing_code_system (level, b)));
          assert_source_resolves (c, level, field);
        }
      assert_null (iop_level_get_billing_code (level, n_billing));
      assert_null (iop_level_get_billing_code_system (level, n_billing));
      assert_null (iop_level_get_billing_code_description (level, n_billing));

      /* Steps stay inside the edition. */
      if (iop_level_get_step_down (level) != NULL)
        assert_int_equal (iop_level_get_edition (iop_level_get_step_down (level)), edition);
      if (iop_level_get_step_up (level) != NULL)
        assert_int_equal (iop_level_get_edition (iop_level_get_step_up (level)), edition);

      /* Crosswalks: a target of the requested edition with a graded source, or nothing. */
      for (size_t e = 0; e < G_N_ELEMENTS (editions); e++)
        {
          const iop_level *target = iop_level_crosswalk (level, editions[e]);
          g_autofree char *field = g_strconcat ("crosswalk.", iop_edition_to_string (editions[e]), NULL);

          if (editions[e] == edition)
            assert_null (target);
          if (target != NULL)
            {
              assert_int_equal (iop_level_get_edition (target), editions[e]);
              assert_int_not_equal (iop_level_get_crosswalk_confidence (level, editions[e]),
                                    IOP_CONFIDENCE_NONE);
              assert_source_resolves (c, level, field);
              assert_int_equal (iop_level_get_crosswalk_confidence (level, editions[e]),
                                iop_continuum_get_source_confidence (
                                    c, iop_level_get_source (level, field)));
            }
          else
            {
              assert_int_equal (iop_level_get_crosswalk_confidence (level, editions[e]),
                                IOP_CONFIDENCE_NONE);
              assert_null (iop_level_get_crosswalk_note (level, editions[e]));
              assert_null (iop_level_get_source (level, field));
            }
        }
      assert_null (iop_level_crosswalk (level, IOP_EDITION_ANY));
    }
}

static void
test_continuum_every_default_level_is_complete_and_sourced (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  (void) state;

  assert_every_level_complete (c);
}

static void
test_continuum_edition_views_partition_the_pack (void **state)
{
  static const iop_edition editions[] = { IOP_EDITION_ASAM3, IOP_EDITION_ASAM4, IOP_EDITION_LOCUS };
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  size_t seen = 0;
  (void) state;

  /* Each edition view lists that edition's levels in pack order, and together they are the
   * whole pack. */
  for (size_t e = 0; e < G_N_ELEMENTS (editions); e++)
    {
      size_t j = 0;
      for (size_t i = 0; i < iop_continuum_get_n_levels (c, IOP_EDITION_ANY); i++)
        {
          const iop_level *level = iop_continuum_get_level (c, IOP_EDITION_ANY, i);
          if (iop_level_get_edition (level) != editions[e])
            continue;
          assert_ptr_equal (iop_continuum_get_level (c, editions[e], j), level);
          j++;
        }
      assert_int_equal (j, iop_continuum_get_n_levels (c, editions[e]));
      seen += j;
    }
  assert_int_equal (seen, iop_continuum_get_n_levels (c, IOP_EDITION_ANY));
}

static size_t
index_in_edition (const iop_continuum *c, const iop_level *level)
{
  iop_edition edition = iop_level_get_edition (level);
  for (size_t i = 0; i < iop_continuum_get_n_levels (c, edition); i++)
    if (iop_continuum_get_level (c, edition, i) == level)
      return i;
  fail_msg ("level %s is missing from its edition view", iop_level_get_code (level));
  return SIZE_MAX;
}

static void
test_continuum_default_pack_orders_levels_from_least_to_most_intensive (void **state)
{
  static const iop_edition editions[] = { IOP_EDITION_ASAM3, IOP_EDITION_ASAM4, IOP_EDITION_LOCUS };
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  (void) state;

  for (size_t e = 0; e < G_N_ELEMENTS (editions); e++)
    {
      bool seen_wm = false;
      for (size_t i = 0; i < iop_continuum_get_n_levels (c, editions[e]); i++)
        {
          const iop_level *level = iop_continuum_get_level (c, editions[e], i);
          const iop_level *up = iop_level_get_step_up (level);
          const iop_level *down = iop_level_get_step_down (level);

          /* Withdrawal-management levels come last. */
          if (iop_level_is_withdrawal_management (level))
            seen_wm = true;
          else
            assert_false (seen_wm);
          /* A step up goes later in the list, a step down earlier. */
          if (up != NULL)
            assert_true (index_in_edition (c, up) > i);
          if (down != NULL)
            assert_true (index_in_edition (c, down) < i);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* The built-in pack: clinical facts                                                           */

static void
test_continuum_asam3_2_1_hours_match_state_regulations (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  const iop_level *iop;
  (void) state;

  iop = lookup (c, IOP_EDITION_ASAM3, "2.1");
  assert_string_equal (iop_level_get_name (iop), "Intensive Outpatient Services");
  assert_int_equal (iop_level_get_setting (iop), IOP_SETTING_OUTPATIENT);
  assert_int_equal (iop_level_get_management (iop), IOP_MANAGEMENT_CLINICALLY_MANAGED);
  assert_false (iop_level_is_withdrawal_management (iop));

  /* 77 Ill. Adm. Code 2060.410: adults 9-19, adolescents 6-19 hours a week. */
  assert_range (iop_level_get_hours_per_week (iop, IOP_AGE_ADULT), true, 9, true, 19, false);
  assert_range (iop_level_get_hours_per_week (iop, IOP_AGE_ADOLESCENT), true, 6, true, 19, false);
  /* 12VAC30-130-5090: adults at least 3, adolescents at least 2 service hours a day. */
  assert_range (iop_level_get_hours_per_day (iop, IOP_AGE_ADULT), true, 3, false, 0, false);
  assert_range (iop_level_get_hours_per_day (iop, IOP_AGE_ADOLESCENT), true, 2, false, 0, false);
  assert_string_equal (iop_level_get_source (iop, "hours_per_week.adult"), "il-77-iac-2060-410");
  assert_string_equal (iop_level_get_source (iop, "hours_per_day.adolescent"), "va-12vac30-130-5090");
  assert_int_equal (iop_continuum_get_source_confidence (c, "il-77-iac-2060-410"), IOP_CONFIDENCE_HIGH);
}

static bool
has_billing_code (const iop_level *level, const char *system, const char *code)
{
  for (size_t i = 0; i < iop_level_get_n_billing_codes (level); i++)
    if (strcmp (iop_level_get_billing_code (level, i), code) == 0 &&
        strcmp (iop_level_get_billing_code_system (level, i), system) == 0)
      return true;
  return false;
}

static void
test_continuum_intensive_outpatient_billing_codes_are_listed (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  const iop_level *iop, *php;
  (void) state;

  iop = lookup (c, IOP_EDITION_ASAM3, "2.1");
  assert_true (has_billing_code (iop, "hcpcs", "H0015"));   /* SUD IOP per diem */
  assert_true (has_billing_code (iop, "hcpcs", "S9480"));   /* psychiatric IOP per diem */
  assert_true (has_billing_code (iop, "revenue", "0905"));
  assert_true (has_billing_code (iop, "revenue", "0906"));
  assert_true (has_billing_code (iop, "condition", "92"));  /* Medicare IOP claim */
  assert_false (has_billing_code (iop, "condition", "41")); /* that is PHP */
  assert_false (has_billing_code (iop, "revenue", "0015")); /* system matters */
  assert_string_equal (iop_level_get_billing_code (iop, 0), "H0015");
  assert_string_equal (iop_level_get_billing_code_system (iop, 0), "hcpcs");
  assert_non_null (iop_level_get_billing_code_description (iop, 0));

  php = lookup (c, IOP_EDITION_ASAM3, "2.5");
  assert_true (has_billing_code (php, "condition", "41"));
  assert_true (has_billing_code (php, "hcpcs", "H0035"));
  assert_false (has_billing_code (php, "hcpcs", "H0015"));
}

static void
test_continuum_asam4_2_5_is_high_intensity_outpatient_with_no_upper_bound (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  const iop_level *hiop;
  iop_range adult;
  (void) state;

  hiop = lookup (c, IOP_EDITION_ASAM4, "2.5");
  assert_string_equal (iop_level_get_name (hiop), "High-Intensity Outpatient");
  adult = iop_level_get_hours_per_week (hiop, IOP_AGE_ADULT);
  assert_range (adult, true, 20, false, 0, false);
  assert_true (iop_range_contains (&adult, 20));
  assert_false (iop_range_contains (&adult, 19.99));
  assert_true (iop_range_contains (&adult, 168));
  /* The 3rd-edition name of the same level. */
  assert_string_equal (iop_level_get_name (lookup (c, IOP_EDITION_ASAM3, "2.5")),
                       "Partial Hospitalization Services");
}

static void
test_continuum_asam3_level_1_is_fewer_than_nine_hours (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  const iop_level *op;
  iop_range adult, adolescent;
  (void) state;

  op = lookup (c, IOP_EDITION_ASAM3, "1");
  adult = iop_level_get_hours_per_week (op, IOP_AGE_ADULT);
  assert_range (adult, false, 0, true, 9, true);
  assert_true (iop_range_contains (&adult, 0));
  assert_true (iop_range_contains (&adult, 8.99));
  assert_false (iop_range_contains (&adult, 9));
  assert_false (iop_range_contains (&adult, 12));

  adolescent = iop_level_get_hours_per_week (op, IOP_AGE_ADOLESCENT);
  assert_range (adolescent, false, 0, true, 6, true);
  assert_true (iop_range_contains (&adolescent, 5.99));
  assert_false (iop_range_contains (&adolescent, 6));
}

static void
test_continuum_range_contains_honours_the_2_1_band_edges (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  iop_range adult, adolescent;
  (void) state;

  adult = iop_level_get_hours_per_week (lookup (c, IOP_EDITION_ASAM3, "2.1"), IOP_AGE_ADULT);
  assert_true (iop_range_is_published (&adult));
  assert_false (iop_range_contains (&adult, 8.75));
  assert_true (iop_range_contains (&adult, 9));
  assert_true (iop_range_contains (&adult, 19));
  assert_false (iop_range_contains (&adult, 19.25));

  /* 7 hours a week is IOP for an adolescent but not for an adult. */
  adolescent = iop_level_get_hours_per_week (lookup (c, IOP_EDITION_ASAM3, "2.1"), IOP_AGE_ADOLESCENT);
  assert_true (iop_range_contains (&adolescent, 7));
  assert_false (iop_range_contains (&adult, 7));
  assert_true (iop_range_contains (&adolescent, 6));
  assert_false (iop_range_contains (&adolescent, 5.75));
}

static void
test_continuum_range_contains_handles_one_sided_and_unpublished_bands (void **state)
{
  const iop_range unpublished = { false, 0, false, 0, false };
  const iop_range at_least_5 = { true, 5, false, 0, false };
  const iop_range at_most_5 = { false, 0, true, 5, false };
  const iop_range below_5 = { false, 0, true, 5, true };
  const iop_range point = { true, 5, true, 5, false };
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  iop_range none;
  (void) state;

  assert_false (iop_range_is_published (&unpublished));
  assert_true (iop_range_contains (&unpublished, -1));
  assert_true (iop_range_contains (&unpublished, 0));
  assert_true (iop_range_contains (&unpublished, 1e9));

  assert_true (iop_range_is_published (&at_least_5));
  assert_true (iop_range_is_published (&at_most_5));
  assert_false (iop_range_contains (&at_least_5, 4.99));
  assert_true (iop_range_contains (&at_least_5, 5));
  assert_true (iop_range_contains (&at_least_5, 1e6));
  assert_true (iop_range_contains (&at_most_5, 5));
  assert_false (iop_range_contains (&at_most_5, 5.01));
  assert_false (iop_range_contains (&below_5, 5));
  assert_true (iop_range_contains (&below_5, 4.99));
  assert_true (iop_range_contains (&point, 5));
  assert_false (iop_range_contains (&point, 4.99));
  assert_false (iop_range_contains (&point, 5.01));

  /* Levels without a published figure, and invalid age groups, give unpublished bands. */
  none = iop_level_get_hours_per_week (lookup (c, IOP_EDITION_ASAM3, "3.3"), IOP_AGE_ADULT);
  assert_range (none, false, 0, false, 0, false);
  assert_false (iop_range_is_published (&none));
  assert_true (iop_range_contains (&none, 40));
  assert_null (iop_level_get_source (lookup (c, IOP_EDITION_ASAM3, "3.3"), "hours_per_week.adult"));
  none = iop_level_get_hours_per_week (lookup (c, IOP_EDITION_ASAM3, "2.1"), (iop_age_group) 0);
  assert_false (iop_range_is_published (&none));
  none = iop_level_get_hours_per_day (lookup (c, IOP_EDITION_ASAM3, "2.1"), (iop_age_group) 3);
  assert_false (iop_range_is_published (&none));
}

static void
test_continuum_management_and_setting_follow_the_asam_definitions (void **state)
{
  static const struct {
    iop_edition edition; const char *code; iop_setting setting; iop_management management;
  } facts[] = {
    { IOP_EDITION_ASAM3, "3.1", IOP_SETTING_RESIDENTIAL, IOP_MANAGEMENT_CLINICALLY_MANAGED },
    { IOP_EDITION_ASAM3, "3.3", IOP_SETTING_RESIDENTIAL, IOP_MANAGEMENT_CLINICALLY_MANAGED },
    { IOP_EDITION_ASAM3, "3.5", IOP_SETTING_RESIDENTIAL, IOP_MANAGEMENT_CLINICALLY_MANAGED },
    { IOP_EDITION_ASAM3, "3.7", IOP_SETTING_RESIDENTIAL, IOP_MANAGEMENT_MEDICALLY_MONITORED },
    { IOP_EDITION_ASAM3, "4", IOP_SETTING_INPATIENT, IOP_MANAGEMENT_MEDICALLY_MANAGED },
    /* 4th edition: 3.7 is renamed medically managed. */
    { IOP_EDITION_ASAM4, "3.7", IOP_SETTING_RESIDENTIAL, IOP_MANAGEMENT_MEDICALLY_MANAGED },
    { IOP_EDITION_ASAM4, "2.5", IOP_SETTING_OUTPATIENT, IOP_MANAGEMENT_CLINICALLY_MANAGED },
  };
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (facts); i++)
    {
      const iop_level *level = lookup (c, facts[i].edition, facts[i].code);
      assert_int_equal (iop_level_get_setting (level), facts[i].setting);
      assert_int_equal (iop_level_get_management (level), facts[i].management);
    }
  assert_true (iop_level_is_withdrawal_management (lookup (c, IOP_EDITION_ASAM3, "3.2-WM")));
  assert_false (iop_level_is_withdrawal_management (lookup (c, IOP_EDITION_ASAM3, "3.7")));
}

/* ------------------------------------------------------------------------------------------ */
/* Crosswalks                                                                                  */

static void
test_continuum_crosswalk_asam3_3_3_goes_to_asam4_3_5_with_medium_confidence (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  const iop_level *from, *to;
  (void) state;

  from = lookup (c, IOP_EDITION_ASAM3, "3.3");
  to = iop_level_crosswalk (from, IOP_EDITION_ASAM4);
  assert_non_null (to);
  assert_ptr_equal (to, lookup (c, IOP_EDITION_ASAM4, "3.5"));
  assert_int_equal (iop_level_get_crosswalk_confidence (from, IOP_EDITION_ASAM4), IOP_CONFIDENCE_MEDIUM);
  assert_non_null (iop_level_get_crosswalk_note (from, IOP_EDITION_ASAM4));
  assert_string_equal (iop_level_get_source (from, "crosswalk.asam4"), "asam-crosswalk-derived");

  /* The way back goes to 3.5, not 3.3. */
  assert_ptr_equal (iop_level_crosswalk (to, IOP_EDITION_ASAM3), lookup (c, IOP_EDITION_ASAM3, "3.5"));
  /* Withdrawal management folds into 3.7. */
  assert_ptr_equal (iop_level_crosswalk (lookup (c, IOP_EDITION_ASAM3, "3.2-WM"), IOP_EDITION_ASAM4),
                    lookup (c, IOP_EDITION_ASAM4, "3.7"));
}

static void
test_continuum_crosswalk_locus_3_goes_to_asam3_2_1_with_low_confidence (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  const iop_level *locus3;
  (void) state;

  locus3 = lookup (c, IOP_EDITION_LOCUS, "3");
  assert_ptr_equal (iop_level_crosswalk (locus3, IOP_EDITION_ASAM3), lookup (c, IOP_EDITION_ASAM3, "2.1"));
  assert_int_equal (iop_level_get_crosswalk_confidence (locus3, IOP_EDITION_ASAM3), IOP_CONFIDENCE_LOW);
  assert_string_equal (iop_level_get_source (locus3, "crosswalk.asam3"), "vaya-locus-asam");
  /* The pack maps LOCUS to the 3rd edition only. */
  assert_null (iop_level_crosswalk (locus3, IOP_EDITION_ASAM4));
  assert_int_equal (iop_level_get_crosswalk_confidence (locus3, IOP_EDITION_ASAM4), IOP_CONFIDENCE_NONE);
}

static void
test_continuum_crosswalk_is_absent_for_otp_and_for_the_own_edition (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  const iop_level *otp, *iop;
  (void) state;

  otp = lookup (c, IOP_EDITION_ASAM3, "OTP");
  assert_null (iop_level_crosswalk (otp, IOP_EDITION_ASAM4));
  assert_int_equal (iop_level_get_crosswalk_confidence (otp, IOP_EDITION_ASAM4), IOP_CONFIDENCE_NONE);
  assert_null (iop_level_get_crosswalk_note (otp, IOP_EDITION_ASAM4));
  assert_null (iop_level_get_source (otp, "crosswalk.asam4"));

  iop = lookup (c, IOP_EDITION_ASAM3, "2.1");
  assert_null (iop_level_crosswalk (iop, IOP_EDITION_ASAM3));
  assert_int_equal (iop_level_get_crosswalk_confidence (iop, IOP_EDITION_ASAM3), IOP_CONFIDENCE_NONE);
  assert_null (iop_level_crosswalk (iop, IOP_EDITION_ANY));
  assert_null (iop_level_crosswalk (iop, (iop_edition) 99));
  assert_int_equal (iop_level_get_crosswalk_confidence (iop, (iop_edition) 99), IOP_CONFIDENCE_NONE);
  /* ...while the other editions are mapped. */
  assert_non_null (iop_level_crosswalk (iop, IOP_EDITION_ASAM4));
  assert_non_null (iop_level_crosswalk (iop, IOP_EDITION_LOCUS));
}

/* ------------------------------------------------------------------------------------------ */
/* Step moves                                                                                  */

static void
test_continuum_asam3_2_1_steps_down_to_1_and_up_to_2_5 (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  const iop_level *iop;
  (void) state;

  iop = lookup (c, IOP_EDITION_ASAM3, "2.1");
  assert_ptr_equal (iop_level_get_step_down (iop), lookup (c, IOP_EDITION_ASAM3, "1"));
  assert_ptr_equal (iop_level_get_step_up (iop), lookup (c, IOP_EDITION_ASAM3, "2.5"));
}

/* Walks step_up (or step_down) from @start and checks the codes visited, then the end. */
static void
assert_walk (const iop_continuum *c, iop_edition edition, bool up, const char *const *codes, size_t n)
{
  const iop_level *level = lookup (c, edition, codes[0]);

  for (size_t i = 1; i < n; i++)
    {
      level = up ? iop_level_get_step_up (level) : iop_level_get_step_down (level);
      if (level == NULL)
        fail_msg ("walk stopped before %s", codes[i]);
      assert_string_equal (iop_level_get_code (level), codes[i]);
      assert_int_equal (iop_level_get_edition (level), edition);
    }
  assert_null (up ? iop_level_get_step_up (level) : iop_level_get_step_down (level));
}

static void
test_continuum_step_up_walk_from_asam3_0_5_ends_at_level_4 (void **state)
{
  static const char *const walk[] = { "0.5", "1", "2.1", "2.5", "3.1", "3.5", "3.7", "4" };
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  (void) state;

  assert_walk (c, IOP_EDITION_ASAM3, true, walk, G_N_ELEMENTS (walk));
  assert_null (iop_level_get_step_down (lookup (c, IOP_EDITION_ASAM3, "0.5")));
}

static void
test_continuum_withdrawal_management_levels_form_their_own_chain (void **state)
{
  static const char *const up[] = { "1-WM", "2-WM", "3.2-WM", "3.7-WM", "4-WM" };
  static const char *const down[] = { "4-WM", "3.7-WM", "3.2-WM", "2-WM", "1-WM" };
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  (void) state;

  assert_walk (c, IOP_EDITION_ASAM3, true, up, G_N_ELEMENTS (up));
  assert_walk (c, IOP_EDITION_ASAM3, false, down, G_N_ELEMENTS (down));
  for (size_t i = 0; i < G_N_ELEMENTS (up); i++)
    assert_true (iop_level_is_withdrawal_management (lookup (c, IOP_EDITION_ASAM3, up[i])));
}

static void
test_continuum_locus_levels_step_from_0_to_6_and_back (void **state)
{
  static const char *const up[] = { "0", "1", "2", "3", "4", "5", "6" };
  static const char *const down[] = { "6", "5", "4", "3", "2", "1", "0" };
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  (void) state;

  assert_walk (c, IOP_EDITION_LOCUS, true, up, G_N_ELEMENTS (up));
  assert_walk (c, IOP_EDITION_LOCUS, false, down, G_N_ELEMENTS (down));
}

static void
test_continuum_every_step_walk_ends (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  size_t n = iop_continuum_get_n_levels (c, IOP_EDITION_ANY);
  (void) state;

  for (size_t i = 0; i < n; i++)
    for (int up = 0; up < 2; up++)
      {
        const iop_level *level = iop_continuum_get_level (c, IOP_EDITION_ANY, i);
        size_t steps = 0;
        while (level != NULL && steps <= n)
          {
            level = up ? iop_level_get_step_up (level) : iop_level_get_step_down (level);
            steps++;
          }
        assert_null (level);
      }
}

/* ------------------------------------------------------------------------------------------ */
/* Lookup                                                                                      */

static void
test_continuum_lookup_finds_levels_by_code_and_alias (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  const iop_level *level;
  (void) state;

  level = iop_continuum_lookup_level (c, IOP_EDITION_ASAM3, "2.1");
  assert_non_null (level);
  assert_string_equal (iop_level_get_code (level), "2.1");
  assert_int_equal (iop_level_get_edition (level), IOP_EDITION_ASAM3);

  /* PPC-2R Roman numerals and other spellings. */
  assert_ptr_equal (iop_continuum_lookup_level (c, IOP_EDITION_ASAM3, "II.1"), level);
  assert_string_equal (iop_level_get_code (iop_continuum_lookup_level (c, IOP_EDITION_ASAM3, "4.0")), "4");
  assert_string_equal (iop_level_get_code (iop_continuum_lookup_level (c, IOP_EDITION_ASAM3, "III.2-D")), "3.2-WM");
  assert_string_equal (iop_level_get_code (iop_continuum_lookup_level (c, IOP_EDITION_ASAM3, "OTS")), "OTP");
  assert_string_equal (iop_level_get_code (iop_continuum_lookup_level (c, IOP_EDITION_ASAM4, "4.0")), "4");

  /* Aliases belong to one edition. */
  assert_null (iop_continuum_lookup_level (c, IOP_EDITION_ASAM4, "II.1"));
  assert_null (iop_continuum_lookup_level (c, IOP_EDITION_LOCUS, "2.1"));
  assert_null (iop_continuum_lookup_level (c, IOP_EDITION_ASAM4, "OTP"));
}

static void
test_continuum_lookup_any_edition_prefers_codes_over_aliases (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  const iop_level *level;
  (void) state;

  /* "1.0" is an alias of ASAM 3rd edition level 1 (listed first) and the code of 4th edition
   * level 1.0: the code wins. */
  level = iop_continuum_lookup_level (c, IOP_EDITION_ANY, "1.0");
  assert_non_null (level);
  assert_int_equal (iop_level_get_edition (level), IOP_EDITION_ASAM4);
  assert_string_equal (iop_level_get_code (level), "1.0");
  assert_string_equal (iop_level_get_code (iop_continuum_lookup_level (c, IOP_EDITION_ASAM3, "1.0")), "1");

  /* Among codes, pack order: the 3rd edition comes first. */
  level = iop_continuum_lookup_level (c, IOP_EDITION_ANY, "2.1");
  assert_int_equal (iop_level_get_edition (level), IOP_EDITION_ASAM3);
  /* "4.0" is an alias in both ASAM editions and no code: the first alias in pack order. */
  level = iop_continuum_lookup_level (c, IOP_EDITION_ANY, "4.0");
  assert_int_equal (iop_level_get_edition (level), IOP_EDITION_ASAM3);
  assert_string_equal (iop_level_get_code (level), "4");
  /* Codes unique to one edition. */
  assert_int_equal (iop_level_get_edition (iop_continuum_lookup_level (c, IOP_EDITION_ANY, "II.1")),
                    IOP_EDITION_ASAM3);
  assert_int_equal (iop_level_get_edition (iop_continuum_lookup_level (c, IOP_EDITION_ANY, "RR")),
                    IOP_EDITION_ASAM4);
  assert_int_equal (iop_level_get_edition (iop_continuum_lookup_level (c, IOP_EDITION_ANY, "6")),
                    IOP_EDITION_LOCUS);
}

static void
test_continuum_lookup_of_unknown_code_or_edition_returns_null (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  (void) state;

  assert_null (iop_continuum_lookup_level (c, IOP_EDITION_ANY, "9.9"));
  assert_null (iop_continuum_lookup_level (c, IOP_EDITION_ASAM3, "9.9"));
  assert_null (iop_continuum_lookup_level (c, IOP_EDITION_ANY, ""));
  assert_null (iop_continuum_lookup_level (c, IOP_EDITION_ASAM3, "2.1 "));
  assert_null (iop_continuum_lookup_level (c, IOP_EDITION_ASAM3, "3.3-WM"));
  assert_null (iop_continuum_lookup_level (c, (iop_edition) 5, "2.1"));
  assert_null (iop_continuum_lookup_level (c, (iop_edition) -1, "2.1"));
}

/* ------------------------------------------------------------------------------------------ */
/* Sources                                                                                     */

static void
test_continuum_source_table_gives_citation_url_and_confidence (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  (void) state;

  assert_non_null (strstr (iop_continuum_get_source_citation (c, "il-77-iac-2060-410"), "2060.410"));
  assert_string_equal (iop_continuum_get_source_url (c, "il-77-iac-2060-410"),
                       "https://www.ilga.gov/commission/jcar/admincode/077/077020600D04100R.html");
  assert_int_equal (iop_continuum_get_source_confidence (c, "asam-crosswalk-derived"), IOP_CONFIDENCE_MEDIUM);
  assert_int_equal (iop_continuum_get_source_confidence (c, "vaya-locus-asam"), IOP_CONFIDENCE_LOW);

  /* A source without an address. */
  assert_non_null (iop_continuum_get_source_citation (c, "cpt-psychotherapy"));
  assert_null (iop_continuum_get_source_url (c, "cpt-psychotherapy"));

  /* Unknown identifiers. */
  assert_null (iop_continuum_get_source_citation (c, "no-such-source"));
  assert_null (iop_continuum_get_source_url (c, "no-such-source"));
  assert_int_equal (iop_continuum_get_source_confidence (c, "no-such-source"), IOP_CONFIDENCE_NONE);
  assert_null (iop_continuum_get_source_citation (c, ""));
}

static void
add_cited (GHashTable *cited, const char *id)
{
  if (id != NULL)
    g_hash_table_add (cited, g_strdup (id));
}

static void
test_continuum_every_default_source_is_listed_correctly_and_cited (void **state)
{
  static const char *const fields[] = { "level", "hours_per_week.adult", "hours_per_week.adolescent",
                                        "hours_per_day.adult", "hours_per_day.adolescent",
                                        "crosswalk.asam3", "crosswalk.asam4", "crosswalk.locus" };
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  g_autofree char *pack_text = iop_continuum_default_pack_json ();
  g_autofree char *cmp_text = iop_continuum_comparison_to_json (c);
  g_autoptr(JsonNode) pack = parse_json (pack_text);
  g_autoptr(JsonNode) cmp = parse_json (cmp_text);
  g_autoptr(GHashTable) cited = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GList) ids = NULL;
  JsonObject *sources;
  JsonArray *aspects;
  (void) state;

  /* Everything the API says cites a source. */
  for (size_t i = 0; i < iop_continuum_get_n_levels (c, IOP_EDITION_ANY); i++)
    {
      const iop_level *level = iop_continuum_get_level (c, IOP_EDITION_ANY, i);
      for (size_t f = 0; f < G_N_ELEMENTS (fields); f++)
        add_cited (cited, iop_level_get_source (level, fields[f]));
      for (size_t b = 0; b < iop_level_get_n_billing_codes (level); b++)
        {
          g_autofree char *field = g_strdup_printf ("billing_codes.%zu", b);
          add_cited (cited, iop_level_get_source (level, field));
        }
    }
  aspects = json_node_get_array (J (cmp, "aspects"));
  for (guint i = 0; i < json_array_get_length (aspects); i++)
    add_cited (cited, json_string (J (json_array_get_element (aspects, i), "source")));

  /* The raw pack's sources table, read with json-glib, against the accessors. */
  assert_true (JSON_NODE_HOLDS_OBJECT (J (pack, "sources")));
  sources = json_node_get_object (J (pack, "sources"));
  assert_true (json_object_get_size (sources) > 0);
  ids = json_object_get_members (sources);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      const char *id = l->data;
      JsonNode *entry = json_object_get_member (sources, id);
      JsonNode *url = J (entry, "url");

      assert_string_equal (iop_continuum_get_source_citation (c, id), json_string (J (entry, "citation")));
      if (url != NULL)
        assert_string_equal (iop_continuum_get_source_url (c, id), json_string (url));
      else
        assert_null (iop_continuum_get_source_url (c, id));
      assert_string_equal (iop_confidence_to_string (iop_continuum_get_source_confidence (c, id)),
                           json_string (J (entry, "confidence")));
      if (!g_hash_table_contains (cited, id))
        fail_msg ("source \"%s\" of the built-in pack is cited by nothing", id);
    }
  /* ...and nothing cites a source outside the table. */
  assert_int_equal (g_hash_table_size (cited), json_object_get_size (sources));
}

static void
test_continuum_level_get_source_resolves_documented_fields (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  const iop_level *iop;
  (void) state;

  iop = lookup (c, IOP_EDITION_ASAM3, "2.1");
  assert_string_equal (iop_level_get_source (iop, "level"), "midshore-glossary");
  assert_string_equal (iop_level_get_source (iop, "hours_per_week.adult"), "il-77-iac-2060-410");
  assert_string_equal (iop_level_get_source (iop, "hours_per_week.adolescent"), "il-77-iac-2060-410");
  assert_string_equal (iop_level_get_source (iop, "hours_per_day.adult"), "va-12vac30-130-5090");
  assert_string_equal (iop_level_get_source (iop, "hours_per_day.adolescent"), "va-12vac30-130-5090");
  assert_string_equal (iop_level_get_source (iop, "billing_codes.0"), "cobha-hcpcs-map");
  assert_string_equal (iop_level_get_source (iop, "billing_codes.1"), "bcbsnc-facility-bh");
  assert_string_equal (iop_level_get_source (iop, "crosswalk.asam4"), "asam-crosswalk-derived");
  assert_string_equal (iop_level_get_source (iop, "crosswalk.locus"), "vaya-locus-asam");

  /* Fields that carry no figure, or are not fields at all. */
  assert_null (iop_level_get_source (iop, "crosswalk.asam3"));
  assert_null (iop_level_get_source (iop, "crosswalk.any"));
  assert_null (iop_level_get_source (iop, "billing_codes.5"));
  assert_null (iop_level_get_source (iop, "billing_codes.99"));
  assert_null (iop_level_get_source (iop, "billing_codes."));
  assert_null (iop_level_get_source (iop, "billing_codes.x"));
  assert_null (iop_level_get_source (iop, "billing_codes.-1"));
  assert_null (iop_level_get_source (iop, "hours_per_week"));
  assert_null (iop_level_get_source (iop, "hours_per_week.child"));
  assert_null (iop_level_get_source (iop, "Level"));
  assert_null (iop_level_get_source (iop, ""));
  assert_null (iop_level_get_source (iop, "no-such-field"));
}

/* ------------------------------------------------------------------------------------------ */
/* Enumerations as strings                                                                     */

static void
test_continuum_edition_strings_convert_both_ways (void **state)
{
  static const struct { const char *text; iop_edition edition; } names[] = {
    { "3", IOP_EDITION_ASAM3 }, { "asam3", IOP_EDITION_ASAM3 },
    { "4", IOP_EDITION_ASAM4 }, { "asam4", IOP_EDITION_ASAM4 },
    { "locus", IOP_EDITION_LOCUS }, { "calocus", IOP_EDITION_LOCUS },
  };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      iop_error *err = NULL;
      assert_int_equal (iop_edition_from_string (names[i].text, &err), names[i].edition);
      assert_null (err);
    }
  assert_string_equal (iop_edition_to_string (IOP_EDITION_ASAM3), "asam3");
  assert_string_equal (iop_edition_to_string (IOP_EDITION_ASAM4), "asam4");
  assert_string_equal (iop_edition_to_string (IOP_EDITION_LOCUS), "locus");
  assert_string_equal (iop_edition_to_string (IOP_EDITION_ANY), "any");
  assert_string_equal (iop_edition_to_string ((iop_edition) 5), "unknown");
  assert_string_equal (iop_edition_to_string ((iop_edition) -1), "unknown");
  /* The canonical names parse back. */
  assert_int_equal (iop_edition_from_string (iop_edition_to_string (IOP_EDITION_LOCUS), NULL),
                    IOP_EDITION_LOCUS);
}

static void
test_continuum_edition_from_string_rejects_unknown_names (void **state)
{
  static const char *const bad[] = { "5", "asam5", "ASAM3", "Asam4", "LOCUS", "any", "", " 3", "3.0" };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(iop_error) err = NULL;
      assert_int_equal (iop_edition_from_string (bad[i], &err), IOP_EDITION_ANY);
      if (err == NULL)
        fail_msg ("\"%s\" parsed as an edition", bad[i]);
      assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
      assert_null (iop_error_get_path (err));
      assert_true (strlen (iop_error_get_message (err)) > 0);
    }
}

static void
test_continuum_age_group_strings_convert_both_ways (void **state)
{
  static const char *const bad[] = { "child", "Adult", "adults", "" };
  iop_error *err = NULL;
  (void) state;

  assert_int_equal (iop_age_group_from_string ("adult", &err), IOP_AGE_ADULT);
  assert_int_equal (iop_age_group_from_string ("adolescent", &err), IOP_AGE_ADOLESCENT);
  assert_null (err);
  assert_string_equal (iop_age_group_to_string (IOP_AGE_ADULT), "adult");
  assert_string_equal (iop_age_group_to_string (IOP_AGE_ADOLESCENT), "adolescent");
  assert_string_equal (iop_age_group_to_string ((iop_age_group) 0), "unknown");
  assert_string_equal (iop_age_group_to_string ((iop_age_group) 3), "unknown");

  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(iop_error) e = NULL;
      assert_int_equal (iop_age_group_from_string (bad[i], &e), 0);
      assert_non_null (e);
      assert_int_equal (iop_error_get_code (e), IOP_ERROR_INVALID_ARGUMENT);
      assert_null (iop_error_get_path (e));
    }
}

static void
test_continuum_setting_management_and_confidence_names (void **state)
{
  (void) state;
  assert_string_equal (iop_setting_to_string (IOP_SETTING_COMMUNITY), "community");
  assert_string_equal (iop_setting_to_string (IOP_SETTING_OUTPATIENT), "outpatient");
  assert_string_equal (iop_setting_to_string (IOP_SETTING_RESIDENTIAL), "residential");
  assert_string_equal (iop_setting_to_string (IOP_SETTING_INPATIENT), "inpatient");
  assert_string_equal (iop_setting_to_string ((iop_setting) 0), "unknown");
  assert_string_equal (iop_setting_to_string ((iop_setting) 5), "unknown");

  assert_string_equal (iop_management_to_string (IOP_MANAGEMENT_UNSPECIFIED), "unspecified");
  assert_string_equal (iop_management_to_string (IOP_MANAGEMENT_CLINICALLY_MANAGED), "clinically-managed");
  assert_string_equal (iop_management_to_string (IOP_MANAGEMENT_MEDICALLY_MONITORED), "medically-monitored");
  assert_string_equal (iop_management_to_string (IOP_MANAGEMENT_MEDICALLY_MANAGED), "medically-managed");
  assert_string_equal (iop_management_to_string ((iop_management) 4), "unknown");
  assert_string_equal (iop_management_to_string ((iop_management) -1), "unknown");

  assert_string_equal (iop_confidence_to_string (IOP_CONFIDENCE_HIGH), "H");
  assert_string_equal (iop_confidence_to_string (IOP_CONFIDENCE_MEDIUM), "M");
  assert_string_equal (iop_confidence_to_string (IOP_CONFIDENCE_LOW), "L");
  assert_string_equal (iop_confidence_to_string (IOP_CONFIDENCE_NONE), "");
  assert_string_equal (iop_confidence_to_string ((iop_confidence) 7), "");
}

/* ------------------------------------------------------------------------------------------ */
/* JSON output                                                                                 */

static void
test_continuum_level_to_json_describes_asam3_2_1 (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  const iop_level *iop = lookup (c, IOP_EDITION_ASAM3, "2.1");
  g_autofree char *text = iop_level_to_json (iop);
  g_autoptr(JsonNode) root = parse_json (text);
  JsonNode *node;
  JsonArray *arr;
  (void) state;

  assert_true (JSON_NODE_HOLDS_OBJECT (root));
  assert_string_equal (json_string (J (root, "code")), "2.1");
  assert_string_equal (json_string (J (root, "edition")), "asam3");
  assert_string_equal (json_string (J (root, "name")), "Intensive Outpatient Services");
  assert_string_equal (json_string (J (root, "description")), iop_level_get_description (iop));
  assert_string_equal (json_string (J (root, "setting")), "outpatient");
  assert_string_equal (json_string (J (root, "management")), "clinically-managed");
  assert_false (json_bool (J (root, "withdrawal_management")));

  assert_true (json_number (J (root, "hours_per_week", "adult", "min")) == 9);
  assert_true (json_number (J (root, "hours_per_week", "adult", "max")) == 19);
  assert_false (json_bool (J (root, "hours_per_week", "adult", "max_exclusive")));
  assert_true (json_number (J (root, "hours_per_week", "adolescent", "min")) == 6);
  assert_true (json_number (J (root, "hours_per_week", "adolescent", "max")) == 19);
  assert_true (json_number (J (root, "hours_per_day", "adult", "min")) == 3);
  assert_true (json_is_null (J (root, "hours_per_day", "adult", "max")));
  assert_true (json_number (J (root, "hours_per_day", "adolescent", "min")) == 2);

  assert_string_equal (json_string (J (root, "step_down")), "1");
  assert_string_equal (json_string (J (root, "step_up")), "2.5");

  node = J (root, "billing_codes");
  assert_non_null (node);
  assert_true (JSON_NODE_HOLDS_ARRAY (node));
  arr = json_node_get_array (node);
  assert_int_equal (json_array_get_length (arr), iop_level_get_n_billing_codes (iop));
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *bc = json_array_get_element (arr, i);
      assert_string_equal (json_string (J (bc, "code")), iop_level_get_billing_code (iop, i));
      assert_string_equal (json_string (J (bc, "system")), iop_level_get_billing_code_system (iop, i));
      assert_non_null (J (bc, "source"));
    }

  assert_string_equal (json_string (J (root, "crosswalk", "asam4", "code")), "2.1");
  assert_string_equal (json_string (J (root, "crosswalk", "asam4", "confidence")), "M");
  assert_string_equal (json_string (J (root, "crosswalk", "locus", "code")), "3");
  assert_string_equal (json_string (J (root, "crosswalk", "locus", "confidence")), "L");
  assert_null (J (root, "crosswalk", "asam3"));

  node = J (root, "aliases");
  assert_true (JSON_NODE_HOLDS_ARRAY (node));
  assert_int_equal (json_array_get_length (json_node_get_array (node)), 1);
  assert_string_equal (json_array_get_string_element (json_node_get_array (node), 0), "II.1");

  assert_string_equal (json_string (J (root, "sources", "level")), "midshore-glossary");
  assert_string_equal (json_string (J (root, "sources", "hours_per_week.adult")), "il-77-iac-2060-410");
  assert_string_equal (json_string (J (root, "sources", "hours_per_day.adolescent")), "va-12vac30-130-5090");
  assert_string_equal (json_string (J (root, "sources", "crosswalk.asam4")), "asam-crosswalk-derived");
}

static void
test_continuum_level_to_json_writes_null_for_missing_bounds_and_steps (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  g_autofree char *hiop_text = iop_level_to_json (lookup (c, IOP_EDITION_ASAM4, "2.5"));
  g_autofree char *op_text = iop_level_to_json (lookup (c, IOP_EDITION_ASAM3, "1"));
  g_autofree char *top_text = iop_level_to_json (lookup (c, IOP_EDITION_ASAM3, "4"));
  g_autoptr(JsonNode) hiop = parse_json (hiop_text);
  g_autoptr(JsonNode) op = parse_json (op_text);
  g_autoptr(JsonNode) top = parse_json (top_text);
  (void) state;

  assert_string_equal (json_string (J (hiop, "edition")), "asam4");
  assert_true (json_number (J (hiop, "hours_per_week", "adult", "min")) == 20);
  assert_true (json_is_null (J (hiop, "hours_per_week", "adult", "max")));
  /* The 4th edition has no published adolescent figure: both bounds null. */
  assert_true (json_is_null (J (hiop, "hours_per_week", "adolescent", "min")));
  assert_true (json_is_null (J (hiop, "hours_per_week", "adolescent", "max")));
  assert_null (J (hiop, "sources", "hours_per_week.adolescent"));

  /* "Fewer than 9": null min, exclusive max. */
  assert_true (json_is_null (J (op, "hours_per_week", "adult", "min")));
  assert_true (json_number (J (op, "hours_per_week", "adult", "max")) == 9);
  assert_true (json_bool (J (op, "hours_per_week", "adult", "max_exclusive")));

  /* The top of the continuum. */
  assert_true (json_is_null (J (top, "step_up")));
  assert_string_equal (json_string (J (top, "step_down")), "3.7");
}

static void
test_continuum_every_level_serializes_to_parsable_json (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  (void) state;

  for (size_t i = 0; i < iop_continuum_get_n_levels (c, IOP_EDITION_ANY); i++)
    {
      const iop_level *level = iop_continuum_get_level (c, IOP_EDITION_ANY, i);
      g_autofree char *text = iop_level_to_json (level);
      g_autoptr(JsonNode) root = parse_json (text);

      assert_true (g_utf8_validate (text, -1, NULL));
      assert_string_equal (json_string (J (root, "code")), iop_level_get_code (level));
      assert_string_equal (json_string (J (root, "edition")),
                           iop_edition_to_string (iop_level_get_edition (level)));
      assert_string_equal (json_string (J (root, "name")), iop_level_get_name (level));
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Inpatient versus outpatient comparison                                                      */

static void
test_continuum_comparison_has_seven_aspects_for_both_kinds_of_care (void **state)
{
  static const char *const aspects[] = { "location", "intensity", "duration", "support",
                                         "lifestyle", "cost", "suitability" };
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  (void) state;

  assert_int_equal (iop_continuum_get_n_comparison_aspects (c), G_N_ELEMENTS (aspects));
  for (size_t i = 0; i < G_N_ELEMENTS (aspects); i++)
    {
      const char *in, *out;
      assert_string_equal (iop_continuum_get_comparison_aspect (c, i), aspects[i]);
      in = iop_continuum_get_comparison (c, aspects[i], IOP_SETTING_INPATIENT);
      out = iop_continuum_get_comparison (c, aspects[i], IOP_SETTING_OUTPATIENT);
      assert_non_null (in);
      assert_non_null (out);
      assert_true (strlen (in) > 0 && strlen (out) > 0);
      assert_string_not_equal (in, out);
      assert_non_null (iop_continuum_get_comparison_label (c, aspects[i]));
      /* Only the two kinds of care are compared. */
      assert_null (iop_continuum_get_comparison (c, aspects[i], IOP_SETTING_RESIDENTIAL));
      assert_null (iop_continuum_get_comparison (c, aspects[i], IOP_SETTING_COMMUNITY));
    }
  assert_string_equal (iop_continuum_get_comparison_label (c, "cost"), "Cost");
  assert_null (iop_continuum_get_comparison_aspect (c, G_N_ELEMENTS (aspects)));
  assert_null (iop_continuum_get_comparison (c, "price", IOP_SETTING_OUTPATIENT));
  assert_null (iop_continuum_get_comparison_label (c, "price"));
  assert_null (iop_continuum_get_comparison (c, "", IOP_SETTING_INPATIENT));
}

static void
test_continuum_comparison_to_json_matches_the_accessors (void **state)
{
  g_autoptr(iop_continuum) c = iop_continuum_new_default ();
  g_autofree char *text = iop_continuum_comparison_to_json (c);
  g_autoptr(JsonNode) root = parse_json (text);
  JsonNode *node = J (root, "aspects");
  JsonArray *arr;
  (void) state;

  assert_non_null (node);
  assert_true (JSON_NODE_HOLDS_ARRAY (node));
  arr = json_node_get_array (node);
  assert_int_equal (json_array_get_length (arr), iop_continuum_get_n_comparison_aspects (c));
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *a = json_array_get_element (arr, i);
      const char *id = json_string (J (a, "id"));
      assert_string_equal (id, iop_continuum_get_comparison_aspect (c, i));
      assert_string_equal (json_string (J (a, "label")), iop_continuum_get_comparison_label (c, id));
      assert_string_equal (json_string (J (a, "inpatient")),
                           iop_continuum_get_comparison (c, id, IOP_SETTING_INPATIENT));
      assert_string_equal (json_string (J (a, "outpatient")),
                           iop_continuum_get_comparison (c, id, IOP_SETTING_OUTPATIENT));
      assert_non_null (iop_continuum_get_source_citation (c, json_string (J (a, "source"))));
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Reference counting and sharing                                                              */

static void
test_continuum_level_reference_keeps_the_continuum_alive (void **state)
{
  iop_continuum *c = iop_continuum_new_default ();
  const iop_level *level, *ref;
  iop_range adult;
  char *text;
  (void) state;

  level = lookup (c, IOP_EDITION_ASAM3, "2.1");
  ref = iop_level_ref (level);
  assert_ptr_equal (ref, level);
  iop_continuum_unref (c); /* the level's reference is now the only one */

  /* Every read below would be a use-after-free (valgrind / ASan) if the continuum were gone. */
  assert_string_equal (iop_level_get_code (ref), "2.1");
  assert_string_equal (iop_level_get_name (ref), "Intensive Outpatient Services");
  adult = iop_level_get_hours_per_week (ref, IOP_AGE_ADULT);
  assert_true (adult.has_min && adult.min == 9);
  assert_string_equal (iop_level_get_code (iop_level_get_step_up (ref)), "2.5");
  assert_string_equal (iop_level_get_code (iop_level_crosswalk (ref, IOP_EDITION_ASAM4)), "2.1");
  assert_string_equal (iop_continuum_get_id (iop_level_get_continuum (ref)), "libiop-default");
  assert_non_null (iop_continuum_get_source_citation (iop_level_get_continuum (ref),
                                                      iop_level_get_source (ref, "level")));
  text = iop_level_to_json (ref);
  assert_non_null (strstr (text, "\"2.1\""));
  iop_free (text);

  iop_level_unref (ref); /* frees the continuum; valgrind / ASan report a leak otherwise */
  iop_level_unref (NULL);
  iop_continuum_unref (NULL);
}

static void
test_continuum_ref_returns_the_same_instance (void **state)
{
  iop_continuum *c = iop_continuum_new_default ();
  iop_continuum *again;
  (void) state;

  again = iop_continuum_ref (c);
  assert_ptr_equal (again, c);
  iop_continuum_unref (c);
  /* Still alive through the second reference. */
  assert_string_equal (iop_continuum_get_id (again), "libiop-default");
  assert_int_equal (iop_continuum_get_n_levels (again, IOP_EDITION_ANY), 33);
  iop_continuum_unref (again);
}

static void
test_continuum_each_default_load_is_an_independent_instance (void **state)
{
  g_autoptr(iop_continuum) a = iop_continuum_new_default ();
  g_autoptr(iop_continuum) b = iop_continuum_new_default ();
  (void) state;

  assert_ptr_not_equal (a, b);
  assert_ptr_not_equal (lookup (a, IOP_EDITION_ASAM3, "2.1"), lookup (b, IOP_EDITION_ASAM3, "2.1"));
  g_clear_pointer (&a, iop_continuum_unref);
  /* Releasing one leaves the other intact. */
  assert_string_equal (iop_level_get_name (lookup (b, IOP_EDITION_ASAM3, "2.1")),
                       "Intensive Outpatient Services");
}

#define N_THREADS 8
#define N_ROUNDS 50

/* Reads the borrowed continuum and takes and drops level references (atomic refcount). */
static gpointer
read_shared_continuum (gpointer data)
{
  const iop_continuum *c = data;
  gsize ok = 0;

  for (int round = 0; round < N_ROUNDS; round++)
    {
      const iop_level *level = iop_level_ref (iop_continuum_lookup_level (c, IOP_EDITION_ANY, "II.1"));
      iop_range r = iop_level_get_hours_per_week (level, IOP_AGE_ADULT);
      char *text = iop_level_to_json (level);
      if (r.has_min && r.min == 9 && text != NULL && strstr (text, "\"code\":\"2.1\"") != NULL)
        ok++;
      iop_free (text);
      iop_level_unref (level);
    }
  return GSIZE_TO_POINTER (ok);
}

static void
test_continuum_one_instance_is_shared_by_several_threads (void **state)
{
  iop_continuum *c = iop_continuum_new_default ();
  GThread *threads[N_THREADS];
  gsize total = 0;
  (void) state;

  for (int i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("reader", read_shared_continuum, c);
  for (int i = 0; i < N_THREADS; i++)
    total += GPOINTER_TO_SIZE (g_thread_join (threads[i]));
  assert_int_equal (total, N_THREADS * N_ROUNDS);
  /* The level references balanced out: this last unref frees the continuum (a leak or a
   * double free shows under valgrind / ASan otherwise). */
  iop_continuum_unref (c);
}

/* ------------------------------------------------------------------------------------------ */
/* The pack text and user packs                                                                */

/* Two catalogs are equal when every level serializes identically (the writer is byte-stable)
 * and the pack metadata and comparison agree. */
static void
assert_catalogs_equal (const iop_continuum *a, const iop_continuum *b)
{
  static const iop_edition editions[] = { IOP_EDITION_ANY, IOP_EDITION_ASAM3, IOP_EDITION_ASAM4,
                                          IOP_EDITION_LOCUS };
  g_autofree char *cmp_a = iop_continuum_comparison_to_json (a);
  g_autofree char *cmp_b = iop_continuum_comparison_to_json (b);

  assert_string_equal (iop_continuum_get_id (a), iop_continuum_get_id (b));
  assert_string_equal (iop_continuum_get_version (a), iop_continuum_get_version (b));
  assert_string_equal (iop_continuum_get_title (a), iop_continuum_get_title (b));
  for (size_t e = 0; e < G_N_ELEMENTS (editions); e++)
    assert_int_equal (iop_continuum_get_n_levels (a, editions[e]),
                      iop_continuum_get_n_levels (b, editions[e]));
  for (size_t i = 0; i < iop_continuum_get_n_levels (a, IOP_EDITION_ANY); i++)
    {
      g_autofree char *ja = iop_level_to_json (iop_continuum_get_level (a, IOP_EDITION_ANY, i));
      g_autofree char *jb = iop_level_to_json (iop_continuum_get_level (b, IOP_EDITION_ANY, i));
      assert_string_equal (ja, jb);
    }
  assert_string_equal (cmp_a, cmp_b);
}

static void
test_continuum_default_pack_json_loads_back_to_an_equal_catalog (void **state)
{
  g_autofree char *text = iop_continuum_default_pack_json ();
  g_autofree char *again = iop_continuum_default_pack_json ();
  g_autoptr(iop_continuum) builtin = iop_continuum_new_default ();
  g_autoptr(iop_continuum) loaded = NULL;
  iop_error *err = NULL;
  (void) state;

  assert_non_null (text);
  assert_true (g_utf8_validate (text, -1, NULL));
  assert_non_null (strstr (text, "\"libiop-continuum\""));
  /* Each call hands out its own copy. */
  assert_ptr_not_equal (text, again);
  assert_string_equal (text, again);
  again[0] = 'X';
  assert_int_equal (text[0], '{');
  g_clear_pointer (&again, iop_free);

  loaded = iop_continuum_new_from_json (text, &err);
  assert_null (err);
  assert_non_null (loaded);
  assert_int_equal (iop_continuum_get_n_levels (loaded, IOP_EDITION_ASAM3), 15);
  assert_int_equal (iop_continuum_get_n_levels (loaded, IOP_EDITION_ASAM4), 11);
  assert_int_equal (iop_continuum_get_n_levels (loaded, IOP_EDITION_LOCUS), 7);
  assert_catalogs_equal (builtin, loaded);
}

static void
test_continuum_user_pack_overrides_the_intensive_outpatient_band (void **state)
{
  g_autoptr(iop_continuum) state_pack = load_data_pack ("valid", "state-2-1-adult-6-19.json");
  g_autoptr(iop_continuum) builtin = iop_continuum_new_default ();
  const iop_level *iop;
  iop_range adult;
  (void) state;

  assert_string_equal (iop_continuum_get_id (state_pack), "test-state-pack");
  assert_string_equal (iop_continuum_get_version (state_pack), "2026.1");
  assert_int_equal (iop_continuum_get_n_levels (state_pack, IOP_EDITION_ANY), 2);

  iop = lookup (state_pack, IOP_EDITION_ASAM3, "II.1");
  adult = iop_level_get_hours_per_week (iop, IOP_AGE_ADULT);
  assert_range (adult, true, 6, true, 19, false);
  /* 7 hours a week is IOP under this pack and not under the built-in one. */
  assert_true (iop_range_contains (&adult, 7));
  adult = iop_level_get_hours_per_week (lookup (builtin, IOP_EDITION_ASAM3, "2.1"), IOP_AGE_ADULT);
  assert_false (iop_range_contains (&adult, 7));
  assert_true (adult.min == 9);

  assert_string_equal (iop_level_get_source (iop, "hours_per_week.adult"), "zz-rule-2-1");
  assert_string_equal (iop_continuum_get_source_url (state_pack, "zz-rule-2-1"), "https://example.invalid/zz/2.1");
  assert_int_equal (iop_continuum_get_source_confidence (state_pack, "zz-editorial"), IOP_CONFIDENCE_LOW);
  assert_string_equal (iop_level_get_billing_code_description (iop, 0),
                       "Alcohol and/or drug services; intensive outpatient");
  assert_null (iop_level_get_step_up (iop));
  assert_ptr_equal (iop_level_get_step_down (iop), lookup (state_pack, IOP_EDITION_ASAM3, "1"));
  /* Nothing else of the built-in pack leaks in. */
  assert_null (iop_continuum_lookup_level (state_pack, IOP_EDITION_ASAM3, "2.5"));
  assert_null (iop_level_crosswalk (iop, IOP_EDITION_ASAM4));
  assert_int_equal (iop_continuum_get_n_comparison_aspects (state_pack), 0);
  assert_null (iop_continuum_get_comparison (state_pack, "cost", IOP_SETTING_OUTPATIENT));
  assert_every_level_complete (state_pack);
}

static void
test_continuum_user_pack_accepts_extension_members (void **state)
{
  g_autoptr(iop_continuum) c = load_data_pack ("valid", "extension-members.json");
  const iop_level *iop;
  g_autofree char *text = NULL;
  (void) state;

  assert_string_equal (iop_continuum_get_id (c), "test-extension-members");
  /* Without a title the pack still has one to show (the header promises a string). */
  assert_non_null (iop_continuum_get_title (c));
  iop = lookup (c, IOP_EDITION_ASAM3, "2.1");
  assert_range (iop_level_get_hours_per_week (iop, IOP_AGE_ADULT), true, 9, true, 19, false);
  assert_range (iop_level_get_hours_per_day (iop, IOP_AGE_ADULT), true, 3, false, 0, false);
  assert_string_equal (iop_level_get_billing_code (iop, 0), "H0015");
  assert_ptr_equal (iop_level_crosswalk (iop, IOP_EDITION_ASAM4), lookup (c, IOP_EDITION_ASAM4, "2.1"));
  assert_string_equal (iop_level_get_crosswalk_note (iop, IOP_EDITION_ASAM4), "Same intensity in both editions.");
  assert_int_equal (iop_level_get_crosswalk_confidence (iop, IOP_EDITION_ASAM4), IOP_CONFIDENCE_MEDIUM);
  assert_int_equal (iop_continuum_get_n_comparison_aspects (c), 1);
  assert_string_equal (iop_continuum_get_comparison (c, "cost", IOP_SETTING_INPATIENT), "Higher");
  /* Extension members are ignored, not carried into the output. */
  text = iop_level_to_json (iop);
  assert_null (strstr (text, "x-"));
  assert_null (strstr (text, "$comment"));
  assert_every_level_complete (c);
}

static void
test_continuum_user_pack_accepts_boundary_values (void **state)
{
  g_autoptr(iop_continuum) c = load_data_pack ("valid", "boundaries.json");
  const iop_level *op, *wm;
  iop_range r;
  (void) state;

  op = lookup (c, IOP_EDITION_ASAM3, "1");
  r = iop_level_get_hours_per_week (op, IOP_AGE_ADULT);
  assert_range (r, true, 0, true, 8.5, false);
  assert_true (iop_range_contains (&r, 0));
  assert_true (iop_range_contains (&r, 8.5));
  assert_false (iop_range_contains (&r, 8.51));
  /* Explicit null bounds: an unpublished band. */
  r = iop_level_get_hours_per_week (op, IOP_AGE_ADOLESCENT);
  assert_false (iop_range_is_published (&r));
  assert_null (iop_level_get_source (op, "hours_per_week.adolescent"));
  assert_null (iop_level_get_step_down (op));

  /* Forward step reference, single-point bands at the period's length, fractional hours. */
  wm = iop_level_get_step_up (op);
  assert_non_null (wm);
  assert_string_equal (iop_level_get_code (wm), "3.7-WM");
  assert_true (iop_level_is_withdrawal_management (wm));
  assert_int_equal (iop_level_get_management (wm), IOP_MANAGEMENT_MEDICALLY_MONITORED);
  assert_int_equal (iop_level_get_setting (wm), IOP_SETTING_RESIDENTIAL);
  assert_range (iop_level_get_hours_per_week (wm, IOP_AGE_ADULT), true, 168, true, 168, false);
  assert_range (iop_level_get_hours_per_day (wm, IOP_AGE_ADULT), true, 24, true, 24, false);
  assert_range (iop_level_get_hours_per_day (wm, IOP_AGE_ADOLESCENT), true, 0.25, true, 24, true);
  assert_ptr_equal (iop_level_get_step_down (wm), op);

  /* "1.0" is an asam3 alias and an asam4 code; "1" is an asam3 and a LOCUS code. */
  assert_ptr_equal (iop_continuum_lookup_level (c, IOP_EDITION_ASAM3, "1.0"), op);
  assert_int_equal (iop_level_get_edition (iop_continuum_lookup_level (c, IOP_EDITION_ANY, "1.0")),
                    IOP_EDITION_ASAM4);
  assert_int_equal (iop_level_get_edition (iop_continuum_lookup_level (c, IOP_EDITION_LOCUS, "1")),
                    IOP_EDITION_LOCUS);
  assert_ptr_equal (iop_continuum_lookup_level (c, IOP_EDITION_ANY, "1"), op);
  /* Crosswalks in both directions, graded by their own sources. */
  assert_int_equal (iop_level_get_crosswalk_confidence (op, IOP_EDITION_ASAM4), IOP_CONFIDENCE_LOW);
  assert_int_equal (iop_level_get_crosswalk_confidence (op, IOP_EDITION_LOCUS), IOP_CONFIDENCE_HIGH);
  assert_ptr_equal (iop_level_crosswalk (lookup (c, IOP_EDITION_ASAM4, "1.0"), IOP_EDITION_ASAM3), op);
  assert_every_level_complete (c);
}

static void
test_continuum_every_valid_pack_loads (void **state)
{
  g_autofree char *dir_path = g_build_filename (CONTINUUM_DATA, "valid", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  unsigned n = 0;
  (void) state;

  assert_non_null (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(iop_continuum) c = NULL;
      if (!g_str_has_suffix (name, ".json"))
        continue;
      c = load_data_pack ("valid", name);
      assert_non_null (c);
      assert_every_level_complete (c);
      n++;
    }
  assert_true (n >= 4);
}

/* ------------------------------------------------------------------------------------------ */
/* Invalid packs                                                                               */

typedef struct {
  const char *file;     /* in tests/data/continuum/invalid */
  iop_error_code code;
  const char *path;     /* NULL: the error names no member */
} InvalidPack;

#define PARSE IOP_ERROR_PARSE
#define DATA IOP_ERROR_INVALID_DATA

static const InvalidPack invalid_packs[] = {
  /* Not JSON, or not an object. */
  { "malformed-json.json", PARSE, NULL },
  { "empty-document.json", PARSE, NULL },
  { "top-level-array.json", PARSE, "$" },
  /* Root members. */
  { "wrong-format.json", DATA, "$.format" },
  { "format-not-string.json", PARSE, "$.format" },
  { "format-version-2.json", DATA, "$.format_version" },
  { "format-version-0.json", DATA, "$.format_version" },
  { "format-version-string.json", PARSE, "$.format_version" },
  { "missing-format-version.json", PARSE, "$.format_version" },
  { "missing-id.json", PARSE, "$.id" },
  { "empty-id.json", DATA, "$.id" },
  { "missing-version.json", PARSE, "$.version" },
  { "missing-sources.json", PARSE, "$.sources" },
  { "missing-levels.json", PARSE, "$.levels" },
  { "empty-levels.json", DATA, "$.levels" },
  { "levels-not-array.json", PARSE, "$.levels" },
  { "unknown-root-member.json", PARSE, "$.level" },
  /* Sources table. */
  { "source-not-object.json", PARSE, "$.sources.reg" },
  { "source-missing-citation.json", PARSE, "$.sources.reg.citation" },
  { "source-bad-confidence.json", DATA, "$.sources[\"state-reg\"].confidence" },
  { "source-unknown-member.json", PARSE, "$.sources.reg.page" },
  /* Levels. */
  { "level-not-object.json", PARSE, "$.levels[1]" },
  { "missing-level-code.json", PARSE, "$.levels[1].code" },
  { "name-is-number.json", PARSE, "$.levels[1].name" },
  { "empty-name.json", DATA, "$.levels[1].name" },
  { "unknown-level-member.json", PARSE, "$.levels[0].hours_per_wek" },
  { "unknown-edition.json", DATA, "$.levels[1].edition" },
  { "unknown-setting.json", DATA, "$.levels[1].setting" },
  { "unknown-management.json", DATA, "$.levels[1].management" },
  { "withdrawal-management-not-boolean.json", PARSE, "$.levels[1].withdrawal_management" },
  { "level-unknown-source.json", DATA, "$.levels[1].source" },
  { "level-missing-source.json", PARSE, "$.levels[1].source" },
  { "duplicate-code.json", DATA, "$.levels[1].code" },
  { "alias-clashes-with-code.json", DATA, "$.levels[1].aliases[0]" },
  { "code-clashes-with-alias.json", DATA, "$.levels[1].code" },
  { "duplicate-alias.json", DATA, "$.levels[1].aliases[1]" },
  { "alias-not-string.json", PARSE, "$.levels[1].aliases[0]" },
  { "alias-empty.json", DATA, "$.levels[1].aliases[0]" },
  /* Hour bands. */
  { "hours-min-is-string.json", PARSE, "$.levels[0].hours_per_week.adult.min" },
  { "negative-min.json", DATA, "$.levels[0].hours_per_week.adult.min" },
  { "negative-max.json", DATA, "$.levels[0].hours_per_week.adolescent.max" },
  { "min-above-max.json", DATA, "$.levels[0].hours_per_week.adult" },
  { "min-equals-exclusive-max.json", DATA, "$.levels[0].hours_per_week.adult" },
  { "week-max-above-168.json", DATA, "$.levels[0].hours_per_week.adult.max" },
  { "day-min-above-24.json", DATA, "$.levels[0].hours_per_day.adult.min" },
  { "max-exclusive-without-max.json", DATA, "$.levels[0].hours_per_week.adult.max_exclusive" },
  { "max-exclusive-not-boolean.json", PARSE, "$.levels[0].hours_per_week.adult.max_exclusive" },
  { "band-bound-without-source.json", PARSE, "$.levels[0].hours_per_week.adult.source" },
  { "band-unknown-source.json", DATA, "$.levels[0].hours_per_week.adult.source" },
  { "unpublished-band-unknown-source.json", DATA, "$.levels[0].hours_per_week.adolescent.source" },
  { "unknown-band-member.json", PARSE, "$.levels[0].hours_per_week.adult.maximum" },
  { "unknown-age-group.json", PARSE, "$.levels[0].hours_per_week.child" },
  { "hours-min-infinite.json", DATA, "$.levels[0].hours_per_week.adult.min" },
  /* Billing codes. */
  { "duplicate-billing-code.json", DATA, "$.levels[0].billing_codes[1].code" },
  { "unknown-billing-system.json", DATA, "$.levels[0].billing_codes[0].system" },
  { "billing-code-missing-source.json", PARSE, "$.levels[0].billing_codes[0].source" },
  /* Step moves. */
  { "step-down-unknown-level.json", DATA, "$.levels[0].step_down" },
  { "step-down-other-edition.json", DATA, "$.levels[0].step_down" },
  { "step-down-to-alias.json", DATA, "$.levels[0].step_down" },
  { "step-up-to-itself.json", DATA, "$.levels[1].step_up" },
  { "step-down-cycle.json", DATA, "$.levels[0].step_down" },
  { "step-up-cycle.json", DATA, "$.levels[0].step_up" },
  { "step-down-not-string.json", PARSE, "$.levels[0].step_down" },
  /* Crosswalk. */
  { "crosswalk-from-unknown-level.json", DATA, "$.crosswalk[0].from.code" },
  { "crosswalk-to-unknown-level.json", DATA, "$.crosswalk[0].to.code" },
  { "crosswalk-unknown-edition.json", DATA, "$.crosswalk[0].from.edition" },
  { "crosswalk-to-same-edition.json", DATA, "$.crosswalk[0].to" },
  { "crosswalk-duplicate.json", DATA, "$.crosswalk[1].from" },
  { "crosswalk-unknown-source.json", DATA, "$.crosswalk[0].source" },
  { "crosswalk-missing-to.json", PARSE, "$.crosswalk[0].to" },
  /* Comparison. */
  { "duplicate-comparison-aspect.json", DATA, "$.comparison.aspects[1].id" },
  { "comparison-missing-aspects.json", PARSE, "$.comparison.aspects" },
  { "aspect-missing-outpatient.json", PARSE, "$.comparison.aspects[0].outpatient" },
  { "comparison-unknown-member.json", PARSE, "$.comparison.aspect" },
  /* Not RFC 8259 JSON: json-glib alone would accept these (and leak a trailing document). */
  { "json-trailing-document.json", PARSE, NULL },
  { "json-block-comment.json", PARSE, NULL },
  { "json-single-quotes.json", PARSE, NULL },
  { "json-hex-number.json", PARSE, NULL },
  { "json-duplicate-member.json", PARSE, NULL },
};

#undef PARSE
#undef DATA

static const char *
or_null (const char *s)
{
  return s != NULL ? s : "(null)";
}

/* Loads @row's file through both entry points and appends any mismatch to @report. */
static void
check_invalid_pack (const InvalidPack *row, GString *report)
{
  g_autofree char *path = data_path ("invalid", row->file);
  g_autofree char *text = NULL;
  gsize length = 0;
  iop_error *file_err = NULL, *json_err = NULL;
  iop_continuum *c;

  if (!g_file_get_contents (path, &text, &length, NULL))
    {
      g_string_append_printf (report, "\n  %s: cannot read the file", row->file);
      return;
    }

  c = iop_continuum_new_from_file (path, &file_err);
  if (c != NULL || file_err == NULL)
    {
      g_string_append_printf (report, "\n  %s: loaded without an error (expected %s at %s)",
                              row->file, iop_error_code_to_string (row->code), or_null (row->path));
      iop_continuum_unref (c);
      iop_error_free (file_err);
      return;
    }
  if (iop_error_get_code (file_err) != row->code ||
      g_strcmp0 (iop_error_get_path (file_err), row->path) != 0)
    g_string_append_printf (report, "\n  %s: expected %s at %s, got %s at %s (%s)", row->file,
                            iop_error_code_to_string (row->code), or_null (row->path),
                            iop_error_code_to_string (iop_error_get_code (file_err)),
                            or_null (iop_error_get_path (file_err)),
                            iop_error_get_message (file_err));
  else if (iop_error_get_message (file_err) == NULL || *iop_error_get_message (file_err) == '\0' ||
           (row->path != NULL && strstr (iop_error_get_message (file_err), row->path) == NULL))
    g_string_append_printf (report, "\n  %s: the message \"%s\" does not name the path %s",
                            row->file, or_null (iop_error_get_message (file_err)), or_null (row->path));

  /* The text loader agrees with the file loader. */
  c = iop_continuum_new_from_json (text, &json_err);
  if (c != NULL || json_err == NULL || iop_error_get_code (json_err) != iop_error_get_code (file_err) ||
      g_strcmp0 (iop_error_get_path (json_err), iop_error_get_path (file_err)) != 0)
    g_string_append_printf (report, "\n  %s: iop_continuum_new_from_json disagrees with _from_file",
                            row->file);
  iop_continuum_unref (c);

  /* Without an error location the call still fails. */
  c = iop_continuum_new_from_json (text, NULL);
  if (c != NULL)
    g_string_append_printf (report, "\n  %s: loaded when error is NULL", row->file);
  iop_continuum_unref (c);

  iop_error_free (file_err);
  iop_error_free (json_err);
}

static void
check_invalid_table (const InvalidPack *rows, size_t n)
{
  GString *report = g_string_new (NULL);

  for (size_t i = 0; i < n; i++)
    check_invalid_pack (&rows[i], report);
  iop_test_finish_report (report, "invalid packs not rejected as expected");
}

static void
test_continuum_invalid_packs_fail_with_the_expected_code_and_path (void **state)
{
  (void) state;
  check_invalid_table (invalid_packs, G_N_ELEMENTS (invalid_packs));
}

/* iop_level_get_source() returns NULL for a field that "carries no figure" (iop-continuum.h):
 * an unpublished band may name a (valid) source, but no source is recorded for it. */
static void
test_continuum_unpublished_band_reports_no_source (void **state)
{
  static const char pack[] =
    "{\"format\": \"libiop-continuum\", \"format_version\": 1, \"id\": \"t\", \"version\": \"1\","
    " \"sources\": {\"reg\": {\"citation\": \"Fictitious\", \"confidence\": \"H\"}},"
    " \"levels\": [{\"code\": \"2.1\", \"edition\": \"asam3\", \"name\": \"IOP\","
    " \"setting\": \"outpatient\", \"source\": \"reg\","
    " \"hours_per_week\": {\"adolescent\": {\"min\": null, \"max\": null, \"source\": \"reg\"}}}]}";
  iop_error *err = NULL;
  iop_continuum *c = iop_continuum_new_from_json (pack, &err);
  const char *source = NULL;
  char *json = NULL;
  bool published = true, json_names_source = true;
  (void) state;

  /* Gather everything first and release it, so that a failure leaks nothing. */
  if (c != NULL)
    {
      const iop_level *level = iop_continuum_lookup_level (c, IOP_EDITION_ASAM3, "2.1");
      iop_range r = iop_level_get_hours_per_week (level, IOP_AGE_ADOLESCENT);
      published = iop_range_is_published (&r);
      source = iop_level_get_source (level, "hours_per_week.adolescent");
      json = iop_level_to_json (level);
      json_names_source = strstr (json, "hours_per_week.adolescent") != NULL;
    }
  iop_free (json);
  iop_error_free (err);
  iop_continuum_unref (c); /* source dangles from here on: compare it with NULL only */
  if (c == NULL)
    fail_msg ("the pack did not load");
  assert_false (published);
  assert_true (source == NULL);
  assert_false (json_names_source);
}

static void
test_continuum_invalid_corpus_matches_the_tables (void **state)
{
  const char *files[G_N_ELEMENTS (invalid_packs)];
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (invalid_packs); i++)
    files[i] = invalid_packs[i].file;
  iop_test_check_corpus (CONTINUUM_DATA, "invalid", files, G_N_ELEMENTS (files));
}

static void
test_continuum_missing_file_is_an_io_error_without_path (void **state)
{
  g_autoptr(iop_error) missing = NULL;
  g_autoptr(iop_error) directory = NULL;
  (void) state;

  assert_null (iop_continuum_new_from_file (CONTINUUM_DATA "/no-such-pack.json", &missing));
  assert_non_null (missing);
  assert_int_equal (iop_error_get_code (missing), IOP_ERROR_IO);
  assert_null (iop_error_get_path (missing));
  assert_true (strlen (iop_error_get_message (missing)) > 0);

  /* A directory is not a readable pack either. */
  assert_null (iop_continuum_new_from_file (CONTINUUM_DATA, &directory));
  assert_non_null (directory);
  assert_int_equal (iop_error_get_code (directory), IOP_ERROR_IO);
  assert_null (iop_error_get_path (directory));
}

static void
test_continuum_error_messages_name_the_field_and_the_rule (void **state)
{
  g_autofree char *path = data_path ("invalid", "min-above-max.json");
  g_autoptr(iop_error) err = NULL;
  const char *message;
  (void) state;

  assert_null (iop_continuum_new_from_file (path, &err));
  assert_non_null (err);
  message = iop_error_get_message (err);
  /* "$.levels[0].hours_per_week.adult: min 19 is not below max 9" or similar: the path first,
   * then a reason that a pack author can act on. */
  assert_true (g_str_has_prefix (message, "$.levels[0].hours_per_week.adult"));
  assert_true (strlen (message) > strlen ("$.levels[0].hours_per_week.adult") + 2);
  assert_true (g_utf8_validate (message, -1, NULL));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    /* Built-in pack: catalog */
    cmocka_unit_test (test_continuum_default_pack_has_id_version_and_title),
    cmocka_unit_test (test_continuum_default_pack_counts_levels_per_edition),
    cmocka_unit_test (test_continuum_default_pack_lists_the_published_level_codes),
    cmocka_unit_test (test_continuum_every_default_level_is_complete_and_sourced),
    cmocka_unit_test (test_continuum_edition_views_partition_the_pack),
    cmocka_unit_test (test_continuum_default_pack_orders_levels_from_least_to_most_intensive),
    /* Built-in pack: clinical facts */
    cmocka_unit_test (test_continuum_asam3_2_1_hours_match_state_regulations),
    cmocka_unit_test (test_continuum_intensive_outpatient_billing_codes_are_listed),
    cmocka_unit_test (test_continuum_asam4_2_5_is_high_intensity_outpatient_with_no_upper_bound),
    cmocka_unit_test (test_continuum_asam3_level_1_is_fewer_than_nine_hours),
    cmocka_unit_test (test_continuum_range_contains_honours_the_2_1_band_edges),
    cmocka_unit_test (test_continuum_range_contains_handles_one_sided_and_unpublished_bands),
    cmocka_unit_test (test_continuum_management_and_setting_follow_the_asam_definitions),
    /* Crosswalks */
    cmocka_unit_test (test_continuum_crosswalk_asam3_3_3_goes_to_asam4_3_5_with_medium_confidence),
    cmocka_unit_test (test_continuum_crosswalk_locus_3_goes_to_asam3_2_1_with_low_confidence),
    cmocka_unit_test (test_continuum_crosswalk_is_absent_for_otp_and_for_the_own_edition),
    /* Step moves */
    cmocka_unit_test (test_continuum_asam3_2_1_steps_down_to_1_and_up_to_2_5),
    cmocka_unit_test (test_continuum_step_up_walk_from_asam3_0_5_ends_at_level_4),
    cmocka_unit_test (test_continuum_withdrawal_management_levels_form_their_own_chain),
    cmocka_unit_test (test_continuum_locus_levels_step_from_0_to_6_and_back),
    cmocka_unit_test (test_continuum_every_step_walk_ends),
    /* Lookup */
    cmocka_unit_test (test_continuum_lookup_finds_levels_by_code_and_alias),
    cmocka_unit_test (test_continuum_lookup_any_edition_prefers_codes_over_aliases),
    cmocka_unit_test (test_continuum_lookup_of_unknown_code_or_edition_returns_null),
    /* Sources */
    cmocka_unit_test (test_continuum_source_table_gives_citation_url_and_confidence),
    cmocka_unit_test (test_continuum_every_default_source_is_listed_correctly_and_cited),
    cmocka_unit_test (test_continuum_level_get_source_resolves_documented_fields),
    /* Strings */
    cmocka_unit_test (test_continuum_edition_strings_convert_both_ways),
    cmocka_unit_test (test_continuum_edition_from_string_rejects_unknown_names),
    cmocka_unit_test (test_continuum_age_group_strings_convert_both_ways),
    cmocka_unit_test (test_continuum_setting_management_and_confidence_names),
    /* JSON output */
    cmocka_unit_test (test_continuum_level_to_json_describes_asam3_2_1),
    cmocka_unit_test (test_continuum_level_to_json_writes_null_for_missing_bounds_and_steps),
    cmocka_unit_test (test_continuum_every_level_serializes_to_parsable_json),
    /* Comparison */
    cmocka_unit_test (test_continuum_comparison_has_seven_aspects_for_both_kinds_of_care),
    cmocka_unit_test (test_continuum_comparison_to_json_matches_the_accessors),
    /* Reference counting and sharing */
    cmocka_unit_test (test_continuum_level_reference_keeps_the_continuum_alive),
    cmocka_unit_test (test_continuum_ref_returns_the_same_instance),
    cmocka_unit_test (test_continuum_each_default_load_is_an_independent_instance),
    cmocka_unit_test (test_continuum_one_instance_is_shared_by_several_threads),
    /* Pack text and user packs */
    cmocka_unit_test (test_continuum_default_pack_json_loads_back_to_an_equal_catalog),
    cmocka_unit_test (test_continuum_user_pack_overrides_the_intensive_outpatient_band),
    cmocka_unit_test (test_continuum_user_pack_accepts_extension_members),
    cmocka_unit_test (test_continuum_user_pack_accepts_boundary_values),
    cmocka_unit_test (test_continuum_every_valid_pack_loads),
    /* Invalid packs */
    cmocka_unit_test (test_continuum_invalid_packs_fail_with_the_expected_code_and_path),
    cmocka_unit_test (test_continuum_unpublished_band_reports_no_source),
    cmocka_unit_test (test_continuum_invalid_corpus_matches_the_tables),
    cmocka_unit_test (test_continuum_missing_file_is_an_io_error_without_path),
    cmocka_unit_test (test_continuum_error_messages_name_the_field_and_the_rule),
  };
  iop_test_apply_filters ();
  return cmocka_run_group_tests_name ("continuum", tests, NULL, NULL);
}
