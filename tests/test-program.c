/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Unit tests for iop-program.h: the built-in program pack (its six stages in order, names,
 * entry and exit criteria, the moves it allows, the engagement thresholds), user packs (a
 * minimal pack and a four-phase pack), the getters' answers for unknown stages and indexes,
 * reference counting, and the strict loader against a corpus of invalid packs with their codes
 * and JSON paths.
 *
 * Expected values are written out here from the issue and the program description (the five
 * IOP stages plus transition and discharge planning), not read from libiop/data/program.json.
 *
 * Test data (tests/data/program):
 *   valid/minimal.json        three stages (start, middle, end) with one criterion of each kind;
 *                             the base of the invalid corpus.
 *   valid/tip47-phases.json   four sequential phases with min-days and stage-of-change criteria.
 *   invalid/NAME.json         packs with one defect each ("$comment" names it); expected code
 *                             and JSON path in invalid_packs[].
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

#define PROGRAM_DATA IOP_TEST_DATA_DIR "/program"

static iop_program *
load (const char *dir, const char *file, iop_error **err)
{
  g_autofree char *path = g_build_filename (PROGRAM_DATA, dir, file, NULL);
  return iop_program_new_from_file (path, err);
}

static iop_program *
load_ok (const char *dir, const char *file)
{
  iop_error *err = NULL;
  iop_program *p = load (dir, file, &err);
  if (p == NULL)
    fail_msg ("%s/%s: %s", dir, file, err ? iop_error_get_message (err) : "(no error)");
  assert_null (err);
  return p;
}

/* ------------------------------------------------------------------------------------------ */
/* The built-in pack                                                                           */

static const char *const default_stages[] = { "assessment", "education", "intensive-therapy", "life-skills",
                                              "family-engagement", "transition-planning" };

static void
test_program_default_pack_stages (void **state)
{
  static const struct { const char *stage, *name_word; } names[] = {
    { "assessment", "goals" }, { "education", "triggers" }, { "intensive-therapy", "therapy" },
    { "life-skills", "Life-skills" }, { "family-engagement", "Family" }, { "transition-planning", "discharge" },
  };
  g_autoptr(iop_program) p = iop_program_new_default ();
  (void) state;

  assert_str (iop_program_get_id (p), "libiop-default-program");
  assert_int_equal (iop_program_get_n_stages (p), G_N_ELEMENTS (default_stages));
  for (size_t i = 0; i < G_N_ELEMENTS (default_stages); i++)
    {
      assert_str (iop_program_get_stage_id (p, i), default_stages[i]);
      assert_true (iop_program_has_stage (p, default_stages[i]));
      /* Every stage has criteria for the clinician to enter it and at least one to leave it,
       * except that the last stage is left by discharge. */
      assert_true (iop_program_get_n_entry_criteria (p, default_stages[i]) >= 1);
      assert_non_null (iop_program_get_entry_criterion (p, default_stages[i], 0));
      assert_true (iop_program_get_n_exit_criteria (p, default_stages[i]) >= 1);
    }
  assert_null (iop_program_get_stage_id (p, G_N_ELEMENTS (default_stages)));
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *name = iop_program_get_stage_name (p, names[i].stage);
      assert_non_null (name);
      if (strstr (name, names[i].name_word) == NULL)
        fail_msg ("%s is named \"%s\"", names[i].stage, name);
    }
}

static void
test_program_default_pack_exit_criteria (void **state)
{
  g_autoptr(iop_program) p = iop_program_new_default ();
  (void) state;

  /* Each stage's goals; family engagement also needs action or maintenance. */
  assert_str (iop_program_get_exit_criterion_id (p, "assessment", 0), "assessment-goals");
  assert_int_equal (iop_program_get_n_exit_criteria (p, "assessment"), 1);
  assert_int_equal (iop_program_get_n_exit_criteria (p, "family-engagement"), 2);
  assert_str (iop_program_get_exit_criterion_id (p, "family-engagement", 0), "family-goals");
  assert_str (iop_program_get_exit_criterion_id (p, "family-engagement", 1), "ready-for-change");
  assert_non_null (strstr (iop_program_get_exit_criterion_text (p, "family-engagement", 1), "action"));
  assert_non_null (strstr (iop_program_get_exit_criterion_text (p, "family-engagement", 1), "maintenance"));
  assert_null (iop_program_get_exit_criterion_id (p, "family-engagement", 2));
  assert_null (iop_program_get_exit_criterion_text (p, "family-engagement", 2));
  /* Engagement thresholds. */
  assert_int_equal (iop_program_get_outreach_misses (p), 2);
  assert_true (fabs (iop_program_get_dropout_threshold (p) - 0.75) < 1e-12);
}

static void
test_program_default_pack_moves (void **state)
{
  /* Forward one stage at a time, or to transition planning from anywhere; never back, never
   * out of transition planning. */
  g_autoptr(iop_program) p = iop_program_new_default ();
  size_t n = G_N_ELEMENTS (default_stages);
  (void) state;

  for (size_t from = 0; from < n; from++)
    for (size_t to = 0; to < n; to++)
      {
        bool want = from != to && from + 1 < n && (to == from + 1 || to == n - 1);
        if (iop_program_allows_transition (p, default_stages[from], default_stages[to]) != want)
          fail_msg ("%s -> %s: expected %s", default_stages[from], default_stages[to], want ? "allowed" : "refused");
      }
  assert_false (iop_program_allows_transition (p, "assessment", "detox"));
  assert_false (iop_program_allows_transition (p, "detox", "education"));
  assert_false (iop_program_allows_transition (p, NULL, "education"));
  assert_false (iop_program_allows_transition (p, "assessment", NULL));
}

static void
test_program_unknown_stages_and_indexes (void **state)
{
  g_autoptr(iop_program) p = iop_program_new_default ();
  (void) state;
  assert_false (iop_program_has_stage (p, "detox"));
  assert_false (iop_program_has_stage (p, "Assessment"));
  assert_false (iop_program_has_stage (p, NULL));
  assert_null (iop_program_get_stage_name (p, "detox"));
  assert_int_equal (iop_program_get_n_entry_criteria (p, "detox"), 0);
  assert_int_equal (iop_program_get_n_exit_criteria (p, "detox"), 0);
  assert_null (iop_program_get_entry_criterion (p, "detox", 0));
  assert_null (iop_program_get_exit_criterion_id (p, "detox", 0));
  assert_null (iop_program_get_exit_criterion_text (p, "detox", 0));
  assert_null (iop_program_get_entry_criterion (p, "assessment", 99));
  assert_null (iop_program_get_exit_criterion_id (p, "assessment", 99));
}

static void
test_program_default_pack_text_and_references (void **state)
{
  char *text = iop_program_default_pack_json ();
  iop_error *err = NULL;
  iop_program *again;
  g_autoptr(JsonNode) root = NULL;
  (void) state;

  assert_non_null (text);
  root = parse_json (text);
  assert_str (json_node_get_string (json_at (root, "format", NULL)), "libiop-program");
  assert_int_equal (json_node_get_int (json_at (root, "format_version", NULL)), 1);
  /* Every stage cites a source of the pack's table. */
  {
    JsonArray *stages = json_node_get_array (json_at (root, "stages", NULL));
    JsonObject *sources = json_node_get_object (json_at (root, "sources", NULL));
    assert_int_equal (json_array_get_length (stages), G_N_ELEMENTS (default_stages));
    for (guint i = 0; i < json_array_get_length (stages); i++)
      assert_true (json_object_has_member (
        sources, json_object_get_string_member (json_array_get_object_element (stages, i), "source")));
  }
  again = iop_program_new_from_json (text, &err);
  assert_non_null (again);
  assert_null (err);
  assert_str (iop_program_get_id (again), "libiop-default-program");
  assert_ptr_equal (iop_program_ref (again), again);
  iop_program_unref (again);
  assert_int_equal (iop_program_get_n_stages (again), G_N_ELEMENTS (default_stages));
  iop_program_unref (again);
  iop_program_unref (NULL);
  iop_free (text);
}

/* ------------------------------------------------------------------------------------------ */
/* User packs                                                                                  */

static void
test_program_minimal_user_pack (void **state)
{
  g_autoptr(iop_program) p = load_ok ("valid", "minimal.json");
  (void) state;
  assert_str (iop_program_get_id (p), "test-minimal-program");
  assert_int_equal (iop_program_get_n_stages (p), 3);
  assert_str (iop_program_get_stage_id (p, 0), "start");
  assert_str (iop_program_get_stage_name (p, "middle"), "Middle");
  assert_int_equal (iop_program_get_n_entry_criteria (p, "start"), 1);
  assert_str (iop_program_get_entry_criterion (p, "start", 0), "Admitted");
  assert_int_equal (iop_program_get_n_entry_criteria (p, "middle"), 0);
  assert_int_equal (iop_program_get_n_exit_criteria (p, "middle"), 2);
  assert_str (iop_program_get_exit_criterion_id (p, "middle", 0), "middle-days");
  assert_str (iop_program_get_exit_criterion_text (p, "middle", 1), "Acting");
  assert_int_equal (iop_program_get_n_exit_criteria (p, "end"), 0);
  assert_true (iop_program_allows_transition (p, "start", "end"));
  assert_true (iop_program_allows_transition (p, "middle", "end"));
  assert_false (iop_program_allows_transition (p, "end", "start"));
  assert_false (iop_program_allows_transition (p, "middle", "start"));
  assert_int_equal (iop_program_get_outreach_misses (p), 2);
}

static void
test_program_four_phase_pack (void **state)
{
  static const char *const phases[] = { "engagement", "early-recovery", "maintenance", "community-support" };
  g_autoptr(iop_program) p = load_ok ("valid", "tip47-phases.json");
  (void) state;
  assert_str (iop_program_get_id (p), "test-tip47-phases");
  assert_int_equal (iop_program_get_n_stages (p), G_N_ELEMENTS (phases));
  for (size_t i = 0; i < G_N_ELEMENTS (phases); i++)
    assert_str (iop_program_get_stage_id (p, i), phases[i]);
  assert_true (iop_program_allows_transition (p, "early-recovery", "engagement")); /* a move back */
  assert_false (iop_program_allows_transition (p, "engagement", "maintenance"));
  assert_int_equal (iop_program_get_outreach_misses (p), 3);
  assert_true (fabs (iop_program_get_dropout_threshold (p) - 0.8) < 1e-12);
  assert_str (iop_program_get_exit_criterion_id (p, "maintenance", 1), "maintenance-days");
}

static void
test_program_thresholds_at_their_bounds (void **state)
{
  /* consecutive_misses 1..100, dropout_risk_below 0..1, both inclusive. */
  static const struct { int misses; const char *below; bool ok; } rows[] = {
    { 1, "0", true }, { 100, "1", true }, { 2, "0.5", true }, { 0, "0.5", false }, { 101, "0.5", false },
    { 2, "-0.01", false }, { 2, "1.01", false }, { 2, "1e309", false },
  };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"format\":\"libiop-program\",\"format_version\":1,\"id\":\"t\",\"version\":\"1\","
        "\"sources\":{\"s\":{\"citation\":\"c\",\"confidence\":\"L\"}},"
        "\"stages\":[{\"id\":\"only\",\"name\":\"Only\",\"source\":\"s\",\"entry_criteria\":[],\"exit_criteria\":[],"
        "\"next\":[]}],\"engagement\":{\"consecutive_misses\":%d,\"dropout_risk_below\":%s,\"outreach_source\":\"s\","
        "\"dropout_source\":\"s\"}}", rows[i].misses, rows[i].below);
      iop_error *err = NULL;
      iop_program *p = iop_program_new_from_json (json, &err);
      print_message ("  %d, %s\n", rows[i].misses, rows[i].below);
      if (rows[i].ok)
        {
          assert_non_null (p);
          assert_int_equal (iop_program_get_outreach_misses (p), rows[i].misses);
          assert_true (fabs (iop_program_get_dropout_threshold (p) - g_ascii_strtod (rows[i].below, NULL)) < 1e-12);
        }
      else
        {
          assert_null (p);
          assert_non_null (err);
          assert_true (g_str_has_prefix (iop_error_get_path (err), "$.engagement"));
        }
      iop_program_unref (p);
      iop_error_free (err);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Invalid packs                                                                               */

static const struct {
  const char *file;
  iop_error_code code;
  const char *path;
} invalid_packs[] = {
  { "unknown-member.json", IOP_ERROR_PARSE, "$.phases" },
  { "wrong-format.json", IOP_ERROR_INVALID_DATA, "$.format" },
  { "no-stages.json", IOP_ERROR_INVALID_DATA, "$.stages" },
  { "stage-not-object.json", IOP_ERROR_PARSE, "$.stages[1]" },
  { "duplicate-stage.json", IOP_ERROR_INVALID_DATA, "$.stages[2].id" },
  { "stage-id-comma.json", IOP_ERROR_INVALID_DATA, "$.stages[1].id" },
  { "stage-unknown-source.json", IOP_ERROR_INVALID_DATA, "$.stages[0].source" },
  { "stage-unknown-member.json", IOP_ERROR_PARSE, "$.stages[0].weeks" },
  { "next-unknown-stage.json", IOP_ERROR_INVALID_DATA, "$.stages[1].next[1]" },
  { "next-self.json", IOP_ERROR_INVALID_DATA, "$.stages[1].next[0]" },
  { "next-twice.json", IOP_ERROR_INVALID_DATA, "$.stages[0].next[2]" },
  { "entry-empty-string.json", IOP_ERROR_INVALID_DATA, "$.stages[0].entry_criteria[1]" },
  { "exit-unknown-type.json", IOP_ERROR_INVALID_DATA, "$.stages[0].exit_criteria[0].type" },
  { "exit-empty-id.json", IOP_ERROR_INVALID_DATA, "$.stages[0].exit_criteria[0].id" },
  { "exit-duplicate-id.json", IOP_ERROR_INVALID_DATA, "$.stages[1].exit_criteria[1].id" },
  { "exit-goals-with-days.json", IOP_ERROR_INVALID_DATA, "$.stages[0].exit_criteria[0].days" },
  { "exit-days-with-stages.json", IOP_ERROR_INVALID_DATA, "$.stages[1].exit_criteria[0].stages" },
  { "exit-days-zero.json", IOP_ERROR_INVALID_DATA, "$.stages[1].exit_criteria[0].days" },
  { "exit-days-missing.json", IOP_ERROR_PARSE, "$.stages[1].exit_criteria[0].days" },
  { "exit-days-decimal.json", IOP_ERROR_PARSE, "$.stages[1].exit_criteria[0].days" },
  { "exit-soc-empty.json", IOP_ERROR_INVALID_DATA, "$.stages[1].exit_criteria[1].stages" },
  { "exit-soc-termination.json", IOP_ERROR_INVALID_DATA, "$.stages[1].exit_criteria[1].stages[1]" },
  { "exit-missing-text.json", IOP_ERROR_PARSE, "$.stages[0].exit_criteria[0].text" },
  { "engagement-missing.json", IOP_ERROR_PARSE, "$.engagement" },
  { "engagement-misses-zero.json", IOP_ERROR_INVALID_DATA, "$.engagement.consecutive_misses" },
  { "engagement-rate-above-one.json", IOP_ERROR_INVALID_DATA, "$.engagement.dropout_risk_below" },
  { "engagement-rate-string.json", IOP_ERROR_PARSE, "$.engagement.dropout_risk_below" },
  { "engagement-unknown-source.json", IOP_ERROR_INVALID_DATA, "$.engagement.dropout_source" },
};

static void
test_program_invalid_packs_fail_with_code_and_path (void **state)
{
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (invalid_packs); i++)
    {
      iop_error *err = NULL;
      iop_program *p = load ("invalid", invalid_packs[i].file, &err);
      const char *path;
      if (p != NULL)
        {
          iop_program_unref (p);
          fail_msg ("%s: loaded", invalid_packs[i].file);
        }
      if (err == NULL)
        fail_msg ("%s: no error", invalid_packs[i].file);
      path = iop_error_get_path (err);
      if (iop_error_get_code (err) != invalid_packs[i].code || path == NULL ||
          strcmp (path, invalid_packs[i].path) != 0)
        fail_msg ("%s: expected %s at %s, got %s at %s (%s)", invalid_packs[i].file,
                  iop_error_code_to_string (invalid_packs[i].code), invalid_packs[i].path,
                  iop_error_code_to_string (iop_error_get_code (err)), path ? path : "NULL",
                  iop_error_get_message (err));
      assert_true (strlen (iop_error_get_message (err)) > strlen (path) + 8);
      iop_error_free (err);
    }
}

static void
test_program_invalid_corpus_matches_the_table (void **state)
{
  const char *files[G_N_ELEMENTS (invalid_packs)];
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (invalid_packs); i++)
    files[i] = invalid_packs[i].file;
  iop_test_check_corpus (PROGRAM_DATA, "invalid", files, G_N_ELEMENTS (files));
}

static void
test_program_missing_file_and_bad_text (void **state)
{
  iop_error *err = NULL;
  (void) state;
  assert_null (load ("valid", "no-such-pack.json", &err));
  assert_non_null (err);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_IO);
  iop_error_free (err);
  err = NULL;
  assert_null (iop_program_new_from_json ("{", &err));
  assert_non_null (err);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_PARSE);
  iop_error_free (err);
  err = NULL;
  /* Another pack's text. */
  {
    g_autofree char *continuum = iop_continuum_default_pack_json ();
    assert_null (iop_program_new_from_json (continuum, &err));
    assert_non_null (err);
    assert_int_equal (iop_error_get_code (err), IOP_ERROR_PARSE); /* its members are unknown here */
    iop_error_free (err);
  }
  assert_null (iop_program_new_from_json ("[]", NULL));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_program_default_pack_stages),
    cmocka_unit_test (test_program_default_pack_exit_criteria),
    cmocka_unit_test (test_program_default_pack_moves),
    cmocka_unit_test (test_program_unknown_stages_and_indexes),
    cmocka_unit_test (test_program_default_pack_text_and_references),
    cmocka_unit_test (test_program_minimal_user_pack),
    cmocka_unit_test (test_program_four_phase_pack),
    cmocka_unit_test (test_program_thresholds_at_their_bounds),
    cmocka_unit_test (test_program_invalid_packs_fail_with_code_and_path),
    cmocka_unit_test (test_program_invalid_corpus_matches_the_table),
    cmocka_unit_test (test_program_missing_file_and_bad_text),
  };
  iop_test_apply_filters ();
  return cmocka_run_group_tests_name ("program", tests, NULL, NULL);
}
