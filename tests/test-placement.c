/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Unit tests for iop-placement.h: the built-in open placement pack (every default rule, each
 * with a case where it applies and one where it does not), the LOCUS and CALOCUS composite
 * bands, the assessment API and its JSON document, explained recommendations (level, binding
 * dimensions, reasons with their rule and source, alternatives), buffer reuse, user packs that
 * change the outcome without recompiling, the strict validation of packs, and sharing a placer
 * between threads.
 *
 * Test data (tests/data/placement):
 *   valid/NAME.json                 placement packs that must load; each but minimal*.json is a
 *                                   user pack with its own tests below.
 *   invalid/NAME.json               packs that must be rejected, one defect each, derived from
 *                                   valid/minimal.json or valid/minimal-composite.json (their
 *                                   "$comment" names the defect). The expected error code and
 *                                   JSON path of each live in invalid_packs[];
 *                                   test_placement_invalid_pack_corpus_matches_the_table fails
 *                                   when a file has no row or a row has no file.
 *   assessments/valid/NAME.json     assessment documents in the canonical form that
 *                                   iop_assessment_to_json() writes (one line): each must load
 *                                   and write back byte-identically.
 *   assessments/invalid/NAME.json   malformed assessments, with their code, path and the
 *                                   patient-data value the message must not quote in
 *                                   invalid_assessments[].
 *
 * The expected levels come from tables written out here (a copy of the default pack's tables,
 * kept independent of the library), not from the library's own data.
 *
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libiop/iop.h>
#include <libiop/iop-glib.h>

#include "iop-test.h"

#define PLACEMENT_DATA IOP_TEST_DATA_DIR "/placement"

/* ------------------------------------------------------------------------------------------ */
/* The default pack's tables, written out independently of the library                        */

static const char *const asam3_ladder[] = { "0.5", "1", "2.1", "2.5", "3.1", "3.5", "3.7", "4" };
static const char *const asam4_ladder[] = { "1.0", "1.5", "2.1", "2.5", "3.1", "3.5", "3.7", "4" };
static const char *const asam_dims[] = { "d1", "d2", "d3", "d4", "d5", "d6" };
static const char *const asam3_names[] = {
  "Acute Intoxication and/or Withdrawal Potential", "Biomedical Conditions and Complications",
  "Emotional, Behavioral, or Cognitive Conditions and Complications", "Readiness to Change",
  "Relapse, Continued Use, or Continued Problem Potential", "Recovery/Living Environment" };
static const char *const asam4_names[] = {
  "Intoxication, Withdrawal, and Addiction Medications", "Biomedical Conditions",
  "Psychiatric and Cognitive Conditions", "Substance Use-Related Risks",
  "Recovery Environment Interactions", "Person-Centered Considerations" };

/* Rating 0..4 -> ladder index, per dimension (the same indices in both editions' ladders). */
static const int asam3_tables[6][5] = {
  { 0, 1, 2, 6, 7 }, /* d1: 0.5 1 2.1 3.7 4 */
  { 0, 1, 2, 6, 7 }, /* d2: 0.5 1 2.1 3.7 4 */
  { 0, 1, 2, 5, 7 }, /* d3: 0.5 1 2.1 3.5 4 */
  { 0, 1, 2, 4, 7 }, /* d4: 0.5 1 2.1 3.1 4 */
  { 0, 1, 2, 3, 7 }, /* d5: 0.5 1 2.1 2.5 4 */
  { 0, 1, 2, 4, 7 }, /* d6: 0.5 1 2.1 3.1 4 */
};
static const int asam4_tables[6][5] = {
  { 0, 1, 2, 6, 7 }, /* d1: 1.0 1.5 2.1 3.7 4 */
  { 0, 1, 2, 6, 7 }, /* d2 */
  { 0, 1, 2, 5, 7 }, /* d3: 1.0 1.5 2.1 3.5 4 */
  { 0, 1, 2, 4, 7 }, /* d4: 1.0 1.5 2.1 3.1 4 */
  { 0, 1, 2, 4, 7 }, /* d5 */
  { 0, 1, 2, 4, 7 }, /* d6 */
};
static const char *const table_sources[6] = { "ppc2r-grid", "ppc2r-grid", "ppc2r-grid",
                                              "libiop-illustrative-tables",
                                              "libiop-illustrative-tables",
                                              "libiop-illustrative-tables" };
static const char *const table_rules[6] = { "d1-minimum", "d2-minimum", "d3-minimum",
                                            "d4-minimum", "d5-minimum", "d6-minimum" };
/* asam4 "medically-managed-variant" (d1 >= 2), by ladder index; NULL: unchanged. */
static const char *const asam4_variant[8] = { "1.7", "1.7", "2.7", "2.7", "3.7", "3.7", NULL, NULL };

/* The ladder index each dimension asks for: its table, with Dimensions 4-6 kept below Level 4
 * (rule level-4-needs-d1-d3). */
static int
dimension_rank (const int tables[6][5], int dim, int rating)
{
  int rank = tables[dim][rating];
  return dim >= 3 && rank == 7 ? 6 : rank;
}

/* The expected ladder index: the most intensive dimension minimum (ratings are not averaged). */
static int
expected_rank (const int tables[6][5], const int *ratings)
{
  int rank = 0;
  for (int d = 0; d < 6; d++)
    rank = MAX (rank, dimension_rank (tables, d, ratings[d]));
  return rank;
}

static const char *
expected_asam3_level (const int *ratings)
{
  return asam3_ladder[expected_rank (asam3_tables, ratings)];
}

static const char *
expected_asam4_level (const int *ratings)
{
  int rank = expected_rank (asam4_tables, ratings);
  if (ratings[0] >= 2 && asam4_variant[rank] != NULL)
    return asam4_variant[rank];
  return asam4_ladder[rank];
}

/* The published LOCUS/CALOCUS composite bands (below 10: Level 0). */
static int
expected_composite_level (int composite)
{
  if (composite <= 9)
    return 0;
  if (composite <= 13)
    return 1;
  if (composite <= 16)
    return 2;
  if (composite <= 19)
    return 3;
  if (composite <= 22)
    return 4;
  if (composite <= 27)
    return 5;
  return 6;
}

/* Ratings 1..5 on @n scales that add up to @composite, filled from the first scale (or from the
 * last when @from_last). */
static void
spread_composite (int composite, int *ratings, int n, bool from_last)
{
  int rest = composite - n;
  for (int i = 0; i < n; i++)
    ratings[i] = 1;
  for (int k = 0; k < n && rest > 0; k++)
    {
      int i = from_last ? n - 1 - k : k;
      int add = MIN (4, rest);
      ratings[i] += add;
      rest -= add;
    }
  assert_int_equal (rest, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                     */

static char *
data_path (const char *dir, const char *file)
{
  return g_build_filename (PLACEMENT_DATA, dir, file, NULL);
}

static iop_placer *
load_pack (const char *file)
{
  g_autofree char *path = data_path ("valid", file);
  iop_error *err = NULL;
  iop_placer *p = iop_placer_new_from_file (NULL, path, &err);
  if (p == NULL)
    fail_msg ("%s: %s", path, iop_error_get_message (err));
  assert_null (err);
  return p;
}

static iop_assessment *
make_assessment (iop_placer *p, const char *instrument, const int *ratings, size_t n)
{
  iop_error *err = NULL;
  iop_assessment *a = iop_assessment_new (p, instrument, &err);
  if (a == NULL)
    fail_msg ("iop_assessment_new (%s): %s", instrument, iop_error_get_message (err));
  if (!iop_assessment_set_ratings (a, ratings, n, &err))
    fail_msg ("iop_assessment_set_ratings (%s): %s", instrument, iop_error_get_message (err));
  assert_true (iop_assessment_is_complete (a));
  return a;
}

#define RATINGS(...) ((const int[]) { __VA_ARGS__ }), \
                     (sizeof ((const int[]) { __VA_ARGS__ }) / sizeof (int))

static iop_recommendation *
place_ok (const iop_placer *p, const iop_assessment *a)
{
  iop_error *err = NULL;
  iop_recommendation *rec = iop_placer_place (p, a, &err);
  if (rec == NULL)
    fail_msg ("iop_placer_place: %s", iop_error_get_message (err));
  assert_null (err);
  assert_non_null (iop_recommendation_get_level (rec));
  return rec;
}

/* Places @n ratings on @instrument (adult, no co-occurring condition, no declared levels). */
static iop_recommendation *
place_ratings (iop_placer *p, const char *instrument, const int *ratings, size_t n)
{
  g_autoptr(iop_assessment) a = make_assessment (p, instrument, ratings, n);
  return place_ok (p, a);
}

static void
add_available (iop_assessment *a, const char *code)
{
  iop_error *err = NULL;
  if (!iop_assessment_add_available_level (a, code, &err))
    fail_msg ("iop_assessment_add_available_level (%s): %s", code, iop_error_get_message (err));
}

static const char *
or_null (const char *s)
{
  return s != NULL ? s : "(null)";
}

static const char *
code_of (const iop_level *level)
{
  return level != NULL ? iop_level_get_code (level) : NULL;
}

/* Fails with the recommendation's JSON, so that a failure shows the whole explanation. */
G_GNUC_PRINTF (2, 3) static void
fail_with (const iop_recommendation *rec, const char *format, ...)
{
  va_list ap;
  g_autofree char *what = NULL;
  g_autofree char *json = iop_recommendation_to_json (rec);

  va_start (ap, format);
  what = g_strdup_vprintf (format, ap);
  va_end (ap);
  print_error ("%s\n  recommendation: %s\n", what, json);
  fail ();
}

static void
assert_level (const iop_recommendation *rec, const char *code)
{
  if (g_strcmp0 (code_of (iop_recommendation_get_level (rec)), code) != 0)
    fail_with (rec, "expected level %s, got %s", or_null (code),
               or_null (code_of (iop_recommendation_get_level (rec))));
}

static void
assert_withdrawal (const iop_recommendation *rec, const char *code)
{
  if (g_strcmp0 (code_of (iop_recommendation_get_withdrawal_level (rec)), code) != 0)
    fail_with (rec, "expected withdrawal level %s, got %s", or_null (code),
               or_null (code_of (iop_recommendation_get_withdrawal_level (rec))));
}

static void
assert_designation (const iop_recommendation *rec, const char *designation)
{
  if (g_strcmp0 (iop_recommendation_get_designation (rec), designation) != 0)
    fail_with (rec, "expected designation %s, got %s", or_null (designation),
               or_null (iop_recommendation_get_designation (rec)));
}

/* The binding dimensions, exactly and in order: a NULL-terminated list. */
static void
assert_binding (const iop_recommendation *rec, ...)
{
  va_list ap;
  const char *dim;
  size_t n = 0;

  va_start (ap, rec);
  while ((dim = va_arg (ap, const char *)) != NULL)
    {
      if (g_strcmp0 (iop_recommendation_get_binding_dimension (rec, n), dim) != 0)
        {
          va_end (ap);
          fail_with (rec, "binding dimension %zu: expected %s, got %s", n, dim,
                     or_null (iop_recommendation_get_binding_dimension (rec, n)));
        }
      n++;
    }
  va_end (ap);
  if (iop_recommendation_get_n_binding_dimensions (rec) != n)
    fail_with (rec, "expected %zu binding dimensions, got %zu", n,
               iop_recommendation_get_n_binding_dimensions (rec));
  assert_null (iop_recommendation_get_binding_dimension (rec, n));
}

/* An expected reason. */
typedef struct {
  const char *code, *rule, *source, *dimension;
} ExpReason;

#define REASONS(...) ((const ExpReason[]) { __VA_ARGS__ }), \
                     (sizeof ((const ExpReason[]) { __VA_ARGS__ }) / sizeof (ExpReason))
/* The reasons the default pack's tables give. */
#define DIM_MIN(d) { "dimension-minimum", table_rules[(d) - 1], table_sources[(d) - 1], asam_dims[(d) - 1] }
#define LEAST { "least-intensive", NULL, "asam-not-averaged", NULL }

static bool
field_matches (const char *expected, const char *actual)
{
  return g_strcmp0 (expected, actual) == 0;
}

/* The reasons, exactly and in order, each with its code, rule, source and dimension; and every
 * reason has a non-empty text. */
static void
assert_reasons (const iop_recommendation *rec, const ExpReason *expected, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      const char *code = iop_recommendation_get_reason_code (rec, i);
      const char *rule = iop_recommendation_get_reason_rule (rec, i);
      const char *source = iop_recommendation_get_reason_source (rec, i);
      const char *dim = iop_recommendation_get_reason_dimension (rec, i);
      if (!field_matches (expected[i].code, code) || !field_matches (expected[i].rule, rule) ||
          !field_matches (expected[i].source, source) || !field_matches (expected[i].dimension, dim))
        fail_with (rec, "reason %zu: expected {%s, %s, %s, %s}, got {%s, %s, %s, %s}", i,
                   or_null (expected[i].code), or_null (expected[i].rule),
                   or_null (expected[i].source), or_null (expected[i].dimension), or_null (code),
                   or_null (rule), or_null (source), or_null (dim));
    }
  if (iop_recommendation_get_n_reasons (rec) != n)
    fail_with (rec, "expected %zu reasons, got %zu", n, iop_recommendation_get_n_reasons (rec));
  for (size_t i = 0; i < n; i++)
    {
      const char *text = iop_recommendation_get_reason_text (rec, i);
      assert_non_null (text);
      assert_true (strlen (text) > 0);
      assert_true (g_utf8_validate (text, -1, NULL));
      /* Every placeholder was filled in. */
      if (strchr (text, '{') != NULL)
        fail_with (rec, "reason %zu text has an unexpanded placeholder: %s", i, text);
    }
  assert_null (iop_recommendation_get_reason_code (rec, n));
}

typedef struct {
  const char *level, *reason;
} ExpAlt;

#define ALTS(...) ((const ExpAlt[]) { __VA_ARGS__ }), \
                  (sizeof ((const ExpAlt[]) { __VA_ARGS__ }) / sizeof (ExpAlt))
#define NO_ALTS NULL, 0

/* The alternatives, exactly and in order. */
static void
assert_alternatives (const iop_recommendation *rec, const ExpAlt *expected, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (g_strcmp0 (iop_recommendation_get_alternative_code (rec, i), expected[i].level) != 0 ||
        g_strcmp0 (iop_recommendation_get_alternative_reason (rec, i), expected[i].reason) != 0)
      fail_with (rec, "alternative %zu: expected {%s, %s}, got {%s, %s}", i, expected[i].level,
                 expected[i].reason, or_null (iop_recommendation_get_alternative_code (rec, i)),
                 or_null (iop_recommendation_get_alternative_reason (rec, i)));
  if (iop_recommendation_get_n_alternatives (rec) != n)
    fail_with (rec, "expected %zu alternatives, got %zu", n,
               iop_recommendation_get_n_alternatives (rec));
  assert_null (iop_recommendation_get_alternative_code (rec, n));
  assert_null (iop_recommendation_get_alternative_reason (rec, n));
}

/* The reason of the alternative @level, or NULL when it is not an alternative. */
static const char *
alternative_reason (const iop_recommendation *rec, const char *level)
{
  for (size_t i = 0; i < iop_recommendation_get_n_alternatives (rec); i++)
    if (strcmp (iop_recommendation_get_alternative_code (rec, i), level) == 0)
      return iop_recommendation_get_alternative_reason (rec, i);
  return NULL;
}

static bool
has_reason (const iop_recommendation *rec, const char *code)
{
  for (size_t i = 0; i < iop_recommendation_get_n_reasons (rec); i++)
    if (strcmp (iop_recommendation_get_reason_code (rec, i), code) == 0)
      return true;
  return false;
}

static JsonNode *
member (JsonNode *node, const char *name)
{
  JsonNode *m;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    fail_msg ("expected a JSON object with member %s", name);
  m = json_object_get_member (json_node_get_object (node), name);
  if (m == NULL)
    fail_msg ("missing JSON member %s", name);
  return m;
}

static const char *
json_string_or_null (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    fail_msg ("expected a JSON string or null");
  return json_node_get_string (node);
}

static JsonArray *
json_array (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    fail_msg ("expected a JSON array");
  return json_node_get_array (node);
}

/* Reads a whole file, without its trailing newline. */
static char *
read_text (const char *dir, const char *file)
{
  g_autofree char *path = data_path (dir, file);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, &error))
    fail_msg ("%s: %s", path, error->message);
  g_strchomp (text);
  return text;
}

/* ------------------------------------------------------------------------------------------ */
/* The placer and the built-in pack                                                            */

static void
test_placement_default_pack_has_id_version_and_four_instruments (void **state)
{
  static const char *const ids[] = { "asam3", "asam4", "locus", "calocus" };
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  (void) state;

  assert_non_null (p);
  assert_string_equal (iop_placer_get_id (p), "libiop-default-placement");
  assert_non_null (iop_placer_get_version (p));
  assert_true (strlen (iop_placer_get_version (p)) > 0);
  assert_int_equal (iop_placer_get_n_instruments (p), G_N_ELEMENTS (ids));
  for (size_t i = 0; i < G_N_ELEMENTS (ids); i++)
    assert_string_equal (iop_placer_get_instrument_id (p, i), ids[i]);
  assert_null (iop_placer_get_instrument_id (p, G_N_ELEMENTS (ids)));
  assert_null (iop_placer_get_instrument_id (p, SIZE_MAX));
  /* The levels come from the built-in continuum. */
  assert_non_null (iop_placer_get_continuum (p));
  assert_string_equal (iop_continuum_get_id (iop_placer_get_continuum (p)), "libiop-default");
}

static void
assert_dimensions (iop_placer *p, const char *instrument, const char *const *ids,
                   const char *const *names, size_t n)
{
  g_autoptr(iop_assessment) a = NULL;
  iop_error *err = NULL;

  a = iop_assessment_new (p, instrument, &err);
  assert_non_null (a);
  assert_string_equal (iop_assessment_get_instrument (a), instrument);
  assert_int_equal (iop_assessment_get_n_dimensions (a), n);
  for (size_t i = 0; i < n; i++)
    {
      assert_string_equal (iop_assessment_get_dimension_id (a, i), ids[i]);
      if (names != NULL)
        assert_string_equal (iop_assessment_get_dimension_name (a, i), names[i]);
      else
        assert_true (strlen (iop_assessment_get_dimension_name (a, i)) > 0);
    }
  assert_null (iop_assessment_get_dimension_id (a, n));
  assert_null (iop_assessment_get_dimension_name (a, n));
}

static void
test_placement_default_instruments_have_the_published_dimensions (void **state)
{
  static const char *const locus[] = { "I", "II", "III", "IV-A", "IV-B", "V", "VI" };
  static const char *const calocus[] = { "I", "II", "III", "IV-A", "IV-B", "V", "VI-A", "VI-B" };
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  (void) state;

  assert_dimensions (p, "asam3", asam_dims, asam3_names, 6);
  assert_dimensions (p, "asam4", asam_dims, asam4_names, 6);
  assert_dimensions (p, "locus", locus, NULL, 7);
  assert_dimensions (p, "calocus", calocus, NULL, 8);
}

static void
test_placement_default_pack_json_loads_back_to_the_same_placements (void **state)
{
  g_autofree char *text = iop_placer_default_pack_json ();
  g_autofree char *again = iop_placer_default_pack_json ();
  g_autoptr(iop_placer) builtin = iop_placer_new_default ();
  g_autoptr(iop_placer) loaded = NULL;
  iop_error *err = NULL;
  (void) state;

  assert_non_null (text);
  assert_true (g_utf8_validate (text, -1, NULL));
  assert_non_null (strstr (text, "\"libiop-placement\""));
  /* Each call hands out its own copy. */
  assert_ptr_not_equal (text, again);
  assert_string_equal (text, again);

  loaded = iop_placer_new_from_json (NULL, text, &err);
  assert_null (err);
  assert_non_null (loaded);
  assert_string_equal (iop_placer_get_id (loaded), iop_placer_get_id (builtin));
  assert_string_equal (iop_placer_get_version (loaded), iop_placer_get_version (builtin));
  /* The same recommendations, to the byte, for a spread of assessments. */
  for (int i = 0; i < 5 * 5 * 5 * 5 * 5 * 5; i += 37)
    {
      int r[6];
      for (int d = 0, v = i; d < 6; d++, v /= 5)
        r[d] = v % 5;
      for (int e = 0; e < 2; e++)
        {
          const char *instrument = e == 0 ? "asam3" : "asam4";
          g_autoptr(iop_assessment) a1 = make_assessment (builtin, instrument, r, 6);
          g_autoptr(iop_assessment) a2 = make_assessment (loaded, instrument, r, 6);
          g_autoptr(iop_recommendation) r1 = NULL;
          g_autoptr(iop_recommendation) r2 = NULL;
          g_autofree char *j1 = NULL;
          g_autofree char *j2 = NULL;
          iop_assessment_set_co_occurring (a1, i % 2 == 0);
          iop_assessment_set_co_occurring (a2, i % 2 == 0);
          r1 = place_ok (builtin, a1);
          r2 = place_ok (loaded, a2);
          j1 = iop_recommendation_to_json (r1);
          j2 = iop_recommendation_to_json (r2);
          assert_string_equal (j1, j2);
        }
    }
}

static void
test_placement_placer_keeps_a_given_continuum_alive (void **state)
{
  iop_continuum *c = iop_continuum_new_default ();
  g_autofree char *text = iop_placer_default_pack_json ();
  g_autoptr(iop_placer) p = NULL;
  g_autoptr(iop_recommendation) rec = NULL;
  iop_error *err = NULL;
  (void) state;

  p = iop_placer_new_from_json (c, text, &err);
  assert_null (err);
  assert_non_null (p);
  assert_ptr_equal (iop_placer_get_continuum (p), c);
  iop_continuum_unref (c); /* the placer holds its own reference */
  rec = place_ratings (p, "asam3", RATINGS (0, 3, 0, 0, 0, 0));
  assert_level (rec, "3.7");
  /* The recommended level belongs to that continuum. */
  assert_ptr_equal (iop_level_get_continuum (iop_recommendation_get_level (rec)), c);
}

static void
test_placement_ref_returns_the_same_instance_and_objects_keep_it_alive (void **state)
{
  iop_placer *p = iop_placer_new_default ();
  iop_assessment *a;
  iop_recommendation *rec;
  (void) state;

  assert_ptr_equal (iop_placer_ref (p), p);
  iop_placer_unref (p);
  iop_placer_unref (NULL);
  iop_assessment_free (NULL);
  iop_recommendation_free (NULL);

  /* An assessment and a recommendation keep the placer (and its levels) alive. */
  a = make_assessment (p, "asam3", RATINGS (0, 0, 2, 0, 0, 0));
  rec = place_ok (p, a);
  iop_placer_unref (p);
  assert_string_equal (iop_level_get_code (iop_recommendation_get_level (rec)), "2.1");
  assert_string_equal (iop_recommendation_get_pack_id (rec), "libiop-default-placement");
  assert_string_equal (iop_assessment_get_instrument (a), "asam3");
  iop_assessment_free (a);
  assert_string_equal (iop_recommendation_get_reason_code (rec, 0), "dimension-minimum");
  assert_non_null (iop_recommendation_get_reason_text (rec, 0));
  iop_recommendation_free (rec);
}

static void
test_placement_missing_file_is_an_io_error_without_path (void **state)
{
  g_autoptr(iop_error) missing = NULL;
  g_autoptr(iop_error) directory = NULL;
  (void) state;

  assert_null (iop_placer_new_from_file (NULL, PLACEMENT_DATA "/no-such-pack.json", &missing));
  assert_non_null (missing);
  assert_int_equal (iop_error_get_code (missing), IOP_ERROR_IO);
  assert_null (iop_error_get_path (missing));
  assert_true (strlen (iop_error_get_message (missing)) > 0);

  assert_null (iop_placer_new_from_file (NULL, PLACEMENT_DATA, &directory));
  assert_non_null (directory);
  assert_int_equal (iop_error_get_code (directory), IOP_ERROR_IO);
}

/* ------------------------------------------------------------------------------------------ */
/* Dimension tables (asam3 and asam4 "dN-minimum")                                             */

/* Rates one dimension at a time (the others 0) and checks each table entry: the level, the
 * single binding dimension and its reason, rule and source. */
static void
check_every_table_entry (const char *instrument, const char *const *ladder,
                         const int tables[6][5])
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();

  for (int d = 0; d < 6; d++)
    for (int rating = 1; rating <= 4; rating++)
      {
        int r[6] = { 0 };
        g_autoptr(iop_recommendation) rec = NULL;
        int rank = dimension_rank (tables, d, rating);
        const char *level = ladder[rank];

        r[d] = rating;
        if (strcmp (instrument, "asam4") == 0 && d == 0 && rating >= 2)
          continue; /* the variant applies: tested on its own below */
        rec = place_ratings (p, instrument, r, 6);
        assert_level (rec, level);
        assert_binding (rec, asam_dims[d], NULL);
        if (tables[d][rating] != rank)
          /* Dimensions 4-6 rated 4: the qualifying-dimensions rule comes first. */
          assert_reasons (rec, REASONS ({ "qualifying-dimensions", "level-4-needs-d1-d3",
                                          "asam-ppc-adult-grid", asam_dims[d] },
                                        DIM_MIN (d + 1), LEAST));
        else if (strcmp (instrument, "asam3") == 0 && d == 0 && rating >= 2)
          assert_reasons (rec, REASONS (DIM_MIN (1), LEAST,
                                        { "withdrawal", "d1-withdrawal-management",
                                          "d1-risk-anchors", "d1" }));
        else
          assert_reasons (rec, REASONS (DIM_MIN (d + 1), LEAST));
        /* The next less intensive level was not enough. */
        assert_string_equal (alternative_reason (rec, ladder[rank - 1]), "insufficient");
        assert_null (iop_recommendation_get_designation (rec));
        assert_false (iop_recommendation_has_composite (rec));
      }
}

static void
test_placement_asam3_each_dimension_table_entry_sets_the_level (void **state)
{
  (void) state;
  check_every_table_entry ("asam3", asam3_ladder, asam3_tables);
}

static void
test_placement_asam4_each_dimension_table_entry_sets_the_level (void **state)
{
  (void) state;
  check_every_table_entry ("asam4", asam4_ladder, asam4_tables);
}

/* Each table does not bind when another dimension asks for more: its rule is not cited. */
static void
test_placement_dimension_table_does_not_bind_when_another_dimension_is_higher (void **state)
{
  static const char *const instruments[] = { "asam3", "asam4" };
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  (void) state;

  for (size_t e = 0; e < G_N_ELEMENTS (instruments); e++)
    for (int d = 0; d < 6; d++)
      {
        /* Dimension d rated 1; the other one (d2, or d3 when d is d2) rated 3. */
        int other = d == 1 ? 2 : 1;
        int r[6] = { 0 };
        g_autoptr(iop_recommendation) rec = NULL;
        r[d] = 1;
        r[other] = 3;
        rec = place_ratings (p, instruments[e], r, 6);
        assert_level (rec, other == 1 ? "3.7" : "3.5");
        assert_binding (rec, asam_dims[other], NULL);
        for (size_t i = 0; i < iop_recommendation_get_n_reasons (rec); i++)
          if (g_strcmp0 (iop_recommendation_get_reason_rule (rec, i), table_rules[d]) == 0 ||
              g_strcmp0 (iop_recommendation_get_reason_dimension (rec, i), asam_dims[d]) == 0)
            fail_with (rec, "%s is not binding but reason %zu cites it", asam_dims[d], i);
      }
}

static void
test_placement_asam3_d2_rated_3_is_3_7_bound_by_d2 (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = NULL;
  (void) state;

  rec = place_ratings (p, "asam3", RATINGS (0, 3, 0, 0, 0, 0));
  assert_level (rec, "3.7");
  assert_binding (rec, "d2", NULL);
  assert_reasons (rec, REASONS (DIM_MIN (2), LEAST));
  assert_alternatives (rec, ALTS ({ "3.5", "insufficient" }));
  assert_withdrawal (rec, NULL);
  assert_designation (rec, NULL);
  assert_string_equal (iop_recommendation_get_reason_text (rec, 0),
                       "d2 (Biomedical Conditions and Complications) rated 3: at least Level 3.7");
  assert_string_equal (iop_recommendation_get_reason_text (rec, 1),
                       "Level 3.7 is the least intensive level that addresses every dimension; "
                       "the highest-risk dimension sets the minimum (ratings are not averaged)");
  assert_string_equal (iop_recommendation_get_pack_id (rec), "libiop-default-placement");
  assert_string_equal (iop_recommendation_get_pack_version (rec), iop_placer_get_version (p));
}

static void
test_placement_asam3_d3_rated_3_is_3_5_bound_by_d3 (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = NULL;
  (void) state;

  rec = place_ratings (p, "asam3", RATINGS (0, 0, 3, 0, 0, 0));
  assert_level (rec, "3.5");
  assert_binding (rec, "d3", NULL);
  assert_reasons (rec, REASONS (DIM_MIN (3), LEAST));
  assert_alternatives (rec, ALTS ({ "3.1", "insufficient" }));
  assert_string_equal (iop_recommendation_get_reason_text (rec, 0),
                       "d3 (Emotional, Behavioral, or Cognitive Conditions and Complications) "
                       "rated 3: at least Level 3.5");
}

/* ------------------------------------------------------------------------------------------ */
/* Ratings are never averaged ("asam-not-averaged")                                            */

static void
test_placement_ratings_are_never_averaged (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) one_extreme = NULL;
  g_autoptr(iop_recommendation) all_moderate = NULL;
  g_autoptr(iop_recommendation) one_severe = NULL;
  (void) state;

  /* One dimension at 4, the rest 0: the mean 0.67 would round to Level 1; the maximum wins. */
  one_extreme = place_ratings (p, "asam3", RATINGS (0, 4, 0, 0, 0, 0));
  assert_level (one_extreme, "4");
  assert_binding (one_extreme, "d2", NULL);
  assert_reasons (one_extreme, REASONS (DIM_MIN (2), LEAST));

  /* Every dimension at 2 adds up to more (12 against 4) but asks for less. */
  all_moderate = place_ratings (p, "asam3", RATINGS (2, 2, 2, 2, 2, 2));
  assert_level (all_moderate, "2.1");
  assert_binding (all_moderate, "d1", "d2", "d3", "d4", "d5", "d6", NULL);

  /* d3 at 3 and the rest at 1: the mean 1.33 would give Level 1; d3 sets 3.5. */
  one_severe = place_ratings (p, "asam4", RATINGS (1, 1, 3, 1, 1, 1));
  assert_level (one_severe, "3.5");
  assert_binding (one_severe, "d3", NULL);
  assert_reasons (one_severe, REASONS (DIM_MIN (3), LEAST));
}

/* Every one of the 5^6 rating combinations of both ASAM editions gives the most intensive
 * dimension minimum (with the 4th edition variant), bound by exactly the dimensions at it. */
static void
test_placement_every_asam_rating_combination_follows_the_highest_risk_dimension (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a3 = iop_assessment_new (p, "asam3", NULL);
  g_autoptr(iop_assessment) a4 = iop_assessment_new (p, "asam4", NULL);
  g_autoptr(iop_recommendation) rec = iop_recommendation_new ();
  (void) state;

  for (int i = 0; i < 5 * 5 * 5 * 5 * 5 * 5; i++)
    {
      int r[6];
      for (int d = 0, v = i; d < 6; d++, v /= 5)
        r[d] = v % 5;
      for (int e = 0; e < 2; e++)
        {
          iop_assessment *a = e == 0 ? a3 : a4;
          const int (*tables)[5] = e == 0 ? asam3_tables : asam4_tables;
          const char *expected = e == 0 ? expected_asam3_level (r) : expected_asam4_level (r);
          int rank = expected_rank (tables, r);
          size_t n = 0;

          assert_true (iop_assessment_set_ratings (a, r, 6, NULL));
          assert_true (iop_placer_place_into (p, a, rec, NULL));
          if (strcmp (code_of (iop_recommendation_get_level (rec)), expected) != 0)
            fail_with (rec, "%s %d%d%d%d%d%d: expected %s", e == 0 ? "asam3" : "asam4", r[0],
                       r[1], r[2], r[3], r[4], r[5], expected);
          for (int d = 0; d < 6; d++)
            if (dimension_rank (tables, d, r[d]) == rank)
              {
                if (g_strcmp0 (iop_recommendation_get_binding_dimension (rec, n), asam_dims[d]) != 0)
                  fail_with (rec, "binding dimension %zu should be %s", n, asam_dims[d]);
                n++;
              }
          assert_int_equal (iop_recommendation_get_n_binding_dimensions (rec), n);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Least intensive level                                                                       */

static void
test_placement_all_zero_gives_the_lowest_ladder_level (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) asam3 = NULL;
  g_autoptr(iop_recommendation) asam4 = NULL;
  (void) state;

  asam3 = place_ratings (p, "asam3", RATINGS (0, 0, 0, 0, 0, 0));
  assert_level (asam3, "0.5");
  /* Every dimension asks for the lowest level: all six bind, and each says so. */
  assert_binding (asam3, "d1", "d2", "d3", "d4", "d5", "d6", NULL);
  assert_reasons (asam3, REASONS (DIM_MIN (1), DIM_MIN (2), DIM_MIN (3), DIM_MIN (4),
                                  DIM_MIN (5), DIM_MIN (6), LEAST));
  /* Nothing less intensive exists. */
  assert_alternatives (asam3, NO_ALTS);
  assert_withdrawal (asam3, NULL);
  assert_string_equal (iop_recommendation_get_reason_text (asam3, 6),
                       "Level 0.5 is the least intensive level that addresses every dimension; "
                       "the highest-risk dimension sets the minimum (ratings are not averaged)");

  asam4 = place_ratings (p, "asam4", RATINGS (0, 0, 0, 0, 0, 0));
  assert_level (asam4, "1.0");
  assert_binding (asam4, "d1", "d2", "d3", "d4", "d5", "d6", NULL);
  assert_string_equal (iop_recommendation_get_reason_code (asam4, 6), "least-intensive");
  assert_string_equal (iop_recommendation_get_reason_source (asam4, 6), "asam-not-averaged");
  assert_null (iop_recommendation_get_reason_rule (asam4, 6));
  assert_null (iop_recommendation_get_reason_dimension (asam4, 6));
}

/* The rule does not apply to composite-only instruments: LOCUS gives no least-intensive reason
 * and no binding dimension. */
static void
test_placement_least_intensive_reason_is_absent_for_composite_instruments (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = NULL;
  (void) state;

  rec = place_ratings (p, "locus", RATINGS (1, 1, 1, 1, 1, 1, 1));
  assert_level (rec, "0");
  assert_false (has_reason (rec, "least-intensive"));
  assert_false (has_reason (rec, "dimension-minimum"));
  assert_binding (rec, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Binding dimensions                                                                          */

static void
test_placement_tied_dimensions_are_all_binding_in_dimension_order (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = iop_assessment_new (p, "asam3", NULL);
  g_autoptr(iop_recommendation) rec = NULL;
  g_autoptr(iop_recommendation) three = NULL;
  (void) state;

  /* Rated in reverse order: the binding order is the dimension order, not the rating order. */
  assert_true (iop_assessment_set_rating (a, "d6", 0, NULL));
  assert_true (iop_assessment_set_rating (a, "d5", 1, NULL));
  assert_true (iop_assessment_set_rating (a, "d4", 0, NULL));
  assert_true (iop_assessment_set_rating (a, "d3", 0, NULL));
  assert_true (iop_assessment_set_rating (a, "d2", 3, NULL));
  assert_true (iop_assessment_set_rating (a, "d1", 3, NULL));
  rec = place_ok (p, a);
  assert_level (rec, "3.7");
  assert_binding (rec, "d1", "d2", NULL);
  assert_reasons (rec, REASONS (DIM_MIN (1), DIM_MIN (2), LEAST,
                                { "withdrawal", "d1-withdrawal-management", "d1-risk-anchors", "d1" }));

  /* Different ratings that ask for the same level tie too: d4 and d6 rated 3 both ask 3.1. */
  three = place_ratings (p, "asam4", RATINGS (0, 1, 2, 3, 0, 3));
  assert_level (three, "3.1");
  assert_binding (three, "d4", "d6", NULL);
  assert_reasons (three, REASONS (DIM_MIN (4), DIM_MIN (6), LEAST));
}

static void
test_placement_a_single_highest_dimension_is_the_only_binding_one (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = NULL;
  (void) state;

  /* d1 rated 3 (3.7) and d2 rated 2 (2.1): only d1 binds. */
  rec = place_ratings (p, "asam3", RATINGS (3, 2, 0, 0, 0, 0));
  assert_level (rec, "3.7");
  assert_binding (rec, "d1", NULL);
  assert_reasons (rec, REASONS (DIM_MIN (1), LEAST,
                                { "withdrawal", "d1-withdrawal-management", "d1-risk-anchors", "d1" }));
}

/* ------------------------------------------------------------------------------------------ */
/* Qualifying dimensions ("level-4-needs-d1-d3")                                               */

static void
test_placement_dimensions_4_to_6_alone_never_reach_level_4 (void **state)
{
  static const char *const instruments[] = { "asam3", "asam4" };
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  (void) state;

  for (size_t e = 0; e < G_N_ELEMENTS (instruments); e++)
    for (int d = 3; d < 6; d++)
      {
        int r[6] = { 0 };
        g_autoptr(iop_recommendation) rec = NULL;
        r[d] = 4;
        rec = place_ratings (p, instruments[e], r, 6);
        assert_level (rec, "3.7");
        assert_binding (rec, asam_dims[d], NULL);
        assert_reasons (rec, REASONS ({ "qualifying-dimensions", "level-4-needs-d1-d3",
                                        "asam-ppc-adult-grid", asam_dims[d] },
                                      DIM_MIN (d + 1), LEAST));
        /* Level 4 was considered and capped. */
        assert_alternatives (rec, ALTS ({ "4", "capped" }, { "3.5", "insufficient" }));
        {
          /* The qualifying reason says what the dimension asked for; its own reason what it got. */
          const char *name = e == 0 ? asam3_names[d] : asam4_names[d];
          g_autofree char *qualifying = g_strdup_printf (
              "Dimensions 4-6 alone never qualify for Level 4: %s (%s) rated 4 asked for Level 4",
              asam_dims[d], name);
          g_autofree char *minimum = g_strdup_printf ("%s (%s) rated 4: at least Level 3.7",
                                                      asam_dims[d], name);
          assert_string_equal (iop_recommendation_get_reason_text (rec, 0), qualifying);
          assert_string_equal (iop_recommendation_get_reason_text (rec, 1), minimum);
        }
      }
}

static void
test_placement_dimension_2_rated_4_reaches_level_4 (void **state)
{
  static const char *const instruments[] = { "asam3", "asam4" };
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  (void) state;

  for (size_t e = 0; e < G_N_ELEMENTS (instruments); e++)
    {
      g_autoptr(iop_recommendation) rec = place_ratings (p, instruments[e], RATINGS (0, 4, 0, 0, 0, 0));
      assert_level (rec, "4");
      assert_binding (rec, "d2", NULL);
      assert_reasons (rec, REASONS (DIM_MIN (2), LEAST));
      assert_alternatives (rec, ALTS ({ "3.7", "insufficient" }));
      assert_false (has_reason (rec, "qualifying-dimensions"));
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Withdrawal management ("d1-withdrawal-management", asam3)                                   */

static void
test_placement_asam3_dimension_1_risk_routes_to_withdrawal_management (void **state)
{
  static const struct { int rating; const char *level, *wm; } rows[] = {
    { 2, "2.1", "2-WM" }, { 3, "3.7", "3.7-WM" }, { 4, "4", "4-WM" } };
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(iop_recommendation) rec =
        place_ratings (p, "asam3", RATINGS (rows[i].rating, 0, 0, 0, 0, 0));
      g_autofree char *text = g_strdup_printf ("Withdrawal risk in Dimension 1 (rated %d) calls for "
                                               "withdrawal management at Level %s",
                                               rows[i].rating, rows[i].wm);
      assert_level (rec, rows[i].level);
      assert_withdrawal (rec, rows[i].wm);
      assert_true (iop_level_is_withdrawal_management (iop_recommendation_get_withdrawal_level (rec)));
      assert_reasons (rec, REASONS (DIM_MIN (1), LEAST,
                                    { "withdrawal", "d1-withdrawal-management", "d1-risk-anchors", "d1" }));
      assert_string_equal (iop_recommendation_get_reason_text (rec, 2), text);
    }
}

static void
test_placement_asam3_low_dimension_1_risk_needs_no_withdrawal_management (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  (void) state;

  for (int rating = 0; rating <= 1; rating++)
    {
      /* Even with other dimensions at their highest. */
      g_autoptr(iop_recommendation) rec = place_ratings (p, "asam3", RATINGS (rating, 4, 4, 4, 4, 4));
      assert_level (rec, "4");
      assert_withdrawal (rec, NULL);
      assert_false (has_reason (rec, "withdrawal"));
    }
}

static void
test_placement_asam4_has_no_separate_withdrawal_level (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = NULL;
  (void) state;

  /* The 4th edition folds withdrawal management into the medically managed levels. */
  rec = place_ratings (p, "asam4", RATINGS (4, 0, 0, 0, 0, 0));
  assert_level (rec, "4");
  assert_withdrawal (rec, NULL);
  assert_false (has_reason (rec, "withdrawal"));
}

/* ------------------------------------------------------------------------------------------ */
/* Medically managed variant ("medically-managed-variant", asam4)                              */

static void
test_placement_asam4_dimension_1_selects_the_medically_managed_variant (void **state)
{
  static const struct {
    int r[6];
    const char *from, *to, *binding, *below;
  } rows[] = {
    { { 2, 0, 0, 0, 0, 0 }, "2.1", "2.7", "d1", "1.5" },
    { { 2, 0, 3, 0, 0, 0 }, "3.5", "3.7", "d3", "3.1" },
    { { 2, 0, 0, 3, 0, 0 }, "3.1", "3.7", "d4", "2.5" },
  };
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(iop_recommendation) rec = place_ratings (p, "asam4", rows[i].r, 6);
      const char *b = rows[i].binding;
      int d = b[1] - '0';
      g_autofree char *text = g_strdup_printf (
          "Dimension 1 rated 2 or more needs withdrawal management or addiction medications: "
          "the medically managed Level %s instead of %s", rows[i].to, rows[i].from);
      assert_level (rec, rows[i].to);
      assert_binding (rec, b, NULL);
      assert_reasons (rec, REASONS (DIM_MIN (d), LEAST,
                                    { "variant", "medically-managed-variant",
                                      "asam4-medical-variants", NULL }));
      assert_alternatives (rec, ALTS ({ rows[i].below, "insufficient" },
                                      { rows[i].from, "replaced-by-variant" }));
      assert_string_equal (iop_recommendation_get_reason_text (rec, 2), text);
      assert_withdrawal (rec, NULL);
    }
}

/* The default tables never reach 1.5 with Dimension 1 at 2 or more; a user pack does, and the
 * same variant rule maps 1.5 to 1.7. */
static void
test_placement_asam4_variant_maps_1_5_to_1_7 (void **state)
{
  g_autoptr(iop_placer) p = load_pack ("asam4-d1-rated-2-is-1-5.json");
  g_autoptr(iop_recommendation) variant = NULL;
  g_autoptr(iop_recommendation) plain = NULL;
  (void) state;

  variant = place_ratings (p, "asam4", RATINGS (2, 0, 0, 0, 0, 0));
  assert_level (variant, "1.7");
  assert_reasons (variant, REASONS (DIM_MIN (1), LEAST,
                                    { "variant", "medically-managed-variant",
                                      "asam4-medical-variants", NULL }));
  assert_alternatives (variant, ALTS ({ "1.0", "insufficient" }, { "1.5", "replaced-by-variant" }));

  /* Dimension 1 rated 1 gives the same 1.5, without the variant. */
  plain = place_ratings (p, "asam4", RATINGS (1, 0, 0, 0, 0, 0));
  assert_level (plain, "1.5");
  assert_reasons (plain, REASONS (DIM_MIN (1), LEAST));
}

static void
test_placement_asam4_variant_does_not_apply_below_dimension_1_rated_2 (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = NULL;
  (void) state;

  /* d1 rated 1, d3 rated 2: 2.1 stays 2.1. */
  rec = place_ratings (p, "asam4", RATINGS (1, 0, 2, 0, 0, 0));
  assert_level (rec, "2.1");
  assert_binding (rec, "d3", NULL);
  assert_reasons (rec, REASONS (DIM_MIN (3), LEAST));
  assert_null (alternative_reason (rec, "2.1"));
}

static void
test_placement_asam4_variant_leaves_levels_3_7_and_4_unchanged (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) four = NULL;
  g_autoptr(iop_recommendation) three_seven = NULL;
  (void) state;

  four = place_ratings (p, "asam4", RATINGS (4, 0, 0, 0, 0, 0));
  assert_level (four, "4");
  assert_reasons (four, REASONS (DIM_MIN (1), LEAST));
  assert_alternatives (four, ALTS ({ "3.7", "insufficient" }));

  three_seven = place_ratings (p, "asam4", RATINGS (3, 0, 0, 0, 0, 0));
  assert_level (three_seven, "3.7");
  assert_false (has_reason (three_seven, "variant"));
}

/* ------------------------------------------------------------------------------------------ */
/* Designations ("co-occurring-enhanced", "co-occurring-capable")                              */

static iop_recommendation *
place_co_occurring (iop_placer *p, const char *instrument, const int *r, bool co_occurring)
{
  g_autoptr(iop_assessment) a = make_assessment (p, instrument, r, 6);
  iop_assessment_set_co_occurring (a, co_occurring);
  return place_ok (p, a);
}

static void
test_placement_co_occurring_condition_gives_coc (void **state)
{
  static const struct { const char *instrument, *source; } rows[] = {
    { "asam3", "ppc2r-overview" }, { "asam4", "asam4-coc-editorial" } };
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(iop_recommendation) rec =
        place_co_occurring (p, rows[i].instrument, (const int[]) { 0, 0, 2, 0, 0, 0 }, true);
      assert_level (rec, "2.1");
      assert_designation (rec, "COC");
      assert_reasons (rec, REASONS (DIM_MIN (3), LEAST,
                                    { "designation", "co-occurring-capable", rows[i].source, NULL }));
    }
}

static void
test_placement_co_occurring_with_severe_dimension_3_gives_coe_first_match_wins (void **state)
{
  static const char *const instruments[] = { "asam3", "asam4" };
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (instruments); i++)
    for (int d3 = 3; d3 <= 4; d3++)
      {
        g_autoptr(iop_recommendation) rec =
          place_co_occurring (p, instruments[i], (const int[]) { 0, 0, d3, 0, 0, 0 }, true);
        assert_designation (rec, "COE");
        /* Both designation rules match; only the first (COE) applies and is cited. */
        assert_reasons (rec, REASONS (DIM_MIN (3), LEAST,
                                      { "designation", "co-occurring-enhanced", "ppc2r-overview", NULL }));
        assert_string_equal (iop_recommendation_get_reason_text (rec, 2),
                             "Co-occurring condition with Dimension 3 rated 3 or more: "
                             "co-occurring enhanced program");
      }
}

static void
test_placement_no_co_occurring_condition_gives_no_designation (void **state)
{
  static const char *const instruments[] = { "asam3", "asam4" };
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (instruments); i++)
    {
      g_autoptr(iop_recommendation) rec =
        place_co_occurring (p, instruments[i], (const int[]) { 0, 0, 4, 0, 0, 0 }, false);
      assert_level (rec, "4");
      assert_designation (rec, NULL);
      assert_false (has_reason (rec, "designation"));
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Availability ("next-available-level")                                                       */

static iop_recommendation *
place_with_available (iop_placer *p, const char *instrument, const int *r, size_t n,
                      const char *const *available)
{
  g_autoptr(iop_assessment) a = make_assessment (p, instrument, r, n);
  for (size_t i = 0; available[i] != NULL; i++)
    add_available (a, available[i]);
  return place_ok (p, a);
}

#define LEVELS(...) ((const char *const[]) { __VA_ARGS__, NULL })
#define STEPPED_UP { "stepped-up-unavailable", "next-available-level", "anthem-cg-beh-04", NULL }

static void
test_placement_unavailable_level_steps_up_to_the_next_available (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = NULL;
  g_autoptr(iop_recommendation) skip = NULL;
  (void) state;

  /* d3 rated 2 asks for 2.1; only 2.5 and 3.1 exist locally. */
  rec = place_with_available (p, "asam3", (const int[]) { 0, 0, 2, 0, 0, 0 }, 6, LEVELS ("3.1", "2.5"));
  assert_level (rec, "2.5");
  assert_binding (rec, "d3", NULL);
  assert_reasons (rec, REASONS (DIM_MIN (3), LEAST, STEPPED_UP));
  assert_alternatives (rec, ALTS ({ "1", "insufficient" }, { "2.1", "unavailable" }));
  assert_string_equal (iop_recommendation_get_reason_text (rec, 2),
                       "Level 2.1 is not available locally: the next more intensive available "
                       "level, 2.5, is recommended");

  /* The search skips undeclared levels: 2.1 -> (2.5, 3.1 missing) -> 3.5. */
  skip = place_with_available (p, "asam3", (const int[]) { 0, 0, 2, 0, 0, 0 }, 6, LEVELS ("1", "3.5", "4"));
  assert_level (skip, "3.5");
  assert_reasons (skip, REASONS (DIM_MIN (3), LEAST, STEPPED_UP));
}

static void
test_placement_nothing_more_intensive_available_keeps_the_level (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = NULL;
  (void) state;

  /* 2.1 is indicated; only less intensive levels exist: never step down. */
  rec = place_with_available (p, "asam3", (const int[]) { 0, 0, 2, 0, 0, 0 }, 6, LEVELS ("0.5", "1"));
  assert_level (rec, "2.1");
  assert_reasons (rec, REASONS (DIM_MIN (3), LEAST,
                                { "no-available-level", "next-available-level", "anthem-cg-beh-04", NULL }));
  assert_alternatives (rec, ALTS ({ "1", "insufficient" }));
  assert_string_equal (iop_recommendation_get_reason_text (rec, 2),
                       "Level 2.1 is not available locally and no more intensive available level "
                       "was found: the indicated level is kept");
}

static void
test_placement_no_declared_levels_means_no_restriction (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = make_assessment (p, "asam3", RATINGS (0, 0, 2, 0, 0, 0));
  g_autoptr(iop_recommendation) before = NULL;
  g_autoptr(iop_recommendation) after = NULL;
  (void) state;

  assert_int_equal (iop_assessment_get_n_available_levels (a), 0);
  before = place_ok (p, a);
  assert_level (before, "2.1");
  assert_reasons (before, REASONS (DIM_MIN (3), LEAST));

  /* Declaring, then forgetting, the levels lifts the restriction again. */
  add_available (a, "3.1");
  iop_assessment_clear_available_levels (a);
  assert_int_equal (iop_assessment_get_n_available_levels (a), 0);
  assert_null (iop_assessment_get_available_level (a, 0));
  after = place_ok (p, a);
  assert_level (after, "2.1");
  assert_reasons (after, REASONS (DIM_MIN (3), LEAST));
}

static void
test_placement_available_indicated_level_is_kept_without_availability_reason (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = NULL;
  (void) state;

  rec = place_with_available (p, "asam3", (const int[]) { 0, 0, 2, 0, 0, 0 }, 6, LEVELS ("2.1", "3.5"));
  assert_level (rec, "2.1");
  assert_reasons (rec, REASONS (DIM_MIN (3), LEAST));
  assert_alternatives (rec, ALTS ({ "1", "insufficient" }));
}

static void
test_placement_available_levels_accept_aliases_and_refuse_unknown_codes (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = make_assessment (p, "asam3", RATINGS (0, 0, 2, 0, 0, 0));
  g_autoptr(iop_assessment) a4 = iop_assessment_new (p, "asam4", NULL);
  g_autoptr(iop_error) unknown = NULL;
  g_autoptr(iop_error) other_edition = NULL;
  g_autoptr(iop_recommendation) rec = NULL;
  (void) state;

  /* "II.5" is the PPC-2R name of 2.5; "II.1" of 2.1, declared twice counts once. */
  add_available (a, "II.5");
  add_available (a, "2.1");
  add_available (a, "II.1");
  assert_int_equal (iop_assessment_get_n_available_levels (a), 2);
  assert_string_equal (iop_assessment_get_available_level (a, 0), "2.5");
  assert_string_equal (iop_assessment_get_available_level (a, 1), "2.1");
  assert_null (iop_assessment_get_available_level (a, 2));

  assert_false (iop_assessment_add_available_level (a, "2.2", &unknown));
  assert_non_null (unknown);
  assert_int_equal (iop_error_get_code (unknown), IOP_ERROR_NOT_FOUND);
  assert_non_null (strstr (iop_error_get_message (unknown), "2.2"));
  assert_int_equal (iop_assessment_get_n_available_levels (a), 2);

  /* A 4th-edition code is not a 3rd-edition level, and the other way round. */
  assert_false (iop_assessment_add_available_level (a, "2.7", &other_edition));
  assert_int_equal (iop_error_get_code (other_edition), IOP_ERROR_NOT_FOUND);
  assert_false (iop_assessment_add_available_level (a4, "3.3", NULL));
  assert_false (iop_assessment_add_available_level (a4, "2-WM", NULL));
  assert_true (iop_assessment_add_available_level (a4, "2.7", NULL));

  rec = place_ok (p, a);
  assert_level (rec, "2.1");
  assert_false (has_reason (rec, "stepped-up-unavailable"));
}

static void
test_placement_withdrawal_level_steps_up_along_the_withdrawal_chain (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = NULL;
  (void) state;

  /* d1 rated 2: 2.1 with 2-WM. 2-WM and 3.2-WM are missing; 3.7-WM is next on the chain. */
  rec = place_with_available (p, "asam3", (const int[]) { 2, 0, 0, 0, 0, 0 }, 6, LEVELS ("2.1", "3.7-WM"));
  assert_level (rec, "2.1");
  assert_withdrawal (rec, "3.7-WM");
  assert_reasons (rec, REASONS (DIM_MIN (1), LEAST,
                                { "withdrawal", "d1-withdrawal-management", "d1-risk-anchors", "d1" },
                                STEPPED_UP));
  assert_alternatives (rec, ALTS ({ "1", "insufficient" }, { "2-WM", "unavailable" }));
  assert_string_equal (iop_recommendation_get_reason_text (rec, 3),
                       "Level 2-WM is not available locally: the next more intensive available "
                       "level, 3.7-WM, is recommended");
}

static void
test_placement_withdrawal_level_is_kept_when_no_withdrawal_level_is_available (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = NULL;
  g_autoptr(iop_recommendation) available = NULL;
  (void) state;

  rec = place_with_available (p, "asam3", (const int[]) { 2, 0, 0, 0, 0, 0 }, 6, LEVELS ("2.1", "1-WM"));
  assert_level (rec, "2.1");
  assert_withdrawal (rec, "2-WM");
  assert_reasons (rec, REASONS (DIM_MIN (1), LEAST,
                                { "withdrawal", "d1-withdrawal-management", "d1-risk-anchors", "d1" },
                                { "no-available-level", "next-available-level", "anthem-cg-beh-04", NULL }));
  assert_string_equal (iop_recommendation_get_reason_text (rec, 3),
                       "Level 2-WM is not available locally and no more intensive available level "
                       "was found: the indicated level is kept");
  assert_alternatives (rec, ALTS ({ "1", "insufficient" }));

  /* Declared: no availability reason at all. */
  available = place_with_available (p, "asam3", (const int[]) { 2, 0, 0, 0, 0, 0 }, 6, LEVELS ("2.1", "2-WM"));
  assert_withdrawal (available, "2-WM");
  assert_reasons (available, REASONS (DIM_MIN (1), LEAST,
                                      { "withdrawal", "d1-withdrawal-management", "d1-risk-anchors", "d1" }));
}

static void
test_placement_asam4_step_up_follows_the_variant_levels (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = NULL;
  (void) state;

  /* d1 rated 2: 2.1 becomes 2.7, which is missing; the next medically managed level is 3.7. */
  rec = place_with_available (p, "asam4", (const int[]) { 2, 0, 0, 0, 0, 0 }, 6, LEVELS ("2.1", "3.1", "3.7"));
  assert_level (rec, "3.7");
  assert_reasons (rec, REASONS (DIM_MIN (1), LEAST,
                                { "variant", "medically-managed-variant", "asam4-medical-variants", NULL },
                                STEPPED_UP));
  assert_alternatives (rec, ALTS ({ "1.5", "insufficient" }, { "2.1", "replaced-by-variant" },
                                  { "2.7", "unavailable" }));
}

static void
test_placement_locus_unavailable_level_steps_up (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = NULL;
  (void) state;

  /* Composite 15: Level 2; only Levels 1 and 3 exist locally. */
  rec = place_with_available (p, "locus", (const int[]) { 3, 3, 3, 2, 2, 1, 1 }, 7, LEVELS ("1", "3"));
  assert_level (rec, "3");
  assert_int_equal (iop_recommendation_get_composite (rec), 15);
  assert_reasons (rec, REASONS ({ "composite-band", "composite-bands", "locus-composite-bands", NULL },
                                STEPPED_UP));
  assert_alternatives (rec, ALTS ({ "1", "insufficient" }, { "2", "unavailable" }));
}

static void
test_placement_pack_without_availability_rule_does_not_step_up (void **state)
{
  g_autoptr(iop_placer) p = load_pack ("minimal.json");
  g_autoptr(iop_recommendation) rec = NULL;
  (void) state;

  /* The minimal pack has no availability rule: the indicated level is kept, and a reason
   * without rule or source says so. */
  rec = place_with_available (p, "mini", (const int[]) { 2, 0 }, 2, LEVELS ("3.7"));
  assert_level (rec, "2.1");
  assert_binding (rec, "d1", NULL);
  assert_reasons (rec, REASONS ({ "dimension-minimum", "d1-table", "test-source", "d1" },
                                { "least-intensive", NULL, "test-source", NULL },
                                { "no-available-level", NULL, NULL, NULL }));
  assert_string_equal (iop_recommendation_get_reason_text (rec, 2),
                       "Level 2.1 is not available locally; this pack has no availability rule, "
                       "so the indicated level is kept");
  assert_alternatives (rec, ALTS ({ "1", "insufficient" }));
}

/* ------------------------------------------------------------------------------------------ */
/* LOCUS and CALOCUS composite bands ("composite-bands")                                       */

typedef struct {
  int composite;
  const char *level;
  const char *source; /* the band's own source */
} BandEdge;

static void
check_band_edges (const char *instrument, int n_scales, const BandEdge *rows, size_t n_rows)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();

  for (size_t i = 0; i < n_rows; i++)
    {
      int r[8];
      g_autoptr(iop_recommendation) rec = NULL;
      g_autofree char *text = NULL;
      int level = rows[i].level[0] - '0';

      spread_composite (rows[i].composite, r, n_scales, false);
      rec = place_ratings (p, instrument, r, (size_t) n_scales);
      assert_level (rec, rows[i].level);
      assert_int_equal (iop_level_get_edition (iop_recommendation_get_level (rec)), IOP_EDITION_LOCUS);
      assert_true (iop_recommendation_has_composite (rec));
      assert_int_equal (iop_recommendation_get_composite (rec), rows[i].composite);
      /* Composite-only: no binding dimension; the band is the reason. */
      assert_binding (rec, NULL);
      assert_reasons (rec, REASONS ({ "composite-band", "composite-bands", rows[i].source, NULL }));
      text = g_strdup_printf ("Composite score %d falls in the band for Level %s",
                              rows[i].composite, rows[i].level);
      assert_string_equal (iop_recommendation_get_reason_text (rec, 0), text);
      if (level > 0)
        {
          char below[2] = { (char) ('0' + level - 1), '\0' };
          assert_alternatives (rec, ALTS ({ below, "insufficient" }));
        }
      else
        assert_alternatives (rec, NO_ALTS);
      assert_withdrawal (rec, NULL);
      assert_designation (rec, NULL);
    }
}

static void
test_placement_locus_band_edges_give_the_published_levels (void **state)
{
#define L0 "locus-level-0"
#define LB "locus-composite-bands"
  static const BandEdge rows[] = {
    { 7, "0", L0 }, { 9, "0", L0 }, { 10, "1", LB }, { 13, "1", LB }, { 14, "2", LB },
    { 16, "2", LB }, { 17, "3", LB }, { 19, "3", LB }, { 20, "4", LB }, { 22, "4", LB },
    { 23, "5", LB }, { 27, "5", LB }, { 28, "6", LB }, { 35, "6", LB },
  };
  (void) state;
  check_band_edges ("locus", 7, rows, G_N_ELEMENTS (rows));
}

static void
test_placement_calocus_band_edges_give_the_published_levels (void **state)
{
  static const BandEdge rows[] = {
    { 8, "0", L0 }, { 9, "0", L0 }, { 10, "1", LB }, { 13, "1", LB }, { 14, "2", LB },
    { 16, "2", LB }, { 17, "3", LB }, { 19, "3", LB }, { 20, "4", LB }, { 22, "4", LB },
    { 23, "5", LB }, { 27, "5", LB }, { 28, "6", "calocus-composite" },
    { 40, "6", "calocus-composite" },
  };
  (void) state;
  check_band_edges ("calocus", 8, rows, G_N_ELEMENTS (rows));
#undef L0
#undef LB
}

/* Every composite maps to its band, however the ratings make it up. */
static void
test_placement_every_locus_and_calocus_composite_maps_to_its_band (void **state)
{
  static const struct { const char *instrument; int n; } instruments[] = { { "locus", 7 }, { "calocus", 8 } };
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = iop_recommendation_new ();
  (void) state;

  for (size_t e = 0; e < G_N_ELEMENTS (instruments); e++)
    {
      g_autoptr(iop_assessment) a = iop_assessment_new (p, instruments[e].instrument, NULL);
      int n = instruments[e].n;
      for (int composite = n; composite <= 5 * n; composite++)
        for (int way = 0; way < 2; way++)
          {
            int r[8];
            char expected[2] = { (char) ('0' + expected_composite_level (composite)), '\0' };
            spread_composite (composite, r, n, way == 1);
            assert_true (iop_assessment_set_ratings (a, r, (size_t) n, NULL));
            assert_true (iop_placer_place_into (p, a, rec, NULL));
            assert_int_equal (iop_recommendation_get_composite (rec), composite);
            if (strcmp (code_of (iop_recommendation_get_level (rec)), expected) != 0)
              fail_with (rec, "%s composite %d: expected Level %s", instruments[e].instrument,
                         composite, expected);
          }
    }
}

/* The same composite from very different ratings gives the same level: the default pack has no
 * independent criteria (those are in the licensed grid). */
static void
test_placement_locus_level_depends_on_the_composite_only (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) peaks = NULL;
  g_autoptr(iop_recommendation) flat = NULL;
  g_autoptr(iop_recommendation) harm = NULL;
  (void) state;

  peaks = place_ratings (p, "locus", RATINGS (5, 5, 5, 1, 1, 1, 2));
  flat = place_ratings (p, "locus", RATINGS (3, 3, 3, 3, 3, 3, 2));
  assert_level (peaks, "4");
  assert_level (flat, "4");
  /* Risk of Harm rated 5 alone: composite 11, Level 1 in the open pack. */
  harm = place_ratings (p, "locus", RATINGS (5, 1, 1, 1, 1, 1, 1));
  assert_level (harm, "1");
  assert_int_equal (iop_recommendation_get_composite (harm), 11);
  assert_false (has_reason (harm, "minimum"));
}

/* With both dimension tables and composite bands, the band raises the level only when it asks
 * for more; then the band, not a dimension, binds. */
static void
test_placement_composite_band_raises_the_table_level (void **state)
{
  g_autoptr(iop_placer) p = load_pack ("tables-and-bands.json");
  g_autoptr(iop_recommendation) table = NULL;
  g_autoptr(iop_recommendation) band = NULL;
  (void) state;

  /* A rated 5: the table gives 3; composite 6 gives band 2, lower: the table binds. */
  table = place_ratings (p, "mini-locus", RATINGS (5, 1));
  assert_level (table, "3");
  assert_int_equal (iop_recommendation_get_composite (table), 6);
  assert_binding (table, "A", NULL);
  assert_reasons (table, REASONS ({ "dimension-minimum", "a-table", "test-source", "A" },
                                  { "least-intensive", NULL, "test-source", NULL },
                                  { "composite-band", "bands", "test-source", NULL }));
  assert_alternatives (table, ALTS ({ "2", "insufficient" }));

  /* A rated 2 (table: 0), B rated 5: composite 7 gives band 2, higher: the band binds. */
  band = place_ratings (p, "mini-locus", RATINGS (2, 5));
  assert_level (band, "2");
  assert_binding (band, NULL);
  assert_reasons (band, REASONS ({ "dimension-minimum", "a-table", "test-source", "A" },
                                 { "least-intensive", NULL, "test-source", NULL },
                                 { "composite-band", "bands", "test-source", NULL }));
  assert_alternatives (band, ALTS ({ "1", "insufficient" }));
  assert_string_equal (iop_recommendation_get_reason_text (band, 2), "Composite 7: Level 2");

  /* The lowest band cites its own source. */
  {
    g_autoptr(iop_recommendation) low = place_ratings (p, "mini-locus", RATINGS (1, 1));
    assert_level (low, "0");
    assert_string_equal (iop_recommendation_get_reason_source (low, 2), "band-source");
  }
}

static void
test_placement_asam_has_no_composite (void **state)
{
  static const char *const instruments[] = { "asam3", "asam4" };
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (instruments); i++)
    {
      g_autoptr(iop_recommendation) rec = place_ratings (p, instruments[i], RATINGS (4, 4, 4, 4, 4, 4));
      assert_false (iop_recommendation_has_composite (rec));
      assert_int_equal (iop_recommendation_get_composite (rec), -1);
      assert_false (has_reason (rec, "composite-band"));
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Assessments                                                                                 */

static void
test_placement_assessment_new_starts_empty_adult_without_co_occurring (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = NULL;
  iop_error *err = NULL;
  (void) state;

  a = iop_assessment_new (p, "asam4", &err);
  assert_null (err);
  assert_non_null (a);
  assert_string_equal (iop_assessment_get_instrument (a), "asam4");
  assert_false (iop_assessment_is_complete (a));
  for (int d = 0; d < 6; d++)
    assert_int_equal (iop_assessment_get_rating (a, asam_dims[d]), -1);
  assert_int_equal (iop_assessment_get_age_group (a), IOP_AGE_ADULT);
  assert_false (iop_assessment_get_co_occurring (a));
  assert_int_equal (iop_assessment_get_n_available_levels (a), 0);
  assert_null (iop_assessment_get_assessor_credential (a));
  assert_null (iop_assessment_get_signed_date (a));
}

static void
test_placement_assessment_new_refuses_an_unknown_instrument (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_error) err = NULL;
  (void) state;

  assert_null (iop_assessment_new (p, "asam5", &err));
  assert_non_null (err);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_NOT_FOUND);
  assert_non_null (strstr (iop_error_get_message (err), "asam5"));
  /* The message lists what the pack has. */
  assert_non_null (strstr (iop_error_get_message (err), "calocus"));
  assert_null (iop_assessment_new (p, "ASAM3", NULL));
}

static void
test_placement_set_rating_refuses_out_of_range_without_quoting_it (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = iop_assessment_new (p, "asam3", NULL);
  g_autoptr(iop_assessment) locus = iop_assessment_new (p, "locus", NULL);
  g_autoptr(iop_error) high = NULL;
  g_autoptr(iop_error) low = NULL;
  g_autoptr(iop_error) zero = NULL;
  (void) state;

  assert_true (iop_assessment_set_rating (a, "d3", 2, NULL));
  assert_false (iop_assessment_set_rating (a, "d3", 97, &high));
  assert_non_null (high);
  assert_int_equal (iop_error_get_code (high), IOP_ERROR_INVALID_ARGUMENT);
  assert_non_null (strstr (iop_error_get_message (high), "d3"));
  assert_null (strstr (iop_error_get_message (high), "97"));
  /* Unchanged. */
  assert_int_equal (iop_assessment_get_rating (a, "d3"), 2);

  assert_false (iop_assessment_set_rating (a, "d5", -61, &low));
  assert_int_equal (iop_error_get_code (low), IOP_ERROR_INVALID_ARGUMENT);
  assert_non_null (strstr (iop_error_get_message (low), "d5"));
  assert_null (strstr (iop_error_get_message (low), "61"));
  assert_int_equal (iop_assessment_get_rating (a, "d5"), -1);

  /* LOCUS scales run 1..5: 0 is out of range, 5 is not. */
  assert_false (iop_assessment_set_rating (locus, "IV-A", 0, &zero));
  assert_int_equal (iop_error_get_code (zero), IOP_ERROR_INVALID_ARGUMENT);
  assert_non_null (strstr (iop_error_get_message (zero), "IV-A"));
  assert_true (iop_assessment_set_rating (locus, "IV-A", 5, NULL));
  assert_false (iop_assessment_set_rating (locus, "IV-A", 6, NULL));
  assert_int_equal (iop_assessment_get_rating (locus, "IV-A"), 5);
  assert_true (iop_assessment_set_rating (a, "d1", 0, NULL));
  assert_true (iop_assessment_set_rating (a, "d1", 4, NULL));
  assert_false (iop_assessment_set_rating (a, "d1", 5, NULL));
  assert_int_equal (iop_assessment_get_rating (a, "d1"), 4);
}

static void
test_placement_set_rating_refuses_an_unknown_dimension (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = iop_assessment_new (p, "asam3", NULL);
  g_autoptr(iop_error) err = NULL;
  (void) state;

  assert_false (iop_assessment_set_rating (a, "d7", 1, &err));
  assert_non_null (err);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  assert_non_null (strstr (iop_error_get_message (err), "d7"));
  /* Identifiers are case-sensitive; LOCUS names are not ASAM dimensions. */
  assert_false (iop_assessment_set_rating (a, "D1", 1, NULL));
  assert_false (iop_assessment_set_rating (a, "I", 1, NULL));
  assert_int_equal (iop_assessment_get_rating (a, "d7"), -1);
  assert_int_equal (iop_assessment_get_rating (a, "D1"), -1);
  assert_int_equal (iop_assessment_get_rating (a, "d1"), -1);
}

static void
test_placement_set_ratings_needs_one_rating_per_dimension (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = iop_assessment_new (p, "asam3", NULL);
  g_autoptr(iop_error) few = NULL;
  g_autoptr(iop_error) many = NULL;
  g_autoptr(iop_error) none = NULL;
  static const int seven[] = { 1, 1, 1, 1, 1, 1, 1 };
  (void) state;

  assert_true (iop_assessment_set_rating (a, "d2", 3, NULL));
  assert_false (iop_assessment_set_ratings (a, seven, 5, &few));
  assert_int_equal (iop_error_get_code (few), IOP_ERROR_INVALID_ARGUMENT);
  assert_false (iop_assessment_set_ratings (a, seven, 7, &many));
  assert_int_equal (iop_error_get_code (many), IOP_ERROR_INVALID_ARGUMENT);
  assert_false (iop_assessment_set_ratings (a, NULL, 0, &none));
  assert_int_equal (iop_error_get_code (none), IOP_ERROR_INVALID_ARGUMENT);
  /* Unchanged. */
  assert_int_equal (iop_assessment_get_rating (a, "d2"), 3);
  assert_int_equal (iop_assessment_get_rating (a, "d1"), -1);
  assert_false (iop_assessment_is_complete (a));
}

static void
test_placement_set_ratings_refuses_a_rating_out_of_range_naming_the_dimension (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = make_assessment (p, "asam3", RATINGS (1, 1, 1, 1, 1, 1));
  g_autoptr(iop_error) err = NULL;
  (void) state;

  assert_false (iop_assessment_set_ratings (a, RATINGS (2, 2, 2, 2, 83, 2), &err));
  assert_non_null (err);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  assert_non_null (strstr (iop_error_get_message (err), "d5"));
  assert_null (strstr (iop_error_get_message (err), "83"));
  /* Nothing was applied, not even the valid ratings before the bad one. */
  for (int d = 0; d < 6; d++)
    assert_int_equal (iop_assessment_get_rating (a, asam_dims[d]), 1);
}

static void
test_placement_is_complete_needs_every_dimension (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = iop_assessment_new (p, "calocus", NULL);
  static const char *const scales[] = { "I", "II", "III", "IV-A", "IV-B", "V", "VI-A", "VI-B" };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      assert_false (iop_assessment_is_complete (a));
      assert_int_equal (iop_assessment_get_rating (a, scales[i]), -1);
      assert_true (iop_assessment_set_rating (a, scales[i], (int) i % 5 + 1, NULL));
      assert_int_equal (iop_assessment_get_rating (a, scales[i]), (int) i % 5 + 1);
    }
  assert_true (iop_assessment_is_complete (a));
}

static void
test_placement_assessment_copy_is_independent (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = make_assessment (p, "asam3", RATINGS (2, 1, 3, 0, 1, 2));
  g_autoptr(iop_assessment) copy = NULL;
  g_autofree char *json_a = NULL;
  g_autofree char *json_copy = NULL;
  (void) state;

  iop_assessment_set_age_group (a, IOP_AGE_ADOLESCENT);
  iop_assessment_set_co_occurring (a, true);
  add_available (a, "3.5");
  assert_true (iop_assessment_set_assessor (a, "LCADC", "2026-03-14", NULL));

  copy = iop_assessment_copy (a);
  assert_non_null (copy);
  assert_ptr_not_equal (copy, a);
  json_a = iop_assessment_to_json (a);
  json_copy = iop_assessment_to_json (copy);
  assert_string_equal (json_a, json_copy);
  /* The strings are the copy's own. */
  assert_ptr_not_equal (iop_assessment_get_assessor_credential (copy),
                        iop_assessment_get_assessor_credential (a));

  /* Changing the copy leaves the original alone, and the other way round. */
  assert_true (iop_assessment_set_rating (copy, "d3", 0, NULL));
  iop_assessment_set_co_occurring (copy, false);
  iop_assessment_clear_available_levels (copy);
  assert_true (iop_assessment_set_assessor (copy, NULL, NULL, NULL));
  iop_assessment_set_age_group (a, IOP_AGE_ADULT);
  assert_int_equal (iop_assessment_get_rating (a, "d3"), 3);
  assert_true (iop_assessment_get_co_occurring (a));
  assert_int_equal (iop_assessment_get_n_available_levels (a), 1);
  assert_string_equal (iop_assessment_get_assessor_credential (a), "LCADC");
  assert_int_equal (iop_assessment_get_age_group (copy), IOP_AGE_ADOLESCENT);
  iop_assessment_free (g_steal_pointer (&a));
  /* The copy outlives the original. */
  assert_int_equal (iop_assessment_get_rating (copy, "d1"), 2);
  assert_null (iop_assessment_get_assessor_credential (copy));
}

static void
test_placement_set_assessor_checks_calendar_dates (void **state)
{
  static const char *const bad[] = { "2026-02-30", "2025-02-29", "2100-02-29", "2026-13-01",
                                     "2026-00-10", "2026-04-31", "0000-01-01", "2026-1-05",
                                     "2026/01/05", "20260105", "2026-01-05T10:00", " 2026-01-05",
                                     "", "yesterday" };
  static const char *const good[] = { "2024-02-29", "2000-02-29", "2026-12-31", "1999-01-01" };
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = iop_assessment_new (p, "asam3", NULL);
  (void) state;

  assert_true (iop_assessment_set_assessor (a, "LCADC", "2026-01-15", NULL));
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(iop_error) err = NULL;
      if (iop_assessment_set_assessor (a, "CSAC", bad[i], &err))
        fail_msg ("the date \"%s\" was accepted", bad[i]);
      assert_non_null (err);
      assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
      /* The date is not quoted back, and the assessment is unchanged. */
      if (*bad[i] != '\0' && strstr (iop_error_get_message (err), bad[i]) != NULL)
        fail_msg ("the message quotes the date: %s", iop_error_get_message (err));
      assert_string_equal (iop_assessment_get_assessor_credential (a), "LCADC");
      assert_string_equal (iop_assessment_get_signed_date (a), "2026-01-15");
    }
  for (size_t i = 0; i < G_N_ELEMENTS (good); i++)
    {
      assert_true (iop_assessment_set_assessor (a, "CATP", good[i], NULL));
      assert_string_equal (iop_assessment_get_signed_date (a), good[i]);
    }
  /* An empty credential is refused; NULL clears. */
  assert_false (iop_assessment_set_assessor (a, "", "2026-01-15", NULL));
  assert_string_equal (iop_assessment_get_assessor_credential (a), "CATP");
  assert_true (iop_assessment_set_assessor (a, "LCADC", NULL, NULL));
  assert_string_equal (iop_assessment_get_assessor_credential (a), "LCADC");
  assert_null (iop_assessment_get_signed_date (a));
  assert_true (iop_assessment_set_assessor (a, NULL, NULL, NULL));
  assert_null (iop_assessment_get_assessor_credential (a));
  assert_null (iop_assessment_get_signed_date (a));
}

static void
test_placement_age_group_and_co_occurring_setters (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = iop_assessment_new (p, "asam3", NULL);
  (void) state;

  iop_assessment_set_age_group (a, IOP_AGE_ADOLESCENT);
  assert_int_equal (iop_assessment_get_age_group (a), IOP_AGE_ADOLESCENT);
  iop_assessment_set_age_group (a, IOP_AGE_ADULT);
  assert_int_equal (iop_assessment_get_age_group (a), IOP_AGE_ADULT);
  iop_assessment_set_co_occurring (a, true);
  assert_true (iop_assessment_get_co_occurring (a));
  iop_assessment_set_co_occurring (a, false);
  assert_false (iop_assessment_get_co_occurring (a));
}

static void
test_placement_place_refuses_a_missing_dimension_naming_it (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = iop_assessment_new (p, "asam3", NULL);
  g_autoptr(iop_assessment) empty = iop_assessment_new (p, "locus", NULL);
  g_autoptr(iop_error) err = NULL;
  g_autoptr(iop_error) first = NULL;
  (void) state;

  for (int d = 0; d < 6; d++)
    if (d != 3)
      assert_true (iop_assessment_set_rating (a, asam_dims[d], 2, NULL));
  assert_null (iop_placer_place (p, a, &err));
  assert_non_null (err);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  assert_non_null (strstr (iop_error_get_message (err), "d4"));

  assert_null (iop_placer_place (p, empty, &first));
  assert_int_equal (iop_error_get_code (first), IOP_ERROR_INVALID_ARGUMENT);
  assert_non_null (strstr (iop_error_get_message (first), "Risk of Harm"));
  assert_null (iop_placer_place (p, empty, NULL));
}

/* An assessment names its instrument and dimensions; another pack with the same instrument
 * places it by its own rules. */
static void
test_placement_assessment_is_placed_by_another_pack_with_the_same_instrument (void **state)
{
  g_autoptr(iop_placer) builtin = iop_placer_new_default ();
  g_autoptr(iop_placer) state_pack = load_pack ("asam3-d3-rated-2-is-2-5.json");
  g_autoptr(iop_placer) mini = load_pack ("minimal.json");
  g_autoptr(iop_assessment) a = make_assessment (builtin, "asam3", RATINGS (0, 0, 2, 0, 0, 0));
  g_autoptr(iop_assessment) locus = make_assessment (builtin, "locus", RATINGS (1, 1, 1, 1, 1, 1, 1));
  g_autoptr(iop_recommendation) by_builtin = NULL;
  g_autoptr(iop_recommendation) by_state = NULL;
  g_autoptr(iop_error) err = NULL;
  (void) state;

  by_builtin = place_ok (builtin, a);
  by_state = place_ok (state_pack, a);
  assert_level (by_builtin, "2.1");
  assert_level (by_state, "2.5");
  assert_string_equal (iop_recommendation_get_pack_id (by_state), "test-state-d3");
  assert_string_equal (iop_recommendation_get_reason_source (by_state, 0), "test-state-manual");

  /* A pack without the instrument refuses it. */
  assert_null (iop_placer_place (mini, locus, &err));
  assert_non_null (err);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  assert_non_null (strstr (iop_error_get_message (err), "locus"));
}

/* An assessment made with another pack is placed only when its ratings are in this pack's
 * ranges too (they were checked against the other pack's only). */
static void
test_placement_assessment_from_another_pack_is_checked_against_its_ranges (void **state)
{
  g_autoptr(iop_placer) wide = load_pack ("asam3-d1-rated-0-to-5.json");
  g_autoptr(iop_placer) builtin = iop_placer_new_default ();
  g_autoptr(iop_assessment) five = make_assessment (wide, "asam3", RATINGS (5, 0, 0, 0, 0, 0));
  g_autoptr(iop_assessment) four = make_assessment (wide, "asam3", RATINGS (4, 0, 0, 0, 0, 0));
  g_autoptr(iop_recommendation) own = NULL;
  g_autoptr(iop_recommendation) reused = iop_recommendation_new ();
  g_autoptr(iop_recommendation) fine = NULL;
  g_autoptr(iop_error) err = NULL;
  g_autoptr(iop_error) err_into = NULL;
  (void) state;

  own = place_ok (wide, five);
  assert_level (own, "4");
  assert_withdrawal (own, "4-WM");

  assert_null (iop_placer_place (builtin, five, &err));
  assert_non_null (err);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  assert_non_null (strstr (iop_error_get_message (err), "d1"));
  assert_null (strstr (iop_error_get_message (err), "5"));
  assert_false (iop_placer_place_into (builtin, five, reused, &err_into));
  assert_int_equal (iop_error_get_code (err_into), IOP_ERROR_INVALID_ARGUMENT);
  assert_null (iop_recommendation_get_level (reused));

  fine = place_ok (builtin, four);
  assert_level (fine, "4");
  assert_string_equal (iop_recommendation_get_pack_id (fine), "libiop-default-placement");
}

/* ------------------------------------------------------------------------------------------ */
/* Assessment documents                                                                        */

static void
assert_round_trip (iop_placer *p, const iop_assessment *a)
{
  g_autofree char *first = iop_assessment_to_json (a);
  g_autofree char *second = NULL;
  g_autoptr(iop_assessment) back = NULL;
  iop_error *err = NULL;

  assert_non_null (first);
  assert_true (g_utf8_validate (first, -1, NULL));
  back = iop_assessment_new_from_json (p, first, &err);
  if (back == NULL)
    fail_msg ("%s: %s", first, iop_error_get_message (err));
  second = iop_assessment_to_json (back);
  assert_string_equal (first, second);
}

static void
test_placement_assessment_json_round_trip_is_byte_identical (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) plain = make_assessment (p, "asam3", RATINGS (1, 0, 2, 1, 0, 0));
  g_autoptr(iop_assessment) full = make_assessment (p, "asam4", RATINGS (2, 1, 3, 2, 2, 1));
  g_autoptr(iop_assessment) partial = iop_assessment_new (p, "locus", NULL);
  g_autofree char *plain_json = NULL;
  g_autofree char *full_json = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *levels;
  (void) state;

  /* Without available levels or assessor. */
  plain_json = iop_assessment_to_json (plain);
  assert_string_equal (plain_json,
                       "{\"format\":\"libiop-assessment\",\"format_version\":1,"
                       "\"instrument\":\"asam3\",\"age_group\":\"adult\",\"co_occurring\":false,"
                       "\"ratings\":{\"d1\":1,\"d2\":0,\"d3\":2,\"d4\":1,\"d5\":0,\"d6\":0},"
                       "\"available_levels\":[],\"assessor\":null}");
  assert_round_trip (p, plain);

  /* With everything. */
  iop_assessment_set_age_group (full, IOP_AGE_ADOLESCENT);
  iop_assessment_set_co_occurring (full, true);
  add_available (full, "2.5");
  add_available (full, "3.7");
  assert_true (iop_assessment_set_assessor (full, "LCADC", "2026-03-14", NULL));
  assert_round_trip (p, full);
  full_json = iop_assessment_to_json (full);
  root = parse_json (full_json);
  assert_string_equal (json_string_or_null (member (root, "age_group")), "adolescent");
  assert_true (json_node_get_boolean (member (root, "co_occurring")));
  levels = json_array (member (root, "available_levels"));
  assert_int_equal (json_array_get_length (levels), 2);
  assert_string_equal (json_array_get_string_element (levels, 1), "3.7");
  assert_string_equal (json_string_or_null (member (member (root, "assessor"), "credential")), "LCADC");
  assert_string_equal (json_string_or_null (member (member (root, "assessor"), "signed")), "2026-03-14");

  /* An incomplete assessment writes only the ratings it has; credential or date alone. */
  assert_true (iop_assessment_set_rating (partial, "IV-B", 4, NULL));
  assert_round_trip (p, partial);
  assert_true (iop_assessment_set_assessor (partial, NULL, "2024-02-29", NULL));
  assert_round_trip (p, partial);
  assert_true (iop_assessment_set_assessor (partial, "CSAC", NULL, NULL));
  assert_round_trip (p, partial);
  {
    g_autofree char *text = iop_assessment_to_json (partial);
    assert_non_null (strstr (text, "\"ratings\":{\"IV-B\":4}"));
    assert_non_null (strstr (text, "\"assessor\":{\"credential\":\"CSAC\",\"signed\":null}"));
  }
}

/* The documents in assessments/valid are in canonical form: each loads and writes back
 * byte-identically, and places. */
static void
test_placement_assessment_documents_load_and_write_back_byte_identically (void **state)
{
  g_autofree char *dir_path = g_build_filename (PLACEMENT_DATA, "assessments", "valid", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  const char *name;
  unsigned n = 0;
  (void) state;

  assert_non_null (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *text = NULL;
      g_autofree char *written = NULL;
      g_autoptr(iop_assessment) a = NULL;
      iop_error *err = NULL;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      text = read_text ("assessments/valid", name);
      a = iop_assessment_new_from_json (p, text, &err);
      if (a == NULL)
        fail_msg ("%s: %s", name, iop_error_get_message (err));
      written = iop_assessment_to_json (a);
      if (strcmp (text, written) != 0)
        fail_msg ("%s does not write back byte-identically:\n  read  %s\n  wrote %s", name, text, written);
      if (iop_assessment_is_complete (a))
        {
          g_autoptr(iop_recommendation) rec = place_ok (p, a);
          assert_non_null (rec);
        }
      n++;
    }
  assert_true (n >= 5);
}

static void
test_placement_assessment_document_fields_are_read (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autofree char *text = read_text ("assessments/valid", "asam3-complete-context.json");
  g_autoptr(iop_assessment) a = iop_assessment_new_from_json (p, text, NULL);
  g_autoptr(iop_recommendation) rec = NULL;
  (void) state;

  assert_non_null (a);
  assert_string_equal (iop_assessment_get_instrument (a), "asam3");
  assert_int_equal (iop_assessment_get_rating (a, "d3"), 3);
  assert_int_equal (iop_assessment_get_age_group (a), IOP_AGE_ADOLESCENT);
  assert_true (iop_assessment_get_co_occurring (a));
  assert_int_equal (iop_assessment_get_n_available_levels (a), 3);
  assert_string_equal (iop_assessment_get_available_level (a, 2), "3.7-WM");
  assert_string_equal (iop_assessment_get_assessor_credential (a), "LCADC");
  assert_string_equal (iop_assessment_get_signed_date (a), "2026-03-14");

  /* d3 rated 3: 3.5, available; d1 rated 2: 2-WM steps up to 3.7-WM; co-occurring: COE. */
  rec = place_ok (p, a);
  assert_level (rec, "3.5");
  assert_withdrawal (rec, "3.7-WM");
  assert_designation (rec, "COE");
  assert_reasons (rec, REASONS (DIM_MIN (3), LEAST,
                                { "withdrawal", "d1-withdrawal-management", "d1-risk-anchors", "d1" },
                                STEPPED_UP,
                                { "designation", "co-occurring-enhanced", "ppc2r-overview", NULL }));
}

static void
test_placement_assessment_json_accepts_aliases_and_omitted_members (void **state)
{
  static const char text[] =
    "{ \"format\": \"libiop-assessment\", \"format_version\": 1, \"instrument\": \"asam3\",\n"
    "  \"ratings\": { \"d6\": 0, \"d5\": 1, \"d4\": 0, \"d3\": 2, \"d2\": 0, \"d1\": 1 },\n"
    "  \"available_levels\": [\"II.5\", \"III.7-D\"],\n"
    "  \"x-clinic\": \"extension members are allowed\" }";
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = NULL;
  g_autofree char *json = NULL;
  iop_error *err = NULL;
  (void) state;

  a = iop_assessment_new_from_json (p, text, &err);
  if (a == NULL)
    fail_msg ("%s", iop_error_get_message (err));
  json = iop_assessment_to_json (a);
  /* Canonical form: defaults written out, ratings in dimension order, canonical codes. */
  assert_string_equal (json,
                       "{\"format\":\"libiop-assessment\",\"format_version\":1,"
                       "\"instrument\":\"asam3\",\"age_group\":\"adult\",\"co_occurring\":false,"
                       "\"ratings\":{\"d1\":1,\"d2\":0,\"d3\":2,\"d4\":0,\"d5\":1,\"d6\":0},"
                       "\"available_levels\":[\"2.5\",\"3.7-WM\"],\"assessor\":null}");
}

typedef struct {
  const char *file;     /* in tests/data/placement/assessments/invalid */
  iop_error_code code;
  const char *path;     /* NULL: the error names no member */
  const char *phi;      /* a value from the document that the message must not quote */
} InvalidAssessment;

#define PARSE IOP_ERROR_PARSE
#define DATA IOP_ERROR_INVALID_DATA
#define NOT_FOUND IOP_ERROR_NOT_FOUND

static const InvalidAssessment invalid_assessments[] = {
  { "malformed-json.json", PARSE, NULL, NULL },
  { "top-level-array.json", PARSE, "$", NULL },
  { "wrong-format.json", DATA, "$.format", NULL },
  { "format-version-2.json", DATA, "$.format_version", NULL },
  { "format-version-0.json", DATA, "$.format_version", NULL },
  { "unknown-member.json", PARSE, "$.patient_name", "Jane Q. Doe" },
  { "missing-instrument.json", PARSE, "$.instrument", NULL },
  { "unknown-instrument.json", NOT_FOUND, "$.instrument", NULL },
  { "unknown-age-group.json", DATA, "$.age_group", "toddler" },
  { "co-occurring-not-boolean.json", PARSE, "$.co_occurring", "yes" },
  { "missing-ratings.json", PARSE, "$.ratings", NULL },
  { "ratings-not-object.json", PARSE, "$.ratings", NULL },
  { "rating-out-of-range.json", DATA, "$.ratings.d3", "97" },
  { "rating-negative.json", DATA, "$.ratings.d1", "-8" },
  { "rating-unknown-dimension.json", DATA, "$.ratings.d9", NULL },
  { "rating-not-integer.json", PARSE, "$.ratings.d2", NULL },
  { "rating-fraction.json", PARSE, "$.ratings.d2", "2.5" },
  { "locus-rating-out-of-range.json", DATA, "$.ratings[\"IV-A\"]", NULL },
  { "unknown-available-level.json", DATA, "$.available_levels[0]", NULL },
  { "available-level-other-edition.json", DATA, "$.available_levels[1]", NULL },
  { "available-level-not-string.json", PARSE, "$.available_levels[0]", NULL },
  { "available-levels-not-array.json", PARSE, "$.available_levels", NULL },
  { "bad-signed-date.json", DATA, "$.assessor.signed", "1987-02-30" },
  { "signed-date-wrong-form.json", DATA, "$.assessor.signed", "30/01/1987" },
  { "signed-date-not-string.json", PARSE, "$.assessor.signed", "19870130" },
  { "assessor-unknown-member.json", PARSE, "$.assessor.name", "Jane Q. Doe" },
  { "assessor-empty-credential.json", DATA, "$.assessor.credential", NULL },
  { "assessor-not-object.json", PARSE, "$.assessor", "LCADC" },
};

static void
check_invalid_assessment (iop_placer *p, const InvalidAssessment *row, GString *report)
{
  g_autofree char *text = read_text ("assessments/invalid", row->file);
  iop_error *err = NULL;
  iop_assessment *a = iop_assessment_new_from_json (p, text, &err);
  const char *message;

  if (a != NULL || err == NULL)
    {
      g_string_append_printf (report, "\n  %s: loaded without an error", row->file);
      iop_assessment_free (a);
      iop_error_free (err);
      return;
    }
  message = iop_error_get_message (err);
  if (iop_error_get_code (err) != row->code || g_strcmp0 (iop_error_get_path (err), row->path) != 0)
    g_string_append_printf (report, "\n  %s: expected %s at %s, got %s at %s (%s)", row->file,
                            iop_error_code_to_string (row->code), or_null (row->path),
                            iop_error_code_to_string (iop_error_get_code (err)),
                            or_null (iop_error_get_path (err)), message);
  else if (message == NULL || *message == '\0' ||
           (row->path != NULL && strstr (message, row->path) == NULL))
    g_string_append_printf (report, "\n  %s: the message \"%s\" does not name the path", row->file,
                            or_null (message));
  /* No patient data in messages: neither the row's value, nor any date or the credential. */
  if (message != NULL && row->phi != NULL && strstr (message, row->phi) != NULL)
    g_string_append_printf (report, "\n  %s: the message quotes \"%s\": %s", row->file, row->phi, message);
  if (message != NULL && (strstr (message, "2026-01-15") != NULL || strstr (message, "LCADC") != NULL))
    g_string_append_printf (report, "\n  %s: the message quotes the assessor: %s", row->file, message);
  iop_error_free (err);

  /* Without an error location the call still fails. */
  a = iop_assessment_new_from_json (p, text, NULL);
  if (a != NULL)
    g_string_append_printf (report, "\n  %s: loaded when error is NULL", row->file);
  iop_assessment_free (a);
}

static void
test_placement_invalid_assessments_fail_with_the_expected_code_and_path (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  GString *report = g_string_new (NULL);
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (invalid_assessments); i++)
    check_invalid_assessment (p, &invalid_assessments[i], report);
  iop_test_finish_report (report, "invalid assessments not rejected as expected");
}

static void
test_placement_invalid_assessment_corpus_matches_the_table (void **state)
{
  const char *files[G_N_ELEMENTS (invalid_assessments)];
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (invalid_assessments); i++)
    files[i] = invalid_assessments[i].file;
  iop_test_check_corpus (PLACEMENT_DATA, "assessments/invalid", files, G_N_ELEMENTS (files));
}

/* ------------------------------------------------------------------------------------------ */
/* Recommendations                                                                             */

static void
test_placement_empty_recommendation_answers_safely (void **state)
{
  g_autoptr(iop_recommendation) rec = iop_recommendation_new ();
  (void) state;

  assert_non_null (rec);
  assert_null (iop_recommendation_get_level (rec));
  assert_null (iop_recommendation_get_withdrawal_level (rec));
  assert_null (iop_recommendation_get_designation (rec));
  assert_false (iop_recommendation_has_composite (rec));
  assert_int_equal (iop_recommendation_get_composite (rec), -1);
  assert_int_equal (iop_recommendation_get_n_binding_dimensions (rec), 0);
  assert_null (iop_recommendation_get_binding_dimension (rec, 0));
  assert_int_equal (iop_recommendation_get_n_reasons (rec), 0);
  assert_null (iop_recommendation_get_reason_code (rec, 0));
  assert_null (iop_recommendation_get_reason_text (rec, 0));
  assert_null (iop_recommendation_get_reason_rule (rec, 0));
  assert_null (iop_recommendation_get_reason_source (rec, 0));
  assert_null (iop_recommendation_get_reason_dimension (rec, 0));
  assert_int_equal (iop_recommendation_get_n_alternatives (rec), 0);
  assert_null (iop_recommendation_get_alternative_code (rec, 0));
  assert_null (iop_recommendation_get_alternative_reason (rec, 0));
  assert_null (iop_recommendation_get_pack_id (rec));
  assert_null (iop_recommendation_get_pack_version (rec));
}

static void
test_placement_recommendation_accessors_are_null_out_of_range (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = place_ratings (p, "asam3", RATINGS (0, 3, 0, 0, 0, 0));
  size_t n = iop_recommendation_get_n_reasons (rec);
  (void) state;

  assert_int_equal (n, 2);
  assert_null (iop_recommendation_get_reason_code (rec, n));
  assert_null (iop_recommendation_get_reason_text (rec, n));
  assert_null (iop_recommendation_get_reason_rule (rec, n));
  assert_null (iop_recommendation_get_reason_source (rec, n));
  assert_null (iop_recommendation_get_reason_dimension (rec, n));
  assert_null (iop_recommendation_get_reason_code (rec, SIZE_MAX));
  assert_null (iop_recommendation_get_reason_text (rec, SIZE_MAX));
  assert_null (iop_recommendation_get_binding_dimension (rec, 1));
  assert_null (iop_recommendation_get_binding_dimension (rec, SIZE_MAX));
  assert_null (iop_recommendation_get_alternative_code (rec, 1));
  assert_null (iop_recommendation_get_alternative_reason (rec, SIZE_MAX));
}

/* Every member of the JSON agrees with the accessors. */
static void
assert_json_matches_accessors (const iop_recommendation *rec)
{
  g_autofree char *text = iop_recommendation_to_json (rec);
  g_autoptr(JsonNode) root = parse_json (text);
  const iop_level *level = iop_recommendation_get_level (rec);
  JsonArray *arr;
  JsonNode *composite, *pack;

  assert_true (JSON_NODE_HOLDS_OBJECT (root));
  assert_true (g_strcmp0 (json_string_or_null (member (root, "level")), code_of (level)) == 0);
  assert_true (g_strcmp0 (json_string_or_null (member (root, "edition")),
                          level ? iop_edition_to_string (iop_level_get_edition (level)) : NULL) == 0);
  assert_true (g_strcmp0 (json_string_or_null (member (root, "name")),
                          level ? iop_level_get_name (level) : NULL) == 0);
  assert_true (g_strcmp0 (json_string_or_null (member (root, "withdrawal_management")),
                          code_of (iop_recommendation_get_withdrawal_level (rec))) == 0);
  assert_true (g_strcmp0 (json_string_or_null (member (root, "designation")),
                          iop_recommendation_get_designation (rec)) == 0);
  composite = member (root, "composite");
  if (iop_recommendation_has_composite (rec))
    assert_int_equal (json_node_get_int (composite), iop_recommendation_get_composite (rec));
  else
    assert_true (JSON_NODE_HOLDS_NULL (composite));

  arr = json_array (member (root, "binding_dimensions"));
  assert_int_equal (json_array_get_length (arr), iop_recommendation_get_n_binding_dimensions (rec));
  for (guint i = 0; i < json_array_get_length (arr); i++)
    assert_string_equal (json_array_get_string_element (arr, i),
                         iop_recommendation_get_binding_dimension (rec, i));

  arr = json_array (member (root, "reasons"));
  assert_int_equal (json_array_get_length (arr), iop_recommendation_get_n_reasons (rec));
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *r = json_array_get_element (arr, i);
      assert_int_equal (json_object_get_size (json_node_get_object (r)), 5);
      assert_string_equal (json_string_or_null (member (r, "code")), iop_recommendation_get_reason_code (rec, i));
      assert_string_equal (json_string_or_null (member (r, "text")), iop_recommendation_get_reason_text (rec, i));
      assert_true (g_strcmp0 (json_string_or_null (member (r, "rule")),
                              iop_recommendation_get_reason_rule (rec, i)) == 0);
      assert_true (g_strcmp0 (json_string_or_null (member (r, "source")),
                              iop_recommendation_get_reason_source (rec, i)) == 0);
      assert_true (g_strcmp0 (json_string_or_null (member (r, "dimension")),
                              iop_recommendation_get_reason_dimension (rec, i)) == 0);
    }

  arr = json_array (member (root, "alternatives"));
  assert_int_equal (json_array_get_length (arr), iop_recommendation_get_n_alternatives (rec));
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *alt = json_array_get_element (arr, i);
      assert_string_equal (json_string_or_null (member (alt, "level")), iop_recommendation_get_alternative_code (rec, i));
      assert_string_equal (json_string_or_null (member (alt, "reason")), iop_recommendation_get_alternative_reason (rec, i));
    }

  pack = member (root, "pack");
  if (level == NULL)
    assert_true (JSON_NODE_HOLDS_NULL (pack));
  else
    {
      assert_string_equal (json_string_or_null (member (pack, "id")), iop_recommendation_get_pack_id (rec));
      assert_string_equal (json_string_or_null (member (pack, "version")), iop_recommendation_get_pack_version (rec));
    }
}

static void
test_placement_recommendation_to_json_explains_an_asam_placement (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = make_assessment (p, "asam3", RATINGS (2, 1, 3, 0, 1, 0));
  g_autoptr(iop_recommendation) rec = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *reasons;
  JsonNode *first;
  (void) state;

  iop_assessment_set_co_occurring (a, true);
  add_available (a, "3.7");
  add_available (a, "2-WM");
  rec = place_ok (p, a);
  assert_json_matches_accessors (rec);

  text = iop_recommendation_to_json (rec);
  again = iop_recommendation_to_json (rec);
  assert_string_equal (text, again); /* stable */
  root = parse_json (text);
  assert_string_equal (json_string_or_null (member (root, "level")), "3.7");
  assert_string_equal (json_string_or_null (member (root, "edition")), "asam3");
  assert_string_equal (json_string_or_null (member (root, "instrument")), "asam3");
  assert_string_equal (json_string_or_null (member (root, "withdrawal_management")), "2-WM");
  assert_string_equal (json_string_or_null (member (root, "designation")), "COE");
  assert_true (JSON_NODE_HOLDS_NULL (member (root, "composite")));
  assert_int_equal (json_array_get_length (json_array (member (root, "binding_dimensions"))), 1);
  assert_string_equal (json_array_get_string_element (json_array (member (root, "binding_dimensions")), 0), "d3");
  reasons = json_array (member (root, "reasons"));
  first = json_array_get_element (reasons, 0);
  assert_string_equal (json_string_or_null (member (first, "code")), "dimension-minimum");
  assert_string_equal (json_string_or_null (member (first, "rule")), "d3-minimum");
  assert_string_equal (json_string_or_null (member (first, "source")), "ppc2r-grid");
  assert_string_equal (json_string_or_null (member (first, "dimension")), "d3");
  assert_true (JSON_NODE_HOLDS_NULL (member (json_array_get_element (reasons, 1), "rule")));
  assert_string_equal (json_string_or_null (member (member (root, "pack"), "id")), "libiop-default-placement");
  assert_reasons (rec, REASONS (DIM_MIN (3), LEAST,
                                { "withdrawal", "d1-withdrawal-management", "d1-risk-anchors", "d1" },
                                STEPPED_UP,
                                { "designation", "co-occurring-enhanced", "ppc2r-overview", NULL }));
  assert_alternatives (rec, ALTS ({ "3.1", "insufficient" }, { "3.5", "unavailable" }));
}

static void
test_placement_recommendation_to_json_of_locus_has_the_composite (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) rec = place_ratings (p, "calocus", RATINGS (4, 4, 3, 3, 3, 2, 2, 2));
  g_autofree char *text = iop_recommendation_to_json (rec);
  g_autoptr(JsonNode) root = parse_json (text);
  (void) state;

  assert_json_matches_accessors (rec);
  assert_int_equal (json_node_get_int (member (root, "composite")), 23);
  assert_string_equal (json_string_or_null (member (root, "level")), "5");
  assert_string_equal (json_string_or_null (member (root, "edition")), "locus");
  assert_string_equal (json_string_or_null (member (root, "instrument")), "calocus");
  assert_int_equal (json_array_get_length (json_array (member (root, "binding_dimensions"))), 0);
  assert_true (JSON_NODE_HOLDS_NULL (member (root, "withdrawal_management")));
}

static void
test_placement_recommendation_to_json_of_an_empty_recommendation (void **state)
{
  g_autoptr(iop_recommendation) rec = iop_recommendation_new ();
  g_autofree char *text = iop_recommendation_to_json (rec);
  g_autoptr(JsonNode) root = parse_json (text);
  (void) state;

  assert_json_matches_accessors (rec);
  assert_true (JSON_NODE_HOLDS_NULL (member (root, "level")));
  assert_true (JSON_NODE_HOLDS_NULL (member (root, "composite")));
  assert_true (JSON_NODE_HOLDS_NULL (member (root, "pack")));
  assert_int_equal (json_array_get_length (json_array (member (root, "reasons"))), 0);
  assert_int_equal (json_array_get_length (json_array (member (root, "alternatives"))), 0);
}

/* ------------------------------------------------------------------------------------------ */
/* iop_placer_place_into: reuse                                                                */

static void
test_placement_place_into_gives_the_same_results_as_place (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_recommendation) reused = iop_recommendation_new ();
  (void) state;

  /* One recommendation reused across instruments, with and without context. */
  for (int i = 0; i < 60; i++)
    {
      static const char *const instruments[] = { "asam3", "asam4", "locus", "calocus" };
      const char *instrument = instruments[i % 4];
      g_autoptr(iop_assessment) a = iop_assessment_new (p, instrument, NULL);
      g_autoptr(iop_recommendation) fresh = NULL;
      g_autofree char *j_fresh = NULL;
      g_autofree char *j_reused = NULL;
      size_t n = iop_assessment_get_n_dimensions (a);
      int r[8];
      for (size_t d = 0; d < n; d++)
        r[d] = i % 4 < 2 ? (i * 7 + (int) d * 3) % 5 : (i * 3 + (int) d * 2) % 5 + 1;
      assert_true (iop_assessment_set_ratings (a, r, n, NULL));
      iop_assessment_set_co_occurring (a, i % 3 == 0);
      if (i % 5 == 0)
        add_available (a, i % 4 == 0 ? "3.7" : i % 4 == 1 ? "3.5" : "5");
      fresh = place_ok (p, a);
      assert_true (iop_placer_place_into (p, a, reused, NULL));
      j_fresh = iop_recommendation_to_json (fresh);
      j_reused = iop_recommendation_to_json (reused);
      assert_string_equal (j_fresh, j_reused);
    }
}

/* Ten thousand different assessments through one recommendation: the results stay right (and
 * valgrind shows the buffers do not grow). */
static void
test_placement_place_into_reuses_one_recommendation_10000_times (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) a = iop_assessment_new (p, "asam3", NULL);
  g_autoptr(iop_assessment) locus = iop_assessment_new (p, "locus", NULL);
  g_autoptr(iop_recommendation) rec = iop_recommendation_new ();
  (void) state;

  for (int i = 0; i < 10000; i++)
    {
      int r[7];
      if (i % 10 == 9)
        {
          int composite = 7 + i % 29;
          spread_composite (composite, r, 7, i % 20 == 19);
          assert_true (iop_assessment_set_ratings (locus, r, 7, NULL));
          assert_true (iop_placer_place_into (p, locus, rec, NULL));
          assert_int_equal (iop_recommendation_get_composite (rec), composite);
          assert_int_equal (iop_level_get_code (iop_recommendation_get_level (rec))[0],
                            '0' + expected_composite_level (composite));
          continue;
        }
      for (int d = 0, v = i; d < 6; d++, v /= 5)
        r[d] = v % 5;
      assert_true (iop_assessment_set_ratings (a, r, 6, NULL));
      iop_assessment_set_co_occurring (a, i % 3 == 0);
      assert_true (iop_placer_place_into (p, a, rec, NULL));
      if (strcmp (code_of (iop_recommendation_get_level (rec)), expected_asam3_level (r)) != 0)
        fail_with (rec, "assessment %d: expected %s", i, expected_asam3_level (r));
      assert_true ((iop_recommendation_get_designation (rec) != NULL) == (i % 3 == 0));
      assert_true ((iop_recommendation_get_withdrawal_level (rec) != NULL) == (r[0] >= 2));
      assert_false (iop_recommendation_has_composite (rec));
      /* Read a text now and then: rendered texts are released on reuse. */
      if (i % 7 == 0)
        assert_non_null (iop_recommendation_get_reason_text (rec, iop_recommendation_get_n_reasons (rec) - 1));
      if (i % 1000 == 0)
        {
          g_autoptr(iop_recommendation) fresh = place_ok (p, a);
          g_autofree char *j_fresh = iop_recommendation_to_json (fresh);
          g_autofree char *j_rec = iop_recommendation_to_json (rec);
          assert_string_equal (j_fresh, j_rec);
        }
    }
}

static void
test_placement_place_into_error_leaves_the_recommendation_empty (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) good = make_assessment (p, "locus", RATINGS (5, 5, 5, 5, 5, 5, 5));
  g_autoptr(iop_assessment) incomplete = iop_assessment_new (p, "asam3", NULL);
  g_autoptr(iop_recommendation) rec = iop_recommendation_new ();
  g_autoptr(iop_error) err = NULL;
  (void) state;

  assert_true (iop_assessment_set_rating (incomplete, "d1", 3, NULL));
  assert_true (iop_placer_place_into (p, good, rec, NULL));
  assert_level (rec, "6");
  assert_true (iop_recommendation_has_composite (rec));

  assert_false (iop_placer_place_into (p, incomplete, rec, &err));
  assert_non_null (err);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  assert_non_null (strstr (iop_error_get_message (err), "d2"));
  assert_null (iop_recommendation_get_level (rec));
  assert_null (iop_recommendation_get_withdrawal_level (rec));
  assert_null (iop_recommendation_get_designation (rec));
  assert_false (iop_recommendation_has_composite (rec));
  assert_int_equal (iop_recommendation_get_composite (rec), -1);
  assert_int_equal (iop_recommendation_get_n_binding_dimensions (rec), 0);
  assert_int_equal (iop_recommendation_get_n_reasons (rec), 0);
  assert_int_equal (iop_recommendation_get_n_alternatives (rec), 0);
  assert_null (iop_recommendation_get_pack_id (rec));
  assert_json_matches_accessors (rec);

  /* And it is usable again. */
  assert_true (iop_placer_place_into (p, good, rec, NULL));
  assert_level (rec, "6");
}

static void
test_placement_reason_texts_stay_valid_until_reuse (void **state)
{
  g_autoptr(iop_placer) p = iop_placer_new_default ();
  g_autoptr(iop_assessment) d2 = make_assessment (p, "asam3", RATINGS (0, 3, 0, 0, 0, 0));
  g_autoptr(iop_assessment) d3 = make_assessment (p, "asam3", RATINGS (0, 0, 3, 0, 0, 0));
  g_autoptr(iop_recommendation) rec = iop_recommendation_new ();
  const char *text, *least;
  g_autofree char *json = NULL;
  (void) state;

  assert_true (iop_placer_place_into (p, d2, rec, NULL));
  /* Read the last reason first, then the first: both stay where they are. */
  least = iop_recommendation_get_reason_text (rec, 1);
  text = iop_recommendation_get_reason_text (rec, 0);
  assert_ptr_equal (iop_recommendation_get_reason_text (rec, 0), text);
  assert_ptr_equal (iop_recommendation_get_reason_text (rec, 1), least);
  json = iop_recommendation_to_json (rec); /* renders every text */
  assert_ptr_equal (iop_recommendation_get_reason_text (rec, 0), text);
  assert_string_equal (text, "d2 (Biomedical Conditions and Complications) rated 3: at least Level 3.7");
  assert_non_null (strstr (least, "Level 3.7 is the least intensive level"));

  /* Reuse replaces them. */
  assert_true (iop_placer_place_into (p, d3, rec, NULL));
  assert_string_equal (iop_recommendation_get_reason_text (rec, 0),
                       "d3 (Emotional, Behavioral, or Cognitive Conditions and Complications) "
                       "rated 3: at least Level 3.5");
  assert_non_null (strstr (iop_recommendation_get_reason_text (rec, 1), "Level 3.5 is the least"));
}

/* ------------------------------------------------------------------------------------------ */
/* User packs                                                                                  */

/* The pack and the assessment both come from files: the outcome changes without recompiling. */
static void
test_placement_user_pack_from_a_file_changes_the_outcome (void **state)
{
  g_autoptr(iop_placer) builtin = iop_placer_new_default ();
  g_autoptr(iop_placer) user = load_pack ("asam3-d3-rated-2-is-2-5.json");
  g_autofree char *doc = read_text ("assessments/valid", "asam3-d3-rated-2.json");
  g_autoptr(iop_assessment) a_builtin = iop_assessment_new_from_json (builtin, doc, NULL);
  g_autoptr(iop_assessment) a_user = iop_assessment_new_from_json (user, doc, NULL);
  g_autoptr(iop_recommendation) before = NULL;
  g_autoptr(iop_recommendation) after = NULL;
  (void) state;

  assert_non_null (a_builtin);
  assert_non_null (a_user);
  assert_string_equal (iop_placer_get_id (user), "test-state-d3");
  assert_string_equal (iop_placer_get_version (user), "2027.1");
  assert_int_equal (iop_placer_get_n_instruments (user), 1);

  before = place_ok (builtin, a_builtin);
  assert_level (before, "2.1");
  assert_reasons (before, REASONS (DIM_MIN (3), LEAST));

  after = place_ok (user, a_user);
  assert_level (after, "2.5");
  assert_binding (after, "d3", NULL);
  assert_reasons (after, REASONS ({ "dimension-minimum", "d3-minimum", "test-state-manual", "d3" }, LEAST));
  assert_alternatives (after, ALTS ({ "2.1", "insufficient" }));
  assert_string_equal (iop_recommendation_get_pack_id (after), "test-state-d3");
  assert_string_equal (iop_recommendation_get_pack_version (after), "2027.1");
  assert_string_equal (iop_recommendation_get_reason_text (after, 0),
                       "d3 (Emotional, Behavioral, or Cognitive Conditions and Complications) "
                       "rated 2: at least Level 2.5");
  /* The other dimensions are untouched. */
  {
    g_autoptr(iop_recommendation) d2 = place_ratings (user, "asam3", RATINGS (0, 2, 0, 0, 0, 0));
    assert_level (d2, "2.1");
  }
}

#define CAP_REASON { "cap", "inpatient-needs-two-dimensions", "la-lac-48-i-1613", NULL }

static void
test_placement_louisiana_cap_fires_without_two_qualifying_dimensions (void **state)
{
  g_autoptr(iop_placer) p = load_pack ("louisiana-inpatient-cap.json");
  g_autoptr(iop_recommendation) d2_alone = NULL;
  g_autoptr(iop_recommendation) d2_at_3 = NULL;
  g_autoptr(iop_recommendation) d4_to_d6 = NULL;
  (void) state;

  /* d2 rated 4 alone: one dimension at 3+, so no inpatient care; at most 3.5. */
  d2_alone = place_ratings (p, "asam3", RATINGS (0, 4, 0, 0, 0, 0));
  assert_level (d2_alone, "3.5");
  /* The cap set the level: it binds, and no dimension does. */
  assert_binding (d2_alone, NULL);
  assert_reasons (d2_alone, REASONS (DIM_MIN (2), LEAST, CAP_REASON));
  assert_alternatives (d2_alone, ALTS ({ "3.7", "insufficient" }, { "4", "capped" }));
  assert_string_equal (iop_recommendation_get_reason_text (d2_alone, 2),
                       "Inpatient care needs two dimensions rated 3 or more, one of them Dimension "
                       "1, 2 or 3: at most Level 3.5 instead of 4");

  /* d2 rated 3 alone: 3.7 capped to 3.5. */
  d2_at_3 = place_ratings (p, "asam3", RATINGS (0, 3, 0, 2, 2, 2));
  assert_level (d2_at_3, "3.5");
  assert_reasons (d2_at_3, REASONS (DIM_MIN (2), LEAST, CAP_REASON));
  assert_binding (d2_at_3, NULL);
  /* 3.5 was "insufficient" below 3.7, but it is the recommendation: not an alternative. */
  assert_alternatives (d2_at_3, ALTS ({ "3.7", "capped" }));

  /* Three dimensions at 3+, but none of them Dimension 1-3. */
  d4_to_d6 = place_ratings (p, "asam3", RATINGS (0, 0, 2, 4, 3, 3));
  assert_level (d4_to_d6, "3.5");
  assert_reasons (d4_to_d6, REASONS ({ "qualifying-dimensions", "level-4-needs-d1-d3",
                                       "asam-ppc-adult-grid", "d4" },
                                     DIM_MIN (4), LEAST, CAP_REASON));
  assert_alternatives (d4_to_d6, ALTS ({ "4", "capped" }, { "3.7", "capped" }));
}

static void
test_placement_louisiana_cap_does_not_fire_with_two_dimensions_including_d1_to_d3 (void **state)
{
  g_autoptr(iop_placer) p = load_pack ("louisiana-inpatient-cap.json");
  g_autoptr(iop_recommendation) d2_d5 = NULL;
  g_autoptr(iop_recommendation) d1_d3 = NULL;
  g_autoptr(iop_recommendation) below = NULL;
  (void) state;

  /* d2 rated 3 and d5 rated 3: two dimensions, one of them d2. */
  d2_d5 = place_ratings (p, "asam3", RATINGS (0, 3, 0, 0, 3, 0));
  assert_level (d2_d5, "3.7");
  assert_reasons (d2_d5, REASONS (DIM_MIN (2), LEAST));
  assert_binding (d2_d5, "d2", NULL);
  assert_false (has_reason (d2_d5, "cap"));

  /* d1 rated 4 and d3 rated 3: Level 4 with withdrawal management. */
  d1_d3 = place_ratings (p, "asam3", RATINGS (4, 0, 3, 0, 0, 0));
  assert_level (d1_d3, "4");
  assert_withdrawal (d1_d3, "4-WM");
  assert_false (has_reason (d1_d3, "cap"));

  /* The condition holds (one dimension at 3+) but the level is already at most 3.5. */
  below = place_ratings (p, "asam3", RATINGS (0, 0, 3, 0, 0, 0));
  assert_level (below, "3.5");
  assert_binding (below, "d3", NULL);
  assert_false (has_reason (below, "cap"));
  assert_null (alternative_reason (below, "3.7"));
}

#define ADOLESCENT_MIN { "minimum", "adolescent-readiness-or-relapse", "test-policy", NULL }
#define SUM_MIN { "minimum", "environment-sum", "test-policy", NULL }

static iop_recommendation *
place_aged (iop_placer *p, const int *r, iop_age_group age)
{
  g_autoptr(iop_assessment) a = make_assessment (p, "asam3", r, 6);
  iop_assessment_set_age_group (a, age);
  return place_ok (p, a);
}

static void
test_placement_minimum_rules_with_any_sum_and_age_group (void **state)
{
  g_autoptr(iop_placer) p = load_pack ("minimums-and-overrides.json");
  g_autoptr(iop_recommendation) teen = NULL;
  g_autoptr(iop_recommendation) teen_d5 = NULL;
  g_autoptr(iop_recommendation) adult = NULL;
  g_autoptr(iop_recommendation) teen_d3 = NULL;
  g_autoptr(iop_recommendation) sum6 = NULL;
  g_autoptr(iop_recommendation) sum5 = NULL;
  (void) state;

  /* age_group + any[]: an adolescent with d4 (or d5) at 1 goes to at least 2.1. */
  teen = place_aged (p, (const int[]) { 0, 0, 0, 1, 0, 0 }, IOP_AGE_ADOLESCENT);
  assert_level (teen, "2.1");
  /* The minimum rule set the level: no dimension binds. */
  assert_binding (teen, NULL);
  assert_reasons (teen, REASONS (DIM_MIN (4), LEAST, ADOLESCENT_MIN));
  assert_alternatives (teen, ALTS ({ "0.5", "insufficient" }, { "1", "insufficient" }));
  assert_string_equal (iop_recommendation_get_reason_text (teen, 2),
                       "Adolescent with Dimension 4 or 5 risk: at least Level 2.1");
  teen_d5 = place_aged (p, (const int[]) { 0, 0, 0, 0, 1, 0 }, IOP_AGE_ADOLESCENT);
  assert_level (teen_d5, "2.1");
  assert_reasons (teen_d5, REASONS (DIM_MIN (5), LEAST, ADOLESCENT_MIN));
  /* Not for an adult, nor for an adolescent whose risk is elsewhere. */
  adult = place_aged (p, (const int[]) { 0, 0, 0, 1, 0, 0 }, IOP_AGE_ADULT);
  assert_level (adult, "1");
  assert_binding (adult, "d4", NULL);
  assert_reasons (adult, REASONS (DIM_MIN (4), LEAST));
  teen_d3 = place_aged (p, (const int[]) { 0, 0, 1, 0, 0, 0 }, IOP_AGE_ADOLESCENT);
  assert_level (teen_d3, "1");
  assert_false (has_reason (teen_d3, "minimum"));

  /* sum: Dimensions 4-6 adding up to 6 go to at least 2.5; 5 does not. */
  sum6 = place_aged (p, (const int[]) { 0, 0, 0, 2, 2, 2 }, IOP_AGE_ADULT);
  assert_level (sum6, "2.5");
  assert_binding (sum6, NULL);
  assert_reasons (sum6, REASONS (DIM_MIN (4), DIM_MIN (5), DIM_MIN (6), LEAST, SUM_MIN));
  assert_string_equal (iop_recommendation_get_reason_text (sum6, 4),
                       "Dimensions 4-6 add up to 6 or more: at least Level 2.5 instead of 2.1");
  sum5 = place_aged (p, (const int[]) { 0, 0, 0, 2, 2, 1 }, IOP_AGE_ADULT);
  assert_level (sum5, "2.1");
  assert_binding (sum5, "d4", "d5", NULL);
  assert_reasons (sum5, REASONS (DIM_MIN (4), DIM_MIN (5), LEAST));
}

static void
test_placement_first_matching_override_wins (void **state)
{
  g_autoptr(iop_placer) p = load_pack ("minimums-and-overrides.json");
  g_autoptr(iop_recommendation) both = NULL;
  g_autoptr(iop_recommendation) second = NULL;
  g_autoptr(iop_recommendation) none = NULL;
  (void) state;

  /* d6 rated 4 matches both overrides: only the first (3.1) applies and is cited. */
  both = place_ratings (p, "asam3", RATINGS (0, 0, 0, 0, 0, 4));
  assert_level (both, "3.1");
  assert_reasons (both, REASONS ({ "qualifying-dimensions", "level-4-needs-d1-d3",
                                   "asam-ppc-adult-grid", "d6" },
                                 DIM_MIN (6), LEAST,
                                 { "override", "living-environment-override", "test-policy", NULL }));
  assert_alternatives (both, ALTS ({ "4", "capped" }, { "3.5", "insufficient" }, { "3.7", "overridden" }));
  assert_binding (both, NULL);

  /* d2 rated 4 matches only the second. */
  second = place_ratings (p, "asam3", RATINGS (0, 4, 0, 0, 0, 0));
  assert_level (second, "3.5");
  assert_reasons (second, REASONS (DIM_MIN (2), LEAST,
                                   { "override", "any-extreme-override", "test-policy", NULL }));
  assert_alternatives (second, ALTS ({ "3.7", "insufficient" }, { "4", "overridden" }));
  assert_binding (second, NULL);

  /* No rating at 4: no override. */
  none = place_ratings (p, "asam3", RATINGS (3, 3, 3, 3, 3, 3));
  assert_level (none, "3.7");
  assert_binding (none, "d1", "d2", NULL);
  assert_false (has_reason (none, "override"));
}

#define BAND(source) { "composite-band", "composite-bands", source, NULL }

static void
test_placement_locus_grid_pack_encodes_independent_criteria (void **state)
{
  g_autoptr(iop_placer) grid = load_pack ("locus-grid-independent-criteria.json");
  g_autoptr(iop_placer) open = iop_placer_new_default ();
  g_autoptr(iop_recommendation) harm = NULL;
  g_autoptr(iop_recommendation) harm_open = NULL;
  g_autoptr(iop_recommendation) functional = NULL;
  g_autoptr(iop_recommendation) plain = NULL;
  g_autoptr(iop_recommendation) already = NULL;
  (void) state;

  /* Risk of Harm rated 5: composite 11 (Level 1 by the bands), Level 6 by the criterion. */
  harm = place_ratings (grid, "locus", RATINGS (5, 1, 1, 1, 1, 1, 1));
  assert_level (harm, "6");
  assert_int_equal (iop_recommendation_get_composite (harm), 11);
  assert_reasons (harm, REASONS (BAND ("locus-composite-bands"),
                                 { "minimum", "risk-of-harm-5", "test-licensed-grid", NULL }));
  assert_string_equal (alternative_reason (harm, "1"), "insufficient");
  assert_string_equal (iop_recommendation_get_reason_text (harm, 1),
                       "Risk of Harm rated 5: Level 6 whatever the composite");
  assert_binding (harm, NULL);
  /* The open pack, which has no independent criteria, says Level 1. */
  harm_open = place_ratings (open, "locus", RATINGS (5, 1, 1, 1, 1, 1, 1));
  assert_level (harm_open, "1");

  /* Functional Status rated 4: at least Level 5 through any[]. */
  functional = place_ratings (grid, "locus", RATINGS (1, 4, 1, 1, 1, 1, 1));
  assert_level (functional, "5");
  assert_reasons (functional, REASONS (BAND ("locus-composite-bands"),
                                       { "minimum", "scale-i-ii-iii-4", "test-licensed-grid", NULL }));

  /* No criterion: the band alone. */
  plain = place_ratings (grid, "locus", RATINGS (3, 3, 3, 3, 3, 3, 2));
  assert_level (plain, "4");
  assert_reasons (plain, REASONS (BAND ("locus-composite-bands")));

  /* The criterion holds but the band already gives Level 6: no minimum reason. */
  already = place_ratings (grid, "locus", RATINGS (5, 5, 5, 5, 5, 2, 1));
  assert_level (already, "6");
  assert_int_equal (iop_recommendation_get_composite (already), 28);
  assert_reasons (already, REASONS (BAND ("locus-composite-bands")));
}

static void
test_placement_every_valid_pack_loads (void **state)
{
  g_autofree char *dir_path = g_build_filename (PLACEMENT_DATA, "valid", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  unsigned n = 0;
  (void) state;

  assert_non_null (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(iop_placer) p = NULL;
      g_autofree char *text = NULL;
      g_autoptr(iop_placer) from_text = NULL;
      if (!g_str_has_suffix (name, ".json"))
        continue;
      p = load_pack (name);
      assert_true (iop_placer_get_n_instruments (p) > 0);
      /* Every instrument places its lowest and its highest ratings. */
      for (size_t i = 0; i < iop_placer_get_n_instruments (p); i++)
        for (int top = 0; top < 2; top++)
          {
            g_autoptr(iop_assessment) a = iop_assessment_new (p, iop_placer_get_instrument_id (p, i), NULL);
            g_autoptr(iop_recommendation) rec = NULL;
            for (size_t d = 0; d < iop_assessment_get_n_dimensions (a); d++)
              {
                const char *dim = iop_assessment_get_dimension_id (a, d);
                int rating = 0;
                /* The highest accepted rating, or the lowest. */
                while (!iop_assessment_set_rating (a, dim, rating, NULL))
                  rating++;
                while (top && iop_assessment_set_rating (a, dim, rating + 1, NULL))
                  rating++;
              }
            rec = place_ok (p, a);
            assert_json_matches_accessors (rec);
          }
      text = read_text ("valid", name);
      from_text = iop_placer_new_from_json (NULL, text, NULL);
      assert_non_null (from_text);
      n++;
    }
  assert_true (n >= 7);
}

/* ------------------------------------------------------------------------------------------ */
/* Invalid packs                                                                               */

typedef struct {
  const char *file;     /* in tests/data/placement/invalid */
  iop_error_code code;
  const char *path;     /* NULL: the error names no member */
} InvalidPack;

#define I0 "$.instruments[0]"
#define R(n) I0 ".rules[" #n "]"

static const InvalidPack invalid_packs[] = {
  /* Not JSON, or not a pack. */
  { "malformed-json.json", PARSE, NULL },
  { "top-level-array.json", PARSE, "$" },
  { "wrong-format.json", DATA, "$.format" },
  { "format-version-2.json", DATA, "$.format_version" },
  { "unknown-root-member.json", PARSE, "$.rules" },
  { "empty-instruments.json", DATA, "$.instruments" },
  /* Instruments. */
  { "unknown-edition.json", DATA, I0 ".edition" },
  { "duplicate-instrument.json", DATA, "$.instruments[1].id" },
  { "instrument-unknown-source.json", DATA, I0 ".source" },
  { "instrument-missing-ladder.json", PARSE, I0 ".ladder" },
  { "no-base-rule.json", DATA, I0 ".rules" },
  /* Dimensions. */
  { "dimensions-empty.json", DATA, I0 ".dimensions" },
  { "duplicate-dimension.json", DATA, I0 ".dimensions[1].id" },
  { "dimension-max-below-min.json", DATA, I0 ".dimensions[0].max" },
  /* Ladder. */
  { "ladder-empty.json", DATA, I0 ".ladder" },
  { "ladder-unknown-level.json", DATA, I0 ".ladder[2]" },
  { "ladder-level-twice.json", DATA, I0 ".ladder[3]" },
  /* Rules: common members. */
  { "duplicate-rule-id.json", DATA, R (1) ".id" },
  { "unknown-rule-type.json", DATA, R (1) ".type" },
  { "unknown-rule-member.json", PARSE, R (0) ".note" },
  { "rule-missing-text.json", PARSE, R (0) ".text" },
  { "unknown-source.json", DATA, R (0) ".source" },
  { "table-with-bands.json", PARSE, R (0) ".bands" },
  { "table-with-when.json", PARSE, R (0) ".when" },
  { "availability-with-level.json", PARSE, R (2) ".level" },
  { "composite-with-dimension.json", PARSE, R (0) ".dimension" },
  /* Dimension tables. */
  { "rule-unknown-dimension.json", DATA, R (1) ".dimension" },
  { "table-without-dimension.json", PARSE, R (0) ".dimension" },
  { "table-wrong-length.json", DATA, R (0) ".levels" },
  { "table-level-not-on-ladder.json", DATA, R (0) ".levels[3]" },
  { "table-unknown-level.json", DATA, R (0) ".levels[3]" },
  { "table-level-not-string.json", PARSE, R (0) ".levels[1]" },
  /* Minimum, cap, override. */
  { "minimum-without-when.json", PARSE, R (2) ".when" },
  { "cap-without-when.json", PARSE, R (2) ".when" },
  { "override-without-when.json", PARSE, R (2) ".when" },
  { "minimum-level-not-on-ladder.json", DATA, R (2) ".level" },
  /* Conditions. */
  { "condition-no-discriminator.json", PARSE, R (2) ".when" },
  { "condition-not-object.json", PARSE, R (2) ".when" },
  { "condition-unknown-op.json", DATA, R (2) ".when.op" },
  { "condition-value-not-integer.json", PARSE, R (2) ".when.value" },
  { "condition-extra-member.json", PARSE, R (2) ".when.at_least" },
  { "count-without-at-least.json", PARSE, R (2) ".when.at_least" },
  { "count-dimension-twice.json", DATA, R (2) ".when.count[1]" },
  { "sum-empty.json", DATA, R (2) ".when.sum" },
  { "all-unknown-dimension.json", DATA, R (2) ".when.all[1].rating" },
  { "any-empty.json", DATA, R (2) ".when.any" },
  { "not-unknown-dimension.json", DATA, R (2) ".when.not.rating" },
  { "condition-unknown-age-group.json", DATA, R (2) ".when.age_group" },
  { "condition-co-occurring-not-boolean.json", PARSE, R (2) ".when.co_occurring" },
  /* Qualifying dimensions, variants, withdrawal, designations, availability. */
  { "qualifying-lowest-level.json", DATA, R (2) ".level" },
  { "qualifying-unknown-dimension.json", DATA, R (2) ".dimensions[0]" },
  { "variant-from-level-not-on-ladder.json", DATA, R (2) ".map[\"3.5\"]" },
  { "variant-to-unknown-level.json", DATA, R (2) ".map[\"2.1\"]" },
  { "variant-map-not-string.json", PARSE, R (2) ".map[\"2.1\"]" },
  { "variant-without-when.json", PARSE, R (2) ".when" },
  { "withdrawal-unknown-level.json", DATA, R (2) ".levels[3]" },
  { "withdrawal-wrong-length.json", DATA, R (2) ".levels" },
  { "designation-without-designation.json", PARSE, R (2) ".designation" },
  { "two-availability-rules.json", DATA, R (3) ".type" },
  /* Composite bands (from valid/minimal-composite.json: composites 2..10). */
  { "bands-empty.json", DATA, R (0) ".bands" },
  { "bands-gap.json", DATA, R (0) ".bands[1].min" },
  { "bands-overlap.json", DATA, R (0) ".bands[1].min" },
  { "bands-not-from-lowest.json", DATA, R (0) ".bands[0].min" },
  { "bands-not-to-highest.json", DATA, R (0) ".bands" },
  { "bands-above-highest.json", DATA, R (0) ".bands[3].max" },
  { "band-min-above-max.json", DATA, R (0) ".bands[1]" },
  { "band-level-not-on-ladder.json", DATA, R (0) ".bands[2].level" },
  { "band-unknown-source.json", DATA, R (0) ".bands[1].source" },
  { "two-composite-rules.json", DATA, R (1) ".type" },
};

#undef R
#undef I0
#undef PARSE
#undef DATA
#undef NOT_FOUND

/* Loads @row's file through both entry points and appends any mismatch to @report. */
static void
check_invalid_pack (const InvalidPack *row, GString *report)
{
  g_autofree char *path = data_path ("invalid", row->file);
  g_autofree char *text = NULL;
  iop_error *file_err = NULL, *json_err = NULL;
  iop_placer *p;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    {
      g_string_append_printf (report, "\n  %s: cannot read the file", row->file);
      return;
    }
  p = iop_placer_new_from_file (NULL, path, &file_err);
  if (p != NULL || file_err == NULL)
    {
      g_string_append_printf (report, "\n  %s: loaded without an error (expected %s at %s)",
                              row->file, iop_error_code_to_string (row->code), or_null (row->path));
      iop_placer_unref (p);
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
           (row->path != NULL && !g_str_has_prefix (iop_error_get_message (file_err), row->path)))
    g_string_append_printf (report, "\n  %s: the message \"%s\" does not start with the path %s",
                            row->file, or_null (iop_error_get_message (file_err)), or_null (row->path));

  /* The text loader agrees with the file loader, with the built-in continuum given explicitly. */
  {
    g_autoptr(iop_continuum) c = iop_continuum_new_default ();
    p = iop_placer_new_from_json (c, text, &json_err);
  }
  if (p != NULL || json_err == NULL || iop_error_get_code (json_err) != iop_error_get_code (file_err) ||
      g_strcmp0 (iop_error_get_path (json_err), iop_error_get_path (file_err)) != 0)
    g_string_append_printf (report, "\n  %s: iop_placer_new_from_json disagrees with _from_file",
                            row->file);
  iop_placer_unref (p);

  /* Without an error location the call still fails. */
  p = iop_placer_new_from_json (NULL, text, NULL);
  if (p != NULL)
    g_string_append_printf (report, "\n  %s: loaded when error is NULL", row->file);
  iop_placer_unref (p);

  iop_error_free (file_err);
  iop_error_free (json_err);
}

static void
test_placement_invalid_packs_fail_with_the_expected_code_and_path (void **state)
{
  GString *report = g_string_new (NULL);
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (invalid_packs); i++)
    check_invalid_pack (&invalid_packs[i], report);
  iop_test_finish_report (report, "invalid packs not rejected as expected");
}

static void
test_placement_invalid_pack_corpus_matches_the_table (void **state)
{
  const char *files[G_N_ELEMENTS (invalid_packs)];
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (invalid_packs); i++)
    files[i] = invalid_packs[i].file;
  iop_test_check_corpus (PLACEMENT_DATA, "invalid", files, G_N_ELEMENTS (files));
}

static void
test_placement_pack_error_names_the_rule_and_what_is_wrong (void **state)
{
  g_autofree char *path = data_path ("invalid", "table-level-not-on-ladder.json");
  g_autoptr(iop_error) err = NULL;
  const char *message;
  (void) state;

  assert_null (iop_placer_new_from_file (NULL, path, &err));
  assert_non_null (err);
  message = iop_error_get_message (err);
  /* "$.instruments[0].rules[0].levels[3]: level "3.5" is not on the instrument's ladder" */
  assert_true (g_str_has_prefix (message, "$.instruments[0].rules[0].levels[3]"));
  assert_non_null (strstr (message, "3.5"));
  assert_non_null (strstr (message, "ladder"));
  assert_true (g_utf8_validate (message, -1, NULL));
}

/* ------------------------------------------------------------------------------------------ */
/* Threads                                                                                     */

#define N_THREADS 6
#define N_CASES 400

typedef struct {
  iop_placer *placer;
  char **expected; /* N_CASES recommendation JSON texts */
} SharedPlacer;

/* Case @i: an instrument, ratings, co-occurring flag and perhaps declared levels. */
static iop_assessment *
thread_case (iop_placer *p, int i)
{
  static const char *const instruments[] = { "asam3", "asam4", "locus", "calocus" };
  iop_assessment *a = iop_assessment_new (p, instruments[i % 4], NULL);
  size_t n = iop_assessment_get_n_dimensions (a);
  int r[8];

  for (size_t d = 0; d < n; d++)
    r[d] = i % 4 < 2 ? (i / 4 + (int) d * 3 + i % 7) % 5 : (i + (int) d * 2) % 5 + 1;
  if (!iop_assessment_set_ratings (a, r, n, NULL))
    g_error ("thread case %d: bad ratings", i);
  iop_assessment_set_co_occurring (a, i % 3 == 0);
  if (i % 5 == 0)
    iop_assessment_add_available_level (a, i % 4 == 0 ? "3.7" : i % 4 == 1 ? "4" : "6", NULL);
  return a;
}

static gpointer
place_shared (gpointer data)
{
  SharedPlacer *shared = data;
  iop_recommendation *reused = iop_recommendation_new ();
  gsize same = 0;

  for (int round = 0; round < 2; round++)
    for (int i = 0; i < N_CASES; i++)
      {
        iop_assessment *a = thread_case (shared->placer, i);
        iop_recommendation *rec = iop_placer_place (shared->placer, a, NULL);
        char *json = rec != NULL ? iop_recommendation_to_json (rec) : NULL;
        char *json_reused = NULL;
        if (iop_placer_place_into (shared->placer, a, reused, NULL))
          json_reused = iop_recommendation_to_json (reused);
        if (json != NULL && json_reused != NULL && strcmp (json, shared->expected[i]) == 0 &&
            strcmp (json_reused, json) == 0)
          same++;
        iop_free (json);
        iop_free (json_reused);
        iop_recommendation_free (rec);
        iop_assessment_free (a);
      }
  iop_recommendation_free (reused);
  return GSIZE_TO_POINTER (same);
}

static void
test_placement_one_placer_is_shared_by_several_threads (void **state)
{
  SharedPlacer shared;
  GThread *threads[N_THREADS];
  gsize total = 0;
  (void) state;

  shared.placer = iop_placer_new_default ();
  shared.expected = g_new0 (char *, N_CASES + 1);
  for (int i = 0; i < N_CASES; i++)
    {
      iop_assessment *a = thread_case (shared.placer, i);
      iop_recommendation *rec = iop_placer_place (shared.placer, a, NULL);
      assert_non_null (rec);
      shared.expected[i] = iop_recommendation_to_json (rec);
      iop_recommendation_free (rec);
      iop_assessment_free (a);
    }
  for (int t = 0; t < N_THREADS; t++)
    threads[t] = g_thread_new ("placer", place_shared, &shared);
  for (int t = 0; t < N_THREADS; t++)
    total += GPOINTER_TO_SIZE (g_thread_join (threads[t]));
  g_strfreev (shared.expected);
  /* The references taken by the threads' assessments and recommendations balanced out: this
   * last unref frees the placer (a leak or a double free shows under valgrind / ASan). */
  iop_placer_unref (shared.placer);
  assert_int_equal (total, (gsize) N_THREADS * 2 * N_CASES);
}

/* ------------------------------------------------------------------------------------------ */
/* Alternatives                                                                                */

/* "level 3.5; alternatives 3.5 insufficient, 3.7 capped" */
static void
append_summary (GString *out, const iop_recommendation *rec)
{
  g_string_append_printf (out, "level %s; alternatives", or_null (code_of (iop_recommendation_get_level (rec))));
  for (size_t i = 0; i < iop_recommendation_get_n_alternatives (rec); i++)
    g_string_append_printf (out, "%s %s %s", i ? "," : "", iop_recommendation_get_alternative_code (rec, i),
                            iop_recommendation_get_alternative_reason (rec, i));
}

/* An alternative is a level "considered and not chosen (never the recommended level)": neither
 * the level of care nor the withdrawal-management level is ever listed, whatever set them. */
static void
test_placement_chosen_level_is_never_an_alternative (void **state)
{
  static const struct { const char *pack, *instrument; iop_age_group age; } sweeps[] = {
    { NULL, "asam3", IOP_AGE_ADULT }, { NULL, "asam4", IOP_AGE_ADULT },
    { "louisiana-inpatient-cap.json", "asam3", IOP_AGE_ADULT },
    { "minimums-and-overrides.json", "asam3", IOP_AGE_ADOLESCENT },
  };
  GString *report = g_string_new (NULL);
  unsigned bad = 0, checked = 0;
  (void) state;

  for (size_t k = 0; k < G_N_ELEMENTS (sweeps); k++)
    {
      iop_placer *p = sweeps[k].pack ? load_pack (sweeps[k].pack) : iop_placer_new_default ();
      iop_assessment *a = iop_assessment_new (p, sweeps[k].instrument, NULL);
      iop_recommendation *rec = iop_recommendation_new ();
      iop_assessment_set_age_group (a, sweeps[k].age);
      for (int i = 0; i < 5 * 5 * 5 * 5 * 5 * 5; i++)
        {
          int r[6];
          const char *level, *wm;
          for (int d = 0, v = i; d < 6; d++, v /= 5)
            r[d] = v % 5;
          if (!iop_assessment_set_ratings (a, r, 6, NULL) || !iop_placer_place_into (p, a, rec, NULL))
            {
              bad++;
              continue;
            }
          checked++;
          level = code_of (iop_recommendation_get_level (rec));
          wm = code_of (iop_recommendation_get_withdrawal_level (rec));
          if ((alternative_reason (rec, level) != NULL || (wm != NULL && alternative_reason (rec, wm) != NULL)) &&
              bad++ < 3)
            {
              g_string_append_printf (report, "\n  %s %s %d%d%d%d%d%d: ", or_null (sweeps[k].pack),
                                      sweeps[k].instrument, r[0], r[1], r[2], r[3], r[4], r[5]);
              append_summary (report, rec);
            }
        }
      iop_recommendation_free (rec);
      iop_assessment_free (a);
      iop_placer_unref (p);
    }
  if (bad > 0)
    {
      print_error ("%u recommendations list their own level as an alternative:%s\n", bad, report->str);
      g_string_free (report, TRUE);
      fail ();
    }
  g_string_free (report, TRUE);
  assert_int_equal (checked, 4 * 15625);
}

/* ------------------------------------------------------------------------------------------ */
/* Assessments placed by another placer. The test gathers its findings, frees everything and
 * only then fails, so that it stays clean under valgrind.                                    */

/* iop_placer_place() accepts an assessment made for another pack with the same instrument and
 * dimensions. Every placer loaded without an explicit continuum has its own instance of the
 * built-in continuum, so declared available levels must be matched by edition and code, not by
 * pointer: a second default placer, or a user pack, still steps an unavailable level up. */
static void
test_placement_available_levels_hold_for_another_placer (void **state)
{
  iop_placer *a_placer = iop_placer_new_default ();
  iop_placer *b_placer = iop_placer_new_default ();
  iop_placer *user = load_pack ("asam3-d3-rated-2-is-2-5.json");
  iop_assessment *up = make_assessment (a_placer, "asam3", RATINGS (0, 0, 2, 0, 0, 0));
  iop_assessment *kept = make_assessment (a_placer, "asam3", RATINGS (0, 0, 2, 0, 0, 0));
  GString *report = g_string_new (NULL);
  struct { const char *what; iop_placer *placer; iop_assessment *a; const char *level; bool reason; } cases[] = {
    { "same placer, 2.1 unavailable", a_placer, up, "2.5", true },
    { "second default placer, 2.1 unavailable", b_placer, up, "2.5", true },
    { "second default placer, 2.1 available", b_placer, kept, "2.1", false },
    { "user pack, 2.5 available", user, up, "2.5", false },
  };
  (void) state;

  add_available (up, "2.5");
  add_available (up, "3.1");
  add_available (kept, "2.1");
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      iop_recommendation *rec = iop_placer_place (cases[i].placer, cases[i].a, NULL);
      const char *level = rec != NULL ? code_of (iop_recommendation_get_level (rec)) : NULL;
      bool availability_reason = rec != NULL && (has_reason (rec, "stepped-up-unavailable") ||
                                                 has_reason (rec, "no-available-level"));
      if (g_strcmp0 (level, cases[i].level) != 0 || availability_reason != cases[i].reason)
        {
          g_string_append_printf (report, "\n  %s: expected %s %s an availability reason, got %s%s",
                                  cases[i].what, cases[i].level, cases[i].reason ? "with" : "without",
                                  or_null (level), availability_reason ? " with one:" : "");
          for (size_t k = 0; rec != NULL && k < iop_recommendation_get_n_reasons (rec); k++)
            if (strstr (iop_recommendation_get_reason_code (rec, k), "avail") != NULL)
              g_string_append_printf (report, " %s", iop_recommendation_get_reason_code (rec, k));
        }
      iop_recommendation_free (rec);
    }
  iop_assessment_free (up);
  iop_assessment_free (kept);
  iop_placer_unref (user);
  iop_placer_unref (b_placer);
  iop_placer_unref (a_placer);
  iop_test_finish_report (report, "declared available levels are lost across placers");
}

/* ------------------------------------------------------------------------------------------ */

int
main (void)
{
  const struct CMUnitTest tests[] = {
    /* Placer and built-in pack */
    cmocka_unit_test (test_placement_default_pack_has_id_version_and_four_instruments),
    cmocka_unit_test (test_placement_default_instruments_have_the_published_dimensions),
    cmocka_unit_test (test_placement_default_pack_json_loads_back_to_the_same_placements),
    cmocka_unit_test (test_placement_placer_keeps_a_given_continuum_alive),
    cmocka_unit_test (test_placement_ref_returns_the_same_instance_and_objects_keep_it_alive),
    cmocka_unit_test (test_placement_missing_file_is_an_io_error_without_path),
    /* Dimension tables */
    cmocka_unit_test (test_placement_asam3_each_dimension_table_entry_sets_the_level),
    cmocka_unit_test (test_placement_asam4_each_dimension_table_entry_sets_the_level),
    cmocka_unit_test (test_placement_dimension_table_does_not_bind_when_another_dimension_is_higher),
    cmocka_unit_test (test_placement_asam3_d2_rated_3_is_3_7_bound_by_d2),
    cmocka_unit_test (test_placement_asam3_d3_rated_3_is_3_5_bound_by_d3),
    /* Not averaged; least intensive; binding */
    cmocka_unit_test (test_placement_ratings_are_never_averaged),
    cmocka_unit_test (test_placement_every_asam_rating_combination_follows_the_highest_risk_dimension),
    cmocka_unit_test (test_placement_all_zero_gives_the_lowest_ladder_level),
    cmocka_unit_test (test_placement_least_intensive_reason_is_absent_for_composite_instruments),
    cmocka_unit_test (test_placement_tied_dimensions_are_all_binding_in_dimension_order),
    cmocka_unit_test (test_placement_a_single_highest_dimension_is_the_only_binding_one),
    /* Qualifying dimensions */
    cmocka_unit_test (test_placement_dimensions_4_to_6_alone_never_reach_level_4),
    cmocka_unit_test (test_placement_dimension_2_rated_4_reaches_level_4),
    /* Withdrawal management */
    cmocka_unit_test (test_placement_asam3_dimension_1_risk_routes_to_withdrawal_management),
    cmocka_unit_test (test_placement_asam3_low_dimension_1_risk_needs_no_withdrawal_management),
    cmocka_unit_test (test_placement_asam4_has_no_separate_withdrawal_level),
    /* Variant */
    cmocka_unit_test (test_placement_asam4_dimension_1_selects_the_medically_managed_variant),
    cmocka_unit_test (test_placement_asam4_variant_maps_1_5_to_1_7),
    cmocka_unit_test (test_placement_asam4_variant_does_not_apply_below_dimension_1_rated_2),
    cmocka_unit_test (test_placement_asam4_variant_leaves_levels_3_7_and_4_unchanged),
    /* Designations */
    cmocka_unit_test (test_placement_co_occurring_condition_gives_coc),
    cmocka_unit_test (test_placement_co_occurring_with_severe_dimension_3_gives_coe_first_match_wins),
    cmocka_unit_test (test_placement_no_co_occurring_condition_gives_no_designation),
    /* Availability */
    cmocka_unit_test (test_placement_unavailable_level_steps_up_to_the_next_available),
    cmocka_unit_test (test_placement_nothing_more_intensive_available_keeps_the_level),
    cmocka_unit_test (test_placement_no_declared_levels_means_no_restriction),
    cmocka_unit_test (test_placement_available_indicated_level_is_kept_without_availability_reason),
    cmocka_unit_test (test_placement_available_levels_accept_aliases_and_refuse_unknown_codes),
    cmocka_unit_test (test_placement_withdrawal_level_steps_up_along_the_withdrawal_chain),
    cmocka_unit_test (test_placement_withdrawal_level_is_kept_when_no_withdrawal_level_is_available),
    cmocka_unit_test (test_placement_asam4_step_up_follows_the_variant_levels),
    cmocka_unit_test (test_placement_locus_unavailable_level_steps_up),
    cmocka_unit_test (test_placement_pack_without_availability_rule_does_not_step_up),
    /* Composite bands */
    cmocka_unit_test (test_placement_locus_band_edges_give_the_published_levels),
    cmocka_unit_test (test_placement_calocus_band_edges_give_the_published_levels),
    cmocka_unit_test (test_placement_every_locus_and_calocus_composite_maps_to_its_band),
    cmocka_unit_test (test_placement_locus_level_depends_on_the_composite_only),
    cmocka_unit_test (test_placement_composite_band_raises_the_table_level),
    cmocka_unit_test (test_placement_asam_has_no_composite),
    /* Assessments */
    cmocka_unit_test (test_placement_assessment_new_starts_empty_adult_without_co_occurring),
    cmocka_unit_test (test_placement_assessment_new_refuses_an_unknown_instrument),
    cmocka_unit_test (test_placement_set_rating_refuses_out_of_range_without_quoting_it),
    cmocka_unit_test (test_placement_set_rating_refuses_an_unknown_dimension),
    cmocka_unit_test (test_placement_set_ratings_needs_one_rating_per_dimension),
    cmocka_unit_test (test_placement_set_ratings_refuses_a_rating_out_of_range_naming_the_dimension),
    cmocka_unit_test (test_placement_is_complete_needs_every_dimension),
    cmocka_unit_test (test_placement_assessment_copy_is_independent),
    cmocka_unit_test (test_placement_set_assessor_checks_calendar_dates),
    cmocka_unit_test (test_placement_age_group_and_co_occurring_setters),
    cmocka_unit_test (test_placement_place_refuses_a_missing_dimension_naming_it),
    cmocka_unit_test (test_placement_assessment_is_placed_by_another_pack_with_the_same_instrument),
    cmocka_unit_test (test_placement_assessment_from_another_pack_is_checked_against_its_ranges),
    /* Assessment documents */
    cmocka_unit_test (test_placement_assessment_json_round_trip_is_byte_identical),
    cmocka_unit_test (test_placement_assessment_documents_load_and_write_back_byte_identically),
    cmocka_unit_test (test_placement_assessment_document_fields_are_read),
    cmocka_unit_test (test_placement_assessment_json_accepts_aliases_and_omitted_members),
    cmocka_unit_test (test_placement_invalid_assessments_fail_with_the_expected_code_and_path),
    cmocka_unit_test (test_placement_invalid_assessment_corpus_matches_the_table),
    /* Recommendations */
    cmocka_unit_test (test_placement_empty_recommendation_answers_safely),
    cmocka_unit_test (test_placement_recommendation_accessors_are_null_out_of_range),
    cmocka_unit_test (test_placement_recommendation_to_json_explains_an_asam_placement),
    cmocka_unit_test (test_placement_recommendation_to_json_of_locus_has_the_composite),
    cmocka_unit_test (test_placement_recommendation_to_json_of_an_empty_recommendation),
    /* Reuse */
    cmocka_unit_test (test_placement_place_into_gives_the_same_results_as_place),
    cmocka_unit_test (test_placement_place_into_reuses_one_recommendation_10000_times),
    cmocka_unit_test (test_placement_place_into_error_leaves_the_recommendation_empty),
    cmocka_unit_test (test_placement_reason_texts_stay_valid_until_reuse),
    /* User packs */
    cmocka_unit_test (test_placement_user_pack_from_a_file_changes_the_outcome),
    cmocka_unit_test (test_placement_louisiana_cap_fires_without_two_qualifying_dimensions),
    cmocka_unit_test (test_placement_louisiana_cap_does_not_fire_with_two_dimensions_including_d1_to_d3),
    cmocka_unit_test (test_placement_minimum_rules_with_any_sum_and_age_group),
    cmocka_unit_test (test_placement_first_matching_override_wins),
    cmocka_unit_test (test_placement_locus_grid_pack_encodes_independent_criteria),
    cmocka_unit_test (test_placement_every_valid_pack_loads),
    /* Invalid packs */
    cmocka_unit_test (test_placement_invalid_packs_fail_with_the_expected_code_and_path),
    cmocka_unit_test (test_placement_invalid_pack_corpus_matches_the_table),
    cmocka_unit_test (test_placement_pack_error_names_the_rule_and_what_is_wrong),
    /* Threads */
    cmocka_unit_test (test_placement_one_placer_is_shared_by_several_threads),
    /* Alternatives */
    cmocka_unit_test (test_placement_chosen_level_is_never_an_alternative),
    /* Another placer */
    cmocka_unit_test (test_placement_available_levels_hold_for_another_placer),
  };
  iop_test_apply_filters ();
  return cmocka_run_group_tests_name ("placement", tests, NULL, NULL);
}
