/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Unit tests for iop-compliance.h: the weekly hours band of each level at its edges (with the
 * step-down and step-up recommendations), the IOP taper rule, per-service-day minimums, the
 * H0015 and Medicare rule sets, rule-set selection, levels without a published band, Medicare
 * payment tiers and recertification dates, per-diem claim rules and the PHP window, malformed
 * claims documents, the report JSON (read back with json-glib), user packs and the strict
 * validation of packs.
 *
 * Expected figures come from the acceptance list and the built-in continuum's bands
 * (asam3 2.1: 9-19 h/week adult, 6-19 adolescent, >= 3 h/day adult, >= 2 adolescent; asam3 2.5:
 * >= 20 h/week, >= 5 h/day), written out here independently of libiop/data.
 *
 * Test data (tests/data/compliance):
 *   valid/minimal.json                the smallest complete pack; base of the invalid corpus.
 *   valid/state-four-hour-days.json   minimal.json plus a default "state" rule set: at least 4
 *                                     hours per service day for adult asam3 2.1.
 *   invalid/NAME.json                 packs with one defect each ("$comment" names it); expected
 *                                     code and JSON path in invalid_packs[].
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

#define COMPLIANCE_DATA IOP_TEST_DATA_DIR "/compliance"

/* ------------------------------------------------------------------------------------------ */
static void
assert_near (double got, double expected)
{
  if (fabs (got - expected) > 1e-9)
    fail_msg ("expected %.10g, got %.10g", expected, got);
}

typedef struct {
  iop_continuum *continuum;
  iop_compliance_rules *rules;
} Fixture;

static int
setup (void **state)
{
  Fixture *f = g_new0 (Fixture, 1);
  f->continuum = iop_continuum_new_default ();
  f->rules = iop_compliance_rules_new_default ();
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  Fixture *f = *state;
  iop_compliance_rules_unref (f->rules);
  iop_continuum_unref (f->continuum);
  g_free (f);
  return 0;
}

static const iop_level *
level (const Fixture *f, iop_edition edition, const char *code)
{
  const iop_level *l = iop_continuum_lookup_level (f->continuum, edition, code);
  if (l == NULL)
    fail_msg ("no level %d/%s", edition, code);
  return l;
}

/* A schedule of one untimed session per listed day (0 = no session that day). */
static iop_schedule *
schedule_of_days (const int minutes[7])
{
  iop_schedule *s = iop_schedule_new ();
  for (int d = 0; d < 7; d++)
    if (minutes[d] > 0 && !iop_schedule_add_session (s, (iop_weekday) (d + 1), NULL, minutes[d], "group-therapy", NULL))
      fail_msg ("could not add %d minutes on day %d", minutes[d], d + 1);
  return s;
}

/* A schedule of @total minutes over five weekdays, as even as whole minutes allow. */
static iop_schedule *
schedule_of_total (int total)
{
  int minutes[7] = { 0 };
  for (int d = 0; d < 5; d++)
    minutes[d] = total / 5 + (d < total % 5);
  return schedule_of_days (minutes);
}

static iop_compliance_report *
check_ok (const iop_compliance_rules *rules, const iop_level *l, iop_age_group age, const iop_schedule *s,
          int weeks, const char *sets)
{
  iop_error *err = NULL;
  iop_compliance_report *r = iop_compliance_rules_check_schedule (rules, l, age, s, weeks, sets, &err);
  if (r == NULL)
    fail_msg ("check failed: %s", err ? iop_error_get_message (err) : "(no error)");
  assert_null (err);
  return r;
}

/* The index of the result of @rule, or -1. */
static int
find_result (const iop_compliance_report *r, const char *rule)
{
  int found = -1;
  for (size_t i = 0; i < iop_compliance_report_get_n_results (r); i++)
    if (strcmp (iop_compliance_report_get_rule (r, i), rule) == 0)
      {
        if (found >= 0)
          fail_msg ("rule %s reported twice", rule);
        found = (int) i;
      }
  return found;
}

static int
expect_result (const iop_compliance_report *r, const char *rule)
{
  int i = find_result (r, rule);
  if (i < 0)
    fail_msg ("no result for rule %s", rule);
  return i;
}

static iop_compliance_rules *
load_pack (const char *dir, const char *file, iop_error **err)
{
  g_autofree char *path = g_build_filename (COMPLIANCE_DATA, dir, file, NULL);
  return iop_compliance_rules_new_from_file (NULL, path, err);
}

/* ------------------------------------------------------------------------------------------ */
/* The default pack                                                                            */

static void
test_compliance_default_pack_has_the_documented_rule_sets (void **state)
{
  static const char *const ids[] = { "asam", "service-day", "h0015", "medicare" };
  Fixture *f = *state;
  char *text = iop_compliance_rules_default_pack_json ();
  iop_error *err = NULL;
  iop_compliance_rules *again = iop_compliance_rules_new_from_json (NULL, text, &err);

  assert_str (iop_compliance_rules_get_id (f->rules), "libiop-default-compliance");
  assert_int_equal (iop_compliance_rules_get_n_rule_sets (f->rules), G_N_ELEMENTS (ids));
  for (size_t i = 0; i < G_N_ELEMENTS (ids); i++)
    assert_str (iop_compliance_rules_get_rule_set_id (f->rules, i), ids[i]);
  assert_null (iop_compliance_rules_get_rule_set_id (f->rules, G_N_ELEMENTS (ids)));
  assert_null (err);
  assert_non_null (again);
  assert_str (iop_compliance_rules_get_id (again), "libiop-default-compliance");
  assert_ptr_equal (iop_compliance_rules_ref (again), again);
  iop_compliance_rules_unref (again);
  iop_compliance_rules_unref (again);
  iop_compliance_rules_unref (NULL);
  iop_free (text);
}

/* ------------------------------------------------------------------------------------------ */
/* Weekly band                                                                                 */

typedef struct {
  iop_edition edition;
  const char *code;
  iop_age_group age;
  int minutes;               /* per week */
  bool passed;
  const char *required;
  const char *recommendation; /* NULL when passed */
  const char *recommended;    /* level code */
} BandRow;

static const BandRow band_rows[] = {
  { IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADULT, 525, false, "9-19 hours/week", "step-down", "1" },   /* 8.75 */
  { IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADULT, 540, true, "9-19 hours/week", NULL, NULL },          /* 9 */
  { IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADULT, 1140, true, "9-19 hours/week", NULL, NULL },         /* 19 */
  { IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADULT, 1155, false, "9-19 hours/week", "step-up", "2.5" },  /* 19.25 */
  { IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADOLESCENT, 345, false, "6-19 hours/week", "step-down", "1" }, /* 5.75 */
  { IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADOLESCENT, 360, true, "6-19 hours/week", NULL, NULL },        /* 6 */
  { IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADOLESCENT, 1140, true, "6-19 hours/week", NULL, NULL },
  { IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADOLESCENT, 1141, false, "6-19 hours/week", "step-up", "2.5" },
  { IOP_EDITION_ASAM3, "2.5", IOP_AGE_ADULT, 1185, false, ">= 20 hours/week", "step-down", "2.1" }, /* 19.75 */
  { IOP_EDITION_ASAM3, "2.5", IOP_AGE_ADULT, 1200, true, ">= 20 hours/week", NULL, NULL },          /* 20 */
  { IOP_EDITION_ASAM3, "2.5", IOP_AGE_ADULT, 6000, true, ">= 20 hours/week", NULL, NULL },          /* no upper bound */
  { IOP_EDITION_ASAM3, "1", IOP_AGE_ADULT, 539, true, "< 9 hours/week", NULL, NULL },                /* max exclusive */
  { IOP_EDITION_ASAM3, "1", IOP_AGE_ADULT, 540, false, "< 9 hours/week", "step-up", "2.1" },
};

static void
test_compliance_weekly_band_edges_pass_fail_and_recommend (void **state)
{
  Fixture *f = *state;
  for (size_t i = 0; i < G_N_ELEMENTS (band_rows); i++)
    {
      const BandRow *row = &band_rows[i];
      iop_schedule *s = schedule_of_total (row->minutes);
      iop_compliance_report *r = check_ok (f->rules, level (f, row->edition, row->code), row->age, s, 0, "asam");
      const iop_level *rec;
      int k;
      print_message ("  %s %s %d min/week\n", row->code, iop_age_group_to_string (row->age), row->minutes);
      assert_int_equal (iop_compliance_report_get_n_results (r), 1);
      k = expect_result (r, "weekly-hours-band");
      assert_int_equal (iop_compliance_report_get_passed (r, k), row->passed);
      assert_int_equal (iop_compliance_report_is_compliant (r), row->passed);
      assert_str (iop_compliance_report_get_status (r, k), row->passed ? "pass" : "fail");
      assert_near (iop_compliance_report_get_measured (r, k), row->minutes / 60.0);
      assert_str (iop_compliance_report_get_required (r, k), row->required);
      assert_str (iop_compliance_report_get_source (r, k), "continuum-bands");
      assert_null (iop_compliance_report_get_date (r, k));
      assert_str (iop_compliance_report_get_recommendation (r), row->recommendation);
      rec = iop_compliance_report_get_recommended_level (r);
      assert_str (rec ? iop_level_get_code (rec) : NULL, row->recommended);
      if (rec != NULL)
        assert_int_equal (iop_level_get_edition (rec), row->edition);
      iop_compliance_report_free (r);
      iop_schedule_free (s);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Taper                                                                                       */

static void
test_compliance_taper_continues_iop_below_the_band_for_two_weeks (void **state)
{
  static const struct {
    const char *code;
    iop_age_group age;
    int minutes, weeks;
    bool passed;
    const char *status, *recommendation, *recommended, *source;
  } rows[] = {
    /* 7 h/week adult 2.1 */
    { "2.1", IOP_AGE_ADULT, 420, 0, false, "fail", "step-down", "1", "continuum-bands" },
    { "2.1", IOP_AGE_ADULT, 420, 1, true, "taper", NULL, NULL, "aetna-asam-taper" },
    { "2.1", IOP_AGE_ADULT, 420, 2, true, "taper", NULL, NULL, "aetna-asam-taper" },
    { "2.1", IOP_AGE_ADULT, 420, 3, false, "fail", "step-down", "1", "continuum-bands" },
    { "2.1", IOP_AGE_ADULT, 420, 52, false, "fail", "step-down", "1", "continuum-bands" },
    /* adolescents taper too */
    { "2.1", IOP_AGE_ADOLESCENT, 300, 2, true, "taper", NULL, NULL, "aetna-asam-taper" },
    /* above the band never tapers */
    { "2.1", IOP_AGE_ADULT, 1155, 1, false, "fail", "step-up", "2.5", "continuum-bands" },
    { "2.1", IOP_AGE_ADULT, 1155, 2, false, "fail", "step-up", "2.5", "continuum-bands" },
    /* within the band, weeks below the band change nothing */
    { "2.1", IOP_AGE_ADULT, 600, 1, true, "pass", NULL, NULL, "continuum-bands" },
    /* 2.5 has no taper rule */
    { "2.5", IOP_AGE_ADULT, 1185, 1, false, "fail", "step-down", "2.1", "continuum-bands" },
  };
  Fixture *f = *state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_schedule *s = schedule_of_total (rows[i].minutes);
      iop_compliance_report *r = check_ok (f->rules, level (f, IOP_EDITION_ASAM3, rows[i].code), rows[i].age, s,
                                           rows[i].weeks, "asam");
      const iop_level *rec = iop_compliance_report_get_recommended_level (r);
      int k = expect_result (r, "weekly-hours-band");
      print_message ("  %s %d min, week %d\n", rows[i].code, rows[i].minutes, rows[i].weeks);
      assert_int_equal (iop_compliance_report_get_n_results (r), 1);
      assert_int_equal (iop_compliance_report_get_passed (r, k), rows[i].passed);
      assert_int_equal (iop_compliance_report_is_compliant (r), rows[i].passed);
      assert_str (iop_compliance_report_get_status (r, k), rows[i].status);
      assert_str (iop_compliance_report_get_source (r, k), rows[i].source);
      assert_str (iop_compliance_report_get_recommendation (r), rows[i].recommendation);
      assert_str (rec ? iop_level_get_code (rec) : NULL, rows[i].recommended);
      iop_compliance_report_free (r);
      iop_schedule_free (s);
    }
}

static void
test_compliance_check_refuses_bad_arguments (void **state)
{
  static const struct { int age, weeks; const char *sets; iop_error_code code; } rows[] = {
    { IOP_AGE_ADULT, -1, NULL, IOP_ERROR_INVALID_ARGUMENT },
    { 0, 0, NULL, IOP_ERROR_INVALID_ARGUMENT },
    { 3, 0, NULL, IOP_ERROR_INVALID_ARGUMENT },
    { IOP_AGE_ADULT, 0, "nope", IOP_ERROR_NOT_FOUND },
    { IOP_AGE_ADULT, 0, "asam,nope", IOP_ERROR_NOT_FOUND },
    { IOP_AGE_ADULT, 0, "ASAM", IOP_ERROR_NOT_FOUND },
    { IOP_AGE_ADULT, 0, "asam;h0015", IOP_ERROR_NOT_FOUND },
  };
  Fixture *f = *state;
  iop_schedule *s = schedule_of_total (600);
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_error *err = NULL;
      iop_compliance_report *r = iop_compliance_rules_check_schedule (
        f->rules, level (f, IOP_EDITION_ASAM3, "2.1"), (iop_age_group) rows[i].age, s, rows[i].weeks, rows[i].sets, &err);
      if (r != NULL)
        {
          iop_compliance_report_free (r);
          fail_msg ("row %zu: a report", i);
        }
      assert_non_null (err);
      if (iop_error_get_code (err) != rows[i].code)
        fail_msg ("row %zu: code %d (%s)", i, iop_error_get_code (err), iop_error_get_message (err));
      iop_error_free (err);
    }
  iop_schedule_free (s);
}

/* ------------------------------------------------------------------------------------------ */
/* Per-day, H0015, Medicare                                                                    */

typedef struct {
  const char *what;
  iop_edition edition;
  const char *code;
  iop_age_group age;
  const char *sets;
  int minutes[7];
  const char *rule;
  int passed;              /* -1: the rule is not reported */
  double measured;
  const char *required;
} RuleRow;

static const RuleRow rule_rows[] = {
  /* service-day: the continuum's per-day minimum, against the shortest service day */
  { "2.1 adult 2h59", IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADULT, "service-day", { 240, 179, 240 },
    "service-day-minimum", 0, 179 / 60.0, ">= 3 hours/service day" },
  { "2.1 adult 3h", IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADULT, "service-day", { 240, 180, 240 },
    "service-day-minimum", 1, 3, ">= 3 hours/service day" },
  { "2.1 adolescent 1h59", IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADOLESCENT, "service-day", { 119, 180, 180 },
    "service-day-minimum", 0, 119 / 60.0, ">= 2 hours/service day" },
  { "2.1 adolescent 2h", IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADOLESCENT, "service-day", { 120, 180, 180 },
    "service-day-minimum", 1, 2, ">= 2 hours/service day" },
  { "2.5 adult 4h59", IOP_EDITION_ASAM3, "2.5", IOP_AGE_ADULT, "service-day", { 300, 300, 300, 299, 300 },
    "service-day-minimum", 0, 299 / 60.0, ">= 5 hours/service day" },
  { "2.5 adult 5h", IOP_EDITION_ASAM3, "2.5", IOP_AGE_ADULT, "service-day", { 300, 300, 300, 300, 300 },
    "service-day-minimum", 1, 5, ">= 5 hours/service day" },
  { "no service day", IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADULT, "service-day", { 0 },
    "service-day-minimum", 0, 0, ">= 3 hours/service day" },
  { "no per-day minimum for asam3 3.1", IOP_EDITION_ASAM3, "3.1", IOP_AGE_ADULT, "service-day", { 60 },
    "service-day-minimum", -1, 0, NULL },
  /* h0015: 3 hours a day and 3 days a week, 2.1 only */
  { "h0015 3 x 3h: hours", IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADULT, "h0015", { 180, 0, 180, 0, 180 },
    "h0015-hours-per-day", 1, 3, ">= 3 hours/service day" },
  { "h0015 3 x 3h: days", IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADULT, "h0015", { 180, 0, 180, 0, 180 },
    "h0015-days-per-week", 1, 3, ">= 3 days/week" },
  { "h0015 2h59: hours", IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADULT, "h0015", { 180, 0, 179, 0, 180 },
    "h0015-hours-per-day", 0, 179 / 60.0, ">= 3 hours/service day" },
  { "h0015 2 days", IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADULT, "h0015", { 300, 0, 300 },
    "h0015-days-per-week", 0, 2, ">= 3 days/week" },
  { "h0015 adolescent 2h59", IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADOLESCENT, "h0015", { 179, 180, 180 },
    "h0015-hours-per-day", 0, 179 / 60.0, ">= 3 hours/service day" },
  { "h0015 asam4 2.1", IOP_EDITION_ASAM4, "2.1", IOP_AGE_ADULT, "h0015", { 180, 180 },
    "h0015-days-per-week", 0, 2, ">= 3 days/week" },
  { "h0015 not for 2.5", IOP_EDITION_ASAM3, "2.5", IOP_AGE_ADULT, "h0015", { 60 },
    "h0015-hours-per-day", -1, 0, NULL },
  /* medicare: 9 hours a week, any level */
  { "medicare 8.98 h", IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADULT, "medicare", { 180, 180, 179 },
    "medicare-certification", 0, 539 / 60.0, ">= 9 hours/week" },
  { "medicare 9 h", IOP_EDITION_ASAM3, "2.1", IOP_AGE_ADULT, "medicare", { 180, 180, 180 },
    "medicare-certification", 1, 9, ">= 9 hours/week" },
  { "medicare locus", IOP_EDITION_LOCUS, "3", IOP_AGE_ADOLESCENT, "medicare", { 600 },
    "medicare-certification", 1, 10, ">= 9 hours/week" },
};

static void
test_compliance_rules_measure_and_compare_at_their_edges (void **state)
{
  Fixture *f = *state;
  for (size_t i = 0; i < G_N_ELEMENTS (rule_rows); i++)
    {
      const RuleRow *row = &rule_rows[i];
      iop_schedule *s = schedule_of_days (row->minutes);
      iop_compliance_report *r = check_ok (f->rules, level (f, row->edition, row->code), row->age, s, 0, row->sets);
      int k = find_result (r, row->rule);
      print_message ("  %s\n", row->what);
      if (row->passed < 0)
        assert_int_equal (k, -1);
      else
        {
          assert_true (k >= 0);
          assert_int_equal (iop_compliance_report_get_passed (r, k), row->passed);
          assert_str (iop_compliance_report_get_status (r, k), row->passed ? "pass" : "fail");
          assert_near (iop_compliance_report_get_measured (r, k), row->measured);
          assert_str (iop_compliance_report_get_required (r, k), row->required);
          assert_non_null (iop_compliance_report_get_text (r, k));
          /* These rules never recommend a level. */
          assert_null (iop_compliance_report_get_recommendation (r));
        }
      iop_compliance_report_free (r);
      iop_schedule_free (s);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Rule-set selection and unpublished bands                                                    */

static void
test_compliance_rule_set_selection (void **state)
{
  static const struct { const char *sets; const char *rules; } rows[] = {
    { NULL, "weekly-hours-band,service-day-minimum" },
    { "asam", "weekly-hours-band" },
    { "asam,asam", "weekly-hours-band" },
    { "asam,,service-day,", "weekly-hours-band,service-day-minimum" },
    { " medicare , asam ", "medicare-certification,weekly-hours-band" },
    { "h0015,medicare,service-day,asam",
      "h0015-hours-per-day,h0015-days-per-week,medicare-certification,service-day-minimum,weekly-hours-band" },
  };
  Fixture *f = *state;
  int minutes[7] = { 200, 200, 200 };
  iop_schedule *s = schedule_of_days (minutes);
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_compliance_report *r = check_ok (f->rules, level (f, IOP_EDITION_ASAM3, "2.1"), IOP_AGE_ADULT, s, 0, rows[i].sets);
      g_autoptr(GString) got = g_string_new (NULL);
      for (size_t k = 0; k < iop_compliance_report_get_n_results (r); k++)
        g_string_append_printf (got, "%s%s", k ? "," : "", iop_compliance_report_get_rule (r, k));
      if (strcmp (got->str, rows[i].rules) != 0)
        fail_msg ("\"%s\": expected %s, got %s", rows[i].sets ? rows[i].sets : "(NULL)", rows[i].rules, got->str);
      assert_true (iop_compliance_report_is_compliant (r));
      iop_compliance_report_free (r);
    }
  iop_schedule_free (s);
}

static void
test_compliance_level_without_a_published_band_reports_no_band_rule (void **state)
{
  static const struct { iop_edition edition; const char *code; iop_age_group age; int band; } rows[] = {
    { IOP_EDITION_ASAM4, "3.1", IOP_AGE_ADULT, 0 },
    { IOP_EDITION_ASAM3, "3.7", IOP_AGE_ADULT, 0 },
    { IOP_EDITION_LOCUS, "3", IOP_AGE_ADULT, 0 },
    { IOP_EDITION_ASAM3, "3.1", IOP_AGE_ADOLESCENT, 0 }, /* published for adults only */
    { IOP_EDITION_ASAM3, "3.1", IOP_AGE_ADULT, 1 },
    { IOP_EDITION_ASAM4, "2.1", IOP_AGE_ADULT, 1 },
  };
  Fixture *f = *state;
  iop_schedule *s = schedule_of_total (60);
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_compliance_report *r = check_ok (f->rules, level (f, rows[i].edition, rows[i].code), rows[i].age, s, 0, NULL);
      print_message ("  %d %s\n", rows[i].edition, rows[i].code);
      assert_int_equal (find_result (r, "weekly-hours-band") >= 0, rows[i].band);
      if (!rows[i].band)
        {
          assert_int_equal (iop_compliance_report_get_n_results (r), 0);
          assert_true (iop_compliance_report_is_compliant (r));
          assert_null (iop_compliance_report_get_recommendation (r));
          assert_null (iop_compliance_report_get_recommended_level (r));
        }
      iop_compliance_report_free (r);
    }
  iop_schedule_free (s);
}

/* ------------------------------------------------------------------------------------------ */
/* Medicare                                                                                    */

static void
test_compliance_medicare_tiers (void **state)
{
  static const struct { int services, tier; } rows[] = {
    { -1, 0 }, { 0, 0 }, { 1, 0 }, { 2, 0 }, { 3, 3 }, { 4, 4 }, { 5, 4 }, { 12, 4 },
  };
  Fixture *f = *state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    if (iop_compliance_rules_get_medicare_tier (f->rules, rows[i].services) != rows[i].tier)
      fail_msg ("%d services: expected tier %d, got %d", rows[i].services, rows[i].tier,
                iop_compliance_rules_get_medicare_tier (f->rules, rows[i].services));
}

static void
test_compliance_recertification_due_dates (void **state)
{
  static const struct { const char *certified, *due; } rows[] = {
    { "2026-01-15", "2026-03-15" },
    { "2025-12-31", "2026-02-28" },
    { "2023-12-31", "2024-02-29" },
    { "2024-12-30", "2025-02-28" },
    { "2026-08-31", "2026-10-31" },
    { "2026-07-31", "2026-09-30" },
    { "2026-11-01", "2027-01-01" },
    /* refused */
    { "2026-02-30", NULL }, { "2026-1-05", NULL }, { "2026-01-5", NULL }, { "2026/01/05", NULL },
    { "2026-13-01", NULL }, { "2026-01-15T00:00", NULL }, { "", NULL }, { "0000-01-01", NULL },
  };
  Fixture *f = *state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_error *err = NULL;
      char *due = iop_compliance_rules_get_recertification_due (f->rules, rows[i].certified, &err);
      print_message ("  %s\n", rows[i].certified);
      assert_str (due, rows[i].due);
      if (rows[i].due == NULL)
        {
          assert_non_null (err);
          assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
          iop_error_free (err);
        }
      else
        assert_null (err);
      iop_free (due);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Claims                                                                                      */

#define CLAIMS(lines) "{\"format\":\"libiop-claims\",\"format_version\":1,\"lines\":[" lines "]}"
#define LINE(date, code) "{\"date\":\"" date "\",\"code\":\"" code "\"}"

/* Results as "rule@date=measured;..." in report order. */
static char *
describe_claims (const iop_compliance_report *r)
{
  GString *s = g_string_new (NULL);
  for (size_t k = 0; k < iop_compliance_report_get_n_results (r); k++)
    {
      assert_false (iop_compliance_report_get_passed (r, k));
      assert_str (iop_compliance_report_get_status (r, k), "fail");
      g_string_append_printf (s, "%s%s@%s=%g", k ? ";" : "", iop_compliance_report_get_rule (r, k),
                              iop_compliance_report_get_date (r, k), iop_compliance_report_get_measured (r, k));
    }
  return g_string_free (s, FALSE);
}

static void
test_compliance_claims_per_diem_and_php_window (void **state)
{
  static const struct { const char *what, *json, *expected; } rows[] = {
    { "no lines", CLAIMS (""), "" },
    { "one IOP unit a day", CLAIMS (LINE ("2026-03-02", "H0015") "," LINE ("2026-03-03", "H0015")), "" },
    { "two IOP lines on one date", CLAIMS (LINE ("2026-03-02", "H0015") "," LINE ("2026-03-02", "H0015")),
      "one-unit-per-day@2026-03-02=2" },
    { "two IOP codes on one date", CLAIMS (LINE ("2026-03-02", "H0015") "," LINE ("2026-03-02", "S9480")),
      "one-unit-per-day@2026-03-02=2" },
    { "units 2 on one line", CLAIMS ("{\"date\":\"2026-03-02\",\"code\":\"S9480\",\"units\":2}"),
      "one-unit-per-day@2026-03-02=2" },
    { "units 1 explicit", CLAIMS ("{\"date\":\"2026-03-02\",\"code\":\"S9480\",\"units\":1}"), "" },
    { "IOP and PHP on one date", CLAIMS (LINE ("2026-03-02", "H0015") "," LINE ("2026-03-02", "H0035")),
      "exclusive-services@2026-03-02=2;medicare-php-window@2026-03-02=0" },
    { "IOP and residential on one date", CLAIMS (LINE ("2026-03-02", "H0015") "," LINE ("2026-03-02", "H0018")),
      "exclusive-services@2026-03-02=2" },
    { "PHP and residential on one date", CLAIMS (LINE ("2026-03-02", "S0201") "," LINE ("2026-03-02", "H0019")),
      "exclusive-services@2026-03-02=2" },
    { "other codes are ignored",
      CLAIMS (LINE ("2026-03-02", "H0015") "," LINE ("2026-03-02", "90853") "," LINE ("2026-03-02", "90853") ","
              LINE ("2026-03-02", "h0015") "," LINE ("2026-03-02", "G0137")), "" },
    { "IOP 7 days before PHP", CLAIMS (LINE ("2026-03-02", "H0015") "," LINE ("2026-03-09", "H0035")),
      "medicare-php-window@2026-03-02=7" },
    { "IOP 8 days before PHP", CLAIMS (LINE ("2026-03-01", "H0015") "," LINE ("2026-03-09", "H0035")), "" },
    { "IOP after PHP", CLAIMS (LINE ("2026-03-10", "H0015") "," LINE ("2026-03-09", "H0035")), "" },
    { "window across a month end", CLAIMS (LINE ("2026-03-03", "S0201") "," LINE ("2026-02-24", "S9480")),
      "medicare-php-window@2026-02-24=7" },
    { "results by date", CLAIMS (LINE ("2026-03-05", "H0015") "," LINE ("2026-03-01", "H0015") ","
                                 LINE ("2026-03-05", "H0015") "," LINE ("2026-03-01", "H0015")),
      "one-unit-per-day@2026-03-01=2;one-unit-per-day@2026-03-05=2" },
    { "three groups one date",
      CLAIMS (LINE ("2026-03-02", "H0015") "," LINE ("2026-03-02", "H0035") "," LINE ("2026-03-02", "H0017") ","
              LINE ("2026-03-02", "H0017")),
      "one-unit-per-day@2026-03-02=2;exclusive-services@2026-03-02=3;medicare-php-window@2026-03-02=0" },
  };
  Fixture *f = *state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_error *err = NULL;
      iop_compliance_report *r = iop_compliance_rules_check_claims (f->rules, rows[i].json, &err);
      char *got;
      if (r == NULL)
        fail_msg ("%s: %s", rows[i].what, err ? iop_error_get_message (err) : "(no error)");
      assert_null (err);
      got = describe_claims (r);
      if (strcmp (got, rows[i].expected) != 0)
        fail_msg ("%s: expected \"%s\", got \"%s\"", rows[i].what, rows[i].expected, got);
      assert_int_equal (iop_compliance_report_is_compliant (r), rows[i].expected[0] == '\0');
      assert_null (iop_compliance_report_get_recommendation (r));
      g_free (got);
      iop_compliance_report_free (r);
    }
}

static void
test_compliance_malformed_claims_fail_with_code_and_path (void **state)
{
  static const struct { const char *what, *json; iop_error_code code; const char *path; } rows[] = {
    { "not JSON", "{\"format\"", IOP_ERROR_PARSE, NULL },
    { "not an object", "\"claims\"", IOP_ERROR_PARSE, "$" },
    { "wrong format", "{\"format\":\"libiop-schedule\",\"format_version\":1,\"lines\":[]}",
      IOP_ERROR_INVALID_DATA, "$.format" },
    { "format version 2", "{\"format\":\"libiop-claims\",\"format_version\":2,\"lines\":[]}",
      IOP_ERROR_INVALID_DATA, "$.format_version" },
    { "no lines", "{\"format\":\"libiop-claims\",\"format_version\":1}", IOP_ERROR_PARSE, "$.lines" },
    { "lines not an array", "{\"format\":\"libiop-claims\",\"format_version\":1,\"lines\":{}}", IOP_ERROR_PARSE, "$.lines" },
    { "unknown member", "{\"format\":\"libiop-claims\",\"format_version\":1,\"lines\":[],\"patient\":\"x\"}",
      IOP_ERROR_PARSE, "$.patient" },
    { "bad date", CLAIMS (LINE ("2026-03-02", "H0015") "," LINE ("2026-02-30", "H0015")),
      IOP_ERROR_INVALID_DATA, "$.lines[1].date" },
    { "short date", CLAIMS (LINE ("2026-03-02", "H0015") "," LINE ("2026-3-02", "H0015")),
      IOP_ERROR_INVALID_DATA, "$.lines[1].date" },
    { "date of an ignored code", CLAIMS (LINE ("2026-03-02", "H0015") "," LINE ("yesterday", "90853")),
      IOP_ERROR_INVALID_DATA, "$.lines[1].date" },
    { "units 0", CLAIMS ("{\"date\":\"2026-03-02\",\"code\":\"H0015\",\"units\":0}"),
      IOP_ERROR_INVALID_DATA, "$.lines[0].units" },
    { "units as a string", CLAIMS ("{\"date\":\"2026-03-02\",\"code\":\"H0015\",\"units\":\"1\"}"),
      IOP_ERROR_PARSE, "$.lines[0].units" },
    { "unknown line member", CLAIMS ("{\"date\":\"2026-03-02\",\"code\":\"H0015\",\"modifier\":\"HF\"}"),
      IOP_ERROR_PARSE, "$.lines[0].modifier" },
    { "missing code", CLAIMS (LINE ("2026-03-02", "H0015") ",{\"date\":\"2026-03-03\"}"),
      IOP_ERROR_PARSE, "$.lines[1].code" },
    { "missing date", CLAIMS ("{\"code\":\"H0015\"}"), IOP_ERROR_PARSE, "$.lines[0].date" },
    { "line not an object", CLAIMS ("\"H0015\""), IOP_ERROR_PARSE, "$.lines[0]" },
  };
  Fixture *f = *state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_error *err = NULL;
      iop_compliance_report *r = iop_compliance_rules_check_claims (f->rules, rows[i].json, &err);
      if (r != NULL)
        {
          iop_compliance_report_free (r);
          fail_msg ("%s: a report", rows[i].what);
        }
      if (err == NULL)
        fail_msg ("%s: no error", rows[i].what);
      if (iop_error_get_code (err) != rows[i].code)
        fail_msg ("%s: expected code %d, got %d (%s)", rows[i].what, rows[i].code, iop_error_get_code (err),
                  iop_error_get_message (err));
      if (rows[i].path != NULL)
        {
          const char *path = iop_error_get_path (err);
          if (path == NULL || strcmp (path, rows[i].path) != 0)
            fail_msg ("%s: expected path %s, got %s (%s)", rows[i].what, rows[i].path, path ? path : "NULL",
                      iop_error_get_message (err));
        }
      iop_error_free (err);
      assert_null (iop_compliance_rules_check_claims (f->rules, rows[i].json, NULL));
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Report JSON                                                                                 */

static JsonObject *
parse_object (JsonParser *parser, const char *json)
{
  GError *gerr = NULL;
  if (!json_parser_load_from_data (parser, json, -1, &gerr))
    fail_msg ("not JSON: %s", gerr->message);
  assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_compliance_report_json_has_the_documented_members (void **state)
{
  static const char *const members[] = { "id", "rule_set", "passed", "status", "measured", "required",
                                         "date", "text", "source" };
  Fixture *f = *state;
  int minutes[7] = { 140 };
  iop_schedule *s = schedule_of_days (minutes);
  iop_compliance_report *r = check_ok (f->rules, level (f, IOP_EDITION_ASAM3, "2.1"), IOP_AGE_ADULT, s, 0,
                                       "asam,service-day");
  char *json = iop_compliance_report_to_json (r);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root = parse_object (parser, json);
  JsonArray *rules;
  JsonObject *band, *day;

  assert_false (json_object_get_boolean_member (root, "compliant"));
  assert_str (json_object_get_string_member (root, "level"), "2.1");
  assert_str (json_object_get_string_member (root, "edition"), "asam3");
  assert_str (json_object_get_string_member (root, "age_group"), "adult");
  assert_str (json_object_get_string_member (root, "recommendation"), "step-down");
  assert_str (json_object_get_string_member (root, "recommended_level"), "1");
  rules = json_object_get_array_member (root, "rules");
  assert_int_equal (json_array_get_length (rules), 2);
  for (guint i = 0; i < 2; i++)
    for (size_t m = 0; m < G_N_ELEMENTS (members); m++)
      if (!json_object_has_member (json_array_get_object_element (rules, i), members[m]))
        fail_msg ("rules[%u] has no %s", i, members[m]);
  band = json_array_get_object_element (rules, 0);
  assert_str (json_object_get_string_member (band, "id"), "weekly-hours-band");
  assert_str (json_object_get_string_member (band, "rule_set"), "asam");
  assert_false (json_object_get_boolean_member (band, "passed"));
  assert_str (json_object_get_string_member (band, "status"), "fail");
  assert_near (json_object_get_double_member (band, "measured"), 2.33); /* 140 min */
  assert_str (json_object_get_string_member (band, "required"), "9-19 hours/week");
  assert_true (json_object_get_null_member (band, "date"));
  assert_str (json_object_get_string_member (band, "source"), "continuum-bands");
  day = json_array_get_object_element (rules, 1);
  assert_str (json_object_get_string_member (day, "id"), "service-day-minimum");
  assert_str (json_object_get_string_member (day, "rule_set"), "service-day");
  assert_near (json_object_get_double_member (day, "measured"), 2.33);
  assert_str (json_object_get_string_member (day, "required"), ">= 3 hours/service day");
  /* The getter keeps full precision. */
  assert_near (iop_compliance_report_get_measured (r, 0), 140 / 60.0);
  iop_free (json);
  iop_compliance_report_free (r);
  iop_schedule_free (s);

  /* A compliant claims report: no level, no rules. */
  r = iop_compliance_rules_check_claims (f->rules, CLAIMS (LINE ("2026-03-02", "H0015")), NULL);
  assert_non_null (r);
  json = iop_compliance_report_to_json (r);
  assert_string_equal (json, "{\"compliant\":true,\"level\":null,\"edition\":null,\"age_group\":null,"
                             "\"recommendation\":null,\"recommended_level\":null,\"rules\":[]}");
  iop_free (json);
  iop_compliance_report_free (r);

  /* A claims result carries its date and rule set. */
  r = iop_compliance_rules_check_claims (f->rules, CLAIMS ("{\"date\":\"2026-03-02\",\"code\":\"H0015\",\"units\":2}"), NULL);
  assert_non_null (r);
  json = iop_compliance_report_to_json (r);
  g_autoptr(JsonParser) parser2 = json_parser_new ();
  root = parse_object (parser2, json);
  assert_false (json_object_get_boolean_member (root, "compliant"));
  rules = json_object_get_array_member (root, "rules");
  assert_int_equal (json_array_get_length (rules), 1);
  band = json_array_get_object_element (rules, 0);
  assert_str (json_object_get_string_member (band, "id"), "one-unit-per-day");
  assert_str (json_object_get_string_member (band, "rule_set"), "per-diem");
  assert_str (json_object_get_string_member (band, "date"), "2026-03-02");
  assert_str (json_object_get_string_member (band, "source"), "bcbsnc-per-diem");
  assert_near (json_object_get_double_member (band, "measured"), 2);
  iop_free (json);
  iop_compliance_report_free (r);
}

/* ------------------------------------------------------------------------------------------ */
/* User packs                                                                                  */

static void
test_compliance_user_pack_adds_a_state_rule (void **state)
{
  Fixture *f = *state;
  int minutes[7] = { 210, 0, 210, 0, 210 }; /* 10.5 h/week, 3.5 h/day */
  iop_schedule *s = schedule_of_days (minutes);
  const iop_level *iop = level (f, IOP_EDITION_ASAM3, "2.1");
  iop_error *err = NULL;
  iop_compliance_rules *state_pack = load_pack ("valid", "state-four-hour-days.json", &err);
  iop_compliance_report *r;
  int k;

  assert_null (err);
  assert_non_null (state_pack);
  assert_str (iop_compliance_rules_get_id (state_pack), "test-state-four-hour-days");
  assert_int_equal (iop_compliance_rules_get_n_rule_sets (state_pack), 3);
  assert_str (iop_compliance_rules_get_rule_set_id (state_pack, 2), "state");

  /* The built-in pack: compliant. */
  r = check_ok (f->rules, iop, IOP_AGE_ADULT, s, 0, NULL);
  assert_true (iop_compliance_report_is_compliant (r));
  assert_int_equal (find_result (r, "state-hours-per-day"), -1);
  iop_compliance_report_free (r);

  /* The state pack: the 4-hour day fails. */
  r = check_ok (state_pack, iop, IOP_AGE_ADULT, s, 0, NULL);
  assert_int_equal (iop_compliance_report_get_n_results (r), 3);
  assert_false (iop_compliance_report_is_compliant (r));
  k = expect_result (r, "state-hours-per-day");
  assert_false (iop_compliance_report_get_passed (r, k));
  assert_near (iop_compliance_report_get_measured (r, k), 3.5);
  assert_str (iop_compliance_report_get_required (r, k), ">= 4 hours/service day");
  assert_str (iop_compliance_report_get_source (r, k), "test");
  assert_true (iop_compliance_report_get_passed (r, expect_result (r, "service-day-minimum")));
  iop_compliance_report_free (r);

  /* Only for adults, and only for 2.1. */
  r = check_ok (state_pack, iop, IOP_AGE_ADOLESCENT, s, 0, NULL);
  assert_int_equal (find_result (r, "state-hours-per-day"), -1);
  assert_true (iop_compliance_report_is_compliant (r));
  iop_compliance_report_free (r);
  r = check_ok (state_pack, level (f, IOP_EDITION_ASAM3, "2.5"), IOP_AGE_ADULT, s, 0, "state");
  assert_int_equal (iop_compliance_report_get_n_results (r), 0);
  iop_compliance_report_free (r);

  /* The report keeps the pack alive. */
  r = check_ok (state_pack, iop, IOP_AGE_ADULT, s, 0, "state");
  iop_compliance_rules_unref (state_pack);
  assert_false (iop_compliance_report_is_compliant (r));
  assert_str (iop_compliance_report_get_text (r, 0), "At least 4 hours per service day");
  iop_compliance_report_free (r);
  iop_schedule_free (s);
}

static void
test_compliance_pack_with_an_explicit_continuum (void **state)
{
  Fixture *f = *state;
  iop_continuum *continuum = iop_continuum_new_default ();
  g_autofree char *path = g_build_filename (COMPLIANCE_DATA, "valid", "minimal.json", NULL);
  iop_error *err = NULL;
  iop_compliance_rules *rules = iop_compliance_rules_new_from_file (continuum, path, &err);
  iop_schedule *s = schedule_of_total (420);
  iop_compliance_report *r;

  assert_null (err);
  assert_non_null (rules);
  iop_continuum_unref (continuum); /* the pack holds its own reference */
  assert_str (iop_compliance_rules_get_id (rules), "test-minimal-compliance");
  /* Levels of another continuum instance are matched by edition and code. */
  r = check_ok (rules, level (f, IOP_EDITION_ASAM3, "2.1"), IOP_AGE_ADULT, s, 1, "asam");
  assert_str (iop_compliance_report_get_status (r, 0), "taper");
  assert_str (iop_compliance_report_get_source (r, 0), "test");
  iop_compliance_report_free (r);
  iop_schedule_free (s);
  iop_compliance_rules_unref (rules);
}

static const struct {
  const char *file;
  iop_error_code code;
  const char *path;
} invalid_packs[] = {
  { "unknown-rule-type.json", IOP_ERROR_INVALID_DATA, "$.rule_sets[0].rules[0].type" },
  { "level-not-in-continuum.json", IOP_ERROR_INVALID_DATA, "$.rule_sets[0].rules[1].levels[1].code" },
  { "tier-4-not-above-tier-3.json", IOP_ERROR_INVALID_DATA, "$.medicare.tier_4_services" },
  { "duplicate-code-across-groups.json", IOP_ERROR_INVALID_DATA, "$.per_diem.groups.php[2]" },
  { "unknown-exclusive-group.json", IOP_ERROR_INVALID_DATA, "$.per_diem.exclusive[1]" },
  { "daily-min-hours-25.json", IOP_ERROR_INVALID_DATA, "$.rule_sets[1].rules[0].min_hours" },
};

static void
test_compliance_invalid_packs_fail_with_the_expected_code_and_path (void **state)
{
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (invalid_packs); i++)
    {
      iop_error *err = NULL;
      iop_compliance_rules *rules = load_pack ("invalid", invalid_packs[i].file, &err);
      const char *path;
      if (rules != NULL)
        {
          iop_compliance_rules_unref (rules);
          fail_msg ("%s: loaded", invalid_packs[i].file);
        }
      if (err == NULL)
        fail_msg ("%s: no error", invalid_packs[i].file);
      path = iop_error_get_path (err);
      if (iop_error_get_code (err) != invalid_packs[i].code || path == NULL ||
          strcmp (path, invalid_packs[i].path) != 0)
        fail_msg ("%s: expected %d at %s, got %d at %s (%s)", invalid_packs[i].file, invalid_packs[i].code,
                  invalid_packs[i].path, iop_error_get_code (err), path ? path : "NULL", iop_error_get_message (err));
      iop_error_free (err);
    }
}

static void
test_compliance_invalid_corpus_matches_the_table (void **state)
{
  const char *files[G_N_ELEMENTS (invalid_packs)];
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (invalid_packs); i++)
    files[i] = invalid_packs[i].file;
  iop_test_check_corpus (COMPLIANCE_DATA, "invalid", files, G_N_ELEMENTS (files));
}

static void
test_compliance_missing_file_and_bad_text (void **state)
{
  iop_error *err = NULL;
  (void) state;
  assert_null (load_pack ("valid", "no-such-pack.json", &err));
  assert_non_null (err);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_IO);
  iop_error_free (err);
  err = NULL;
  assert_null (iop_compliance_rules_new_from_json (NULL, "{", &err));
  assert_non_null (err);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_PARSE);
  iop_error_free (err);
  err = NULL;
  assert_null (iop_compliance_rules_new_from_json (NULL, "{\"format\":\"libiop-continuum\",\"format_version\":1}", &err));
  assert_non_null (err);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_DATA);
  assert_str (iop_error_get_path (err), "$.format");
  iop_error_free (err);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_compliance_default_pack_has_the_documented_rule_sets, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compliance_weekly_band_edges_pass_fail_and_recommend, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compliance_taper_continues_iop_below_the_band_for_two_weeks, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compliance_check_refuses_bad_arguments, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compliance_rules_measure_and_compare_at_their_edges, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compliance_rule_set_selection, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compliance_level_without_a_published_band_reports_no_band_rule, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compliance_medicare_tiers, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compliance_recertification_due_dates, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compliance_claims_per_diem_and_php_window, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compliance_malformed_claims_fail_with_code_and_path, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compliance_report_json_has_the_documented_members, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compliance_user_pack_adds_a_state_rule, setup, teardown),
    cmocka_unit_test_setup_teardown (test_compliance_pack_with_an_explicit_continuum, setup, teardown),
    cmocka_unit_test (test_compliance_invalid_packs_fail_with_the_expected_code_and_path),
    cmocka_unit_test (test_compliance_invalid_corpus_matches_the_table),
    cmocka_unit_test (test_compliance_missing_file_and_bad_text),
  };
  iop_test_apply_filters ();
  return cmocka_run_group_tests_name ("compliance", tests, NULL, NULL);
}
