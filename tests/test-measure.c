/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Unit tests for iop-measure.h: the built-in measures pack (PHQ-9, GAD-7, AUDIT, AUDIT-C,
 * DAST-10, BAM), scoring at every band edge, reverse-scored items, restricted answer sets, safety
 * and screening flags (sex-specific cut-offs included), the BAM's composite scales, validation
 * of answers (messages never quote them), score copies and JSON, measurement series (date order,
 * baseline, change, response, remission, the JSON round trip and its PHI-safe errors), user
 * packs that add instruments without C code, the strict validation of packs, and sharing one
 * measure set across threads.
 *
 * Expected values come from the published scoring rules (docs/sources.md, the reference domain
 * sheet §7), written out here independently of libiop/data/measures.json: the answer sets and
 * points of every instrument live in instrument_specs[] and the bands in band_edges[].
 * test_measure_band_edge_table_covers_every_band_of_the_default_pack reads the pack with
 * json-glib and fails when a band edge of any instrument has no row in band_edges[].
 *
 * Test data (tests/data/measures):
 *   valid/NAME.json              measures packs that must load (minimal.json is the base of the
 *                                invalid corpus; custom-instrument.json adds instruments;
 *                                extension-members.json carries "x-" members everywhere;
 *                                docs-weekly-check-in.json is the example of docs/json-formats.md).
 *   invalid/NAME.json            measures packs that must be rejected, one defect each, derived
 *                                from valid/minimal.json ("$comment" names the defect); expected
 *                                code and JSON path in invalid_packs[].
 *   series/valid/NAME.json       measure series documents that must load.
 *   series/invalid/NAME.json     series documents that must be rejected; expected code, path and
 *                                a value the message must not quote in invalid_series[].
 * test_measure_invalid_corpus_matches_the_tables fails when a file has no row or a row no file.
 *
 * The JSON output is checked by parsing it with json-glib, independently of libiop's reader.
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

#define MEASURES_DATA IOP_TEST_DATA_DIR "/measures"
#define MAX_ITEMS 17 /* the BAM */
#define MAX_TOTAL 40 /* the AUDIT */

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                     */

static const iop_instrument *
instrument (const iop_measure_set *set, const char *id)
{
  const iop_instrument *inst = iop_measure_set_lookup_instrument (set, id);
  if (inst == NULL)
    fail_msg ("no instrument \"%s\"", id);
  return inst;
}

/* Scores answers that must be valid. */
static iop_score *
score_ok (const iop_instrument *inst, const int *answers, size_t n, iop_sex sex)
{
  iop_error *err = NULL;
  iop_score *score = iop_instrument_score (inst, answers, n, sex, &err);
  if (score == NULL)
    fail_msg ("%s: scoring failed: %s", iop_instrument_get_id (inst),
              err ? iop_error_get_message (err) : "(no error)");
  assert_null (err);
  return score;
}

/* Scores answers that must be refused; returns the error (never a score). */
static iop_error *
score_fails (const iop_instrument *inst, const int *answers, size_t n, iop_sex sex)
{
  iop_error *err = NULL;
  iop_score *score = iop_instrument_score (inst, answers, n, sex, &err);
  if (score != NULL)
    {
      iop_score_free (score);
      iop_error_free (err);
      fail_msg ("%s: scoring succeeded, expected an error", iop_instrument_get_id (inst));
    }
  assert_non_null (err);
  /* Without an error location it fails the same way. */
  assert_null (iop_instrument_score (inst, answers, n, sex, NULL));
  return err;
}

static char *
data_path (const char *dir, const char *file)
{
  return g_build_filename (MEASURES_DATA, dir, file, NULL);
}

static iop_measure_set *
load_data_pack (const char *file)
{
  g_autofree char *path = data_path ("valid", file);
  iop_error *err = NULL;
  iop_measure_set *set = iop_measure_set_new_from_file (path, &err);
  if (set == NULL)
    fail_msg ("%s: %s", path, iop_error_get_message (err));
  assert_null (err);
  return set;
}

static char *
read_data_file (const char *dir, const char *file)
{
  g_autofree char *path = data_path (dir, file);
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    fail_msg ("cannot read %s", path);
  return text;
}

#define J(node, ...) json_at ((node), __VA_ARGS__, (const char *) NULL)

static const char *
json_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    fail_msg ("expected a JSON string");
  return json_node_get_string (node);
}

static gint64
json_int (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    fail_msg ("expected a JSON integer");
  return json_node_get_int (node);
}

static bool
json_is_null (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_NULL (node);
}

static JsonArray *
json_array (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    fail_msg ("expected a JSON array");
  return json_node_get_array (node);
}

/* ------------------------------------------------------------------------------------------ */
/* The published scoring rules, written out independently of the pack                          */

typedef struct {
  int n;
  int codes[5];  /* allowed answer codes */
  int points[5]; /* points of each code */
} ItemSpec;

static const ItemSpec LIKERT_0_3 = { 4, { 0, 1, 2, 3 }, { 0, 1, 2, 3 } };
static const ItemSpec LIKERT_0_4 = { 5, { 0, 1, 2, 3, 4 }, { 0, 1, 2, 3, 4 } };
static const ItemSpec AUDIT_0_2_4 = { 3, { 0, 2, 4 }, { 0, 2, 4 } };
static const ItemSpec YES_NO = { 2, { 0, 1 }, { 0, 1 } };
static const ItemSpec YES_NO_REVERSED = { 2, { 0, 1 }, { 1, 0 } }; /* "no" = 1 point */

typedef struct {
  const char *id;
  size_t n_items;
  int max_total; /* -1: no primary scale */
} InstrumentSpec;

static const InstrumentSpec instrument_specs[] = {
  { "phq9", 9, 27 },
  { "gad7", 7, 21 },
  { "audit", 10, 40 },
  { "audit-c", 3, 12 },
  { "dast10", 10, 10 },
  { "bam", 17, -1 },
};

static const InstrumentSpec *
instrument_spec (const char *id)
{
  for (size_t i = 0; i < G_N_ELEMENTS (instrument_specs); i++)
    if (strcmp (instrument_specs[i].id, id) == 0)
      return &instrument_specs[i];
  fail_msg ("no spec for %s", id);
  return NULL;
}

/* The answer set and points of item @index (0-based) of instrument @id. */
static const ItemSpec *
item_spec (const char *id, size_t index)
{
  if (strcmp (id, "phq9") == 0 || strcmp (id, "gad7") == 0)
    return &LIKERT_0_3;
  if (strcmp (id, "audit") == 0)
    return index >= 8 ? &AUDIT_0_2_4 : &LIKERT_0_4; /* items 9 and 10: 0, 2 or 4 */
  if (strcmp (id, "audit-c") == 0 || strcmp (id, "bam") == 0)
    return &LIKERT_0_4;
  if (strcmp (id, "dast10") == 0)
    return index == 2 ? &YES_NO_REVERSED : &YES_NO; /* item 3 reverse-scored */
  fail_msg ("no item spec for %s", id);
  return NULL;
}

typedef enum { FILL_FIRST_ITEMS, FILL_LAST_ITEMS } FillOrder;

/* Builds answers for instrument @id that score exactly @target points (every item counts
 * towards the total). FILL_FIRST_ITEMS puts the points on the first items, FILL_LAST_ITEMS on
 * the last ones, so each total is reached through two different answer vectors. */
static void
answers_for_total (const char *id, int target, FillOrder order, int *answers, size_t *n_answers)
{
  const InstrumentSpec *spec = instrument_spec (id);
  size_t n = spec->n_items;
  /* reach[i][t]: items i..n-1 can score exactly t (FILL_FIRST_ITEMS); items 0..i-1 can
   * (FILL_LAST_ITEMS, stored at [n - i]). */
  bool reach[MAX_ITEMS + 1][MAX_TOTAL + 1];

  assert_true (n <= MAX_ITEMS);
  assert_true (target >= 0 && target <= MAX_TOTAL);
  memset (reach, 0, sizeof reach);
  reach[n][0] = true;
  for (size_t step = 0; step < n; step++)
    {
      size_t i = n - 1 - step; /* position in the DP */
      size_t item = order == FILL_FIRST_ITEMS ? i : n - 1 - i;
      const ItemSpec *is = item_spec (id, item);
      for (int t = 0; t <= MAX_TOTAL; t++)
        for (int k = 0; k < is->n; k++)
          if (is->points[k] <= t && reach[i + 1][t - is->points[k]])
            reach[i][t] = true;
    }
  if (!reach[0][target])
    fail_msg ("%s cannot score exactly %d", id, target);
  for (size_t i = 0, t = (size_t) target; i < n; i++)
    {
      size_t item = order == FILL_FIRST_ITEMS ? i : n - 1 - i;
      const ItemSpec *is = item_spec (id, item);
      int best = -1;
      /* The answer worth the most points that still leaves @t reachable. */
      for (int k = 0; k < is->n; k++)
        if ((size_t) is->points[k] <= t && reach[i + 1][t - (size_t) is->points[k]] &&
            (best < 0 || is->points[k] > is->points[best]))
          best = k;
      assert_true (best >= 0);
      answers[item] = is->codes[best];
      t -= (size_t) is->points[best];
    }
  *n_answers = n;
}

/* ------------------------------------------------------------------------------------------ */
/* The built-in pack: catalog and instrument metadata                                          */

static void
test_measure_default_set_has_id_version_and_six_instruments (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  static const char *const ids[] = { "phq9", "gad7", "audit", "audit-c", "dast10", "bam" };
  (void) state;

  assert_non_null (set);
  assert_string_equal (iop_measure_set_get_id (set), "libiop-default-measures");
  assert_non_null (iop_measure_set_get_version (set));
  assert_true (strlen (iop_measure_set_get_version (set)) > 0);
  assert_int_equal (iop_measure_set_get_n_instruments (set), G_N_ELEMENTS (ids));
  for (size_t i = 0; i < G_N_ELEMENTS (ids); i++)
    assert_string_equal (iop_instrument_get_id (iop_measure_set_get_instrument (set, i)), ids[i]);
  assert_null (iop_measure_set_get_instrument (set, G_N_ELEMENTS (ids)));
  assert_null (iop_measure_set_get_instrument (set, SIZE_MAX));
}

typedef struct {
  const char *id, *name, *abbreviation, *loinc;
  int lookback_days;
  size_t n_items;
  const char *scales[3];
  bool outcome_rules;
} InstrumentMeta;

static const InstrumentMeta instrument_meta[] = {
  { "phq9", "Patient Health Questionnaire-9", "PHQ-9", "44261-6", 14, 9, { "total" }, true },
  { "gad7", "Generalized Anxiety Disorder-7", "GAD-7", "70274-6", 14, 7, { "total" }, true },
  { "audit", "Alcohol Use Disorders Identification Test", "AUDIT", NULL, 365, 10, { "total" }, false },
  { "audit-c", "AUDIT-Consumption", "AUDIT-C", "75626-2", 365, 3, { "total" }, false },
  { "dast10", "Drug Abuse Screening Test-10", "DAST-10", NULL, 365, 10, { "total" }, false },
  { "bam", "Brief Addiction Monitor", "BAM", NULL, 30, 17, { "use", "risk", "protective" }, false },
};

static void
test_measure_instrument_metadata_matches_the_published_instruments (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (instrument_meta); i++)
    {
      const InstrumentMeta *m = &instrument_meta[i];
      const iop_instrument *inst = instrument (set, m->id);
      size_t n_scales = 0;

      assert_string_equal (iop_instrument_get_id (inst), m->id);
      assert_string_equal (iop_instrument_get_name (inst), m->name);
      assert_string_equal (iop_instrument_get_abbreviation (inst), m->abbreviation);
      assert_str (iop_instrument_get_loinc (inst), m->loinc);
      assert_int_equal (iop_instrument_get_lookback_days (inst), m->lookback_days);
      assert_int_equal (iop_instrument_get_n_items (inst), m->n_items);
      assert_int_equal (iop_instrument_get_n_items (inst), instrument_spec (m->id)->n_items);
      assert_int_equal (iop_instrument_has_outcome_rules (inst), m->outcome_rules);
      while (n_scales < G_N_ELEMENTS (m->scales) && m->scales[n_scales] != NULL)
        n_scales++;
      assert_int_equal (iop_instrument_get_n_scales (inst), n_scales);
      for (size_t s = 0; s < n_scales; s++)
        assert_string_equal (iop_instrument_get_scale_id (inst, s), m->scales[s]);
      assert_null (iop_instrument_get_scale_id (inst, n_scales));

      /* Items are "1".."n" with a non-empty label; out of range is NULL. */
      for (size_t k = 0; k < m->n_items; k++)
        {
          g_autofree char *expected = g_strdup_printf ("%zu", k + 1);
          const char *label = iop_instrument_get_item_label (inst, k);
          assert_string_equal (iop_instrument_get_item_id (inst, k), expected);
          assert_non_null (label);
          assert_true (strlen (label) > 0);
        }
      assert_null (iop_instrument_get_item_id (inst, m->n_items));
      assert_null (iop_instrument_get_item_label (inst, m->n_items));
      assert_null (iop_instrument_get_item_id (inst, SIZE_MAX));
    }
  assert_string_equal (iop_instrument_get_item_label (instrument (set, "phq9"), 8),
                       "Thoughts of death or self-harm");
  assert_string_equal (iop_instrument_get_item_label (instrument (set, "dast10"), 2),
                       "Able to stop using when wanted");
}

static void
test_measure_lookup_matches_id_and_abbreviation_case_insensitively (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  static const struct { const char *query, *id; } hits[] = {
    { "phq9", "phq9" }, { "PHQ9", "phq9" }, { "PHQ-9", "phq9" }, { "phq-9", "phq9" },
    { "Phq-9", "phq9" }, { "gad7", "gad7" }, { "GAD-7", "gad7" }, { "Gad-7", "gad7" },
    { "audit", "audit" }, { "AUDIT", "audit" }, { "audit-c", "audit-c" },
    { "AUDIT-C", "audit-c" }, { "Audit-C", "audit-c" }, { "dast10", "dast10" },
    { "DAST-10", "dast10" }, { "dast-10", "dast10" }, { "bam", "bam" }, { "BAM", "bam" },
  };
  static const char *const misses[] = { "phq", "phq-", "PHQ-9 ", " phq9", "phq 9", "phq_9",
                                        "audit-", "auditc", "", "gad-2", "c-ssrs" };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (hits); i++)
    {
      const iop_instrument *inst = iop_measure_set_lookup_instrument (set, hits[i].query);
      if (inst == NULL)
        fail_msg ("\"%s\" found nothing", hits[i].query);
      assert_string_equal (iop_instrument_get_id (inst), hits[i].id);
      /* Always the set's own instrument, not a copy. */
      assert_ptr_equal (inst, iop_measure_set_lookup_instrument (set, hits[i].id));
    }
  for (size_t i = 0; i < G_N_ELEMENTS (misses); i++)
    if (iop_measure_set_lookup_instrument (set, misses[i]) != NULL)
      fail_msg ("\"%s\" should match no instrument", misses[i]);
}

static void
test_measure_is_valid_answer_follows_each_items_answer_set (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  (void) state;

  /* Every instrument, every item, every code from -2 to 6: allowed exactly when the published
   * answer set has it. */
  for (size_t i = 0; i < G_N_ELEMENTS (instrument_specs); i++)
    {
      const iop_instrument *inst = instrument (set, instrument_specs[i].id);
      for (size_t k = 0; k < instrument_specs[i].n_items; k++)
        {
          const ItemSpec *is = item_spec (instrument_specs[i].id, k);
          for (int answer = -2; answer <= 6; answer++)
            {
              bool expected = false;
              for (int c = 0; c < is->n; c++)
                expected |= is->codes[c] == answer;
              if (iop_instrument_is_valid_answer (inst, k, answer) != expected)
                fail_msg ("%s item %zu answer %d: expected %s", instrument_specs[i].id, k + 1,
                          answer, expected ? "allowed" : "refused");
            }
        }
      /* Out of range: never valid. */
      assert_false (iop_instrument_is_valid_answer (inst, instrument_specs[i].n_items, 0));
      assert_false (iop_instrument_is_valid_answer (inst, SIZE_MAX, 0));
    }
  /* Spot checks that read like the instruments. */
  assert_true (iop_instrument_is_valid_answer (instrument (set, "audit"), 8, 2));
  assert_false (iop_instrument_is_valid_answer (instrument (set, "audit"), 8, 3));
  assert_false (iop_instrument_is_valid_answer (instrument (set, "audit"), 9, 1));
  assert_true (iop_instrument_is_valid_answer (instrument (set, "audit"), 7, 3));
  assert_false (iop_instrument_is_valid_answer (instrument (set, "phq9"), 0, 4));
  assert_false (iop_instrument_is_valid_answer (instrument (set, "dast10"), 2, 2));
}

/* ------------------------------------------------------------------------------------------ */
/* Band edges (every edge of every instrument)                                                 */

typedef struct {
  const char *instrument;
  int total;
  const char *band;  /* NULL: the primary scale has no bands */
  const char *label;
} BandEdge;

static const BandEdge band_edges[] = {
  /* PHQ-9 (Kroenke 2001): 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe,
   * 20-27 severe. */
  { "phq9", 0, "minimal", "None to minimal" },
  { "phq9", 4, "minimal", "None to minimal" },
  { "phq9", 5, "mild", "Mild" },
  { "phq9", 9, "mild", "Mild" },
  { "phq9", 10, "moderate", "Moderate" },
  { "phq9", 14, "moderate", "Moderate" },
  { "phq9", 15, "moderately-severe", "Moderately severe" },
  { "phq9", 19, "moderately-severe", "Moderately severe" },
  { "phq9", 20, "severe", "Severe" },
  { "phq9", 27, "severe", "Severe" },
  /* GAD-7 (Spitzer 2006): 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe. */
  { "gad7", 0, "minimal", "Minimal" },
  { "gad7", 4, "minimal", "Minimal" },
  { "gad7", 5, "mild", "Mild" },
  { "gad7", 9, "mild", "Mild" },
  { "gad7", 10, "moderate", "Moderate" },
  { "gad7", 14, "moderate", "Moderate" },
  { "gad7", 15, "severe", "Severe" },
  { "gad7", 21, "severe", "Severe" },
  /* AUDIT (WHO 2001): zones I 0-7, II 8-15, III 16-19, IV 20-40. */
  { "audit", 0, "zone-1", "Zone I: low risk" },
  { "audit", 7, "zone-1", "Zone I: low risk" },
  { "audit", 8, "zone-2", "Zone II: increasing risk" },
  { "audit", 15, "zone-2", "Zone II: increasing risk" },
  { "audit", 16, "zone-3", "Zone III: higher risk" },
  { "audit", 19, "zone-3", "Zone III: higher risk" },
  { "audit", 20, "zone-4", "Zone IV: possible dependence" },
  { "audit", 40, "zone-4", "Zone IV: possible dependence" },
  /* AUDIT-C: a total without bands (the screen is a sex-specific flag). */
  { "audit-c", 0, NULL, NULL },
  { "audit-c", 3, NULL, NULL },
  { "audit-c", 4, NULL, NULL },
  { "audit-c", 12, NULL, NULL },
  /* DAST-10 (Skinner 1982): 0 none, 1-2 low, 3-5 moderate, 6-8 substantial, 9-10 severe. */
  { "dast10", 0, "none", "No problems reported" },
  { "dast10", 1, "low", "Low level" },
  { "dast10", 2, "low", "Low level" },
  { "dast10", 3, "moderate", "Moderate level" },
  { "dast10", 5, "moderate", "Moderate level" },
  { "dast10", 6, "substantial", "Substantial level" },
  { "dast10", 8, "substantial", "Substantial level" },
  { "dast10", 9, "severe", "Severe level" },
  { "dast10", 10, "severe", "Severe level" },
};

static void
check_band (const iop_score *score, const char *what, int total, const char *band, const char *label)
{
  if (iop_score_get_total (score) != total)
    fail_msg ("%s: total %d, expected %d", what, iop_score_get_total (score), total);
  assert_true (iop_score_has_total (score));
  assert_int_equal (iop_score_get_scale (score, "total"), total);
  if (g_strcmp0 (iop_score_get_band (score), band) != 0)
    fail_msg ("%s (total %d): band %s, expected %s", what, total,
              iop_score_get_band (score) ? iop_score_get_band (score) : "(null)",
              band ? band : "(null)");
  assert_str (iop_score_get_band_label (score), label);
  assert_str (iop_score_get_scale_band (score, "total"), band);
}

static void
test_measure_band_edges_give_the_published_band (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (band_edges); i++)
    {
      const BandEdge *row = &band_edges[i];
      const iop_instrument *inst = instrument (set, row->instrument);
      for (int order = FILL_FIRST_ITEMS; order <= FILL_LAST_ITEMS; order++)
        {
          int answers[MAX_ITEMS];
          size_t n = 0;
          g_autofree char *what = NULL;
          iop_score *score;

          answers_for_total (row->instrument, row->total, (FillOrder) order, answers, &n);
          what = g_strdup_printf ("%s, answers filled from the %s", row->instrument,
                                  order == FILL_FIRST_ITEMS ? "first item" : "last item");
          score = score_ok (inst, answers, n, IOP_SEX_UNKNOWN);
          check_band (score, what, row->total, row->band, row->label);
          iop_score_free (score);
        }
    }
}

/* The band of @total per band_edges[]: the row at or just below it (every band's min has a
 * row, which test_measure_band_edge_table_covers_every_band_of_the_default_pack checks). */
static const BandEdge *
expected_band (const char *id, int total)
{
  const BandEdge *best = NULL;
  for (size_t i = 0; i < G_N_ELEMENTS (band_edges); i++)
    if (strcmp (band_edges[i].instrument, id) == 0 && band_edges[i].total <= total &&
        (best == NULL || band_edges[i].total > best->total))
      best = &band_edges[i];
  assert_non_null (best);
  return best;
}

static void
test_measure_every_possible_total_falls_in_exactly_its_band (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (instrument_specs); i++)
    {
      const InstrumentSpec *spec = &instrument_specs[i];
      const iop_instrument *inst;
      if (spec->max_total < 0)
        continue;
      inst = instrument (set, spec->id);
      for (int total = 0; total <= spec->max_total; total++)
        {
          const BandEdge *band = expected_band (spec->id, total);
          int answers[MAX_ITEMS];
          size_t n = 0;
          iop_score *score;

          answers_for_total (spec->id, total, FILL_FIRST_ITEMS, answers, &n);
          score = score_ok (inst, answers, n, IOP_SEX_UNKNOWN);
          check_band (score, spec->id, total, band->band, band->label);
          iop_score_free (score);
        }
    }
}

static bool
band_edges_have (const char *id, int total, const char *band, const char *label)
{
  for (size_t i = 0; i < G_N_ELEMENTS (band_edges); i++)
    if (strcmp (band_edges[i].instrument, id) == 0 && band_edges[i].total == total &&
        g_strcmp0 (band_edges[i].band, band) == 0 && g_strcmp0 (band_edges[i].label, label) == 0)
      return true;
  return false;
}

/* The acceptance rule "a test at every band edge of every instrument", enforced against the
 * pack itself: a band added to measures.json without a row in band_edges[] fails here. */
static void
test_measure_band_edge_table_covers_every_band_of_the_default_pack (void **state)
{
  g_autofree char *text = iop_measure_set_default_pack_json ();
  g_autoptr(JsonNode) root = parse_json (text);
  JsonArray *instruments = json_array (J (root, "instruments"));
  unsigned n_edges = 0;
  (void) state;

  for (guint i = 0; i < json_array_get_length (instruments); i++)
    {
      JsonNode *inst = json_array_get_element (instruments, i);
      const char *id = json_string (J (inst, "id"));
      JsonArray *scales = json_array (J (inst, "scales"));
      bool has_primary = false;

      for (guint s = 0; s < json_array_get_length (scales); s++)
        {
          JsonNode *scale = json_array_get_element (scales, s);
          JsonNode *primary = J (scale, "primary");
          JsonNode *bands = J (scale, "bands");
          if (primary == NULL || !json_node_get_boolean (primary))
            {
              /* Only the primary scale of the default pack has bands. */
              assert_null (bands);
              continue;
            }
          has_primary = true;
          if (bands == NULL)
            {
              if (!band_edges_have (id, 0, NULL, NULL))
                fail_msg ("%s: no row for total 0 without a band", id);
              continue;
            }
          for (guint b = 0; b < json_array_get_length (json_array (bands)); b++)
            {
              JsonNode *band = json_array_get_element (json_array (bands), b);
              const char *band_id = json_string (J (band, "id"));
              const char *label = json_string (J (band, "label"));
              int edges[2] = { (int) json_int (J (band, "min")), (int) json_int (J (band, "max")) };
              for (int e = 0; e < 2; e++)
                {
                  if (!band_edges_have (id, edges[e], band_id, label))
                    fail_msg ("%s: band %s edge %d has no row in band_edges[]", id, band_id, edges[e]);
                  n_edges++;
                }
            }
        }
      assert_int_equal (has_primary, instrument_spec (id)->max_total >= 0);
    }
  /* 5 + 4 + 4 + 5 bands, two edges each. */
  assert_int_equal (n_edges, 2 * (5 + 4 + 4 + 5));
}

/* ------------------------------------------------------------------------------------------ */
/* Reverse scoring and restricted answer sets                                                  */

static void
test_measure_dast10_item_3_is_reverse_scored (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  const iop_instrument *dast = instrument (set, "dast10");
  static const struct { int answers[10]; int total; const char *band; } rows[] = {
    /* All "yes": item 3 "yes, able to stop" scores 0. */
    { { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, 9, "severe" },
    /* All "yes" but item 3 "no": every item scores. */
    { { 1, 1, 0, 1, 1, 1, 1, 1, 1, 1 }, 10, "severe" },
    /* All "no": only item 3 ("not able to stop") scores. */
    { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 1, "low" },
    /* All "no" but item 3 "yes": nothing scores. */
    { { 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 }, 0, "none" },
    /* Item 3 alone changes the band from moderate to substantial. */
    { { 1, 1, 1, 1, 1, 1, 0, 0, 0, 0 }, 5, "moderate" },
    { { 1, 1, 0, 1, 1, 1, 0, 0, 0, 0 }, 6, "substantial" },
  };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(iop_score) score = score_ok (dast, rows[i].answers, 10, IOP_SEX_UNKNOWN);
      if (iop_score_get_total (score) != rows[i].total)
        fail_msg ("row %zu: total %d, expected %d", i, iop_score_get_total (score), rows[i].total);
      assert_string_equal (iop_score_get_band (score), rows[i].band);
    }
}

static void
test_measure_dast10_reverse_item_is_serialized_as_the_answer_not_the_points (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  static const int answers[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  g_autoptr(iop_score) score = score_ok (instrument (set, "dast10"), answers, 10, IOP_SEX_UNKNOWN);
  g_autofree char *json = iop_score_to_json (score);
  g_autoptr(JsonNode) root = parse_json (json);
  JsonArray *arr = json_array (J (root, "answers"));
  (void) state;

  assert_int_equal (json_int (J (root, "total")), 1);
  assert_int_equal (json_array_get_length (arr), 10);
  for (guint i = 0; i < 10; i++)
    assert_int_equal (json_array_get_int_element (arr, i), 0);
}

static void
test_measure_audit_items_9_and_10_allow_only_0_2_4 (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  const iop_instrument *audit = instrument (set, "audit");
  int answers[10] = { 0 };
  (void) state;

  /* 2 and 4 are accepted and counted at face value. */
  answers[8] = 2;
  answers[9] = 4;
  {
    g_autoptr(iop_score) score = score_ok (audit, answers, 10, IOP_SEX_UNKNOWN);
    assert_int_equal (iop_score_get_total (score), 6);
  }
  answers[8] = 4;
  answers[9] = 2;
  {
    g_autoptr(iop_score) score = score_ok (audit, answers, 10, IOP_SEX_UNKNOWN);
    assert_int_equal (iop_score_get_total (score), 6);
  }

  /* 1 and 3 are refused, naming the item (and not quoting the answer). */
  for (int bad = 1; bad <= 3; bad += 2)
    for (int item = 9; item <= 10; item++)
      {
        g_autoptr(iop_error) err = NULL;
        g_autofree char *name = g_strdup_printf ("item %d", item);
        g_autofree char *quoted = g_strdup_printf ("%d", bad);
        int v[10] = { 0 };
        v[item - 1] = bad;
        err = score_fails (audit, v, 10, IOP_SEX_UNKNOWN);
        assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
        assert_null (iop_error_get_path (err));
        if (strstr (iop_error_get_message (err), name) == NULL)
          fail_msg ("\"%s\" does not name %s", iop_error_get_message (err), name);
        /* "AUDIT item 9: ... (0, 2, 4)": neither 1 nor 3 occurs unless quoted. */
        if (strstr (iop_error_get_message (err) + strlen ("AUDIT item 1"), quoted) != NULL)
          fail_msg ("\"%s\" quotes the answer %d", iop_error_get_message (err), bad);
      }

  /* Items 1-8 allow 0-4: the 3s and 4s that items 9-10 refuse. */
  for (int item = 0; item < 8; item++)
    for (int v = 0; v <= 4; v++)
      {
        int a[10] = { 0 };
        g_autoptr(iop_score) score = NULL;
        a[item] = v;
        score = score_ok (audit, a, 10, IOP_SEX_UNKNOWN);
        assert_int_equal (iop_score_get_total (score), v);
      }
  {
    static const int worst[10] = { 4, 4, 4, 4, 4, 4, 4, 4, 4, 4 };
    g_autoptr(iop_score) score = score_ok (audit, worst, 10, IOP_SEX_UNKNOWN);
    assert_int_equal (iop_score_get_total (score), 40);
  }
  /* Reference vector: items 1-8 all 2, items 9-10 0 -> 16, zone III. */
  {
    static const int ref[10] = { 2, 2, 2, 2, 2, 2, 2, 2, 0, 0 };
    g_autoptr(iop_score) score = score_ok (audit, ref, 10, IOP_SEX_UNKNOWN);
    assert_int_equal (iop_score_get_total (score), 16);
    assert_string_equal (iop_score_get_band (score), "zone-3");
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Flags                                                                                       */

static void
test_measure_phq9_item_9_raises_an_urgent_flag_at_any_total (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  const iop_instrument *phq9 = instrument (set, "phq9");
  (void) state;

  /* Only item 9 = 1: total 1, minimal, yet an urgent flag. */
  {
    static const int answers[9] = { 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    g_autoptr(iop_score) score = score_ok (phq9, answers, 9, IOP_SEX_UNKNOWN);
    assert_int_equal (iop_score_get_total (score), 1);
    assert_string_equal (iop_score_get_band (score), "minimal");
    assert_int_equal (iop_score_get_n_flags (score), 1);
    assert_string_equal (iop_score_get_flag_id (score, 0), "self-harm-thoughts");
    assert_non_null (iop_score_get_flag_label (score, 0));
    assert_true (strlen (iop_score_get_flag_label (score, 0)) > 0);
    assert_int_equal (iop_score_get_flag_severity (score, 0), IOP_SEVERITY_URGENT);
    assert_true (iop_score_has_flag (score, "self-harm-thoughts"));
    assert_false (iop_score_has_flag (score, "depression-screen-positive"));
    assert_int_equal (iop_score_get_max_severity (score), IOP_SEVERITY_URGENT);
    /* Out of range. */
    assert_null (iop_score_get_flag_id (score, 1));
    assert_null (iop_score_get_flag_label (score, 1));
    assert_int_equal (iop_score_get_flag_severity (score, 1), IOP_SEVERITY_NONE);
  }
  /* Item 9 at 2 and 3 as well. */
  for (int v = 2; v <= 3; v++)
    {
      int answers[9] = { 0 };
      g_autoptr(iop_score) score = NULL;
      answers[8] = v;
      score = score_ok (phq9, answers, 9, IOP_SEX_UNKNOWN);
      assert_true (iop_score_has_flag (score, "self-harm-thoughts"));
      assert_int_equal (iop_score_get_max_severity (score), IOP_SEVERITY_URGENT);
    }
  /* Item 9 = 0 with every other item at 3 (total 24, severe): no self-harm flag. */
  {
    static const int answers[9] = { 3, 3, 3, 3, 3, 3, 3, 3, 0 };
    g_autoptr(iop_score) score = score_ok (phq9, answers, 9, IOP_SEX_UNKNOWN);
    assert_int_equal (iop_score_get_total (score), 27 - 3);
    assert_string_equal (iop_score_get_band (score), "severe");
    assert_false (iop_score_has_flag (score, "self-harm-thoughts"));
    assert_true (iop_score_has_flag (score, "depression-screen-positive"));
    assert_int_equal (iop_score_get_n_flags (score), 1);
    assert_int_equal (iop_score_get_max_severity (score), IOP_SEVERITY_WARNING);
  }
  /* Everything at 3: both flags, in pack order. */
  {
    static const int answers[9] = { 3, 3, 3, 3, 3, 3, 3, 3, 3 };
    g_autoptr(iop_score) score = score_ok (phq9, answers, 9, IOP_SEX_UNKNOWN);
    assert_int_equal (iop_score_get_n_flags (score), 2);
    assert_string_equal (iop_score_get_flag_id (score, 0), "self-harm-thoughts");
    assert_string_equal (iop_score_get_flag_id (score, 1), "depression-screen-positive");
    assert_int_equal (iop_score_get_flag_severity (score, 1), IOP_SEVERITY_WARNING);
    assert_int_equal (iop_score_get_max_severity (score), IOP_SEVERITY_URGENT);
  }
  /* Nothing: no flags. */
  {
    static const int answers[9] = { 0 };
    g_autoptr(iop_score) score = score_ok (phq9, answers, 9, IOP_SEX_UNKNOWN);
    assert_int_equal (iop_score_get_n_flags (score), 0);
    assert_int_equal (iop_score_get_max_severity (score), IOP_SEVERITY_NONE);
    assert_null (iop_score_get_flag_id (score, 0));
    assert_false (iop_score_has_flag (score, "self-harm-thoughts"));
    assert_false (iop_score_has_flag (score, "no-such-flag"));
  }
}

typedef struct {
  const char *instrument;
  int total;
  iop_sex sex;
  const char *flag;
  bool raised;
} FlagEdge;

static const FlagEdge flag_edges[] = {
  /* Screening thresholds: just below and at each cut-off. */
  { "phq9", 9, IOP_SEX_UNKNOWN, "depression-screen-positive", false },
  { "phq9", 10, IOP_SEX_UNKNOWN, "depression-screen-positive", true },
  { "phq9", 27, IOP_SEX_UNKNOWN, "depression-screen-positive", true },
  { "gad7", 9, IOP_SEX_UNKNOWN, "anxiety-screen-positive", false },
  { "gad7", 10, IOP_SEX_UNKNOWN, "anxiety-screen-positive", true },
  { "gad7", 21, IOP_SEX_FEMALE, "anxiety-screen-positive", true },
  { "audit", 19, IOP_SEX_UNKNOWN, "possible-dependence", false },
  { "audit", 20, IOP_SEX_UNKNOWN, "possible-dependence", true },
  { "audit", 40, IOP_SEX_MALE, "possible-dependence", true },
  { "dast10", 5, IOP_SEX_UNKNOWN, "drug-problems-substantial", false },
  { "dast10", 6, IOP_SEX_UNKNOWN, "drug-problems-substantial", true },
  { "dast10", 10, IOP_SEX_UNKNOWN, "drug-problems-substantial", true },
  /* AUDIT-C: 4 or more for men, 3 or more for women, 3 when sex is not recorded. */
  { "audit-c", 3, IOP_SEX_MALE, "alcohol-screen-positive", false },
  { "audit-c", 4, IOP_SEX_MALE, "alcohol-screen-positive", true },
  { "audit-c", 12, IOP_SEX_MALE, "alcohol-screen-positive", true },
  { "audit-c", 2, IOP_SEX_FEMALE, "alcohol-screen-positive", false },
  { "audit-c", 3, IOP_SEX_FEMALE, "alcohol-screen-positive", true },
  { "audit-c", 12, IOP_SEX_FEMALE, "alcohol-screen-positive", true },
  { "audit-c", 2, IOP_SEX_UNKNOWN, "alcohol-screen-positive", false },
  { "audit-c", 3, IOP_SEX_UNKNOWN, "alcohol-screen-positive", true },
  { "audit-c", 0, IOP_SEX_UNKNOWN, "alcohol-screen-positive", false },
};

static void
test_measure_screening_flags_switch_on_exactly_at_the_cut_off (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (flag_edges); i++)
    {
      const FlagEdge *row = &flag_edges[i];
      for (int order = FILL_FIRST_ITEMS; order <= FILL_LAST_ITEMS; order++)
        {
          int answers[MAX_ITEMS];
          size_t n = 0;
          g_autoptr(iop_score) score = NULL;

          answers_for_total (row->instrument, row->total, (FillOrder) order, answers, &n);
          score = score_ok (instrument (set, row->instrument), answers, n, row->sex);
          assert_int_equal (iop_score_get_total (score), row->total);
          if (iop_score_has_flag (score, row->flag) != row->raised)
            fail_msg ("%s total %d (%s): %s %s", row->instrument, row->total,
                      iop_sex_to_string (row->sex), row->flag,
                      row->raised ? "not raised" : "raised");
          if (row->raised)
            assert_true (iop_score_get_max_severity (score) >= IOP_SEVERITY_WARNING);
        }
    }
}

static void
test_measure_audit_c_flag_is_raised_once_and_there_is_no_band (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  const iop_instrument *auditc = instrument (set, "audit-c");
  static const iop_sex sexes[] = { IOP_SEX_UNKNOWN, IOP_SEX_FEMALE, IOP_SEX_MALE };
  static const int worst[3] = { 4, 4, 4 };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (sexes); i++)
    {
      g_autoptr(iop_score) score = score_ok (auditc, worst, 3, sexes[i]);
      g_autofree char *json = iop_score_to_json (score);
      g_autoptr(JsonNode) root = parse_json (json);
      JsonArray *flags = json_array (J (root, "flags"));

      assert_true (iop_score_has_total (score));
      assert_int_equal (iop_score_get_total (score), 12);
      assert_null (iop_score_get_band (score));
      assert_null (iop_score_get_band_label (score));
      assert_null (iop_score_get_scale_band (score, "total"));
      /* Three flag rules share the id; one applies per sex and it is reported once. */
      assert_int_equal (iop_score_get_n_flags (score), 1);
      assert_string_equal (iop_score_get_flag_id (score, 0), "alcohol-screen-positive");
      assert_int_equal (iop_score_get_flag_severity (score, 0), IOP_SEVERITY_WARNING);
      assert_int_equal (json_array_get_length (flags), 1);
      assert_true (json_is_null (J (root, "band")));
      assert_int_equal (json_int (J (root, "total")), 12);
      assert_true (json_is_null (J (root, "scales", "total", "band")));
      assert_string_equal (json_string (J (root, "sex")), iop_sex_to_string (sexes[i]));
    }
  /* The label tells which cut-off applied. */
  {
    static const int three[3] = { 1, 1, 1 };
    g_autoptr(iop_score) female = score_ok (auditc, three, 3, IOP_SEX_FEMALE);
    g_autoptr(iop_score) unknown = score_ok (auditc, three, 3, IOP_SEX_UNKNOWN);
    g_autoptr(iop_score) male = score_ok (auditc, three, 3, IOP_SEX_MALE);
    assert_non_null (strstr (iop_score_get_flag_label (female, 0), "women"));
    assert_non_null (strstr (iop_score_get_flag_label (unknown, 0), "not recorded"));
    assert_int_equal (iop_score_get_n_flags (male), 0);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* The Brief Addiction Monitor                                                                 */

/* Composite membership per item (1-based): 'u' use, 'r' risk, 'p' protective, '-' none. */
static const char bam_membership[17 + 1] = "rrruuu-rpprppprp-";

static void
test_measure_bam_items_count_towards_exactly_their_composite (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  const iop_instrument *bam = instrument (set, "bam");
  (void) state;

  assert_int_equal (strlen (bam_membership), 17);
  for (size_t item = 0; item < 17; item++)
    for (int v = 1; v <= 4; v += 3)
      {
        int answers[17] = { 0 };
        g_autoptr(iop_score) score = NULL;
        char m = bam_membership[item];
        answers[item] = v;
        score = score_ok (bam, answers, 17, IOP_SEX_UNKNOWN);
        if (iop_score_get_scale (score, "use") != (m == 'u' ? v : 0) ||
            iop_score_get_scale (score, "risk") != (m == 'r' ? v : 0) ||
            iop_score_get_scale (score, "protective") != (m == 'p' ? v : 0))
          fail_msg ("BAM item %zu = %d: use %d, risk %d, protective %d", item + 1, v,
                    iop_score_get_scale (score, "use"), iop_score_get_scale (score, "risk"),
                    iop_score_get_scale (score, "protective"));
      }
  /* Items 7 and 17 (unscored) at their maximum change nothing. */
  {
    int answers[17] = { 0 };
    g_autoptr(iop_score) score = NULL;
    answers[6] = 4;
    answers[16] = 4;
    score = score_ok (bam, answers, 17, IOP_SEX_UNKNOWN);
    assert_int_equal (iop_score_get_scale (score, "use"), 0);
    assert_int_equal (iop_score_get_scale (score, "risk"), 0);
    assert_int_equal (iop_score_get_scale (score, "protective"), 0);
  }
}

/* A BAM vector with the three composites at @use, @risk and @protective. */
static void
bam_answers (int use, int risk, int protective, int answers[17])
{
  static const int use_items[] = { 4, 5, 6 };
  static const int risk_items[] = { 1, 2, 3, 8, 11, 15 };
  static const int protective_items[] = { 9, 10, 12, 13, 14, 16 };

  memset (answers, 0, 17 * sizeof (int));
  for (size_t i = 0; i < G_N_ELEMENTS (use_items); i++, use -= MIN (use, 4))
    answers[use_items[i] - 1] = MIN (use, 4);
  for (size_t i = 0; i < G_N_ELEMENTS (risk_items); i++, risk -= MIN (risk, 4))
    answers[risk_items[i] - 1] = MIN (risk, 4);
  for (size_t i = 0; i < G_N_ELEMENTS (protective_items); i++, protective -= MIN (protective, 4))
    answers[protective_items[i] - 1] = MIN (protective, 4);
  answers[6] = 3;  /* item 7: unscored detail */
  answers[16] = 2; /* item 17: unscored */
}

static void
test_measure_bam_flags_follow_the_composite_cut_offs (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  const iop_instrument *bam = instrument (set, "bam");
  static const struct {
    int use, risk, protective;
    bool any_use, risk_concern, protective_concern;
  } rows[] = {
    { 0, 0, 24, false, false, false },
    { 1, 0, 24, true, false, false },   /* any use at 1 */
    { 12, 0, 24, true, false, false },
    { 0, 11, 24, false, false, false }, /* risk concern at 12, not 11 */
    { 0, 12, 24, false, true, false },
    { 0, 24, 24, false, true, false },
    { 0, 0, 13, false, false, false },  /* protective concern at 12 and below, not 13 */
    { 0, 0, 12, false, false, true },
    { 0, 0, 0, false, false, true },
    { 3, 12, 12, true, true, true },
  };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      int answers[17];
      g_autoptr(iop_score) score = NULL;
      bam_answers (rows[i].use, rows[i].risk, rows[i].protective, answers);
      score = score_ok (bam, answers, 17, IOP_SEX_UNKNOWN);
      assert_int_equal (iop_score_get_scale (score, "use"), rows[i].use);
      assert_int_equal (iop_score_get_scale (score, "risk"), rows[i].risk);
      assert_int_equal (iop_score_get_scale (score, "protective"), rows[i].protective);
      if (iop_score_has_flag (score, "any-use") != rows[i].any_use ||
          iop_score_has_flag (score, "risk-concern") != rows[i].risk_concern ||
          iop_score_has_flag (score, "protective-concern") != rows[i].protective_concern)
        fail_msg ("BAM row %zu (use %d, risk %d, protective %d): wrong flags", i, rows[i].use,
                  rows[i].risk, rows[i].protective);
      assert_int_equal (iop_score_get_n_flags (score),
                        rows[i].any_use + rows[i].risk_concern + rows[i].protective_concern);
    }
  /* The reference vector: risk items all 2 -> 12 -> concern. */
  {
    int answers[17];
    g_autoptr(iop_score) score = NULL;
    bam_answers (0, 0, 20, answers);
    answers[0] = answers[1] = answers[2] = answers[7] = answers[10] = answers[14] = 2;
    score = score_ok (bam, answers, 17, IOP_SEX_UNKNOWN);
    assert_int_equal (iop_score_get_scale (score, "risk"), 12);
    assert_true (iop_score_has_flag (score, "risk-concern"));
  }
}

static void
test_measure_bam_has_no_total_and_no_bands (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  int answers[17];
  g_autoptr(iop_score) score = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) root = NULL;
  (void) state;

  bam_answers (2, 7, 15, answers);
  score = score_ok (instrument (set, "bam"), answers, 17, IOP_SEX_MALE);
  assert_false (iop_score_has_total (score));
  assert_int_equal (iop_score_get_total (score), -1);
  assert_null (iop_score_get_band (score));
  assert_null (iop_score_get_band_label (score));
  assert_int_equal (iop_score_get_scale (score, "nope"), -1);
  assert_int_equal (iop_score_get_scale (score, "total"), -1);
  assert_int_equal (iop_score_get_scale (score, "Use"), -1); /* scale ids are exact */
  assert_null (iop_score_get_scale_band (score, "risk"));
  assert_null (iop_score_get_scale_band (score, "nope"));

  json = iop_score_to_json (score);
  root = parse_json (json);
  assert_string_equal (json_string (J (root, "instrument")), "bam");
  assert_true (json_is_null (J (root, "total")));
  assert_true (json_is_null (J (root, "band")));
  assert_int_equal (json_int (J (root, "scales", "use", "value")), 2);
  assert_int_equal (json_int (J (root, "scales", "risk", "value")), 7);
  assert_int_equal (json_int (J (root, "scales", "protective", "value")), 15);
  assert_true (json_is_null (J (root, "scales", "risk", "band")));
  assert_int_equal (json_object_get_size (json_node_get_object (J (root, "scales"))), 3);
  assert_string_equal (json_string (J (root, "sex")), "male");
}

/* ------------------------------------------------------------------------------------------ */
/* Validation of answers                                                                       */

static void
test_measure_wrong_number_of_answers_is_refused (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  static const int answers[18] = { 0 };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (instrument_specs); i++)
    {
      const iop_instrument *inst = instrument (set, instrument_specs[i].id);
      size_t n = instrument_specs[i].n_items;
      const size_t wrong[] = { n - 1, n + 1, 1 };
      for (size_t w = 0; w < G_N_ELEMENTS (wrong); w++)
        {
          g_autoptr(iop_error) err = score_fails (inst, answers, wrong[w], IOP_SEX_UNKNOWN);
          assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
          assert_null (iop_error_get_path (err));
          assert_non_null (strstr (iop_error_get_message (err), iop_instrument_get_abbreviation (inst)));
        }
      /* Zero answers, with or without a (NULL) array. */
      {
        g_autoptr(iop_error) err = score_fails (inst, NULL, 0, IOP_SEX_UNKNOWN);
        assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
      }
      {
        g_autoptr(iop_error) err = score_fails (inst, answers, 0, IOP_SEX_UNKNOWN);
        assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
      }
    }
}

typedef struct {
  const char *instrument;
  size_t item;    /* 1-based */
  int answer;
} BadAnswer;

static const BadAnswer bad_answers[] = {
  { "phq9", 2, 4 },
  { "phq9", 5, -7 },
  { "phq9", 9, 1000 },
  { "phq9", 1, G_MININT32 },
  { "gad7", 7, 4 },
  { "gad7", 3, -1 },
  { "audit", 8, 5 },
  { "audit", 9, 3 },
  { "audit", 10, 1 },
  { "audit-c", 3, 5 },
  { "dast10", 3, 2 },
  { "dast10", 10, -3 }, /* not -1: "DAST-10" contains it */
  { "bam", 17, 5 },
  { "bam", 7, 77 },
};

static void
test_measure_answer_outside_the_set_names_the_item_not_the_answer (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (bad_answers); i++)
    {
      const BadAnswer *row = &bad_answers[i];
      const iop_instrument *inst = instrument (set, row->instrument);
      int answers[MAX_ITEMS] = { 0 };
      size_t n = iop_instrument_get_n_items (inst);
      g_autoptr(iop_error) err = NULL;
      g_autofree char *item = g_strdup_printf ("item %zu", row->item);
      g_autofree char *value = g_strdup_printf ("%d", row->answer);
      g_autofree char *after_item = NULL;
      const char *message;

      answers[row->item - 1] = row->answer;
      err = score_fails (inst, answers, n, IOP_SEX_UNKNOWN);
      message = iop_error_get_message (err);
      assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
      assert_null (iop_error_get_path (err));
      /* "PHQ-9 item 5: ..." names the item, exactly ("item 1" is not "item 10"). */
      after_item = g_strdup_printf ("%s:", item);
      if (strstr (message, after_item) == NULL)
        fail_msg ("\"%s\" does not name %s", message, item);
      /* The answer is patient data: never quoted. Checked after the item name, which may share
       * digits with it (the abbreviation "PHQ-9" contains "-9", so no row uses -9). */
      if (strstr (strstr (message, after_item) + strlen (after_item), value) != NULL ||
          (row->answer < 0 && strstr (message, value) != NULL))
        fail_msg ("\"%s\" quotes the answer %d", message, row->answer);
    }
}

static void
test_measure_first_invalid_item_is_reported_and_nothing_is_scored (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  const iop_instrument *phq9 = instrument (set, "phq9");
  static const int answers[9] = { 3, 3, 9, 3, 3, 3, -4, 3, 3 };
  iop_error *err = NULL;
  iop_score *score;
  (void) state;

  score = iop_instrument_score (phq9, answers, 9, IOP_SEX_UNKNOWN, &err);
  assert_null (score);
  assert_non_null (err);
  assert_non_null (strstr (iop_error_get_message (err), "item 3:"));
  assert_null (strstr (iop_error_get_message (err), "item 7"));
  iop_error_free (err);

  /* NULL error: still refused, no crash. */
  assert_null (iop_instrument_score (phq9, answers, 9, IOP_SEX_UNKNOWN, NULL));
  assert_null (iop_instrument_score (phq9, NULL, 0, IOP_SEX_UNKNOWN, NULL));
}

static void
test_measure_sex_outside_the_enum_is_refused (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  static const int answers[3] = { 1, 1, 1 };
  g_autoptr(iop_error) high = NULL;
  g_autoptr(iop_error) low = NULL;
  g_autoptr(iop_error) series_err = NULL;
  (void) state;

  high = score_fails (instrument (set, "audit-c"), answers, 3, (iop_sex) 3);
  assert_int_equal (iop_error_get_code (high), IOP_ERROR_INVALID_ARGUMENT);
  low = score_fails (instrument (set, "audit-c"), answers, 3, (iop_sex) -1);
  assert_int_equal (iop_error_get_code (low), IOP_ERROR_INVALID_ARGUMENT);
  assert_null (iop_measure_series_new (set, "audit-c", (iop_sex) 7, &series_err));
  assert_int_equal (iop_error_get_code (series_err), IOP_ERROR_INVALID_ARGUMENT);
}

/* ------------------------------------------------------------------------------------------ */
/* Score copies, JSON and references                                                           */

static void
test_measure_score_copy_equals_the_original (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  static const int answers[9] = { 3, 3, 3, 3, 3, 3, 2, 0, 1 };
  iop_score *original = score_ok (instrument (set, "phq9"), answers, 9, IOP_SEX_FEMALE);
  iop_score *copy = iop_score_copy (original);
  g_autofree char *json_original = iop_score_to_json (original);
  g_autofree char *json_copy = NULL;
  (void) state;

  assert_non_null (copy);
  assert_ptr_not_equal (copy, original);
  assert_ptr_equal (iop_score_get_instrument (copy), iop_score_get_instrument (original));
  assert_int_equal (iop_score_get_total (copy), 21);
  assert_string_equal (iop_score_get_band (copy), "severe");
  assert_int_equal (iop_score_get_n_flags (copy), iop_score_get_n_flags (original));
  for (size_t k = 0; k < iop_score_get_n_flags (original); k++)
    assert_string_equal (iop_score_get_flag_id (copy, k), iop_score_get_flag_id (original, k));
  /* The copy is independent: free the original and the set first. */
  iop_score_free (original);
  g_clear_pointer (&set, iop_measure_set_unref);
  json_copy = iop_score_to_json (copy);
  assert_string_equal (json_copy, json_original);
  iop_score_free (copy);
  iop_score_free (NULL);
}

static void
test_measure_score_to_json_has_every_documented_member (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  static const int answers[9] = { 3, 3, 3, 3, 3, 3, 2, 0, 1 };
  g_autoptr(iop_score) score = score_ok (instrument (set, "phq9"), answers, 9, IOP_SEX_FEMALE);
  g_autofree char *json = iop_score_to_json (score);
  g_autoptr(JsonNode) root = parse_json (json);
  JsonArray *flags, *arr;
  static const char *const members[] = { "instrument", "total", "band", "scales", "flags",
                                         "answers", "sex" };
  (void) state;

  /* Compact output. */
  assert_null (strchr (json, '\n'));
  assert_true (JSON_NODE_HOLDS_OBJECT (root));
  assert_int_equal (json_object_get_size (json_node_get_object (root)), G_N_ELEMENTS (members));
  for (size_t i = 0; i < G_N_ELEMENTS (members); i++)
    assert_non_null (J (root, members[i]));

  assert_string_equal (json_string (J (root, "instrument")), "phq9");
  assert_int_equal (json_int (J (root, "total")), 21);
  assert_string_equal (json_string (J (root, "band", "id")), "severe");
  assert_string_equal (json_string (J (root, "band", "label")), "Severe");
  assert_int_equal (json_int (J (root, "scales", "total", "value")), 21);
  assert_string_equal (json_string (J (root, "scales", "total", "band")), "severe");

  flags = json_array (J (root, "flags"));
  assert_int_equal (json_array_get_length (flags), 2);
  for (guint k = 0; k < 2; k++)
    {
      JsonNode *flag = json_array_get_element (flags, k);
      assert_string_equal (json_string (J (flag, "id")), iop_score_get_flag_id (score, k));
      assert_string_equal (json_string (J (flag, "label")), iop_score_get_flag_label (score, k));
      assert_string_equal (json_string (J (flag, "severity")),
                           iop_severity_to_string (iop_score_get_flag_severity (score, k)));
    }
  assert_string_equal (json_string (J (json_array_get_element (flags, 0), "severity")), "urgent");
  assert_string_equal (json_string (J (json_array_get_element (flags, 1), "severity")), "warning");

  arr = json_array (J (root, "answers"));
  assert_int_equal (json_array_get_length (arr), 9);
  for (guint i = 0; i < 9; i++)
    assert_int_equal (json_array_get_int_element (arr, i), answers[i]);
  assert_string_equal (json_string (J (root, "sex")), "female");

  /* Minimal band, no flags: band object and an empty flags array. */
  {
    static const int zero[9] = { 0 };
    g_autoptr(iop_score) none = score_ok (instrument (set, "phq9"), zero, 9, IOP_SEX_UNKNOWN);
    g_autofree char *text = iop_score_to_json (none);
    g_autoptr(JsonNode) r = parse_json (text);
    assert_string_equal (json_string (J (r, "band", "label")), "None to minimal");
    assert_int_equal (json_array_get_length (json_array (J (r, "flags"))), 0);
    assert_string_equal (json_string (J (r, "sex")), "unknown");
  }
}

static void
test_measure_score_and_instrument_references_keep_the_set_alive (void **state)
{
  iop_measure_set *set = iop_measure_set_new_default ();
  static const int answers[7] = { 2, 2, 2, 2, 1, 1, 0 };
  const iop_instrument *inst = iop_instrument_ref (instrument (set, "GAD-7"));
  iop_score *score = score_ok (inst, answers, 7, IOP_SEX_UNKNOWN);
  iop_measure_set *again = iop_measure_set_ref (set);
  (void) state;

  assert_ptr_equal (again, set);
  iop_measure_set_unref (set);
  iop_measure_set_unref (again); /* the instrument and the score still hold references */
  /* Every read below would be a use-after-free (valgrind / ASan) if the set were gone. */
  assert_string_equal (iop_instrument_get_name (inst), "Generalized Anxiety Disorder-7");
  assert_string_equal (iop_score_get_band_label (score), "Moderate");
  assert_string_equal (iop_instrument_get_id (iop_score_get_instrument (score)), "gad7");
  assert_true (iop_score_has_flag (score, "anxiety-screen-positive"));
  iop_instrument_unref (inst);
  assert_string_equal (iop_score_get_band (score), "moderate");
  iop_score_free (score); /* frees the set; a leak shows under valgrind / ASan otherwise */
  iop_instrument_unref (NULL);
  iop_measure_set_unref (NULL);
}

static void
test_measure_enum_strings_convert_both_ways (void **state)
{
  static const char *const sexes[] = { "unknown", "female", "male" };
  (void) state;

  for (int i = 0; i < 3; i++)
    {
      iop_error *err = NULL;
      assert_string_equal (iop_sex_to_string ((iop_sex) i), sexes[i]);
      assert_int_equal (iop_sex_from_string (sexes[i], &err), i);
      assert_null (err);
    }
  {
    g_autoptr(iop_error) err = NULL;
    /* A distinct failure value: −1 is no member of iop_sex. */
    assert_int_equal ((int) iop_sex_from_string ("woman", &err), -1);
    assert_non_null (err);
    assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
    assert_int_equal ((int) iop_sex_from_string ("", NULL), -1);
    assert_int_equal ((int) iop_sex_from_string ("Female", NULL), -1);
  }
  assert_string_equal (iop_sex_to_string ((iop_sex) 9), "unknown");
  assert_string_equal (iop_severity_to_string (IOP_SEVERITY_NONE), "none");
  assert_string_equal (iop_severity_to_string (IOP_SEVERITY_INFO), "info");
  assert_string_equal (iop_severity_to_string (IOP_SEVERITY_WARNING), "warning");
  assert_string_equal (iop_severity_to_string (IOP_SEVERITY_URGENT), "urgent");
  assert_string_equal (iop_severity_to_string ((iop_severity) 4), "none");
  assert_string_equal (iop_outcome_to_string (IOP_OUTCOME_NOT_APPLICABLE), "not-applicable");
  assert_string_equal (iop_outcome_to_string (IOP_OUTCOME_NOT_MET), "not-met");
  assert_string_equal (iop_outcome_to_string (IOP_OUTCOME_MET), "met");
  assert_string_equal (iop_outcome_to_string ((iop_outcome) 3), "not-applicable");
}

/* ------------------------------------------------------------------------------------------ */
/* Threads                                                                                     */

#define N_THREADS 8
#define N_ROUNDS 20

typedef struct {
  iop_measure_set *set;
  int answers[28][9]; /* PHQ-9 vectors for totals 0..27, built on the main thread */
} SharedScoring;

static const char *
phq9_band_of (int total)
{
  return total <= 4 ? "minimal" : total <= 9 ? "mild" : total <= 14 ? "moderate"
         : total <= 19 ? "moderately-severe" : "severe";
}

/* Scores with the shared set, takes and drops instrument references, and builds a series.
 * No cmocka assertion here (they are not thread-safe): returns the number of good results. */
static gpointer
score_with_shared_set (gpointer data)
{
  const SharedScoring *shared = data;
  gsize ok = 0;

  for (int round = 0; round < N_ROUNDS; round++)
    {
      const iop_instrument *inst =
        iop_instrument_ref (iop_measure_set_lookup_instrument (shared->set, "PHQ-9"));
      iop_measure_series *series = iop_measure_series_new (shared->set, "phq9", IOP_SEX_UNKNOWN, NULL);
      char *json;
      for (int total = 0; total <= 27; total++)
        {
          iop_score *score = iop_instrument_score (inst, shared->answers[total], 9, IOP_SEX_UNKNOWN, NULL);
          if (score != NULL && iop_score_get_total (score) == total &&
              strcmp (iop_score_get_band (score), phq9_band_of (total)) == 0 &&
              iop_score_has_flag (score, "depression-screen-positive") == (total >= 10))
            ok++;
          iop_score_free (score);
        }
      if (series != NULL && iop_measure_series_add (series, "2026-03-01", shared->answers[4], 9, NULL) &&
          iop_measure_series_add (series, "2026-01-01", shared->answers[20], 9, NULL) &&
          iop_measure_series_get_response (series) == IOP_OUTCOME_MET &&
          iop_measure_series_get_remission (series) == IOP_OUTCOME_MET &&
          (json = iop_measure_series_to_json (series)) != NULL)
        {
          if (strstr (json, "\"change_from_baseline\":-16") != NULL)
            ok++;
          iop_free (json);
        }
      iop_measure_series_free (series);
      iop_instrument_unref (inst);
    }
  return GSIZE_TO_POINTER (ok);
}

static void
test_measure_one_set_is_shared_by_several_threads (void **state)
{
  SharedScoring shared;
  GThread *threads[N_THREADS];
  gsize total = 0;
  (void) state;

  shared.set = iop_measure_set_new_default ();
  for (int t = 0; t <= 27; t++)
    {
      size_t n = 0;
      answers_for_total ("phq9", t, (t % 2) ? FILL_FIRST_ITEMS : FILL_LAST_ITEMS, shared.answers[t], &n);
      assert_int_equal (n, 9);
    }
  for (int i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("scorer", score_with_shared_set, &shared);
  for (int i = 0; i < N_THREADS; i++)
    total += GPOINTER_TO_SIZE (g_thread_join (threads[i]));
  assert_int_equal (total, (gsize) N_THREADS * N_ROUNDS * (28 + 1));
  /* The references balanced out: this last unref frees the set. */
  iop_measure_set_unref (shared.set);
}

/* ------------------------------------------------------------------------------------------ */
/* Series                                                                                      */

/* PHQ-9 answers that total @total (points on the first items, item 9 stays 0 below 25). */
static const int *
phq9_total (int total)
{
  static int vectors[28][9];
  size_t n = 0;
  assert_true (total >= 0 && total <= 27);
  answers_for_total ("phq9", total, FILL_FIRST_ITEMS, vectors[total], &n);
  return vectors[total];
}

static void
add_ok (iop_measure_series *series, const char *date, const int *answers, size_t n)
{
  iop_error *err = NULL;
  if (!iop_measure_series_add (series, date, answers, n, &err))
    fail_msg ("adding %s failed: %s", date, err ? iop_error_get_message (err) : "(no error)");
  assert_null (err);
}

static iop_measure_series *
phq9_series (iop_measure_set *set, iop_sex sex)
{
  iop_error *err = NULL;
  iop_measure_series *series = iop_measure_series_new (set, "phq9", sex, &err);
  assert_null (err);
  assert_non_null (series);
  return series;
}

static void
test_measure_series_new_finds_the_instrument_or_fails_not_found (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  g_autoptr(iop_measure_series) by_abbreviation = NULL;
  g_autoptr(iop_error) err = NULL;
  iop_error *e = NULL;
  (void) state;

  by_abbreviation = iop_measure_series_new (set, "GAD-7", IOP_SEX_MALE, &e);
  assert_null (e);
  assert_non_null (by_abbreviation);
  assert_ptr_equal (iop_measure_series_get_instrument (by_abbreviation), instrument (set, "gad7"));
  assert_int_equal (iop_measure_series_get_sex (by_abbreviation), IOP_SEX_MALE);
  assert_int_equal (iop_measure_series_get_n_administrations (by_abbreviation), 0);
  assert_null (iop_measure_series_get_date (by_abbreviation, 0));
  assert_null (iop_measure_series_get_score (by_abbreviation, 0));
  assert_int_equal (iop_measure_series_get_change_from_baseline (by_abbreviation), 0);
  assert_int_equal (iop_measure_series_get_response (by_abbreviation), IOP_OUTCOME_NOT_APPLICABLE);
  assert_int_equal (iop_measure_series_get_remission (by_abbreviation), IOP_OUTCOME_NOT_APPLICABLE);

  assert_null (iop_measure_series_new (set, "phq-99", IOP_SEX_UNKNOWN, &err));
  assert_non_null (err);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_NOT_FOUND);
  assert_null (iop_measure_series_new (set, "phq-99", IOP_SEX_UNKNOWN, NULL));
  iop_measure_series_free (NULL);
}

static void
test_measure_series_keeps_date_order_stably_with_the_earliest_as_baseline (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  g_autoptr(iop_measure_series) series = phq9_series (set, IOP_SEX_UNKNOWN);
  static const struct { const char *date; int total; } added[] = {
    { "2026-03-02", 6 },  /* added first, but not the baseline */
    { "2026-01-05", 18 }, /* the earliest: the baseline */
    { "2026-02-02", 12 },
    { "2026-02-02", 11 }, /* same date: after the first 2026-02-02 */
    { "2025-12-31", 20 }, /* across a year: the new baseline */
    { "2026-03-02", 7 },  /* same date as the first one added: it becomes the latest */
    { "2026-02-02", 10 },
  };
  static const struct { const char *date; int total; } expected[] = {
    { "2025-12-31", 20 }, { "2026-01-05", 18 }, { "2026-02-02", 12 }, { "2026-02-02", 11 },
    { "2026-02-02", 10 }, { "2026-03-02", 6 }, { "2026-03-02", 7 },
  };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (added); i++)
    {
      add_ok (series, added[i].date, phq9_total (added[i].total), 9);
      if (i == 1)
        {
          /* Two administrations: the baseline is the earlier date, not the first added. */
          assert_string_equal (iop_measure_series_get_date (series, 0), "2026-01-05");
          assert_int_equal (iop_measure_series_get_change_from_baseline (series), 6 - 18);
        }
    }
  assert_int_equal (iop_measure_series_get_n_administrations (series), G_N_ELEMENTS (expected));
  for (size_t i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      assert_string_equal (iop_measure_series_get_date (series, i), expected[i].date);
      assert_int_equal (iop_score_get_total (iop_measure_series_get_score (series, i)), expected[i].total);
    }
  assert_null (iop_measure_series_get_date (series, G_N_ELEMENTS (expected)));
  assert_null (iop_measure_series_get_score (series, G_N_ELEMENTS (expected)));
  /* Baseline 20 (2025-12-31), latest 7 (the later of the two 2026-03-02). */
  assert_int_equal (iop_measure_series_get_change_from_baseline (series), 7 - 20);
  assert_int_equal (iop_measure_series_get_response (series), IOP_OUTCOME_MET);
  assert_int_equal (iop_measure_series_get_remission (series), IOP_OUTCOME_NOT_MET);
}

static void
test_measure_series_refuses_invalid_dates_and_stays_unchanged (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  g_autoptr(iop_measure_series) series = phq9_series (set, IOP_SEX_FEMALE);
  g_autofree char *before = NULL;
  static const char *const bad[] = {
    "2026-02-30", "2025-02-29", "2100-02-29", "2026-13-01", "2026-00-10", "2026-01-00",
    "2026-04-31", "2026-1-05", "26-01-05", "", "2026-01-05T00:00", "2026-01-05 ",
    " 2026-01-05", "2026/01/05", "20260105", "0000-01-01", "2026-01-5a", "+026-01-05",
    "-026-01-05", "2026-01--5", "2026-01-05\n", "05-01-2026", "1999-02-31",
  };
  static const char *const good[] = { "2024-02-29", "2000-02-29", "2026-12-31", "0001-01-01",
                                      "9999-12-31", "2026-01-01" };
  (void) state;

  add_ok (series, "2026-01-05", phq9_total (15), 9);
  before = iop_measure_series_to_json (series);
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      iop_error *err = NULL;
      g_autofree char *after = NULL;
      if (iop_measure_series_add (series, bad[i], phq9_total (5), 9, &err))
        fail_msg ("the date \"%s\" was accepted", bad[i]);
      assert_non_null (err);
      assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
      /* Dates are patient data: the message never quotes one. */
      if (strlen (bad[i]) >= 4 && strstr (iop_error_get_message (err), bad[i]) != NULL)
        fail_msg ("\"%s\" quotes the date", iop_error_get_message (err));
      iop_error_free (err);
      assert_false (iop_measure_series_add (series, bad[i], phq9_total (5), 9, NULL));
      assert_int_equal (iop_measure_series_get_n_administrations (series), 1);
      after = iop_measure_series_to_json (series);
      assert_string_equal (after, before);
    }
  /* A distinctive year must not appear anywhere in the message. */
  {
    g_autoptr(iop_error) err = NULL;
    assert_false (iop_measure_series_add (series, "1999-02-31", phq9_total (5), 9, &err));
    assert_null (strstr (iop_error_get_message (err), "1999"));
  }
  for (size_t i = 0; i < G_N_ELEMENTS (good); i++)
    add_ok (series, good[i], phq9_total (5), 9);
  assert_int_equal (iop_measure_series_get_n_administrations (series), 1 + G_N_ELEMENTS (good));
  assert_string_equal (iop_measure_series_get_date (series, 0), "0001-01-01");
  assert_string_equal (iop_measure_series_get_date (series, 1), "2000-02-29");
  assert_string_equal (iop_measure_series_get_date (series, 2), "2024-02-29");
  assert_string_equal (iop_measure_series_get_date (series, iop_measure_series_get_n_administrations (series) - 1),
                       "9999-12-31");
}

static void
test_measure_series_refuses_invalid_answers_and_stays_unchanged (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  g_autoptr(iop_measure_series) series = phq9_series (set, IOP_SEX_UNKNOWN);
  g_autofree char *before = NULL;
  int answers[9] = { 0 };
  (void) state;

  add_ok (series, "2026-01-05", phq9_total (12), 9);
  before = iop_measure_series_to_json (series);

  answers[0] = 77;
  {
    g_autoptr(iop_error) err = NULL;
    g_autofree char *after = NULL;
    assert_false (iop_measure_series_add (series, "2026-02-02", answers, 9, &err));
    assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
    assert_non_null (strstr (iop_error_get_message (err), "item 1:"));
    assert_null (strstr (iop_error_get_message (err), "77"));
    assert_null (strstr (iop_error_get_message (err), "2026"));
    after = iop_measure_series_to_json (series);
    assert_string_equal (after, before);
  }
  answers[0] = 0;
  {
    g_autoptr(iop_error) err = NULL;
    assert_false (iop_measure_series_add (series, "2026-02-02", answers, 8, &err));
    assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  }
  {
    g_autoptr(iop_error) err = NULL;
    assert_false (iop_measure_series_add (series, "2026-02-02", NULL, 0, &err));
    assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  }
  assert_int_equal (iop_measure_series_get_n_administrations (series), 1);
  {
    g_autofree char *after = iop_measure_series_to_json (series);
    assert_string_equal (after, before);
  }
}

typedef struct {
  const char *instrument;
  int baseline, latest;
  int change;
  iop_outcome response, remission;
} OutcomeRow;

#define NA IOP_OUTCOME_NOT_APPLICABLE
#define NOT_MET IOP_OUTCOME_NOT_MET
#define MET IOP_OUTCOME_MET

static const OutcomeRow outcome_rows[] = {
  /* PHQ-9: response = a fall of 50% or more from a baseline of 10 or more; remission = below 5. */
  { "phq9", 10, 5, -5, MET, NOT_MET },     /* exactly 50%; 5 is not below 5 */
  { "phq9", 10, 4, -6, MET, MET },
  { "phq9", 10, 6, -4, NOT_MET, NOT_MET }, /* 40% */
  { "phq9", 20, 10, -10, MET, NOT_MET },   /* exactly 50% */
  { "phq9", 20, 11, -9, NOT_MET, NOT_MET },/* 45% */
  { "phq9", 27, 14, -13, NOT_MET, NOT_MET }, /* 48.1%: the closest to 50% from below */
  { "phq9", 27, 13, -14, MET, NOT_MET },   /* 51.9% */
  { "phq9", 19, 10, -9, NOT_MET, NOT_MET },/* 47.4% */
  { "phq9", 19, 9, -10, MET, NOT_MET },
  { "phq9", 22, 11, -11, MET, NOT_MET },
  { "phq9", 22, 12, -10, NOT_MET, NOT_MET },
  { "phq9", 27, 0, -27, MET, MET },
  { "phq9", 12, 4, -8, MET, MET },         /* remission: latest 4 */
  { "phq9", 12, 5, -7, MET, NOT_MET },     /* latest 5 */
  { "phq9", 10, 20, 10, NOT_MET, NOT_MET },/* worse */
  { "phq9", 10, 10, 0, NOT_MET, NOT_MET },
  { "phq9", 9, 0, -9, NA, NA },            /* baseline below the minimum of 10 */
  { "phq9", 9, 4, -5, NA, NA },
  { "phq9", 0, 0, 0, NA, NA },
  /* GAD-7: the same rules (a libiop default by analogy). */
  { "gad7", 15, 7, -8, MET, NOT_MET },
  { "gad7", 15, 8, -7, NOT_MET, NOT_MET },
  { "gad7", 10, 4, -6, MET, MET },
  { "gad7", 9, 0, -9, NA, NA },
  /* No rules: change only. */
  { "audit", 20, 8, -12, NA, NA },
  { "audit-c", 8, 2, -6, NA, NA },
  { "dast10", 9, 1, -8, NA, NA },
};

static void
test_measure_series_response_and_remission_follow_the_rules (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (outcome_rows); i++)
    {
      const OutcomeRow *row = &outcome_rows[i];
      g_autoptr(iop_measure_series) series = iop_measure_series_new (set, row->instrument, IOP_SEX_UNKNOWN, NULL);
      int baseline[MAX_ITEMS], latest[MAX_ITEMS];
      size_t n = 0;

      assert_non_null (series);
      answers_for_total (row->instrument, row->baseline, FILL_FIRST_ITEMS, baseline, &n);
      answers_for_total (row->instrument, row->latest, FILL_LAST_ITEMS, latest, &n);
      /* Added latest-first: the order of the calls must not matter. */
      add_ok (series, "2026-04-06", latest, n);
      /* One administration: nothing to compare yet. */
      assert_int_equal (iop_measure_series_get_change_from_baseline (series), 0);
      assert_int_equal (iop_measure_series_get_response (series), NA);
      assert_int_equal (iop_measure_series_get_remission (series), NA);
      add_ok (series, "2026-01-05", baseline, n);
      if (iop_measure_series_get_change_from_baseline (series) != row->change ||
          iop_measure_series_get_response (series) != row->response ||
          iop_measure_series_get_remission (series) != row->remission)
        fail_msg ("%s %d -> %d: change %d, response %s, remission %s (expected %d, %s, %s)",
                  row->instrument, row->baseline, row->latest,
                  iop_measure_series_get_change_from_baseline (series),
                  iop_outcome_to_string (iop_measure_series_get_response (series)),
                  iop_outcome_to_string (iop_measure_series_get_remission (series)), row->change,
                  iop_outcome_to_string (row->response), iop_outcome_to_string (row->remission));
    }
}

static void
test_measure_series_uses_only_baseline_and_latest (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  g_autoptr(iop_measure_series) series = phq9_series (set, IOP_SEX_UNKNOWN);
  (void) state;

  /* A baseline of 9 (below the minimum) is not rescued by a later 27. */
  add_ok (series, "2026-01-05", phq9_total (9), 9);
  add_ok (series, "2026-02-02", phq9_total (27), 9);
  add_ok (series, "2026-03-02", phq9_total (0), 9);
  assert_int_equal (iop_measure_series_get_change_from_baseline (series), -9);
  assert_int_equal (iop_measure_series_get_response (series), NA);
  assert_int_equal (iop_measure_series_get_remission (series), NA);

  /* A new, earlier baseline makes the rules apply. */
  add_ok (series, "2025-12-01", phq9_total (16), 9);
  assert_int_equal (iop_measure_series_get_change_from_baseline (series), -16);
  assert_int_equal (iop_measure_series_get_response (series), MET);
  assert_int_equal (iop_measure_series_get_remission (series), MET);
}

static void
test_measure_series_of_the_bam_has_no_change_or_outcomes (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  g_autoptr(iop_measure_series) series = iop_measure_series_new (set, "BAM", IOP_SEX_UNKNOWN, NULL);
  int first[17], second[17];
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) root = NULL;
  (void) state;

  bam_answers (6, 18, 6, first);
  bam_answers (0, 4, 22, second);
  add_ok (series, "2026-01-05", first, 17);
  add_ok (series, "2026-02-02", second, 17);
  assert_int_equal (iop_measure_series_get_change_from_baseline (series), 0);
  assert_int_equal (iop_measure_series_get_response (series), NA);
  assert_int_equal (iop_measure_series_get_remission (series), NA);
  assert_int_equal (iop_score_get_scale (iop_measure_series_get_score (series, 0), "risk"), 18);

  json = iop_measure_series_to_json (series);
  root = parse_json (json);
  assert_true (json_is_null (J (root, "summary", "change_from_baseline")));
  assert_true (json_is_null (J (root, "summary", "baseline", "total")));
  assert_true (json_is_null (J (root, "summary", "latest", "band")));
  assert_int_equal (json_int (J (root, "summary", "latest", "scales", "protective", "value")), 22);
  assert_string_equal (json_string (J (root, "summary", "response")), "not-applicable");
  assert_string_equal (json_string (J (root, "summary", "remission")), "not-applicable");
}

static void
test_measure_series_applies_the_recorded_sex (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  static const int three[3] = { 1, 1, 1 };
  static const struct { iop_sex sex; bool flag; } rows[] = {
    { IOP_SEX_MALE, false }, { IOP_SEX_FEMALE, true }, { IOP_SEX_UNKNOWN, true },
  };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(iop_measure_series) series = iop_measure_series_new (set, "audit-c", rows[i].sex, NULL);
      const iop_score *score;
      add_ok (series, "2026-01-05", three, 3);
      score = iop_measure_series_get_score (series, 0);
      assert_int_equal (iop_measure_series_get_sex (series), rows[i].sex);
      assert_int_equal (iop_score_has_flag (score, "alcohol-screen-positive"), rows[i].flag);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Series JSON                                                                                 */

static void
test_measure_series_to_json_has_inputs_and_a_derived_summary (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  g_autoptr(iop_measure_series) series = phq9_series (set, IOP_SEX_FEMALE);
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *admins;
  (void) state;

  add_ok (series, "2026-03-02", phq9_total (4), 9);
  add_ok (series, "2026-01-05", phq9_total (18), 9);
  add_ok (series, "2026-02-02", phq9_total (12), 9);
  json = iop_measure_series_to_json (series);
  assert_null (strchr (json, '\n'));
  root = parse_json (json);

  assert_string_equal (json_string (J (root, "format")), "libiop-measure-series");
  assert_int_equal (json_int (J (root, "format_version")), 1);
  assert_string_equal (json_string (J (root, "instrument")), "phq9");
  assert_string_equal (json_string (J (root, "sex")), "female");
  admins = json_array (J (root, "administrations"));
  assert_int_equal (json_array_get_length (admins), 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonNode *a = json_array_get_element (admins, i);
      JsonArray *answers = json_array (J (a, "answers"));
      const iop_score *score = iop_measure_series_get_score (series, i);
      g_autofree char *score_json = iop_score_to_json (score);
      g_autoptr(JsonNode) score_root = parse_json (score_json);
      assert_string_equal (json_string (J (a, "date")), iop_measure_series_get_date (series, i));
      assert_int_equal (json_object_get_size (json_node_get_object (a)), 2);
      assert_true (json_node_equal (J (a, "answers"), J (score_root, "answers")));
      assert_int_equal (json_array_get_length (answers), 9);
    }
  assert_string_equal (json_string (J (json_array_get_element (admins, 0), "date")), "2026-01-05");

  assert_int_equal (json_int (J (root, "summary", "administrations")), 3);
  assert_string_equal (json_string (J (root, "summary", "baseline", "date")), "2026-01-05");
  assert_int_equal (json_int (J (root, "summary", "baseline", "total")), 18);
  assert_string_equal (json_string (J (root, "summary", "baseline", "band", "id")), "moderately-severe");
  assert_string_equal (json_string (J (root, "summary", "latest", "date")), "2026-03-02");
  assert_int_equal (json_int (J (root, "summary", "latest", "total")), 4);
  assert_string_equal (json_string (J (root, "summary", "latest", "band", "label")), "None to minimal");
  assert_int_equal (json_int (J (root, "summary", "change_from_baseline")), -14);
  assert_string_equal (json_string (J (root, "summary", "response")), "met");
  assert_string_equal (json_string (J (root, "summary", "remission")), "met");

  /* An empty series: no baseline or latest, a null change. */
  {
    g_autoptr(iop_measure_series) empty = phq9_series (set, IOP_SEX_UNKNOWN);
    g_autofree char *text = iop_measure_series_to_json (empty);
    g_autoptr(JsonNode) r = parse_json (text);
    assert_int_equal (json_array_get_length (json_array (J (r, "administrations"))), 0);
    assert_int_equal (json_int (J (r, "summary", "administrations")), 0);
    assert_null (J (r, "summary", "baseline"));
    assert_null (J (r, "summary", "latest"));
    assert_true (json_is_null (J (r, "summary", "change_from_baseline")));
    assert_string_equal (json_string (J (r, "summary", "response")), "not-applicable");
  }
}

static iop_measure_series *
series_from_json_ok (iop_measure_set *set, const char *json)
{
  iop_error *err = NULL;
  iop_measure_series *series = iop_measure_series_new_from_json (set, json, &err);
  if (series == NULL)
    fail_msg ("the series did not load: %s", err ? iop_error_get_message (err) : "(no error)");
  assert_null (err);
  return series;
}

static void
assert_round_trips (iop_measure_set *set, iop_measure_series *series)
{
  g_autofree char *first = iop_measure_series_to_json (series);
  g_autoptr(iop_measure_series) again = series_from_json_ok (set, first);
  g_autofree char *second = iop_measure_series_to_json (again);

  assert_string_equal (second, first);
  assert_int_equal (iop_measure_series_get_n_administrations (again),
                    iop_measure_series_get_n_administrations (series));
  assert_int_equal (iop_measure_series_get_sex (again), iop_measure_series_get_sex (series));
  assert_ptr_equal (iop_measure_series_get_instrument (again), iop_measure_series_get_instrument (series));
}

static void
test_measure_series_json_round_trips_byte_identically (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  (void) state;

  /* Every instrument and sex, with administrations added out of order and on equal dates. */
  for (size_t i = 0; i < G_N_ELEMENTS (instrument_specs); i++)
    for (int sex = IOP_SEX_UNKNOWN; sex <= IOP_SEX_MALE; sex++)
      {
        const InstrumentSpec *spec = &instrument_specs[i];
        g_autoptr(iop_measure_series) series = iop_measure_series_new (set, spec->id, (iop_sex) sex, NULL);
        static const char *const dates[] = { "2026-02-02", "2024-02-29", "2026-02-02", "2025-07-14" };
        assert_non_null (series);
        assert_round_trips (set, series); /* empty */
        for (size_t d = 0; d < G_N_ELEMENTS (dates); d++)
          {
            int answers[MAX_ITEMS];
            size_t n = spec->n_items;
            if (spec->max_total >= 0)
              answers_for_total (spec->id, (int) ((d * 7 + 3) % (size_t) (spec->max_total + 1)),
                                 d % 2 ? FILL_FIRST_ITEMS : FILL_LAST_ITEMS, answers, &n);
            else
              bam_answers ((int) d, (int) d * 5, 24 - (int) d * 4, answers);
            add_ok (series, dates[d], answers, n);
          }
        assert_round_trips (set, series);
      }
}

static void
test_measure_series_summary_is_ignored_when_read_back (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  g_autoptr(iop_measure_series) series = phq9_series (set, IOP_SEX_MALE);
  g_autofree char *original = NULL;
  (void) state;

  add_ok (series, "2026-01-05", phq9_total (20), 9);
  add_ok (series, "2026-02-02", phq9_total (8), 9);
  original = iop_measure_series_to_json (series);

  for (int variant = 0; variant < 4; variant++)
    {
      g_autoptr(JsonNode) root = parse_json (original);
      JsonObject *obj = json_node_get_object (root);
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autofree char *edited = NULL;
      g_autoptr(iop_measure_series) loaded = NULL;
      g_autofree char *written = NULL;

      switch (variant)
        {
        case 0: /* nonsense text */
          json_object_set_string_member (obj, "summary", "nonsense");
          break;
        case 1: /* wrong values of the right shape */
          {
            JsonObject *summary = json_object_get_object_member (obj, "summary");
            json_object_set_int_member (summary, "change_from_baseline", 999);
            json_object_set_string_member (summary, "response", "not-met");
            json_object_set_string_member (summary, "remission", "met");
            json_object_set_int_member (summary, "administrations", 42);
            json_object_set_string_member (summary, "invented", "x");
          }
          break;
        case 2: /* another type altogether */
          json_object_set_array_member (obj, "summary", json_array_new ());
          break;
        default: /* absent */
          json_object_remove_member (obj, "summary");
          break;
        }
      json_generator_set_root (gen, root);
      edited = json_generator_to_data (gen, NULL);
      loaded = series_from_json_ok (set, edited);
      written = iop_measure_series_to_json (loaded);
      if (strcmp (written, original) != 0)
        fail_msg ("summary variant %d changed the series:\n%s\n%s", variant, written, original);
    }
}

static void
test_measure_series_documents_in_the_corpus_load (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  (void) state;

  /* PHQ-9, out of order, with a stale summary (18 -> 12 -> 6). */
  {
    g_autofree char *text = read_data_file ("series/valid", "phq9-improving.json");
    g_autoptr(iop_measure_series) series = series_from_json_ok (set, text);
    g_autofree char *json = iop_measure_series_to_json (series);
    g_autoptr(JsonNode) root = parse_json (json);

    assert_string_equal (iop_instrument_get_id (iop_measure_series_get_instrument (series)), "phq9");
    assert_int_equal (iop_measure_series_get_sex (series), IOP_SEX_FEMALE);
    assert_int_equal (iop_measure_series_get_n_administrations (series), 3);
    assert_string_equal (iop_measure_series_get_date (series, 0), "2026-01-05");
    assert_string_equal (iop_measure_series_get_date (series, 1), "2026-02-02");
    assert_string_equal (iop_measure_series_get_date (series, 2), "2026-03-02");
    assert_int_equal (iop_score_get_total (iop_measure_series_get_score (series, 0)), 18);
    assert_int_equal (iop_score_get_total (iop_measure_series_get_score (series, 1)), 12);
    assert_int_equal (iop_score_get_total (iop_measure_series_get_score (series, 2)), 6);
    assert_int_equal (iop_measure_series_get_change_from_baseline (series), -12);
    assert_int_equal (iop_measure_series_get_response (series), MET);
    assert_int_equal (iop_measure_series_get_remission (series), NOT_MET);
    /* The stale summary was recomputed, and the abbreviation became the id. */
    assert_int_equal (json_int (J (root, "summary", "administrations")), 3);
    assert_int_equal (json_int (J (root, "summary", "change_from_baseline")), -12);
    assert_string_equal (json_string (J (root, "instrument")), "phq9");
    assert_null (J (root, "$comment"));
    assert_round_trips (set, series);
  }
  /* BAM, with an extension member. */
  {
    g_autofree char *text = read_data_file ("series/valid", "bam-monthly.json");
    g_autoptr(iop_measure_series) series = series_from_json_ok (set, text);
    const iop_score *first = iop_measure_series_get_score (series, 0);
    const iop_score *second = iop_measure_series_get_score (series, 1);

    assert_int_equal (iop_measure_series_get_n_administrations (series), 2);
    assert_int_equal (iop_score_get_scale (first, "use"), 1);
    assert_int_equal (iop_score_get_scale (first, "risk"), 12);
    assert_int_equal (iop_score_get_scale (first, "protective"), 15);
    assert_true (iop_score_has_flag (first, "any-use"));
    assert_true (iop_score_has_flag (first, "risk-concern"));
    assert_false (iop_score_has_flag (first, "protective-concern"));
    assert_int_equal (iop_score_get_scale (second, "use"), 0);
    assert_int_equal (iop_score_get_scale (second, "risk"), 7);
    assert_int_equal (iop_score_get_scale (second, "protective"), 21);
    assert_int_equal (iop_score_get_n_flags (second), 0);
    assert_int_equal (iop_measure_series_get_change_from_baseline (series), 0);
    assert_round_trips (set, series);
  }
}

typedef struct {
  const char *file;    /* in tests/data/measures/series/invalid */
  iop_error_code code;
  const char *path;    /* NULL: the error names no member */
  const char *secret;  /* (nullable) patient data in the file that the message must not quote */
} InvalidSeries;

#define PARSE IOP_ERROR_PARSE
#define DATA IOP_ERROR_INVALID_DATA
#define NOT_FOUND IOP_ERROR_NOT_FOUND

static const InvalidSeries invalid_series[] = {
  { "malformed-json.json", PARSE, NULL, NULL },
  { "wrong-format.json", DATA, "$.format", NULL },
  { "format-version-2.json", DATA, "$.format_version", NULL },
  { "unknown-member.json", PARSE, "$.patient", "Jane" },
  { "unknown-instrument.json", NOT_FOUND, "$.instrument", NULL },
  { "unknown-sex.json", DATA, "$.sex", "intersex-x" },
  { "missing-sex.json", PARSE, "$.sex", NULL },
  { "administrations-not-array.json", PARSE, "$.administrations", NULL },
  { "administration-not-object.json", PARSE, "$.administrations[1]", NULL },
  { "unknown-administration-member.json", PARSE, "$.administrations[0].score", "18" },
  /* Dates. */
  { "bad-date-feb-31.json", DATA, "$.administrations[1].date", "1999" },
  { "bad-date-not-leap-year.json", DATA, "$.administrations[0].date", "2025" },
  { "bad-date-unpadded.json", DATA, "$.administrations[0].date", "2026-1-05" },
  { "bad-date-with-time.json", DATA, "$.administrations[0].date", "T00:00" },
  { "bad-date-month-13.json", DATA, "$.administrations[0].date", "2026-13" },
  { "date-empty.json", DATA, "$.administrations[0].date", NULL },
  { "date-not-string.json", PARSE, "$.administrations[0].date", "20260105" },
  { "missing-date.json", PARSE, "$.administrations[0].date", NULL },
  /* Answers. */
  { "answer-outside-set.json", DATA, "$.administrations[0].answers", "77" },
  { "answer-negative.json", DATA, "$.administrations[0].answers", "-7" },
  { "answer-not-integer.json", PARSE, "$.administrations[0].answers[2]", "1.5" },
  { "answer-string.json", PARSE, "$.administrations[0].answers[2]", "\"2\"" },
  { "answer-beyond-int32.json", PARSE, "$.administrations[0].answers[2]", "4294967296" },
  { "too-few-answers.json", DATA, "$.administrations[1].answers", NULL },
  { "missing-answers.json", PARSE, "$.administrations[0].answers", NULL },
};

static const char *
or_null (const char *s)
{
  return s != NULL ? s : "(null)";
}

static void
check_invalid_series (iop_measure_set *set, const InvalidSeries *row, GString *report)
{
  g_autofree char *path = data_path ("series/invalid", row->file);
  g_autofree char *text = NULL;
  iop_error *err = NULL;
  iop_measure_series *series;
  const char *message;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    {
      g_string_append_printf (report, "\n  %s: cannot read the file", row->file);
      return;
    }
  series = iop_measure_series_new_from_json (set, text, &err);
  if (series != NULL || err == NULL)
    {
      g_string_append_printf (report, "\n  %s: loaded without an error (expected %s at %s)",
                              row->file, iop_error_code_to_string (row->code), or_null (row->path));
      iop_measure_series_free (series);
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
           (row->path != NULL && !g_str_has_prefix (message, row->path)))
    g_string_append_printf (report, "\n  %s: the message \"%s\" does not start with the path %s",
                            row->file, or_null (message), or_null (row->path));
  /* PHI: neither the offending value nor any administration date is quoted. */
  if (message != NULL && ((row->secret != NULL && strstr (message, row->secret) != NULL) ||
                          strstr (message, "2026-0") != NULL))
    g_string_append_printf (report, "\n  %s: the message \"%s\" quotes patient data", row->file,
                            message);
  iop_error_free (err);

  series = iop_measure_series_new_from_json (set, text, NULL);
  if (series != NULL)
    g_string_append_printf (report, "\n  %s: loaded when error is NULL", row->file);
  iop_measure_series_free (series);
}

static void
test_measure_invalid_series_fail_with_the_expected_code_and_path (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  GString *report = g_string_new (NULL);
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (invalid_series); i++)
    check_invalid_series (set, &invalid_series[i], report);
  iop_test_finish_report (report, "invalid series not rejected as expected");
}

static void
test_measure_series_json_refuses_other_shapes (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  static const struct { const char *json; iop_error_code code; const char *path; } rows[] = {
    { "[]", PARSE, "$" },
    { "", PARSE, NULL },
    { "{\"format\": \"libiop-measure-series\", \"format_version\": 1, \"instrument\": \"phq9\","
      " \"sex\": \"male\", \"administrations\": []} // comment", PARSE, NULL },
    { "{\"format\": \"libiop-measure-series\", \"format_version\": 1, \"instrument\": \"phq9\","
      " \"sex\": \"male\"}", PARSE, "$.administrations" },
    { "{\"format\": \"libiop-measure-series\", \"format_version\": \"1\", \"instrument\": \"phq9\","
      " \"sex\": \"male\", \"administrations\": []}", PARSE, "$.format_version" },
    { "{\"format\": \"libiop-measure-series\", \"format_version\": 1, \"instrument\": \"\","
      " \"sex\": \"male\", \"administrations\": []}", DATA, "$.instrument" },
    { "{\"format\": \"libiop-measure-series\", \"format_version\": 1, \"instrument\": \"phq9\","
      " \"sex\": \"male\", \"administrations\": [], \"x-site\": \"a\"}", 0, NULL },
  };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_error *err = NULL;
      iop_measure_series *series = iop_measure_series_new_from_json (set, rows[i].json, &err);
      if (rows[i].code == 0)
        {
          /* Extension members are allowed (and not written back). */
          assert_non_null (series);
          assert_null (err);
          iop_measure_series_free (series);
          continue;
        }
      if (series != NULL || err == NULL)
        fail_msg ("row %zu loaded", i);
      if (iop_error_get_code (err) != rows[i].code || g_strcmp0 (iop_error_get_path (err), rows[i].path) != 0)
        fail_msg ("row %zu: %s at %s (%s)", i, iop_error_code_to_string (iop_error_get_code (err)),
                  or_null (iop_error_get_path (err)), iop_error_get_message (err));
      iop_error_free (err);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* User packs                                                                                  */

static void
test_measure_user_pack_adds_an_instrument_without_c_code (void **state)
{
  g_autoptr(iop_measure_set) set = load_data_pack ("custom-instrument.json");
  const iop_instrument *wb2;
  static const struct {
    int a, b;
    int total;
    const char *band;
    const char *flags[3];
    iop_severity max;
  } rows[] = {
    /* b is reverse-scored: answers 0, 1, 2 -> 4, 2, 0 points. */
    { 0, 2, 0, "low", { "low-total" }, IOP_SEVERITY_INFO },
    { 2, 2, 2, "low", { "low-total" }, IOP_SEVERITY_INFO },        /* "<=" 2 includes 2 */
    { 1, 1, 3, "mid", { NULL }, IOP_SEVERITY_NONE },
    { 3, 2, 3, "mid", { "attention" }, IOP_SEVERITY_INFO },         /* "==" on item a */
    { 2, 1, 4, "mid", { NULL }, IOP_SEVERITY_NONE },
    { 3, 1, 5, "mid", { "attention" }, IOP_SEVERITY_INFO },         /* ">" 5 not yet */
    { 2, 0, 6, "high", { "attention", "no-energy" }, IOP_SEVERITY_URGENT },
    /* Both "attention" rules apply: reported once. */
    { 3, 0, 7, "high", { "attention", "no-energy" }, IOP_SEVERITY_URGENT },
    { 0, 0, 4, "mid", { "no-energy" }, IOP_SEVERITY_URGENT },       /* "<" 1 on item b */
  };
  (void) state;

  assert_string_equal (iop_measure_set_get_id (set), "test-custom");
  assert_string_equal (iop_measure_set_get_version (set), "2026.1");
  assert_int_equal (iop_measure_set_get_n_instruments (set), 2);
  /* Not the default pack: none of its instruments. */
  assert_null (iop_measure_set_lookup_instrument (set, "phq9"));

  wb2 = instrument (set, "wb-2");
  assert_string_equal (iop_instrument_get_id (wb2), "wb2");
  assert_string_equal (iop_instrument_get_name (wb2), "Two-item wellbeing check");
  assert_null (iop_instrument_get_loinc (wb2));
  assert_int_equal (iop_instrument_get_lookback_days (wb2), 7);
  assert_int_equal (iop_instrument_get_n_items (wb2), 2);
  assert_string_equal (iop_instrument_get_item_id (wb2, 1), "b");
  assert_true (iop_instrument_is_valid_answer (wb2, 0, 3));
  assert_false (iop_instrument_is_valid_answer (wb2, 1, 3));
  assert_true (iop_instrument_has_outcome_rules (wb2));
  assert_int_equal (iop_instrument_get_lookback_days (instrument (set, "dose")), 0);
  /* An instrument's own id and abbreviation may be the same word ("dose", "DOSE"). */
  assert_string_equal (iop_instrument_get_abbreviation (instrument (set, "dose")), "DOSE");

  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const int answers[2] = { rows[i].a, rows[i].b };
      g_autoptr(iop_score) score = score_ok (wb2, answers, 2, IOP_SEX_UNKNOWN);
      size_t n_flags = 0;
      while (n_flags < 3 && rows[i].flags[n_flags] != NULL)
        n_flags++;
      if (iop_score_get_total (score) != rows[i].total)
        fail_msg ("a=%d b=%d: total %d, expected %d", rows[i].a, rows[i].b,
                  iop_score_get_total (score), rows[i].total);
      assert_string_equal (iop_score_get_band (score), rows[i].band);
      if (iop_score_get_n_flags (score) != n_flags)
        fail_msg ("a=%d b=%d: %zu flags, expected %zu", rows[i].a, rows[i].b,
                  iop_score_get_n_flags (score), n_flags);
      for (size_t k = 0; k < n_flags; k++)
        assert_string_equal (iop_score_get_flag_id (score, k), rows[i].flags[k]);
      assert_int_equal (iop_score_get_max_severity (score), rows[i].max);
    }
  /* Flags sharing an id are alternatives: the first raised in pack order gives the label and
   * the severity (docs/json-formats.md, "Flag"). */
  {
    static const int item_rule[2] = { 3, 2 };
    static const int both[2] = { 3, 0 };
    g_autoptr(iop_score) s1 = score_ok (wb2, item_rule, 2, IOP_SEX_UNKNOWN);
    g_autoptr(iop_score) s2 = score_ok (wb2, both, 2, IOP_SEX_UNKNOWN);
    assert_string_equal (iop_score_get_flag_label (s1, 0), "Highest mood answer");
    assert_int_equal (iop_score_get_flag_severity (s1, 0), IOP_SEVERITY_INFO);
    assert_string_equal (iop_score_get_flag_label (s2, 0), "Total above 5");
    assert_int_equal (iop_score_get_flag_severity (s2, 0), IOP_SEVERITY_WARNING);
  }
  /* A disallowed answer of the item-specific set. */
  {
    static const int bad[2] = { 0, 3 };
    g_autoptr(iop_error) err = score_fails (wb2, bad, 2, IOP_SEX_UNKNOWN);
    assert_non_null (strstr (iop_error_get_message (err), "item b:"));
  }
  /* Its outcome rules: baseline of 4 or more, half, below 3. */
  {
    g_autoptr(iop_measure_series) series = iop_measure_series_new (set, "WB-2", IOP_SEX_UNKNOWN, NULL);
    static const int seven[2] = { 3, 0 }, two[2] = { 2, 2 };
    add_ok (series, "2026-01-05", seven, 2);
    add_ok (series, "2026-02-02", two, 2);
    assert_int_equal (iop_measure_series_get_change_from_baseline (series), -5);
    assert_int_equal (iop_measure_series_get_response (series), MET);
    assert_int_equal (iop_measure_series_get_remission (series), MET);
    assert_round_trips (set, series);
  }
}

static void
test_measure_user_pack_response_needs_the_full_percentage (void **state)
{
  g_autoptr(iop_measure_set) set = load_data_pack ("custom-instrument.json");
  /* "dose": one item scored at face value (0, 49, 50, 51, 100); response 50% from a baseline of
   * 100 or more; remission below 50. A 49% fall is not a response. */
  static const struct { int baseline, latest; iop_outcome response, remission; } rows[] = {
    { 100, 51, NOT_MET, NOT_MET }, /* 49% */
    { 100, 50, MET, NOT_MET },     /* 50%; 50 is not below 50 */
    { 100, 49, MET, MET },         /* 51% */
    { 100, 100, NOT_MET, NOT_MET },
    { 100, 0, MET, MET },
    { 51, 0, NA, NA },             /* baseline below 100 */
  };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(iop_measure_series) series = iop_measure_series_new (set, "dose", IOP_SEX_UNKNOWN, NULL);
      add_ok (series, "2026-01-05", &rows[i].baseline, 1);
      add_ok (series, "2026-02-02", &rows[i].latest, 1);
      if (iop_measure_series_get_response (series) != rows[i].response ||
          iop_measure_series_get_remission (series) != rows[i].remission)
        fail_msg ("dose %d -> %d: response %s, remission %s", rows[i].baseline, rows[i].latest,
                  iop_outcome_to_string (iop_measure_series_get_response (series)),
                  iop_outcome_to_string (iop_measure_series_get_remission (series)));
      assert_int_equal (iop_measure_series_get_change_from_baseline (series),
                        rows[i].latest - rows[i].baseline);
    }
}

static void
test_measure_user_pack_accepts_extension_members (void **state)
{
  g_autoptr(iop_measure_set) set = load_data_pack ("extension-members.json");
  const iop_instrument *ext = instrument (set, "EXT-1");
  static const int answers[2] = { 1, 2 };
  g_autoptr(iop_score) score = score_ok (ext, answers, 2, IOP_SEX_UNKNOWN);
  g_autoptr(iop_measure_series) series = iop_measure_series_new (set, "ext1", IOP_SEX_UNKNOWN, NULL);
  static const int three[2] = { 1, 2 }, zero[2] = { 0, 0 }, one[2] = { 1, 0 };
  (void) state;

  assert_string_equal (iop_measure_set_get_id (set), "test-extensions");
  assert_int_equal (iop_score_get_total (score), 3);
  assert_string_equal (iop_score_get_band (score), "some");
  assert_true (iop_score_has_flag (score, "any"));
  assert_int_equal (iop_score_get_max_severity (score), IOP_SEVERITY_INFO);
  /* Boundary rules: min_baseline 1, a 100% reduction. */
  add_ok (series, "2026-01-05", three, 2);
  add_ok (series, "2026-02-02", one, 2);
  assert_int_equal (iop_measure_series_get_response (series), NOT_MET);
  add_ok (series, "2026-03-02", zero, 2);
  assert_int_equal (iop_measure_series_get_response (series), MET);
  assert_int_equal (iop_measure_series_get_remission (series), MET);
}

static void
test_measure_minimal_pack_scores_both_instruments (void **state)
{
  g_autoptr(iop_measure_set) set = load_data_pack ("minimal.json");
  const iop_instrument *t3 = instrument (set, "t-3");
  const iop_instrument *t1 = instrument (set, "T1");
  static const int high[3] = { 2, 2, 1 }, yes[1] = { 1 }, no[1] = { 0 };
  (void) state;

  {
    g_autoptr(iop_score) score = score_ok (t3, high, 3, IOP_SEX_UNKNOWN);
    assert_int_equal (iop_score_get_total (score), 5);
    assert_string_equal (iop_score_get_band (score), "high");
    assert_int_equal (iop_score_get_scale (score, "sub"), 4);
    assert_null (iop_score_get_scale_band (score, "sub"));
    assert_int_equal (iop_score_get_n_flags (score), 2);
    assert_string_equal (iop_score_get_flag_id (score, 0), "high-total");
    assert_string_equal (iop_score_get_flag_id (score, 1), "item-3-positive");
  }
  /* t1 has no primary scale; its only item is reverse-scored. */
  {
    g_autoptr(iop_score) score = score_ok (t1, no, 1, IOP_SEX_UNKNOWN);
    assert_false (iop_score_has_total (score));
    assert_int_equal (iop_score_get_scale (score, "total"), 1);
  }
  {
    g_autoptr(iop_score) score = score_ok (t1, yes, 1, IOP_SEX_UNKNOWN);
    assert_int_equal (iop_score_get_scale (score, "total"), 0);
  }
  assert_false (iop_instrument_has_outcome_rules (t1));
  assert_true (iop_instrument_has_outcome_rules (t3));
}

static void
test_measure_every_valid_pack_loads (void **state)
{
  g_autofree char *dir_path = g_build_filename (MEASURES_DATA, "valid", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  unsigned n = 0;
  (void) state;

  assert_non_null (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(iop_measure_set) set = NULL;
      g_autofree char *text = NULL;
      iop_error *err = NULL;
      if (!g_str_has_suffix (name, ".json"))
        continue;
      set = load_data_pack (name);
      assert_true (iop_measure_set_get_n_instruments (set) > 0);
      /* The text loader agrees. */
      text = read_data_file ("valid", name);
      {
        g_autoptr(iop_measure_set) again = iop_measure_set_new_from_json (text, &err);
        assert_null (err);
        assert_non_null (again);
        assert_int_equal (iop_measure_set_get_n_instruments (again), iop_measure_set_get_n_instruments (set));
      }
      n++;
    }
  assert_true (n >= 3);
}

static void
test_measure_default_pack_json_loads_back_to_an_equal_set (void **state)
{
  g_autofree char *text = iop_measure_set_default_pack_json ();
  g_autofree char *again = iop_measure_set_default_pack_json ();
  g_autoptr(iop_measure_set) builtin = iop_measure_set_new_default ();
  g_autoptr(iop_measure_set) loaded = NULL;
  iop_error *err = NULL;
  (void) state;

  assert_non_null (text);
  assert_true (g_utf8_validate (text, -1, NULL));
  assert_non_null (strstr (text, "\"libiop-measures\""));
  assert_ptr_not_equal (text, again);
  assert_string_equal (text, again);
  again[0] = 'X';
  assert_int_equal (text[0], '{');

  loaded = iop_measure_set_new_from_json (text, &err);
  assert_null (err);
  assert_non_null (loaded);
  assert_string_equal (iop_measure_set_get_id (loaded), iop_measure_set_get_id (builtin));
  assert_string_equal (iop_measure_set_get_version (loaded), iop_measure_set_get_version (builtin));
  assert_int_equal (iop_measure_set_get_n_instruments (loaded), iop_measure_set_get_n_instruments (builtin));
  /* Same instruments: every total of every instrument scores identically. */
  for (size_t i = 0; i < G_N_ELEMENTS (instrument_specs); i++)
    {
      const InstrumentSpec *spec = &instrument_specs[i];
      const iop_instrument *a = instrument (builtin, spec->id);
      const iop_instrument *b = instrument (loaded, spec->id);
      int top = spec->max_total >= 0 ? spec->max_total : 0;
      assert_ptr_not_equal (a, b);
      for (int total = 0; total <= top; total++)
        {
          int answers[MAX_ITEMS] = { 0 };
          size_t n = spec->n_items;
          g_autoptr(iop_score) sa = NULL;
          g_autoptr(iop_score) sb = NULL;
          g_autofree char *ja = NULL;
          g_autofree char *jb = NULL;
          if (spec->max_total >= 0)
            answers_for_total (spec->id, total, FILL_LAST_ITEMS, answers, &n);
          else
            bam_answers (3, 12, 12, answers);
          sa = score_ok (a, answers, n, IOP_SEX_FEMALE);
          sb = score_ok (b, answers, n, IOP_SEX_FEMALE);
          ja = iop_score_to_json (sa);
          jb = iop_score_to_json (sb);
          assert_string_equal (ja, jb);
        }
    }
}

static void
test_measure_every_default_instrument_and_flag_cites_a_source (void **state)
{
  g_autofree char *text = iop_measure_set_default_pack_json ();
  g_autoptr(JsonNode) root = parse_json (text);
  JsonObject *sources = json_node_get_object (J (root, "sources"));
  JsonArray *instruments = json_array (J (root, "instruments"));
  (void) state;

  for (guint i = 0; i < json_array_get_length (instruments); i++)
    {
      JsonNode *inst = json_array_get_element (instruments, i);
      JsonNode *flags = J (inst, "flags");
      assert_true (json_object_has_member (sources, json_string (J (inst, "source"))));
      for (guint f = 0; flags != NULL && f < json_array_get_length (json_array (flags)); f++)
        assert_true (json_object_has_member (
          sources, json_string (J (json_array_get_element (json_array (flags), f), "source"))));
      if (J (inst, "outcomes") != NULL)
        assert_true (json_object_has_member (sources, json_string (J (inst, "outcomes", "source"))));
    }
}

/* ------------------------------------------------------------------------------------------ */
/* The documented examples (docs/measures.md, docs/json-formats.md)                            */

static void
test_measure_score_json_matches_the_documented_examples (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  static const struct {
    const char *instrument;
    int answers[17];
    size_t n;
    iop_sex sex;
    const char *json;
  } rows[] = {
    /* docs/json-formats.md, "Score output" (shown indented there; the real output is one line). */
    { "phq9", { 1, 2, 1, 0, 0, 1, 0, 0, 1 }, 9, IOP_SEX_UNKNOWN,
      "{\"instrument\":\"phq9\",\"total\":6,\"band\":{\"id\":\"mild\",\"label\":\"Mild\"},"
      "\"scales\":{\"total\":{\"value\":6,\"band\":\"mild\"}},\"flags\":[{\"id\":\"self-harm-thoughts\","
      "\"label\":\"Thoughts of death or self-harm reported: immediate clinical review\","
      "\"severity\":\"urgent\"}],\"answers\":[1,2,1,0,0,1,0,0,1],\"sex\":\"unknown\"}" },
    /* docs/json-formats.md, the BAM line. */
    { "bam", { 2, 2, 2, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0 }, 17, IOP_SEX_UNKNOWN,
      "{\"instrument\":\"bam\",\"total\":null,\"band\":null,\"scales\":{\"use\":{\"value\":0,\"band\":null},"
      "\"risk\":{\"value\":12,\"band\":null},\"protective\":{\"value\":12,\"band\":null}},\"flags\":"
      "[{\"id\":\"risk-concern\",\"label\":\"Risk factors at the level of concern\",\"severity\":\"warning\"},"
      "{\"id\":\"protective-concern\",\"label\":\"Protective factors at the level of concern\","
      "\"severity\":\"warning\"}],\"answers\":[2,2,2,0,0,0,0,2,2,2,2,2,2,2,2,2,0],\"sex\":\"unknown\"}" },
    /* docs/measures.md, "iop score audit-c --items 1,1,1 --sex female --json". */
    { "audit-c", { 1, 1, 1 }, 3, IOP_SEX_FEMALE,
      "{\"instrument\":\"audit-c\",\"total\":3,\"band\":null,\"scales\":{\"total\":{\"value\":3,\"band\":null}},"
      "\"flags\":[{\"id\":\"alcohol-screen-positive\",\"label\":\"Positive AUDIT-C screen (3 or more for women)\","
      "\"severity\":\"warning\"}],\"answers\":[1,1,1],\"sex\":\"female\"}" },
  };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(iop_score) score = score_ok (instrument (set, rows[i].instrument), rows[i].answers,
                                             rows[i].n, rows[i].sex);
      g_autofree char *json = iop_score_to_json (score);
      assert_string_equal (json, rows[i].json);
    }
  /* docs/measures.md, the PHQ-9 of the examples: total 6, "Mild", an urgent flag. */
  {
    static const int answers[9] = { 1, 2, 1, 0, 0, 1, 0, 0, 1 };
    g_autoptr(iop_score) score = score_ok (instrument (set, "phq9"), answers, 9, IOP_SEX_UNKNOWN);
    assert_string_equal (iop_score_get_band_label (score), "Mild");
    assert_int_equal (iop_score_get_max_severity (score), IOP_SEVERITY_URGENT);
  }
  /* docs/measures.md, the reference command: 3,3,3,3,3,3,2,0,0 is 20, Severe, one warning. */
  {
    static const int answers[9] = { 3, 3, 3, 3, 3, 3, 2, 0, 0 };
    g_autoptr(iop_score) score = score_ok (instrument (set, "phq9"), answers, 9, IOP_SEX_UNKNOWN);
    assert_int_equal (iop_score_get_total (score), 20);
    assert_string_equal (iop_score_get_band_label (score), "Severe");
    assert_int_equal (iop_score_get_n_flags (score), 1);
    assert_string_equal (iop_score_get_flag_id (score, 0), "depression-screen-positive");
  }
}

static void
test_measure_series_json_matches_the_documented_example (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  g_autoptr(iop_measure_series) series = phq9_series (set, IOP_SEX_FEMALE);
  static const int intake[9] = { 2, 2, 2, 2, 2, 1, 1, 1, 0 }; /* 13 */
  static const int week8[9] = { 1, 1, 1, 1, 0, 0, 0, 0, 0 };  /* 4 */
  /* docs/json-formats.md, "Output and the round trip" (indented there, one line in reality). */
  static const char expected[] =
    "{\"format\":\"libiop-measure-series\",\"format_version\":1,\"instrument\":\"phq9\",\"sex\":\"female\","
    "\"administrations\":[{\"date\":\"2026-01-05\",\"answers\":[2,2,2,2,2,1,1,1,0]},"
    "{\"date\":\"2026-03-02\",\"answers\":[1,1,1,1,0,0,0,0,0]}],"
    "\"summary\":{\"administrations\":2,"
    "\"baseline\":{\"date\":\"2026-01-05\",\"total\":13,\"band\":{\"id\":\"moderate\",\"label\":\"Moderate\"},"
    "\"scales\":{\"total\":{\"value\":13,\"band\":\"moderate\"}},\"flags\":[{\"id\":\"depression-screen-positive\","
    "\"label\":\"Score of 10 or more: probable major depression\",\"severity\":\"warning\"}]},"
    "\"latest\":{\"date\":\"2026-03-02\",\"total\":4,\"band\":{\"id\":\"minimal\",\"label\":\"None to minimal\"},"
    "\"scales\":{\"total\":{\"value\":4,\"band\":\"minimal\"}},\"flags\":[]},"
    "\"change_from_baseline\":-9,\"response\":\"met\",\"remission\":\"met\"}}";
  g_autofree char *json = NULL;
  (void) state;

  add_ok (series, "2026-03-02", week8, 9);
  add_ok (series, "2026-01-05", intake, 9);
  json = iop_measure_series_to_json (series);
  assert_string_equal (json, expected);
  assert_int_equal (iop_measure_series_get_change_from_baseline (series), -9);
}

static void
test_measure_documented_check_in_pack_scores_as_described (void **state)
{
  g_autoptr(iop_measure_set) set = load_data_pack ("docs-weekly-check-in.json");
  const iop_instrument *wci = instrument (set, "WCI");
  static const int answers[5] = { 2, 1, 0, 1, 0 };
  g_autoptr(iop_score) score = score_ok (wci, answers, 5, IOP_SEX_UNKNOWN);
  (void) state;

  /* "the total is 7 ("High strain"), the use scale is 1, and both flags are raised". */
  assert_string_equal (iop_instrument_get_id (wci), "checkin");
  assert_int_equal (iop_score_get_total (score), 7);
  assert_string_equal (iop_score_get_band_label (score), "High strain");
  assert_int_equal (iop_score_get_scale (score, "use"), 1);
  assert_int_equal (iop_score_get_n_flags (score), 2);
  assert_true (iop_score_has_flag (score, "any-use"));
  assert_true (iop_score_has_flag (score, "high-strain"));
  /* Item 3 is reversed (3, 2, 1, 0) and item 5 is unscored: 0-3 + 0-3 + 3-0 + 0-1 = 0-10. */
  {
    static const int lowest[5] = { 0, 0, 3, 0, 1 };
    static const int highest[5] = { 3, 3, 0, 1, 0 };
    g_autoptr(iop_score) lo = score_ok (wci, lowest, 5, IOP_SEX_UNKNOWN);
    g_autoptr(iop_score) hi = score_ok (wci, highest, 5, IOP_SEX_UNKNOWN);
    assert_int_equal (iop_score_get_total (lo), 0);
    assert_string_equal (iop_score_get_band (lo), "low");
    assert_int_equal (iop_score_get_total (hi), 10);
    assert_string_equal (iop_score_get_band (hi), "high");
  }
}

/* Applies one of the "Typical errors" of docs/json-formats.md to the Weekly Check-in pack. */
static char *
edit_check_in_pack (int edit)
{
  g_autofree char *text = read_data_file ("valid", "docs-weekly-check-in.json");
  g_autoptr(JsonNode) root = parse_json (text);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  JsonObject *inst = json_array_get_object_element (json_node_get_array (J (root, "instruments")), 0);
  JsonObject *total = json_array_get_object_element (json_object_get_array_member (inst, "scales"), 0);
  JsonArray *bands = json_object_get_array_member (total, "bands");
  JsonArray *items = json_object_get_array_member (inst, "items");
  JsonArray *flags = json_object_get_array_member (inst, "flags");

  switch (edit)
    {
    case 0:
      json_object_set_int_member (json_array_get_object_element (bands, 1), "min", 5);
      break;
    case 1:
      json_object_set_int_member (json_array_get_object_element (bands, 2), "max", 9);
      break;
    case 2:
      json_object_set_int_member (json_array_get_object_element (bands, 2), "max", 11);
      break;
    case 3:
      json_object_set_string_member (json_array_get_object_element (flags, 0), "scale", "total");
      break;
    case 4:
      json_object_set_string_member (json_array_get_object_element (flags, 0), "severity", "none");
      break;
    case 5:
      {
        JsonArray *points = json_array_new ();
        json_array_add_int_element (points, 3);
        json_array_add_int_element (points, 2);
        json_array_add_int_element (points, 1);
        json_object_set_array_member (json_array_get_object_element (items, 2), "points", points);
      }
      break;
    case 6:
      {
        JsonArray *answers = json_array_new ();
        json_array_add_int_element (answers, 0);
        json_array_add_int_element (answers, 0);
        json_object_set_array_member (json_array_get_object_element (items, 3), "answers", answers);
      }
      break;
    case 7:
      json_object_remove_member (inst, "answers");
      break;
    case 8:
      json_object_remove_member (total, "primary");
      break;
    case 9:
      json_object_set_int_member (json_object_get_object_member (inst, "outcomes"),
                                  "response_reduction_percent", 0);
      break;
    default:
      {
        /* A deep copy (json_node_copy shares the object). */
        g_autofree char *first = json_to_string (json_array_get_element (json_node_get_array (J (root, "instruments")), 0), FALSE);
        JsonNode *copy = json_from_string (first, NULL);
        JsonObject *second = json_node_get_object (copy);
        json_object_set_string_member (second, "id", "checkin2");
        json_object_set_string_member (second, "abbreviation", "Checkin");
        json_array_add_element (json_node_get_array (J (root, "instruments")), copy);
      }
      break;
    }
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static void
test_measure_documented_pack_errors_have_the_documented_messages (void **state)
{
  static const struct { iop_error_code code; const char *message; } rows[] = {
    { IOP_ERROR_INVALID_DATA, "$.instruments[0].scales[0].bands[1].min: is 5 but must be 4 (one above the previous band's max; bands must not gap or overlap)" },
    { IOP_ERROR_INVALID_DATA, "$.instruments[0].scales[0].bands: the last band ends at 9 but the scale reaches 10" },
    { IOP_ERROR_INVALID_DATA, "$.instruments[0].scales[0].bands[2].max: 11 is above the scale's highest possible score 10" },
    { IOP_ERROR_INVALID_DATA, "$.instruments[0].flags[0]: a flag needs exactly one of \"item\" and \"scale\"" },
    { IOP_ERROR_INVALID_DATA, "$.instruments[0].flags[0].severity: \"none\" is not one of \"info\", \"warning\", \"urgent\"" },
    { IOP_ERROR_INVALID_DATA, "$.instruments[0].items[2].points: needs one value per answer (4), found 3" },
    { IOP_ERROR_INVALID_DATA, "$.instruments[0].items[3].answers[1]: repeats the value at index 0" },
    { IOP_ERROR_PARSE, "$.instruments[0].items[0].answers: required member is missing (no instrument-level \"answers\" either)" },
    { IOP_ERROR_INVALID_DATA, "$.instruments[0].outcomes: outcome rules need a primary scale (\"primary\": true)" },
    { IOP_ERROR_INVALID_DATA, "$.instruments[0].outcomes.response_reduction_percent: 0 is outside 1..100" },
    { IOP_ERROR_INVALID_DATA, "$.instruments[1].abbreviation: \"Checkin\" is already used by instrument 0" },
  };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *text = edit_check_in_pack ((int) i);
      g_autoptr(iop_error) err = NULL;
      g_autoptr(iop_measure_set) set = iop_measure_set_new_from_json (text, &err);
      if (set != NULL)
        fail_msg ("edit %zu loaded", i);
      assert_int_equal (iop_error_get_code (err), rows[i].code);
      if (strcmp (iop_error_get_message (err), rows[i].message) != 0)
        fail_msg ("edit %zu:\n  got      %s\n  expected %s", i, iop_error_get_message (err),
                  rows[i].message);
    }
}

static void
test_measure_documented_series_errors_have_the_documented_messages (void **state)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  static const char head[] =
    "{\"format\": \"libiop-measure-series\", \"format_version\": 1, \"instrument\": \"phq9\", \"sex\": \"female\", ";
  static const struct { const char *doc, *message; iop_error_code code; } rows[] = {
    { "{\"format\": \"libiop-measures\", \"format_version\": 1, \"instrument\": \"phq9\", \"sex\": \"female\", \"administrations\": []}",
      "$.format: expected \"libiop-measure-series\"", IOP_ERROR_INVALID_DATA },
    { "{\"format\": \"libiop-measure-series\", \"format_version\": 2, \"instrument\": \"phq9\", \"sex\": \"female\", \"administrations\": []}",
      "$.format_version: this version is not supported (this libiop reads 1)", IOP_ERROR_INVALID_DATA },
    { "{\"format\": \"libiop-measure-series\", \"format_version\": 1, \"instrument\": \"phq8\", \"sex\": \"female\", \"administrations\": []}",
      "$.instrument: unknown instrument \"phq8\"", IOP_ERROR_NOT_FOUND },
    { "{\"format\": \"libiop-measure-series\", \"format_version\": 1, \"instrument\": \"phq9\", \"sex\": \"f\", \"administrations\": []}",
      "$.sex: value is not one of \"unknown\", \"female\", \"male\"", IOP_ERROR_INVALID_DATA },
    { "\"administrations\": [{\"date\": \"2026-01-05\", \"answers\": [0,0,0,0,0,0,0,0,0], \"note\": \"x\"}]}",
      "$.administrations[0].note: unknown member (misspelt? extension members start with \"x-\")", IOP_ERROR_PARSE },
    { "\"administrations\": [{\"date\": \"2026-02-30\", \"answers\": [0,0,0,0,0,0,0,0,0]}]}",
      "$.administrations[0].date: not a calendar date in YYYY-MM-DD form", IOP_ERROR_INVALID_DATA },
    { "\"administrations\": [{\"date\": 20260105, \"answers\": [0,0,0,0,0,0,0,0,0]}]}",
      "$.administrations[0].date: expected a string, found a number", IOP_ERROR_PARSE },
    { "\"administrations\": [{\"date\": \"2026-01-05\", \"answers\": [0,0,0,0,0,0,0,0,1.5]}]}",
      "$.administrations[0].answers[8]: expected an integer answer", IOP_ERROR_PARSE },
    { "\"administrations\": [{\"date\": \"2026-01-05\", \"answers\": [0,0,0,0,0,0,0,0,\"1\"]}]}",
      "$.administrations[0].answers[8]: expected an integer answer", IOP_ERROR_PARSE },
    { "\"administrations\": [{\"date\": \"2026-01-05\", \"answers\": [0,0,0,0,0,0,0,0]}]}",
      "$.administrations[0].answers: PHQ-9 needs 9 answers (one per item), got 8", IOP_ERROR_INVALID_DATA },
    { "\"administrations\": [{\"date\": \"2026-01-05\", \"answers\": [0,0,0,0,0,0,0,0,7]}]}",
      "$.administrations[0].answers: PHQ-9 item 9: the answer is not one of the allowed values (0, 1, 2, 3)",
      IOP_ERROR_INVALID_DATA },
  };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *doc = rows[i].doc[0] == '{' ? g_strdup (rows[i].doc)
                                                   : g_strconcat (head, rows[i].doc, NULL);
      g_autoptr(iop_error) err = NULL;
      g_autoptr(iop_measure_series) series = iop_measure_series_new_from_json (set, doc, &err);
      if (series != NULL)
        fail_msg ("row %zu loaded", i);
      assert_int_equal (iop_error_get_code (err), rows[i].code);
      if (strcmp (iop_error_get_message (err), rows[i].message) != 0)
        fail_msg ("row %zu:\n  got      %s\n  expected %s", i, iop_error_get_message (err),
                  rows[i].message);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Invalid packs                                                                               */

typedef struct {
  const char *file;     /* in tests/data/measures/invalid */
  iop_error_code code;
  const char *path;     /* NULL: the error names no member */
} InvalidPack;

static const InvalidPack invalid_packs[] = {
  /* Not JSON, or not an object. */
  { "malformed-json.json", PARSE, NULL },
  { "top-level-array.json", PARSE, "$" },
  { "json-duplicate-member.json", PARSE, NULL },
  { "json-trailing-comma.json", PARSE, NULL },
  /* Root members and sources. */
  { "wrong-format.json", DATA, "$.format" },
  { "format-version-2.json", DATA, "$.format_version" },
  { "unknown-root-member.json", PARSE, "$.instrument" },
  { "missing-instruments.json", PARSE, "$.instruments" },
  { "empty-instruments.json", DATA, "$.instruments" },
  { "instruments-not-array.json", PARSE, "$.instruments" },
  { "instrument-not-object.json", PARSE, "$.instruments[1]" },
  { "missing-sources.json", PARSE, "$.sources" },
  { "source-bad-confidence.json", DATA, "$.sources[\"test-2\"].confidence" },
  /* Instruments. */
  { "unknown-source.json", DATA, "$.instruments[0].source" },
  { "missing-instrument-source.json", PARSE, "$.instruments[0].source" },
  { "unknown-instrument-member.json", PARSE, "$.instruments[0].lookback" },
  { "unknown-instrument-member-bracket.json", PARSE, "$.instruments[0][\"sub-scales\"]" },
  { "duplicate-instrument-id.json", DATA, "$.instruments[1].id" },
  { "duplicate-instrument-id-case.json", DATA, "$.instruments[1].id" },
  { "id-clashes-with-abbreviation.json", DATA, "$.instruments[1].id" },
  { "abbreviation-clashes-with-id.json", DATA, "$.instruments[1].abbreviation" },
  { "duplicate-abbreviation.json", DATA, "$.instruments[1].abbreviation" },
  { "lookback-days-0.json", DATA, "$.instruments[0].lookback_days" },
  { "empty-name.json", DATA, "$.instruments[0].name" },
  { "missing-abbreviation.json", PARSE, "$.instruments[0].abbreviation" },
  /* Items and answers. */
  { "empty-items.json", DATA, "$.instruments[0].items" },
  { "duplicate-item-id.json", DATA, "$.instruments[0].items[1].id" },
  { "item-without-answers.json", PARSE, "$.instruments[1].items[0].answers" },
  { "item-answers-duplicate.json", DATA, "$.instruments[0].items[1].answers[2]" },
  { "instrument-answers-duplicate.json", DATA, "$.instruments[0].answers[3]" },
  { "answer-above-1000.json", DATA, "$.instruments[0].items[0].answers[2]" },
  { "answer-negative.json", DATA, "$.instruments[0].answers[0]" },
  { "answers-empty.json", DATA, "$.instruments[0].items[0].answers" },
  { "answer-not-integer.json", PARSE, "$.instruments[0].answers[1]" },
  { "points-length-mismatch.json", DATA, "$.instruments[1].items[0].points" },
  { "points-above-1000.json", DATA, "$.instruments[1].items[0].points[0]" },
  { "unknown-item-member.json", PARSE, "$.instruments[0].items[2].point" },
  { "points-one-point-zero.json", PARSE, "$.instruments[1].items[0].points[0]" },
  { "loinc-null.json", PARSE, "$.instruments[0].loinc" },
  { "flags-null.json", PARSE, "$.instruments[0].flags" },
  /* Scales. */
  { "empty-scales.json", DATA, "$.instruments[0].scales" },
  { "scale-unknown-item.json", DATA, "$.instruments[0].scales[0].items[2]" },
  { "scale-item-twice.json", DATA, "$.instruments[0].scales[1].items[1]" },
  { "two-primary-scales.json", DATA, "$.instruments[0].scales[1].primary" },
  { "duplicate-scale-id.json", DATA, "$.instruments[0].scales[1].id" },
  { "scale-empty-items.json", DATA, "$.instruments[0].scales[1].items" },
  { "scale-item-not-string.json", PARSE, "$.instruments[0].scales[0].items[0]" },
  { "primary-not-boolean.json", PARSE, "$.instruments[0].scales[0].primary" },
  /* Bands: they must tile the scale's range exactly. */
  { "bands-gap.json", DATA, "$.instruments[0].scales[0].bands[1].min" },
  { "bands-overlap.json", DATA, "$.instruments[0].scales[0].bands[1].min" },
  { "bands-first-not-at-minimum.json", DATA, "$.instruments[0].scales[0].bands[0].min" },
  { "bands-first-below-raised-minimum.json", DATA, "$.instruments[1].scales[0].bands[0].min" },
  { "bands-last-short-of-maximum.json", DATA, "$.instruments[0].scales[0].bands" },
  { "band-max-above-scale-max.json", DATA, "$.instruments[0].scales[0].bands[2].max" },
  { "duplicate-band-id.json", DATA, "$.instruments[0].scales[0].bands[1].id" },
  { "band-min-above-max.json", DATA, "$.instruments[0].scales[0].bands[1]" },
  { "bands-empty.json", DATA, "$.instruments[0].scales[0].bands" },
  { "band-negative-min.json", DATA, "$.instruments[0].scales[0].bands[0].min" },
  { "band-unknown-member.json", PARSE, "$.instruments[0].scales[0].bands[0].maximum" },
  /* Flags. */
  { "flag-item-and-scale.json", DATA, "$.instruments[0].flags[0]" },
  { "flag-neither-item-nor-scale.json", DATA, "$.instruments[0].flags[0]" },
  { "flag-unknown-scale.json", DATA, "$.instruments[0].flags[0].scale" },
  { "flag-unknown-item.json", DATA, "$.instruments[0].flags[1].item" },
  { "flag-severity-none.json", DATA, "$.instruments[0].flags[0].severity" },
  { "flag-unknown-severity.json", DATA, "$.instruments[0].flags[0].severity" },
  { "flag-unknown-op.json", DATA, "$.instruments[0].flags[0].op" },
  { "flag-missing-op.json", PARSE, "$.instruments[0].flags[0].op" },
  { "flag-unknown-sex.json", DATA, "$.instruments[0].flags[0].sex" },
  { "flag-value-not-integer.json", PARSE, "$.instruments[0].flags[0].value" },
  { "flag-unknown-source.json", DATA, "$.instruments[0].flags[1].source" },
  { "flag-unknown-member.json", PARSE, "$.instruments[0].flags[0].threshold" },
  /* Outcome rules. */
  { "outcomes-without-primary.json", DATA, "$.instruments[1].outcomes" },
  { "response-percent-0.json", DATA, "$.instruments[0].outcomes.response_reduction_percent" },
  { "response-percent-101.json", DATA, "$.instruments[0].outcomes.response_reduction_percent" },
  { "min-baseline-0.json", DATA, "$.instruments[0].outcomes.min_baseline" },
  { "outcomes-missing-remission.json", PARSE, "$.instruments[0].outcomes.remission_below" },
  { "outcomes-unknown-member.json", PARSE, "$.instruments[0].outcomes.remission" },
  { "outcomes-unknown-source.json", DATA, "$.instruments[0].outcomes.source" },
  { "outcomes-not-object.json", PARSE, "$.instruments[0].outcomes" },
};

/* Loads @row's file through both entry points and appends any mismatch to @report. */
static void
check_invalid_pack (const InvalidPack *row, GString *report)
{
  g_autofree char *path = data_path ("invalid", row->file);
  g_autofree char *text = NULL;
  iop_error *file_err = NULL, *json_err = NULL;
  iop_measure_set *set;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    {
      g_string_append_printf (report, "\n  %s: cannot read the file", row->file);
      return;
    }

  set = iop_measure_set_new_from_file (path, &file_err);
  if (set != NULL || file_err == NULL)
    {
      g_string_append_printf (report, "\n  %s: loaded without an error (expected %s at %s)",
                              row->file, iop_error_code_to_string (row->code), or_null (row->path));
      iop_measure_set_unref (set);
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

  /* The text loader agrees with the file loader. */
  set = iop_measure_set_new_from_json (text, &json_err);
  if (set != NULL || json_err == NULL || iop_error_get_code (json_err) != iop_error_get_code (file_err) ||
      g_strcmp0 (iop_error_get_path (json_err), iop_error_get_path (file_err)) != 0)
    g_string_append_printf (report, "\n  %s: iop_measure_set_new_from_json disagrees with _from_file",
                            row->file);
  iop_measure_set_unref (set);

  /* Without an error location the call still fails. */
  set = iop_measure_set_new_from_json (text, NULL);
  if (set != NULL)
    g_string_append_printf (report, "\n  %s: loaded when error is NULL", row->file);
  iop_measure_set_unref (set);

  iop_error_free (file_err);
  iop_error_free (json_err);
}

static void
test_measure_invalid_packs_fail_with_the_expected_code_and_path (void **state)
{
  GString *report = g_string_new (NULL);
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (invalid_packs); i++)
    check_invalid_pack (&invalid_packs[i], report);
  iop_test_finish_report (report, "invalid packs not rejected as expected");
}

static void
test_measure_invalid_corpus_matches_the_tables (void **state)
{
  const char *pack_files[G_N_ELEMENTS (invalid_packs)];
  const char *series_files[G_N_ELEMENTS (invalid_series)];
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (invalid_packs); i++)
    pack_files[i] = invalid_packs[i].file;
  for (size_t i = 0; i < G_N_ELEMENTS (invalid_series); i++)
    series_files[i] = invalid_series[i].file;
  iop_test_check_corpus (MEASURES_DATA, "invalid", pack_files, G_N_ELEMENTS (pack_files));
  iop_test_check_corpus (MEASURES_DATA, "series/invalid", series_files, G_N_ELEMENTS (series_files));
}

static void
test_measure_missing_file_is_an_io_error_without_path (void **state)
{
  g_autoptr(iop_error) missing = NULL;
  g_autoptr(iop_error) directory = NULL;
  (void) state;

  assert_null (iop_measure_set_new_from_file (MEASURES_DATA "/no-such-pack.json", &missing));
  assert_non_null (missing);
  assert_int_equal (iop_error_get_code (missing), IOP_ERROR_IO);
  assert_null (iop_error_get_path (missing));
  assert_true (strlen (iop_error_get_message (missing)) > 0);

  assert_null (iop_measure_set_new_from_file (MEASURES_DATA, &directory));
  assert_non_null (directory);
  assert_int_equal (iop_error_get_code (directory), IOP_ERROR_IO);
  assert_null (iop_error_get_path (directory));
}

static void
test_measure_pack_error_messages_name_the_field_and_the_rule (void **state)
{
  static const struct { const char *file, *path, *words; } rows[] = {
    { "bands-gap.json", "$.instruments[0].scales[0].bands[1].min", "gap" },
    { "bands-last-short-of-maximum.json", "$.instruments[0].scales[0].bands", "6" },
    { "scale-unknown-item.json", "$.instruments[0].scales[0].items[2]", "\"4\"" },
  };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *path = data_path ("invalid", rows[i].file);
      g_autoptr(iop_error) err = NULL;
      const char *message;
      assert_null (iop_measure_set_new_from_file (path, &err));
      assert_non_null (err);
      message = iop_error_get_message (err);
      /* The path first, then a reason that a pack author can act on. */
      assert_true (g_str_has_prefix (message, rows[i].path));
      assert_true (strlen (message) > strlen (rows[i].path) + 2);
      if (strstr (message + strlen (rows[i].path), rows[i].words) == NULL)
        fail_msg ("\"%s\" does not mention %s", message, rows[i].words);
      assert_true (g_utf8_validate (message, -1, NULL));
    }
}

#undef PARSE
#undef DATA
#undef NOT_FOUND
#undef NA
#undef NOT_MET
#undef MET

int
main (void)
{
  const struct CMUnitTest tests[] = {
    /* Built-in pack: catalog and metadata */
    cmocka_unit_test (test_measure_default_set_has_id_version_and_six_instruments),
    cmocka_unit_test (test_measure_instrument_metadata_matches_the_published_instruments),
    cmocka_unit_test (test_measure_lookup_matches_id_and_abbreviation_case_insensitively),
    cmocka_unit_test (test_measure_is_valid_answer_follows_each_items_answer_set),
    cmocka_unit_test (test_measure_every_default_instrument_and_flag_cites_a_source),
    /* Band edges */
    cmocka_unit_test (test_measure_band_edges_give_the_published_band),
    cmocka_unit_test (test_measure_every_possible_total_falls_in_exactly_its_band),
    cmocka_unit_test (test_measure_band_edge_table_covers_every_band_of_the_default_pack),
    /* Reverse scoring and restricted answer sets */
    cmocka_unit_test (test_measure_dast10_item_3_is_reverse_scored),
    cmocka_unit_test (test_measure_dast10_reverse_item_is_serialized_as_the_answer_not_the_points),
    cmocka_unit_test (test_measure_audit_items_9_and_10_allow_only_0_2_4),
    /* Flags */
    cmocka_unit_test (test_measure_phq9_item_9_raises_an_urgent_flag_at_any_total),
    cmocka_unit_test (test_measure_screening_flags_switch_on_exactly_at_the_cut_off),
    cmocka_unit_test (test_measure_audit_c_flag_is_raised_once_and_there_is_no_band),
    /* BAM */
    cmocka_unit_test (test_measure_bam_items_count_towards_exactly_their_composite),
    cmocka_unit_test (test_measure_bam_flags_follow_the_composite_cut_offs),
    cmocka_unit_test (test_measure_bam_has_no_total_and_no_bands),
    /* Validation */
    cmocka_unit_test (test_measure_wrong_number_of_answers_is_refused),
    cmocka_unit_test (test_measure_answer_outside_the_set_names_the_item_not_the_answer),
    cmocka_unit_test (test_measure_first_invalid_item_is_reported_and_nothing_is_scored),
    cmocka_unit_test (test_measure_sex_outside_the_enum_is_refused),
    /* Scores */
    cmocka_unit_test (test_measure_score_copy_equals_the_original),
    cmocka_unit_test (test_measure_score_to_json_has_every_documented_member),
    cmocka_unit_test (test_measure_score_and_instrument_references_keep_the_set_alive),
    cmocka_unit_test (test_measure_enum_strings_convert_both_ways),
    /* Threads */
    cmocka_unit_test (test_measure_one_set_is_shared_by_several_threads),
    /* Series */
    cmocka_unit_test (test_measure_series_new_finds_the_instrument_or_fails_not_found),
    cmocka_unit_test (test_measure_series_keeps_date_order_stably_with_the_earliest_as_baseline),
    cmocka_unit_test (test_measure_series_refuses_invalid_dates_and_stays_unchanged),
    cmocka_unit_test (test_measure_series_refuses_invalid_answers_and_stays_unchanged),
    cmocka_unit_test (test_measure_series_response_and_remission_follow_the_rules),
    cmocka_unit_test (test_measure_series_uses_only_baseline_and_latest),
    cmocka_unit_test (test_measure_series_of_the_bam_has_no_change_or_outcomes),
    cmocka_unit_test (test_measure_series_applies_the_recorded_sex),
    /* Series JSON */
    cmocka_unit_test (test_measure_series_to_json_has_inputs_and_a_derived_summary),
    cmocka_unit_test (test_measure_series_json_round_trips_byte_identically),
    cmocka_unit_test (test_measure_series_summary_is_ignored_when_read_back),
    cmocka_unit_test (test_measure_series_documents_in_the_corpus_load),
    cmocka_unit_test (test_measure_invalid_series_fail_with_the_expected_code_and_path),
    cmocka_unit_test (test_measure_series_json_refuses_other_shapes),
    /* User packs */
    cmocka_unit_test (test_measure_user_pack_adds_an_instrument_without_c_code),
    cmocka_unit_test (test_measure_user_pack_response_needs_the_full_percentage),
    cmocka_unit_test (test_measure_user_pack_accepts_extension_members),
    cmocka_unit_test (test_measure_minimal_pack_scores_both_instruments),
    cmocka_unit_test (test_measure_every_valid_pack_loads),
    cmocka_unit_test (test_measure_default_pack_json_loads_back_to_an_equal_set),
    /* The documented examples */
    cmocka_unit_test (test_measure_score_json_matches_the_documented_examples),
    cmocka_unit_test (test_measure_series_json_matches_the_documented_example),
    cmocka_unit_test (test_measure_documented_check_in_pack_scores_as_described),
    cmocka_unit_test (test_measure_documented_pack_errors_have_the_documented_messages),
    cmocka_unit_test (test_measure_documented_series_errors_have_the_documented_messages),
    /* Invalid packs */
    cmocka_unit_test (test_measure_invalid_packs_fail_with_the_expected_code_and_path),
    cmocka_unit_test (test_measure_invalid_corpus_matches_the_tables),
    cmocka_unit_test (test_measure_missing_file_is_an_io_error_without_path),
    cmocka_unit_test (test_measure_pack_error_messages_name_the_field_and_the_rule),
  };
  iop_test_apply_filters ();
  return cmocka_run_group_tests_name ("measure", tests, NULL, NULL);
}
