/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Unit tests for iop-careplan.h: the default taper against hand-computed date tables (starts on
 * the 31st, 30th, 29th, 28 February, month ends, leap years, the boundary between the weekly and
 * the two-weekly phase), a program's own template (day, week and month units, an item on the
 * start day); the contact log (recording, rescheduling, every refusal); every escalation rule
 * firing and not firing at its edges, with the built-in and a custom template; the six readiness
 * items each failing alone; both exports refusing every consent that does not permit them
 * (IOP_ERROR_PERMISSION_DENIED) and succeeding with the two that do; the FHIR Bundle (read back
 * with json-glib) and the transition package; byte-identical round trips; the malformed plan
 * and template corpora with codes and JSON paths; and that no message quotes a client id, a
 * title, a relapse-prevention text or a date.
 *
 * Test data (tests/data/careplan):
 *   episode-ready.json      client C-0042, admitted 2026-01-05, in the final stage
 *                           (transition-planning) with every goal achieved, stage of change action.
 *   plan-ready.json         its plan from 2026-02-27: provider "Hillside Outpatient Counseling",
 *                           first appointment 2026-03-03, a PHQ-9 (total 4, no flag) on 2026-02-25,
 *                           a relapse-prevention plan.
 *   plan-admission.json     a plan from 2026-01-23 with nothing recorded.
 *   consent-specific.json   a specific consent of C-0042 naming Hillside (and NPI:1234567893) for
 *                           treatment and patient requests, five data classes, until 2026-12-31.
 *   consent-tpo.json        a TPO consent of C-0042 covering treating providers, no expiry.
 *   plan-small.json         a small hand-edited plan (client C-7731), base of invalid-plan/.
 *   template-small.json     a small template, base of invalid-template/.
 *   template-custom.json    a program's own template (see its "$comment").
 *   plan-logged.json        plan-ready.json with a completed, a missed (relapse reported), a
 *                           cancelled and a rescheduled contact, an item added by hand, a BAM.
 *   plan-custom.json        a plan from template-custom.json starting 2026-02-27.
 *   episode-goals.json      episode-ready.json with goals not achieved, waived, cancelled, active
 *                           and proposed (for the FHIR Goal mapping).
 *   invalid-plan/, invalid-template/   one defect each ("$comment"); code and path in the tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libiop/iop.h>
#include <libiop/iop-glib.h>

#include "iop-test.h"

#define CP_DATA IOP_TEST_DATA_DIR "/careplan"
#define TEL_TITLE "Telephone check-in with brief counselling"

/* Values from the test documents that must never appear in a message. Dates are checked apart. */
static const char *const phi[] = { "C-0042", "C-7731", "Hillside", "NPI:", "Lakeview", "Test Patient", "Guardian",
                                   "Telephone check-in", "Referral to", "Dr. Example", "Friday evenings", "sponsor",
                                   "Sponsor", "555-0100", "three personal triggers", NULL };

static void
assert_no_phi (const char *text, const char *what)
{
  if (text == NULL)
    return;
  for (int i = 0; phi[i] != NULL; i++)
    if (strstr (text, phi[i]) != NULL)
      fail_msg ("%s quotes a value from the records (\"%s\"): %s", what, phi[i], text);
  for (const char *p = text; p[0] != '\0'; p++)
    if (g_ascii_isdigit (p[0]) && strlen (p) >= 10 && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) &&
        g_ascii_isdigit (p[3]) && p[4] == '-' && g_ascii_isdigit (p[5]) && g_ascii_isdigit (p[6]) && p[7] == '-' &&
        g_ascii_isdigit (p[8]) && g_ascii_isdigit (p[9]))
      fail_msg ("%s quotes a date: %s", what, text);
}

static char *
read_text (const char *relative)
{
  g_autofree char *path = g_build_filename (CP_DATA, relative, NULL);
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    fail_msg ("cannot read %s", path);
  return text;
}

/* Sets the member at the dotted @path ("patient.id", "stage_history.5") of JSON @text to the JSON
 * @value (NULL removes it; inside arrays only removal) and returns the new text. */
static char *
mutate_json (const char *text, const char *path, const char *value)
{
  g_autoptr(JsonNode) root = parse_json (text);
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node = root;
  guint n = g_strv_length (parts);

  for (guint i = 0; i + 1 < n; i++)
    node = JSON_NODE_HOLDS_ARRAY (node) ? json_array_get_element (json_node_get_array (node), (guint) atoi (parts[i]))
                                        : json_object_get_member (json_node_get_object (node), parts[i]);
  assert_non_null (node);
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      assert_null (value);
      json_array_remove_element (json_node_get_array (node), (guint) atoi (parts[n - 1]));
    }
  else if (value == NULL)
    json_object_remove_member (json_node_get_object (node), parts[n - 1]);
  else
    {
      g_autoptr(JsonNode) v = parse_json (value);
      json_object_set_member (json_node_get_object (node), parts[n - 1], json_node_copy (v));
    }
  return json_to_string (root, FALSE);
}

static iop_episode *
load_episode_text (const char *text)
{
  iop_error *err = NULL;
  iop_episode *e = iop_episode_new_from_json (NULL, NULL, text, &err);
  if (e == NULL)
    fail_msg ("episode: %s", iop_error_get_message (err));
  return e;
}

static iop_episode *
ready_episode (void)
{
  g_autofree char *text = read_text ("episode-ready.json");
  return load_episode_text (text);
}

static iop_episode *
ready_episode_mutated (const char *path, const char *value)
{
  g_autofree char *text = read_text ("episode-ready.json");
  g_autofree char *mutated = mutate_json (text, path, value);
  return load_episode_text (mutated);
}

static iop_careplan *
load_plan (iop_careplan_template *tpl, const char *relative)
{
  g_autofree char *path = g_build_filename (CP_DATA, relative, NULL);
  iop_error *err = NULL;
  iop_careplan *p = iop_careplan_new_from_file (tpl, path, &err);
  if (p == NULL)
    fail_msg ("%s: %s", relative, iop_error_get_message (err));
  return p;
}

static iop_careplan_template *
load_template (const char *relative)
{
  g_autofree char *path = g_build_filename (CP_DATA, relative, NULL);
  iop_error *err = NULL;
  iop_careplan_template *t = iop_careplan_template_new_from_file (path, &err);
  if (t == NULL)
    fail_msg ("%s: %s", relative, iop_error_get_message (err));
  return t;
}

static iop_consent *
load_consent_mutated (const char *relative, const char *path, const char *value)
{
  g_autofree char *text = read_text (relative);
  g_autofree char *mutated = path != NULL ? mutate_json (text, path, value) : g_strdup (text);
  iop_error *err = NULL;
  iop_consent *c = iop_consent_new_from_json (mutated, &err);
  if (c == NULL)
    fail_msg ("%s: %s", relative, iop_error_get_message (err));
  return c;
}

static iop_consent *
load_consent (const char *relative)
{
  return load_consent_mutated (relative, NULL, NULL);
}

static iop_careplan *
new_plan (iop_careplan_template *tpl, const char *start)
{
  g_autoptr(iop_episode) ep = ready_episode ();
  iop_error *err = NULL;
  iop_careplan *p = iop_careplan_new (tpl, ep, start, &err);
  if (p == NULL)
    fail_msg ("plan from %s: %s", start, iop_error_get_message (err));
  return p;
}

/* The index of the first item of @kind on @date. */
static size_t
item_index (const iop_careplan *p, const char *date, const char *kind)
{
  for (size_t i = 0; i < iop_careplan_get_n_items (p); i++)
    if (strcmp (iop_careplan_get_item_date (p, i), date) == 0 && strcmp (iop_careplan_get_item_kind (p, i), kind) == 0)
      return i;
  fail_msg ("no %s item on %s", kind, date);
  return 0;
}

static void
record (iop_careplan *p, const char *date, const char *kind, iop_contact_status status, bool relapse)
{
  iop_error *err = NULL;
  size_t i = item_index (p, date, kind);
  if (iop_careplan_record_contact (p, i, status, NULL, relapse, &err) != (int) i)
    fail_msg ("recording %s on %s: %s", kind, date, err ? iop_error_get_message (err) : "wrong index");
}

/* Scores of the built-in instruments. */
static iop_score *
score (const char *instrument, const int *answers, size_t n)
{
  g_autoptr(iop_measure_set) set = iop_measure_set_new_default ();
  const iop_instrument *ins = iop_measure_set_lookup_instrument (set, instrument);
  iop_error *err = NULL;
  iop_score *s;
  assert_non_null (ins);
  s = iop_instrument_score (ins, answers, n, IOP_SEX_UNKNOWN, &err);
  if (s == NULL)
    fail_msg ("%s: %s", instrument, iop_error_get_message (err));
  return s;
}

/* PHQ-9 with items 1-8 at @others and item 9 at @item9. */
static iop_score *
phq9 (int others, int item9)
{
  int a[9];
  for (int i = 0; i < 8; i++)
    a[i] = others;
  a[8] = item9;
  return score ("phq9", a, 9);
}

/* BAM with the use items (4, 5, 6) at @use, the risk items (1, 2, 3, 8, 11, 15) at @risk and the
 * protective items (9, 10, 12, 13, 14, 16) at @protective. */
static iop_score *
bam (int use, int risk, int protective)
{
  static const int kind[17] = { 1, 1, 1, 0, 0, 0, 3, 1, 2, 2, 1, 2, 2, 2, 1, 2, 3 }; /* 0 use, 1 risk, 2 protective */
  int a[17];
  for (int i = 0; i < 17; i++)
    a[i] = kind[i] == 0 ? use : kind[i] == 1 ? risk : kind[i] == 2 ? protective : 0;
  return score ("bam", a, 17);
}

static void
record_score (iop_careplan *p, const char *date, iop_score *s)
{
  iop_error *err = NULL;
  if (!iop_careplan_record_measure (p, date, s, &err))
    fail_msg ("record measure: %s", iop_error_get_message (err));
  iop_score_free (s);
}

#define EXPECT_ERROR(call, code)                                                              \
  do {                                                                                        \
    iop_error *e_ = NULL;                                                                     \
    iop_error **err_ = &e_;                                                                   \
    (void) err_;                                                                              \
    if (call)                                                                                 \
      fail_msg ("accepted: %s", #call);                                                       \
    if (e_ == NULL || iop_error_get_code (e_) != (code))                                      \
      fail_msg ("%s: expected code %d, got %s", #call, (code), e_ ? iop_error_get_message (e_) : "no error"); \
    assert_no_phi (iop_error_get_message (e_), #call);                                        \
    iop_error_free (e_);                                                                      \
  } while (0)

/* ------------------------------------------------------------------------------------------ */
/* Templates                                                                                   */

static void
test_careplan_default_template (void **state)
{
  g_autoptr(iop_careplan_template) t = iop_careplan_template_new_default ();
  g_autofree char *text = iop_careplan_template_default_pack_json ();
  g_autoptr(JsonNode) root = parse_json (text);
  iop_error *err = NULL;
  g_autoptr(iop_careplan_template) again = iop_careplan_template_new_from_json (text, &err);
  (void) state;

  assert_str (iop_careplan_template_get_id (t), "libiop-default-continuing-care");
  assert_int_equal (iop_careplan_template_get_duration_months (t), 18);
  assert_non_null (again);
  assert_str (iop_careplan_template_get_id (again), "libiop-default-continuing-care");
  assert_str (json_node_get_string (json_at (root, "format", NULL)), "libiop-careplan-template");
  /* The documented taper: weekly months 1-3, every 2 weeks months 4-12, monthly months 13-18. */
  {
    JsonArray *phases = json_object_get_array_member (
      json_array_get_object_element (json_node_get_array (json_at (root, "series", NULL)), 0), "phases");
    static const int expect[3][4] = { { 0, 3, 1, 'w' }, { 3, 12, 2, 'w' }, { 12, 18, 1, 'm' } };
    assert_int_equal (json_array_get_length (phases), 3);
    for (guint i = 0; i < 3; i++)
      {
        JsonObject *ph = json_array_get_object_element (phases, i);
        assert_int_equal (json_object_get_int_member (ph, "from_month"), expect[i][0]);
        assert_int_equal (json_object_get_int_member (ph, "to_month"), expect[i][1]);
        assert_int_equal (json_object_get_int_member (ph, "every"), expect[i][2]);
        assert_int_equal (json_object_get_string_member (ph, "unit")[0], expect[i][3]);
      }
  }
  /* References are counted. */
  assert_ptr_equal (iop_careplan_template_ref (t), t);
  iop_careplan_template_unref (t);
  iop_careplan_template_unref (NULL);
}

static void
test_careplan_template_file_errors (void **state)
{
  iop_error *err = NULL;
  (void) state;
  assert_null (iop_careplan_template_new_from_file (CP_DATA "/no-such-template.json", &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_IO);
  iop_error_free (err);
  err = NULL;
  assert_null (iop_careplan_template_new_from_json ("{\"format\":", &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_PARSE);
  iop_error_free (err);
  err = NULL;
  assert_null (iop_careplan_template_new_from_json ("[]", &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_PARSE);
  iop_error_free (err);
}

/* ------------------------------------------------------------------------------------------ */
/* Generation with the default template: hand-computed tables                                  */

static const struct {
  const char *start, *end;
  int n_weekly;
  const char *first_weekly, *last_weekly;
  const char *three_months; /* start + 3 months: the end of the weekly phase */
  int n_biweekly;
  const char *first_biweekly, *last_biweekly;
  const char *monthly[6]; /* months 13 to 18 */
  const char *alumni[12]; /* months 1 to 12 */
} taper_rows[] = {
  /* the 31st: every later month end clamps, counted from the start (not from the previous date) */
  { "2026-01-31", "2027-07-31", 12, "2026-02-07", "2026-04-25", "2026-04-30", 19, "2026-05-14", "2027-01-21",
    { "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30", "2027-07-31" },
    { "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30",
      "2026-10-31", "2026-11-30", "2026-12-31", "2027-01-31" } },
  /* the 30th and the 29th: February clamps, the other months keep the day */
  { "2026-01-30", "2027-07-30", 12, "2026-02-06", "2026-04-24", "2026-04-30", 19, "2026-05-14", "2027-01-21",
    { "2027-02-28", "2027-03-30", "2027-04-30", "2027-05-30", "2027-06-30", "2027-07-30" },
    { "2026-02-28", "2026-03-30", "2026-04-30", "2026-05-30", "2026-06-30", "2026-07-30", "2026-08-30", "2026-09-30",
      "2026-10-30", "2026-11-30", "2026-12-30", "2027-01-30" } },
  { "2026-01-29", "2027-07-29", 12, "2026-02-05", "2026-04-23", "2026-04-29", 19, "2026-05-13", "2027-01-20",
    { "2027-02-28", "2027-03-29", "2027-04-29", "2027-05-29", "2027-06-29", "2027-07-29" },
    { "2026-02-28", "2026-03-29", "2026-04-29", "2026-05-29", "2026-06-29", "2026-07-29", "2026-08-29", "2026-09-29",
      "2026-10-29", "2026-11-29", "2026-12-29", "2027-01-29" } },
  /* 28 February of a common year: the 28th every month */
  { "2026-02-28", "2027-08-28", 12, "2026-03-07", "2026-05-23", "2026-05-28", 19, "2026-06-11", "2027-02-18",
    { "2027-03-28", "2027-04-28", "2027-05-28", "2027-06-28", "2027-07-28", "2027-08-28" },
    { "2026-03-28", "2026-04-28", "2026-05-28", "2026-06-28", "2026-07-28", "2026-08-28", "2026-09-28", "2026-10-28",
      "2026-11-28", "2026-12-28", "2027-01-28", "2027-02-28" } },
  /* 31 December before a leap year: 29 February 2028, and 13 weekly calls (91 days), the last on
   * start + 3 months itself */
  { "2027-12-31", "2029-06-30", 13, "2028-01-07", "2028-03-31", "2028-03-31", 19, "2028-04-14", "2028-12-22",
    { "2029-01-31", "2029-02-28", "2029-03-31", "2029-04-30", "2029-05-31", "2029-06-30" },
    { "2028-01-31", "2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31", "2028-06-30", "2028-07-31", "2028-08-31",
      "2028-09-30", "2028-10-31", "2028-11-30", "2028-12-31" } },
  /* 29 February: the 29th every month, 28 February 2029 */
  { "2028-02-29", "2029-08-29", 12, "2028-03-07", "2028-05-23", "2028-05-29", 19, "2028-06-12", "2029-02-19",
    { "2029-03-29", "2029-04-29", "2029-05-29", "2029-06-29", "2029-07-29", "2029-08-29" },
    { "2028-03-29", "2028-04-29", "2028-05-29", "2028-06-29", "2028-07-29", "2028-08-29", "2028-09-29", "2028-10-29",
      "2028-11-29", "2028-12-29", "2029-01-29", "2029-02-28" } },
  /* three months of 91 days: a 13th weekly call on start + 3 months */
  { "2026-04-01", "2027-10-01", 13, "2026-04-08", "2026-07-01", "2026-07-01", 19, "2026-07-15", "2027-03-24",
    { "2027-05-01", "2027-06-01", "2027-07-01", "2027-08-01", "2027-09-01", "2027-10-01" },
    { "2026-05-01", "2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01", "2026-12-01",
      "2027-01-01", "2027-02-01", "2027-03-01", "2027-04-01" } },
  /* a month-end start that ends on 29 February 2028 */
  { "2026-08-31", "2028-02-29", 13, "2026-09-07", "2026-11-30", "2026-11-30", 19, "2026-12-14", "2027-08-23",
    { "2027-09-30", "2027-10-31", "2027-11-30", "2027-12-31", "2028-01-31", "2028-02-29" },
    { "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31", "2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30",
      "2027-05-31", "2027-06-30", "2027-07-31", "2027-08-31" } },
  { "2026-11-30", "2028-05-30", 12, "2026-12-07", "2027-02-22", "2027-02-28", 19, "2027-03-14", "2027-11-21",
    { "2027-12-30", "2028-01-30", "2028-02-29", "2028-03-30", "2028-04-30", "2028-05-30" },
    { "2026-12-30", "2027-01-30", "2027-02-28", "2027-03-30", "2027-04-30", "2027-05-30", "2027-06-30", "2027-07-30",
      "2027-08-30", "2027-09-30", "2027-10-30", "2027-11-30" } },
};

/* The dates of every item of @kind whose source is @source (NULL: any), in plan order. */
static GPtrArray *
dates_of (const iop_careplan *p, const char *kind, const char *source)
{
  GPtrArray *out = g_ptr_array_new ();
  for (size_t i = 0; i < iop_careplan_get_n_items (p); i++)
    if (strcmp (iop_careplan_get_item_kind (p, i), kind) == 0 &&
        (source == NULL || g_strcmp0 (iop_careplan_get_item_source (p, i), source) == 0))
      g_ptr_array_add (out, (gpointer) iop_careplan_get_item_date (p, i));
  return out;
}

static void
test_careplan_default_taper_dates (void **state)
{
  (void) state;
  for (size_t r = 0; r < G_N_ELEMENTS (taper_rows); r++)
    {
      g_autoptr(iop_careplan) p = new_plan (NULL, taper_rows[r].start);
      g_autoptr(GPtrArray) weekly = dates_of (p, "phone-check-in", "mckay-2005-tel");
      g_autoptr(GPtrArray) biweekly = dates_of (p, "phone-check-in", "state-phone-protocol");
      g_autoptr(GPtrArray) monthly = dates_of (p, "phone-check-in", "mckay-2010-extended");
      g_autoptr(GPtrArray) alumni = dates_of (p, "alumni-meeting", NULL);
      g_autoptr(GPtrArray) boosters = dates_of (p, "booster-session", NULL);
      g_autoptr(GPtrArray) groups = dates_of (p, "support-group", "mckay-2005-tel");
      g_autoptr(GPtrArray) reviews = dates_of (p, "relapse-prevention-review", NULL);
      const char *start = taper_rows[r].start;
      GDate s, d;

      print_message ("  start %s\n", start);
      assert_str (iop_careplan_get_start_date (p), start);
      assert_str (iop_careplan_get_end_date (p), taper_rows[r].end);
      assert_str (iop_careplan_get_client_id (p), "C-0042");

      /* weekly up to and including start + 3 months, each 7 days after the last */
      assert_int_equal (weekly->len, taper_rows[r].n_weekly);
      assert_str (g_ptr_array_index (weekly, 0), taper_rows[r].first_weekly);
      assert_str (g_ptr_array_index (weekly, weekly->len - 1), taper_rows[r].last_weekly);
      assert_true (strcmp (taper_rows[r].last_weekly, taper_rows[r].three_months) <= 0);
      for (guint i = 1; i < weekly->len; i++)
        {
          g_date_set_parse (&s, g_ptr_array_index (weekly, i - 1));
          g_date_set_parse (&d, g_ptr_array_index (weekly, i));
          assert_int_equal (g_date_days_between (&s, &d), 7);
        }
      /* every 2 weeks from start + 3 months + 14 days through start + 12 months */
      assert_int_equal (biweekly->len, taper_rows[r].n_biweekly);
      assert_str (g_ptr_array_index (biweekly, 0), taper_rows[r].first_biweekly);
      assert_str (g_ptr_array_index (biweekly, biweekly->len - 1), taper_rows[r].last_biweekly);
      g_date_set_parse (&s, taper_rows[r].three_months);
      g_date_set_parse (&d, taper_rows[r].first_biweekly);
      assert_int_equal (g_date_days_between (&s, &d), 14);
      assert_true (strcmp (taper_rows[r].last_biweekly, taper_rows[r].alumni[11]) <= 0);
      for (guint i = 1; i < biweekly->len; i++)
        {
          g_date_set_parse (&s, g_ptr_array_index (biweekly, i - 1));
          g_date_set_parse (&d, g_ptr_array_index (biweekly, i));
          assert_int_equal (g_date_days_between (&s, &d), 14);
        }
      /* monthly in months 13-18; alumni monthly in months 1-12; all clamped from the start */
      assert_int_equal (monthly->len, 6);
      for (guint i = 0; i < 6; i++)
        assert_str (g_ptr_array_index (monthly, i), taper_rows[r].monthly[i]);
      assert_str (taper_rows[r].monthly[5], taper_rows[r].end);
      assert_int_equal (alumni->len, 12);
      for (guint i = 0; i < 12; i++)
        assert_str (g_ptr_array_index (alumni, i), taper_rows[r].alumni[i]);
      /* boosters at 1, 3 and 6 months; the review at 3 months */
      assert_int_equal (boosters->len, 3);
      assert_str (g_ptr_array_index (boosters, 0), taper_rows[r].alumni[0]);
      assert_str (g_ptr_array_index (boosters, 1), taper_rows[r].three_months);
      assert_str (g_ptr_array_index (boosters, 2), taper_rows[r].alumni[5]);
      assert_int_equal (reviews->len, 1);
      assert_str (g_ptr_array_index (reviews, 0), taper_rows[r].three_months);
      /* the supportive group weekly in the first month: always four (28 days fit every month) */
      assert_int_equal (groups->len, 4);
      for (guint i = 0; i < 4; i++)
        {
          g_date_set_parse (&s, start);
          g_date_set_parse (&d, g_ptr_array_index (groups, i));
          assert_int_equal (g_date_days_between (&s, &d), 7 * (int) (i + 1));
        }
      /* everything, counted by kind */
      assert_int_equal (iop_careplan_get_n_items (p), (size_t) (taper_rows[r].n_weekly + taper_rows[r].n_biweekly + 6 +
                                                                 4 + 1 + 12 + 3 + 3 + 1));
    }
}

static void
test_careplan_items_are_ordered_and_complete (void **state)
{
  g_autoptr(iop_careplan) p = new_plan (NULL, "2026-03-02");
  static const char *const order[] = { "phone-check-in", "support-group", "alumni-meeting", "booster-session",
                                       "referral", "relapse-prevention-review" };
  int referrals = 0;
  (void) state;

  for (size_t i = 0; i < iop_careplan_get_n_items (p); i++)
    {
      const char *kind = iop_careplan_get_item_kind (p, i);
      assert_non_null (iop_careplan_get_item_source (p, i));
      assert_int_equal (iop_careplan_get_item_status (p, i), IOP_CONTACT_PLANNED);
      assert_false (iop_careplan_get_item_relapse (p, i));
      assert_true (strlen (iop_careplan_get_item_title (p, i)) > 0);
      if (strcmp (kind, "referral") == 0)
        {
          referrals++;
          assert_non_null (iop_careplan_get_item_resource (p, i));
          assert_str (iop_careplan_get_item_date (p, i), "2026-03-16");
          assert_int_equal (iop_careplan_get_item_minutes (p, i), 0);
        }
      else
        assert_null (iop_careplan_get_item_resource (p, i));
      if (strcmp (kind, "phone-check-in") == 0)
        {
          assert_int_equal (iop_careplan_get_item_minutes (p, i), 15);
          assert_str (iop_careplan_get_item_title (p, i), TEL_TITLE);
        }
      if (i == 0)
        continue;
      /* by date, then template order (series first, then one-off items) */
      {
        int c = strcmp (iop_careplan_get_item_date (p, i - 1), iop_careplan_get_item_date (p, i));
        assert_true (c <= 0);
      }
    }
  assert_int_equal (referrals, 3);
  assert_str (iop_careplan_get_item_resource (p, item_index (p, "2026-03-16", "referral")), "vocational-training");
  assert_str (iop_careplan_get_item_resource (p, item_index (p, "2026-03-16", "referral") + 1), "recreational-therapy");
  assert_str (iop_careplan_get_item_resource (p, item_index (p, "2026-03-16", "referral") + 2), "family-therapy");
  /* 2026-04-02 (one month): the alumni meeting, then the booster */
  assert_true (item_index (p, "2026-04-02", "alumni-meeting") < item_index (p, "2026-04-02", "booster-session"));
  /* 2026-03-09: the weekly call, the supportive group, then joining a mutual-help group */
  {
    size_t i = item_index (p, "2026-03-09", "phone-check-in");
    assert_str (iop_careplan_get_item_kind (p, i + 1), "support-group");
    assert_int_equal (iop_careplan_get_item_minutes (p, i + 1), 90);
    assert_str (iop_careplan_get_item_kind (p, i + 2), "support-group");
    assert_int_equal (iop_careplan_get_item_minutes (p, i + 2), 0);
    assert_str (iop_careplan_get_item_source (p, i + 2), "continuing-care-components");
  }
  /* 2026-06-02 (three months, 92 days: no weekly call that day): alumni, booster, review */
  assert_true (item_index (p, "2026-06-02", "alumni-meeting") < item_index (p, "2026-06-02", "booster-session"));
  assert_true (item_index (p, "2026-06-02", "booster-session") < item_index (p, "2026-06-02", "relapse-prevention-review"));
  for (size_t k = 0; k < G_N_ELEMENTS (order); k++)
    {
      g_autoptr(GPtrArray) d = dates_of (p, order[k], NULL);
      assert_true (d->len > 0);
    }
  /* out of range */
  {
    size_t n = iop_careplan_get_n_items (p);
    assert_null (iop_careplan_get_item_date (p, n));
    assert_null (iop_careplan_get_item_kind (p, n));
    assert_null (iop_careplan_get_item_title (p, n));
    assert_null (iop_careplan_get_item_resource (p, n));
    assert_null (iop_careplan_get_item_source (p, n));
    assert_int_equal (iop_careplan_get_item_minutes (p, n), 0);
    assert_int_equal (iop_careplan_get_item_status (p, n), 0);
    assert_false (iop_careplan_get_item_relapse (p, n));
  }
}

static void
test_careplan_new_refuses_bad_dates (void **state)
{
  g_autoptr(iop_episode) ep = ready_episode ();
  static const char *const bad[] = { "2026-02-30", "2026-3-02", "02/03/2026", "", "2026-01-04" /* before admission */ };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    EXPECT_ERROR (iop_careplan_new (NULL, ep, bad[i], err_), IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_new (NULL, ep, NULL, err_), IOP_ERROR_INVALID_ARGUMENT);
  {
    /* the admission day itself is a valid start */
    g_autoptr(iop_careplan) p = iop_careplan_new (NULL, ep, "2026-01-05", NULL);
    assert_non_null (p);
    assert_null (iop_careplan_get_receiving_provider (p));
    assert_null (iop_careplan_get_first_appointment (p));
    assert_int_equal (iop_careplan_get_n_measures (p), 0);
    assert_int_equal (iop_careplan_get_n_relapse_prevention (p, "triggers"), 0);
  }
}

/* A program's own template: day, week and month units, a gap between phases, an item on the
 * start day and a referral at the end. */
static void
test_careplan_custom_template_dates (void **state)
{
  g_autoptr(iop_careplan_template) t = load_template ("template-custom.json");
  static const struct {
    const char *start, *end;
    const char *expect[10][2]; /* date, kind */
  } rows[] = {
    { "2026-01-31", "2026-07-31",
      { { "2026-01-31", "relapse-prevention-review" }, { "2026-02-10", "phone-check-in" }, { "2026-02-20", "phone-check-in" },
        { "2026-02-21", "support-group" }, { "2026-03-14", "support-group" }, { "2026-05-31", "phone-check-in" },
        { "2026-07-31", "phone-check-in" }, { "2026-07-31", "referral" } } },
    /* a 31-day first month: a third call on day 30; months 4 and 6 clamp to the 30th */
    { "2026-03-31", "2026-09-30",
      { { "2026-03-31", "relapse-prevention-review" }, { "2026-04-10", "phone-check-in" }, { "2026-04-20", "phone-check-in" },
        { "2026-04-21", "support-group" }, { "2026-04-30", "phone-check-in" }, { "2026-05-12", "support-group" },
        { "2026-07-31", "phone-check-in" }, { "2026-09-30", "phone-check-in" }, { "2026-09-30", "referral" } } },
    /* leap February: 29 days, so only two calls; 3 weeks x 2 = 2028-02-22, 2028-03-14 */
    { "2028-02-01", "2028-08-01",
      { { "2028-02-01", "relapse-prevention-review" }, { "2028-02-11", "phone-check-in" }, { "2028-02-21", "phone-check-in" },
        { "2028-02-22", "support-group" }, { "2028-03-14", "support-group" }, { "2028-06-01", "phone-check-in" },
        { "2028-08-01", "phone-check-in" }, { "2028-08-01", "referral" } } },
  };
  (void) state;

  assert_str (iop_careplan_template_get_id (t), "test-custom-care");
  assert_int_equal (iop_careplan_template_get_duration_months (t), 6);
  for (size_t r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      g_autoptr(iop_careplan) p = new_plan (t, rows[r].start);
      size_t n = 0;
      while (n < 10 && rows[r].expect[n][0] != NULL)
        n++;
      assert_str (iop_careplan_get_end_date (p), rows[r].end);
      if (iop_careplan_get_n_items (p) != n)
        fail_msg ("start %s: %zu items, expected %zu", rows[r].start, iop_careplan_get_n_items (p), n);
      for (size_t i = 0; i < n; i++)
        {
          assert_str (iop_careplan_get_item_date (p, i), rows[r].expect[i][0]);
          assert_str (iop_careplan_get_item_kind (p, i), rows[r].expect[i][1]);
          assert_str (iop_careplan_get_item_source (p, i), "program-policy");
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Editing                                                                                     */

static void
test_careplan_provider_appointment_and_items (void **state)
{
  g_autoptr(iop_careplan) p = new_plan (NULL, "2026-03-02");
  g_autofree char *before = NULL, *after = NULL;
  char long_text[202];
  int i;
  (void) state;

  memset (long_text, 'x', sizeof long_text - 1);
  long_text[sizeof long_text - 1] = '\0';
  assert_true (iop_careplan_set_receiving_provider (p, "Hillside Outpatient Counseling", NULL));
  assert_str (iop_careplan_get_receiving_provider (p), "Hillside Outpatient Counseling");
  assert_true (iop_careplan_set_first_appointment (p, "2026-03-02", NULL)); /* the start day itself */
  assert_str (iop_careplan_get_first_appointment (p), "2026-03-02");
  before = iop_careplan_to_json (p);
  EXPECT_ERROR (iop_careplan_set_receiving_provider (p, "", err_), IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_set_receiving_provider (p, long_text, err_), IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_set_first_appointment (p, "2026-03-01", err_), IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_set_first_appointment (p, "2026-02-29", err_), IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_set_first_appointment (p, "tomorrow", err_), IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_add_item (p, "2026-03-01", "other", "Before the start", 0, err_) >= 0,
                IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_add_item (p, "2026-04-31", "other", "Bad date", 0, err_) >= 0, IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_add_item (p, "2026-04-01", "home-visit", "Unknown kind", 0, err_) >= 0,
                IOP_ERROR_INVALID_ARGUMENT);
  /* a referral needs a resource, which add_item cannot give */
  EXPECT_ERROR (iop_careplan_add_item (p, "2026-04-01", "referral", "Referral to housing", 0, err_) >= 0,
                IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_add_item (p, "2026-04-01", "other", "", 0, err_) >= 0, IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_add_item (p, "2026-04-01", "other", long_text, 0, err_) >= 0, IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_add_item (p, "2026-04-01", "other", "Too long", 1441, err_) >= 0, IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_add_item (p, "2026-04-01", "other", "Negative", -1, err_) >= 0, IOP_ERROR_INVALID_ARGUMENT);
  after = iop_careplan_to_json (p);
  assert_string_equal (before, after); /* nothing changed by a refusal */

  /* added by hand: after the items of its date, no source */
  i = iop_careplan_add_item (p, "2026-03-16", "other", "Meet Dr. Example about housing", 30, NULL);
  assert_int_equal (i, (int) item_index (p, "2026-03-16", "referral") + 3);
  assert_str (iop_careplan_get_item_title (p, (size_t) i), "Meet Dr. Example about housing");
  assert_int_equal (iop_careplan_get_item_minutes (p, (size_t) i), 30);
  assert_null (iop_careplan_get_item_source (p, (size_t) i));
  assert_int_equal (iop_careplan_get_item_status (p, (size_t) i), IOP_CONTACT_PLANNED);
  assert_str (iop_careplan_get_item_date (p, (size_t) i + 1), "2026-03-23");
  i = iop_careplan_add_item (p, "2026-03-02", "booster-session", "Extra booster", 1440, NULL);
  assert_int_equal (i, 0);
  i = iop_careplan_add_item (p, "2028-01-01", "phone-check-in", "After the plan's end", 0, NULL);
  assert_int_equal (i, (int) iop_careplan_get_n_items (p) - 1);

  /* clearing */
  assert_true (iop_careplan_set_receiving_provider (p, NULL, NULL));
  assert_null (iop_careplan_get_receiving_provider (p));
  assert_true (iop_careplan_set_first_appointment (p, NULL, NULL));
  assert_null (iop_careplan_get_first_appointment (p));
}

static void
test_careplan_contact_status_names (void **state)
{
  static const char *const names[] = { "planned", "completed", "missed", "rescheduled", "cancelled" };
  (void) state;
  for (int i = 0; i < 5; i++)
    {
      assert_int_equal (iop_contact_status_from_string (names[i], NULL), i + 1);
      assert_str (iop_contact_status_to_string ((iop_contact_status) (i + 1)), names[i]);
    }
  EXPECT_ERROR (iop_contact_status_from_string ("no-show", err_), IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_contact_status_from_string ("Missed", err_), IOP_ERROR_INVALID_ARGUMENT);
  assert_null (iop_contact_status_to_string ((iop_contact_status) 0));
  assert_null (iop_contact_status_to_string ((iop_contact_status) 6));
}

static void
test_careplan_contact_log (void **state)
{
  g_autoptr(iop_careplan) p = new_plan (NULL, "2026-03-02");
  size_t call1 = item_index (p, "2026-03-09", "phone-check-in");
  size_t call2 = item_index (p, "2026-03-16", "phone-check-in");
  size_t call3 = item_index (p, "2026-03-23", "phone-check-in");
  size_t referral = item_index (p, "2026-03-16", "referral");
  size_t n = iop_careplan_get_n_items (p);
  g_autofree char *before = NULL, *after = NULL;
  int copy;
  (void) state;

  assert_int_equal (iop_careplan_record_contact (p, call1, IOP_CONTACT_COMPLETED, NULL, false, NULL), (int) call1);
  assert_int_equal (iop_careplan_get_item_status (p, call1), IOP_CONTACT_COMPLETED);
  assert_int_equal (iop_careplan_record_contact (p, call2, IOP_CONTACT_MISSED, NULL, false, NULL), (int) call2);
  assert_int_equal (iop_careplan_get_item_status (p, call2), IOP_CONTACT_MISSED);
  assert_int_equal (iop_careplan_record_contact (p, referral, IOP_CONTACT_CANCELLED, NULL, false, NULL), (int) referral);
  assert_int_equal (iop_careplan_get_item_status (p, referral), IOP_CONTACT_CANCELLED);
  /* a correction: a recorded item may be recorded again, with a relapse report */
  assert_int_equal (iop_careplan_record_contact (p, call1, IOP_CONTACT_MISSED, NULL, true, NULL), (int) call1);
  assert_int_equal (iop_careplan_get_item_status (p, call1), IOP_CONTACT_MISSED);
  assert_true (iop_careplan_get_item_relapse (p, call1));
  assert_int_equal (iop_careplan_record_contact (p, call1, IOP_CONTACT_COMPLETED, NULL, false, NULL), (int) call1);
  assert_false (iop_careplan_get_item_relapse (p, call1));
  assert_int_equal (iop_careplan_get_n_items (p), n);

  /* rescheduled: the item is marked, a planned copy goes after the items of the new date (here
   * after the 2026-03-23 supportive group), and the later items shift by one */
  {
    size_t next_call = item_index (p, "2026-03-30", "phone-check-in");
    copy = iop_careplan_record_contact (p, call3, IOP_CONTACT_RESCHEDULED, "2026-03-25", false, NULL);
    assert_int_equal (iop_careplan_get_n_items (p), n + 1);
    assert_str (iop_careplan_get_item_kind (p, call3 + 1), "support-group");
    assert_int_equal (copy, (int) call3 + 2);
    assert_int_equal (item_index (p, "2026-03-30", "phone-check-in"), next_call + 1);
  }
  assert_int_equal (iop_careplan_get_item_status (p, call3), IOP_CONTACT_RESCHEDULED);
  assert_str (iop_careplan_get_item_date (p, call3), "2026-03-23");
  assert_str (iop_careplan_get_item_date (p, (size_t) copy), "2026-03-25");
  assert_str (iop_careplan_get_item_kind (p, (size_t) copy), "phone-check-in");
  assert_str (iop_careplan_get_item_title (p, (size_t) copy), TEL_TITLE);
  assert_int_equal (iop_careplan_get_item_minutes (p, (size_t) copy), 15);
  assert_int_equal (iop_careplan_get_item_status (p, (size_t) copy), IOP_CONTACT_PLANNED);
  assert_false (iop_careplan_get_item_relapse (p, (size_t) copy));
  assert_str (iop_careplan_get_item_source (p, (size_t) copy), "mckay-2005-tel");
  /* moved onto a date with items: the copy goes after them, the earlier ones keep their index */
  {
    size_t alumni = item_index (p, "2026-04-02", "alumni-meeting");
    size_t booster = item_index (p, "2026-04-02", "booster-session");
    size_t call = item_index (p, "2026-03-30", "phone-check-in");
    int c2 = iop_careplan_record_contact (p, call, IOP_CONTACT_RESCHEDULED, "2026-04-02", true, NULL);
    assert_int_equal (booster, alumni + 1);
    assert_int_equal (c2, (int) booster + 1);
    assert_str (iop_careplan_get_item_kind (p, alumni), "alumni-meeting");
    assert_str (iop_careplan_get_item_kind (p, booster), "booster-session");
    assert_str (iop_careplan_get_item_kind (p, (size_t) c2), "phone-check-in");
    /* a relapse reported when the contact was moved stays with the original */
    assert_true (iop_careplan_get_item_relapse (p, call));
    assert_false (iop_careplan_get_item_relapse (p, (size_t) c2));
  }
  /* moved to an earlier date than later items: a referral keeps its resource */
  {
    size_t r2 = item_index (p, "2026-03-16", "referral") + 1;
    int c3 = iop_careplan_record_contact (p, r2, IOP_CONTACT_RESCHEDULED, "2026-03-20", false, NULL);
    assert_str (iop_careplan_get_item_date (p, (size_t) c3), "2026-03-20");
    assert_str (iop_careplan_get_item_resource (p, (size_t) c3), "recreational-therapy");
  }
  /* the indices moved: look the items up again */
  call3 = item_index (p, "2026-03-23", "phone-check-in");
  copy = (int) item_index (p, "2026-03-25", "phone-check-in");
  assert_int_equal (iop_careplan_get_item_status (p, call3), IOP_CONTACT_RESCHEDULED);

  /* refusals change nothing */
  before = iop_careplan_to_json (p);
  EXPECT_ERROR (iop_careplan_record_contact (p, iop_careplan_get_n_items (p), IOP_CONTACT_COMPLETED, NULL, false, err_) >= 0,
                IOP_ERROR_NOT_FOUND);
  EXPECT_ERROR (iop_careplan_record_contact (p, (size_t) -1, IOP_CONTACT_COMPLETED, NULL, false, err_) >= 0,
                IOP_ERROR_NOT_FOUND);
  EXPECT_ERROR (iop_careplan_record_contact (p, call1, IOP_CONTACT_PLANNED, NULL, false, err_) >= 0,
                IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_record_contact (p, call1, (iop_contact_status) 0, NULL, false, err_) >= 0,
                IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_record_contact (p, call1, (iop_contact_status) 6, NULL, false, err_) >= 0,
                IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_record_contact (p, call2, IOP_CONTACT_RESCHEDULED, NULL, false, err_) >= 0,
                IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_record_contact (p, call2, IOP_CONTACT_COMPLETED, "2026-03-18", false, err_) >= 0,
                IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_record_contact (p, call2, IOP_CONTACT_RESCHEDULED, "2026-02-30", false, err_) >= 0,
                IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_record_contact (p, call2, IOP_CONTACT_RESCHEDULED, "2026-03-01", false, err_) >= 0,
                IOP_ERROR_INVALID_ARGUMENT);
  /* rescheduled twice, or recorded after it was moved: record the copy instead */
  EXPECT_ERROR (iop_careplan_record_contact (p, call3, IOP_CONTACT_RESCHEDULED, "2026-03-27", false, err_) >= 0,
                IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_record_contact (p, call3, IOP_CONTACT_COMPLETED, NULL, false, err_) >= 0,
                IOP_ERROR_INVALID_ARGUMENT);
  after = iop_careplan_to_json (p);
  assert_string_equal (before, after);
  /* the copy itself can be rescheduled again */
  assert_true (iop_careplan_record_contact (p, (size_t) copy, IOP_CONTACT_RESCHEDULED, "2026-03-27", false, NULL) > copy);
}

static void
test_careplan_measures_and_relapse_prevention (void **state)
{
  g_autoptr(iop_careplan) p = new_plan (NULL, "2026-03-02");
  char long_text[502];
  (void) state;

  memset (long_text, 'x', sizeof long_text - 1);
  long_text[sizeof long_text - 1] = '\0';
  record_score (p, "2026-03-10", phq9 (1, 1));
  record_score (p, "2026-02-20", bam (1, 0, 4)); /* before the plan's start: kept (taken at discharge) */
  assert_int_equal (iop_careplan_get_n_measures (p), 2);
  assert_str (iop_careplan_get_measure_instrument (p, 0), "phq9");
  assert_str (iop_careplan_get_measure_date (p, 0), "2026-03-10");
  assert_true (iop_careplan_measure_has_flag (p, 0, "self-harm-thoughts"));
  assert_false (iop_careplan_measure_has_flag (p, 0, "any-use"));
  assert_str (iop_careplan_get_measure_instrument (p, 1), "bam");
  assert_true (iop_careplan_measure_has_flag (p, 1, "any-use"));
  assert_false (iop_careplan_measure_has_flag (p, 1, "risk-concern"));
  assert_false (iop_careplan_measure_has_flag (p, 1, "protective-concern"));
  assert_null (iop_careplan_get_measure_instrument (p, 2));
  assert_null (iop_careplan_get_measure_date (p, 2));
  assert_false (iop_careplan_measure_has_flag (p, 2, "any-use"));
  {
    iop_score *s = phq9 (0, 0);
    EXPECT_ERROR (iop_careplan_record_measure (p, "2026-03-32", s, err_), IOP_ERROR_INVALID_ARGUMENT);
    EXPECT_ERROR (iop_careplan_record_measure (p, NULL, s, err_), IOP_ERROR_INVALID_ARGUMENT);
    iop_score_free (s);
  }
  assert_int_equal (iop_careplan_get_n_measures (p), 2);

  assert_true (iop_careplan_add_relapse_prevention (p, "triggers", "Friday evenings after work", NULL));
  assert_true (iop_careplan_add_relapse_prevention (p, "triggers", "Payday", NULL));
  assert_true (iop_careplan_add_relapse_prevention (p, "coping_strategies", "Call my sponsor before going out", NULL));
  assert_true (iop_careplan_add_relapse_prevention (p, "people_to_call", "Sponsor Jamie 555-0100", NULL));
  assert_int_equal (iop_careplan_get_n_relapse_prevention (p, "triggers"), 2);
  assert_int_equal (iop_careplan_get_n_relapse_prevention (p, "coping_strategies"), 1);
  assert_int_equal (iop_careplan_get_n_relapse_prevention (p, "people_to_call"), 1);
  assert_int_equal (iop_careplan_get_n_relapse_prevention (p, "warning_signs"), 0);
  assert_str (iop_careplan_get_relapse_prevention (p, "triggers", 1), "Payday");
  assert_null (iop_careplan_get_relapse_prevention (p, "triggers", 2));
  assert_null (iop_careplan_get_relapse_prevention (p, "warning_signs", 0));
  EXPECT_ERROR (iop_careplan_add_relapse_prevention (p, "warning_signs", "Not sleeping", err_), IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_add_relapse_prevention (p, "triggers", "", err_), IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_add_relapse_prevention (p, "triggers", long_text, err_), IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_add_relapse_prevention (p, "triggers", "\xff\xfe", err_), IOP_ERROR_INVALID_ARGUMENT);
  long_text[500] = '\0';
  assert_true (iop_careplan_add_relapse_prevention (p, "triggers", long_text, NULL));
  assert_int_equal (iop_careplan_get_n_relapse_prevention (p, "triggers"), 3);
}

/* ------------------------------------------------------------------------------------------ */
/* Escalation                                                                                  */

/* The fired rules as "rule@date,..." (in the template's order). */
static char *
fired (const iop_careplan *p, const char *as_of)
{
  iop_error *err = NULL;
  g_autoptr(iop_escalations) e = iop_careplan_escalate (p, as_of, &err);
  GString *out = g_string_new (NULL);
  if (e == NULL)
    fail_msg ("escalate %s: %s", as_of, iop_error_get_message (err));
  for (size_t i = 0; i < iop_escalations_get_n (e); i++)
    g_string_append_printf (out, "%s%s@%s", i ? "," : "", iop_escalations_get_rule (e, i), iop_escalations_get_date (e, i));
  return g_string_free (out, FALSE);
}

#define ASSERT_FIRED(plan, as_of, expected)                                                    \
  do {                                                                                         \
    g_autofree char *got_ = fired ((plan), (as_of));                                           \
    if (strcmp (got_, (expected)) != 0)                                                        \
      fail_msg ("as of %s: expected [%s], got [%s]", (as_of), (expected), got_);               \
  } while (0)

static void
test_careplan_escalation_consecutive_missed (void **state)
{
  (void) state;
  {
    /* two missed calls in a row fire, from the day of the second */
    g_autoptr(iop_careplan) p = new_plan (NULL, "2026-03-02");
    record (p, "2026-03-09", "phone-check-in", IOP_CONTACT_MISSED, false);
    ASSERT_FIRED (p, "2026-03-09", "");
    record (p, "2026-03-16", "phone-check-in", IOP_CONTACT_MISSED, false);
    ASSERT_FIRED (p, "2026-03-15", "");
    ASSERT_FIRED (p, "2026-03-16", "missed-contacts@2026-03-16");
    ASSERT_FIRED (p, "2026-05-01", "missed-contacts@2026-03-16");
    /* a completed contact afterwards ends it */
    record (p, "2026-03-23", "phone-check-in", IOP_CONTACT_COMPLETED, false);
    ASSERT_FIRED (p, "2026-03-22", "missed-contacts@2026-03-16");
    ASSERT_FIRED (p, "2026-03-23", "");
  }
  {
    /* a completed contact in between (here a support group) breaks the run */
    g_autoptr(iop_careplan) p = new_plan (NULL, "2026-03-02");
    record (p, "2026-03-09", "phone-check-in", IOP_CONTACT_MISSED, false);
    record (p, "2026-03-16", "support-group", IOP_CONTACT_COMPLETED, false);
    record (p, "2026-03-23", "phone-check-in", IOP_CONTACT_MISSED, false);
    ASSERT_FIRED (p, "2026-03-30", "");
    record (p, "2026-04-02", "alumni-meeting", IOP_CONTACT_MISSED, false);
    ASSERT_FIRED (p, "2026-04-02", "missed-contacts@2026-04-02");
  }
  {
    /* referrals, reviews and items of kind "other" do not count */
    g_autoptr(iop_careplan) p = new_plan (NULL, "2026-03-02");
    int other = iop_careplan_add_item (p, "2026-03-10", "other", "Housing appointment", 0, NULL);
    record (p, "2026-03-09", "phone-check-in", IOP_CONTACT_MISSED, false);
    assert_true (iop_careplan_record_contact (p, (size_t) other, IOP_CONTACT_MISSED, NULL, false, NULL) >= 0);
    record (p, "2026-03-16", "referral", IOP_CONTACT_MISSED, false);
    record (p, "2026-06-02", "relapse-prevention-review", IOP_CONTACT_MISSED, false);
    ASSERT_FIRED (p, "2026-06-03", "");
    /* a booster session does */
    record (p, "2026-06-02", "booster-session", IOP_CONTACT_MISSED, false);
    ASSERT_FIRED (p, "2026-06-03", "missed-contacts@2026-06-02");
  }
  {
    /* planned, cancelled and rescheduled items are skipped, neither counting nor breaking */
    g_autoptr(iop_careplan) p = new_plan (NULL, "2026-03-02");
    record (p, "2026-03-09", "phone-check-in", IOP_CONTACT_MISSED, false);
    record (p, "2026-03-16", "phone-check-in", IOP_CONTACT_CANCELLED, false);
    assert_true (iop_careplan_record_contact (p, item_index (p, "2026-03-23", "phone-check-in"), IOP_CONTACT_RESCHEDULED,
                                              "2026-03-25", false, NULL) > 0);
    ASSERT_FIRED (p, "2026-03-29", "");
    record (p, "2026-03-30", "phone-check-in", IOP_CONTACT_MISSED, false);
    ASSERT_FIRED (p, "2026-03-30", "missed-contacts@2026-03-30");
    /* the rescheduled copy completed (dated 2026-03-25) breaks the run */
    record (p, "2026-03-25", "phone-check-in", IOP_CONTACT_COMPLETED, false);
    ASSERT_FIRED (p, "2026-03-30", "");
  }
  {
    /* a program's count of three */
    g_autoptr(iop_careplan_template) t = load_template ("template-custom.json");
    g_autoptr(iop_careplan) p = new_plan (t, "2026-01-31");
    record (p, "2026-02-10", "phone-check-in", IOP_CONTACT_MISSED, false);
    record (p, "2026-02-20", "phone-check-in", IOP_CONTACT_MISSED, false);
    ASSERT_FIRED (p, "2026-02-20", "");
    record (p, "2026-02-21", "support-group", IOP_CONTACT_MISSED, false);
    ASSERT_FIRED (p, "2026-02-21", "three-missed@2026-02-21");
    {
      g_autoptr(iop_escalations) e = iop_careplan_escalate (p, "2026-02-21", NULL);
      assert_str (iop_escalations_get_action (e, 0), "reassessment");
      assert_str (iop_escalations_get_source (e, 0), "program-policy");
      assert_str (iop_escalations_get_text (e, 0), "Three missed contacts in a row");
    }
  }
}

static void
test_careplan_escalation_measure_flags (void **state)
{
  (void) state;
  {
    /* BAM any use: fires within the 30-day window (the as-of day and the 29 before it) */
    g_autoptr(iop_careplan) p = new_plan (NULL, "2026-03-02");
    record_score (p, "2026-03-10", bam (1, 0, 4));
    ASSERT_FIRED (p, "2026-03-09", "");
    ASSERT_FIRED (p, "2026-03-10", "bam-concern@2026-03-10");
    ASSERT_FIRED (p, "2026-04-08", "bam-concern@2026-03-10");
    ASSERT_FIRED (p, "2026-04-09", "");
    /* the latest evidence is reported */
    record_score (p, "2026-03-20", bam (0, 2, 4));
    ASSERT_FIRED (p, "2026-04-08", "bam-concern@2026-03-20");
    ASSERT_FIRED (p, "2026-04-18", "bam-concern@2026-03-20");
    ASSERT_FIRED (p, "2026-04-19", "");
  }
  {
    /* BAM risk concern (risk items at 2: 12) fires; protective concern alone does not; a
     * clean BAM does not; PHQ-9 flags other than item 9 do not */
    g_autoptr(iop_careplan) p = new_plan (NULL, "2026-03-02");
    record_score (p, "2026-03-10", bam (0, 0, 0)); /* protective-concern only */
    record_score (p, "2026-03-11", bam (0, 1, 4)); /* risk 6: nothing */
    record_score (p, "2026-03-12", phq9 (2, 0));   /* total 16: depression-screen-positive, item 9 = 0 */
    ASSERT_FIRED (p, "2026-03-15", "");
    record_score (p, "2026-03-14", bam (0, 2, 4));
    ASSERT_FIRED (p, "2026-03-15", "bam-concern@2026-03-14");
  }
  {
    /* PHQ-9 item 9: same-day follow-up and re-assessment; another instrument's flags do not fire it */
    g_autoptr(iop_careplan) p = new_plan (NULL, "2026-03-02");
    g_autoptr(iop_escalations) e = NULL;
    record_score (p, "2026-03-10", bam (2, 3, 0));
    ASSERT_FIRED (p, "2026-03-10", "bam-concern@2026-03-10");
    record_score (p, "2026-03-12", phq9 (0, 1));
    ASSERT_FIRED (p, "2026-03-11", "bam-concern@2026-03-10");
    ASSERT_FIRED (p, "2026-03-12", "bam-concern@2026-03-10,phq9-item9@2026-03-12");
    ASSERT_FIRED (p, "2026-04-10", "phq9-item9@2026-03-12");
    ASSERT_FIRED (p, "2026-04-11", "");
    e = iop_careplan_escalate (p, "2026-03-12", NULL);
    assert_int_equal (iop_escalations_get_n (e), 2);
    assert_str (iop_escalations_get_action (e, 0), "earlier-booster");
    assert_str (iop_escalations_get_source (e, 0), "bam-concern");
    assert_str (iop_escalations_get_action (e, 1), "reassessment");
    assert_str (iop_escalations_get_source (e, 1), "phq9-item9");
    assert_non_null (strstr (iop_escalations_get_text (e, 1), "item 9"));
    assert_null (iop_escalations_get_rule (e, 2));
    assert_null (iop_escalations_get_action (e, 2));
    assert_null (iop_escalations_get_date (e, 2));
    assert_null (iop_escalations_get_text (e, 2));
    assert_null (iop_escalations_get_source (e, 2));
  }
  {
    /* a program's rule: GAD-7 positive screen within 7 days */
    g_autoptr(iop_careplan_template) t = load_template ("template-custom.json");
    g_autoptr(iop_careplan) p = new_plan (t, "2026-01-31");
    static const int gad_high[7] = { 2, 2, 2, 2, 1, 1, 0 }, gad_low[7] = { 1, 1, 1, 1, 1, 1, 3 };
    record_score (p, "2026-02-03", score ("gad7", gad_low, 7)); /* 9: not positive */
    record_score (p, "2026-02-03", phq9 (0, 2));                /* not a rule of this template */
    ASSERT_FIRED (p, "2026-02-05", "");
    record_score (p, "2026-02-04", score ("gad7", gad_high, 7)); /* 10: positive */
    ASSERT_FIRED (p, "2026-02-04", "anxiety@2026-02-04");
    ASSERT_FIRED (p, "2026-02-10", "anxiety@2026-02-04");
    ASSERT_FIRED (p, "2026-02-11", "");
  }
}

static void
test_careplan_escalation_relapse_report (void **state)
{
  (void) state;
  {
    g_autoptr(iop_careplan) p = new_plan (NULL, "2026-03-02");
    record (p, "2026-03-09", "phone-check-in", IOP_CONTACT_COMPLETED, false);
    ASSERT_FIRED (p, "2026-03-20", "");
    record (p, "2026-03-16", "phone-check-in", IOP_CONTACT_COMPLETED, true);
    ASSERT_FIRED (p, "2026-03-15", "");
    ASSERT_FIRED (p, "2026-03-16", "relapse@2026-03-16");
    ASSERT_FIRED (p, "2026-04-14", "relapse@2026-03-16");
    ASSERT_FIRED (p, "2026-04-15", "");
    /* reported at a missed contact (a message left, a call back) counts too, the latest wins */
    record (p, "2026-03-23", "phone-check-in", IOP_CONTACT_MISSED, true);
    ASSERT_FIRED (p, "2026-04-15", "relapse@2026-03-23");
  }
  {
    g_autoptr(iop_careplan_template) t = load_template ("template-custom.json");
    g_autoptr(iop_careplan) p = new_plan (t, "2026-01-31");
    g_autoptr(iop_escalations) e = NULL;
    record (p, "2026-02-10", "phone-check-in", IOP_CONTACT_COMPLETED, true);
    ASSERT_FIRED (p, "2026-02-16", "relapse-week@2026-02-10");
    ASSERT_FIRED (p, "2026-02-17", "");
    e = iop_careplan_escalate (p, "2026-02-16", NULL);
    assert_str (iop_escalations_get_action (e, 0), "earlier-booster");
  }
}

static void
test_careplan_escalation_all_rules_and_json (void **state)
{
  g_autoptr(iop_careplan) p = new_plan (NULL, "2026-03-02");
  g_autoptr(iop_escalations) e = NULL;
  g_autoptr(iop_escalations) none = NULL;
  g_autofree char *json = NULL, *none_json = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *list;
  (void) state;

  record (p, "2026-03-09", "phone-check-in", IOP_CONTACT_MISSED, false);
  record (p, "2026-03-16", "phone-check-in", IOP_CONTACT_MISSED, true);
  record_score (p, "2026-03-12", phq9 (0, 1));
  record_score (p, "2026-03-13", bam (1, 0, 4));
  e = iop_careplan_escalate (p, "2026-03-17", NULL);
  json = iop_escalations_to_json (e);
  root = parse_json (json);
  assert_str (json_node_get_string (json_at (root, "as_of", NULL)), "2026-03-17");
  list = json_node_get_array (json_at (root, "escalations", NULL));
  assert_int_equal (json_array_get_length (list), 4);
  assert_int_equal (iop_escalations_get_n (e), 4);
  for (guint i = 0; i < 4; i++)
    {
      static const char *const rules[] = { "missed-contacts", "bam-concern", "phq9-item9", "relapse" };
      static const char *const act[] = { "outreach", "earlier-booster", "reassessment", "reassessment" };
      static const char *const dates[] = { "2026-03-16", "2026-03-13", "2026-03-12", "2026-03-16" };
      JsonObject *o = json_array_get_object_element (list, i);
      assert_str (json_object_get_string_member (o, "rule"), rules[i]);
      assert_str (iop_escalations_get_rule (e, i), rules[i]);
      assert_str (json_object_get_string_member (o, "action"), act[i]);
      assert_str (json_object_get_string_member (o, "date"), dates[i]);
      assert_str (json_object_get_string_member (o, "text"), iop_escalations_get_text (e, i));
      assert_str (json_object_get_string_member (o, "source"), iop_escalations_get_source (e, i));
      assert_no_phi (iop_escalations_get_text (e, i), "an escalation");
    }
  none = iop_careplan_escalate (p, "2026-03-02", NULL);
  none_json = iop_escalations_to_json (none);
  assert_string_equal (none_json, "{\"as_of\":\"2026-03-02\",\"escalations\":[]}");
  EXPECT_ERROR (iop_careplan_escalate (p, "2026-03-32", err_) != NULL, IOP_ERROR_INVALID_ARGUMENT);
  EXPECT_ERROR (iop_careplan_escalate (p, NULL, err_) != NULL, IOP_ERROR_INVALID_ARGUMENT);
}

/* Escalations and checklists point into the plan's template: they must outlive the plan (which
 * here holds the only reference to its built-in template). */
static void
test_careplan_results_outlive_their_plan (void **state)
{
  iop_careplan *p = new_plan (NULL, "2026-03-02");
  g_autoptr(iop_episode) ep = ready_episode ();
  g_autoptr(iop_escalations) e = NULL;
  g_autoptr(iop_readiness) r = NULL;
  g_autofree char *e_json = NULL, *r_json = NULL;
  g_autoptr(JsonNode) e_root = NULL, r_root = NULL;
  (void) state;

  record (p, "2026-03-09", "phone-check-in", IOP_CONTACT_COMPLETED, true);
  e = iop_careplan_escalate (p, "2026-03-10", NULL);
  r = iop_careplan_check_readiness (p, ep, NULL, "2026-03-10", NULL);
  iop_careplan_free (p);
  assert_int_equal (iop_escalations_get_n (e), 1);
  assert_str (iop_escalations_get_rule (e, 0), "relapse");
  assert_str (iop_escalations_get_source (e, 0), "state-phone-protocol");
  assert_str (iop_escalations_get_text (e, 0), "A relapse was reported: re-assess the level of care for a step up");
  e_json = iop_escalations_to_json (e);
  e_root = parse_json (e_json);
  assert_str (json_object_get_string_member (
                json_array_get_object_element (json_node_get_array (json_at (e_root, "escalations", NULL)), 0), "source"),
              "state-phone-protocol");
  r_json = iop_readiness_to_json (r);
  r_root = parse_json (r_json);
  assert_str (json_object_get_string_member (
                json_array_get_object_element (json_node_get_array (json_at (r_root, "items", NULL)), 4), "source"),
              "libiop-default");
}

/* ------------------------------------------------------------------------------------------ */
/* Readiness                                                                                   */

static const char *const ready_ids[] = { "final-stage-goals", "stage-of-change", "recent-measures",
                                         "receiving-provider", "first-appointment", "consent" };

/* The failing items as "id,id" (empty when ready); checks the order of the ids and the texts. */
static char *
failing (const iop_careplan *p, const iop_episode *ep, const iop_consent *c, const char *as_of)
{
  iop_error *err = NULL;
  g_autoptr(iop_readiness) r = iop_careplan_check_readiness (p, ep, c, as_of, &err);
  GString *out = g_string_new (NULL);

  if (r == NULL)
    fail_msg ("readiness %s: %s", as_of, iop_error_get_message (err));
  assert_int_equal (iop_readiness_get_n_items (r), 6);
  for (size_t i = 0; i < 6; i++)
    {
      assert_str (iop_readiness_get_item (r, i), ready_ids[i]);
      assert_true (strlen (iop_readiness_get_text (r, i)) > 10);
      assert_no_phi (iop_readiness_get_text (r, i), "a readiness text");
      if (!iop_readiness_get_passed (r, i))
        g_string_append_printf (out, "%s%s", out->len ? "," : "", ready_ids[i]);
    }
  assert_null (iop_readiness_get_item (r, 6));
  assert_null (iop_readiness_get_text (r, 6));
  assert_false (iop_readiness_get_passed (r, 6));
  assert_int_equal (iop_readiness_is_ready (r), out->len == 0);
  return g_string_free (out, FALSE);
}

#define ASSERT_FAILING(plan, ep, consent, as_of, expected)                                     \
  do {                                                                                         \
    g_autofree char *got_ = failing ((plan), (ep), (consent), (as_of));                        \
    if (strcmp (got_, (expected)) != 0)                                                        \
      fail_msg ("line %d: expected failing [%s], got [%s]", __LINE__, (expected), got_);       \
  } while (0)

static void
test_careplan_readiness_ready_and_json (void **state)
{
  g_autoptr(iop_careplan) p = load_plan (NULL, "plan-ready.json");
  g_autoptr(iop_episode) ep = ready_episode ();
  g_autoptr(iop_consent) spec = load_consent ("consent-specific.json");
  g_autoptr(iop_consent) tpo = load_consent ("consent-tpo.json");
  g_autoptr(iop_readiness) r = iop_careplan_check_readiness (p, ep, spec, "2026-02-27", NULL);
  g_autofree char *json = iop_readiness_to_json (r);
  g_autoptr(JsonNode) root = parse_json (json);
  JsonArray *items;
  (void) state;

  ASSERT_FAILING (p, ep, spec, "2026-02-27", "");
  ASSERT_FAILING (p, ep, tpo, "2026-02-27", "");
  assert_true (json_node_get_boolean (json_at (root, "ready", NULL)));
  assert_str (json_node_get_string (json_at (root, "as_of", NULL)), "2026-02-27");
  items = json_node_get_array (json_at (root, "items", NULL));
  assert_int_equal (json_array_get_length (items), 6);
  for (guint i = 0; i < 6; i++)
    {
      JsonObject *o = json_array_get_object_element (items, i);
      assert_str (json_object_get_string_member (o, "id"), ready_ids[i]);
      assert_true (json_object_get_boolean_member (o, "passed"));
      assert_str (json_object_get_string_member (o, "text"), iop_readiness_get_text (r, i));
      assert_true (json_object_has_member (o, "source"));
    }
  assert_str (json_object_get_string_member (json_array_get_object_element (items, 0), "source"), "state-phone-protocol");
  assert_str (json_object_get_string_member (json_array_get_object_element (items, 4), "source"), "libiop-default");
}

static void
test_careplan_readiness_each_item_fails_alone (void **state)
{
  g_autoptr(iop_careplan) p = load_plan (NULL, "plan-ready.json");
  g_autoptr(iop_episode) ep = ready_episode ();
  g_autoptr(iop_consent) spec = load_consent ("consent-specific.json");
  (void) state;

  /* final stage not reached: the episode is still in family engagement */
  {
    g_autoptr(iop_episode) e = ready_episode_mutated ("stage_history.5", NULL);
    assert_str (iop_episode_get_stage (e), "family-engagement");
    ASSERT_FAILING (p, e, spec, "2026-02-27", "final-stage-goals");
  }
  /* the final stage's goals: open, not achieved, only cancelled, proposed; waived passes */
  {
    static const struct {
      const char *status, *expected;
    } rows[] = { { "active", "final-stage-goals" },       { "proposed", "final-stage-goals" },
                 { "not-achieved", "final-stage-goals" }, { "cancelled", "final-stage-goals" },
                 { "waived", "" },                        { "achieved", "" } };
    for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
      {
        g_autoptr(iop_episode) e = ready_episode ();
        assert_true (iop_episode_set_goal_status (e, "g-transition", rows[i].status, NULL));
        ASSERT_FAILING (p, e, spec, "2026-02-27", rows[i].expected);
      }
    /* an achieved goal does not cover another that is still open */
    {
      g_autoptr(iop_episode) e = ready_episode ();
      assert_true (iop_episode_add_goal (e, "g-housing", "transition-planning", "Find stable housing", NULL, NULL));
      ASSERT_FAILING (p, e, spec, "2026-02-27", "final-stage-goals");
      assert_true (iop_episode_set_goal_status (e, "g-housing", "waived", NULL));
      ASSERT_FAILING (p, e, spec, "2026-02-27", "");
    }
  }
  /* stage of change: action and maintenance pass */
  {
    static const struct {
      iop_stage_of_change soc;
      const char *expected;
    } rows[] = { { IOP_STAGE_OF_CHANGE_CONTEMPLATION, "stage-of-change" },
                 { IOP_STAGE_OF_CHANGE_PRECONTEMPLATION, "stage-of-change" },
                 { IOP_STAGE_OF_CHANGE_PREPARATION, "stage-of-change" },
                 { IOP_STAGE_OF_CHANGE_RELAPSE, "stage-of-change" },
                 { IOP_STAGE_OF_CHANGE_MAINTENANCE, "" },
                 { IOP_STAGE_OF_CHANGE_ACTION, "" } };
    for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
      {
        g_autoptr(iop_episode) e = ready_episode ();
        assert_true (iop_episode_set_stage_of_change (e, rows[i].soc, "2026-02-26", NULL));
        ASSERT_FAILING (p, e, spec, "2026-02-27", rows[i].expected);
      }
  }
  /* recent measures: the PHQ-9 of 2026-02-25 counts for 30 days (through 2026-03-26) */
  ASSERT_FAILING (p, ep, spec, "2026-03-26", "");
  ASSERT_FAILING (p, ep, spec, "2026-03-27", "recent-measures");
  ASSERT_FAILING (p, ep, spec, "2026-02-24", "recent-measures"); /* a measure after the date does not count */
  {
    /* an urgent safety flag (PHQ-9 item 9) fails it; a warning (BAM use) does not; a flag
     * dated after the check does not count */
    g_autoptr(iop_careplan) q = iop_careplan_copy (p);
    g_autoptr(iop_careplan) w = iop_careplan_copy (p);
    g_autoptr(iop_careplan) later = iop_careplan_copy (p);
    record_score (q, "2026-02-26", phq9 (0, 1));
    ASSERT_FAILING (q, ep, spec, "2026-02-27", "recent-measures");
    record_score (w, "2026-02-26", bam (1, 2, 0));
    ASSERT_FAILING (w, ep, spec, "2026-02-27", "");
    record_score (later, "2026-02-28", phq9 (0, 3));
    ASSERT_FAILING (later, ep, spec, "2026-02-27", "");
  }
  {
    /* no measure at all */
    g_autoptr(iop_careplan) q = iop_careplan_new (NULL, ep, "2026-02-27", NULL);
    assert_true (iop_careplan_set_receiving_provider (q, "Hillside Outpatient Counseling", NULL));
    assert_true (iop_careplan_set_first_appointment (q, "2026-03-03", NULL));
    ASSERT_FAILING (q, ep, spec, "2026-02-27", "recent-measures");
    /* no receiving provider: the consent cannot be checked either */
    assert_true (iop_careplan_set_receiving_provider (q, NULL, NULL));
    record_score (q, "2026-02-25", phq9 (0, 0));
    ASSERT_FAILING (q, ep, spec, "2026-02-27", "receiving-provider,consent");
    /* first appointment: missing, on the start day, 7 days after (the limit), 8 days after */
    assert_true (iop_careplan_set_receiving_provider (q, "Hillside Outpatient Counseling", NULL));
    ASSERT_FAILING (q, ep, spec, "2026-02-27", "");
    assert_true (iop_careplan_set_first_appointment (q, NULL, NULL));
    ASSERT_FAILING (q, ep, spec, "2026-02-27", "first-appointment");
    assert_true (iop_careplan_set_first_appointment (q, "2026-02-27", NULL));
    ASSERT_FAILING (q, ep, spec, "2026-02-27", "");
    assert_true (iop_careplan_set_first_appointment (q, "2026-03-06", NULL));
    ASSERT_FAILING (q, ep, spec, "2026-02-27", "");
    assert_true (iop_careplan_set_first_appointment (q, "2026-03-07", NULL));
    ASSERT_FAILING (q, ep, spec, "2026-02-27", "first-appointment");
    /* a receiving provider the specific consent does not name */
    assert_true (iop_careplan_set_first_appointment (q, "2026-03-03", NULL));
    assert_true (iop_careplan_set_receiving_provider (q, "Someone Else", NULL));
    ASSERT_FAILING (q, ep, spec, "2026-02-27", "consent");
    /* ... named by its identifier instead of its name */
    assert_true (iop_careplan_set_receiving_provider (q, "NPI:1234567893", NULL));
    ASSERT_FAILING (q, ep, spec, "2026-02-27", "");
  }
  /* consent: none, revoked, expired, another patient's, a purpose or class it lacks */
  ASSERT_FAILING (p, ep, NULL, "2026-02-27", "consent");
  {
    g_autoptr(iop_consent) c = load_consent ("consent-specific.json");
    assert_true (iop_consent_set_revocation (c, "2026-02-26", "in writing", NULL));
    ASSERT_FAILING (p, ep, c, "2026-02-27", "consent");
    ASSERT_FAILING (p, ep, c, "2026-02-25", "");
  }
  {
    g_autoptr(iop_consent) c = load_consent_mutated ("consent-specific.json", "expiration",
                                                     "{\"type\": \"date\", \"date\": \"2026-02-26\"}");
    ASSERT_FAILING (p, ep, c, "2026-02-26", "");
    ASSERT_FAILING (p, ep, c, "2026-02-27", "consent");
  }
  {
    g_autoptr(iop_consent) c = load_consent_mutated ("consent-specific.json", "patient.id", "\"C-0099\"");
    g_autoptr(iop_consent) t = load_consent_mutated ("consent-tpo.json", "patient.id", "null");
    ASSERT_FAILING (p, ep, c, "2026-02-27", "consent");
    ASSERT_FAILING (p, ep, t, "2026-02-27", "consent"); /* no patient identifier: not shown to be the client's */
  }
  {
    g_autoptr(iop_consent) c = load_consent_mutated ("consent-specific.json", "purposes", "[\"patient-request\"]");
    g_autoptr(iop_consent) d = load_consent_mutated ("consent-specific.json", "information.data_classes",
                                                     "[\"sud-treatment\", \"diagnoses\"]");
    ASSERT_FAILING (p, ep, c, "2026-02-27", "consent");
    ASSERT_FAILING (p, ep, d, "2026-02-27", "consent");
  }
}

static void
test_careplan_readiness_custom_template_and_errors (void **state)
{
  g_autoptr(iop_careplan_template) t = load_template ("template-custom.json");
  g_autoptr(iop_careplan) p = new_plan (t, "2026-02-27");
  g_autoptr(iop_episode) ep = ready_episode ();
  g_autoptr(iop_consent) tpo = load_consent ("consent-tpo.json");
  (void) state;

  assert_true (iop_careplan_set_receiving_provider (p, "Hillside Outpatient Counseling", NULL));
  assert_true (iop_careplan_set_first_appointment (p, "2026-03-02", NULL)); /* 3 days: the limit */
  record_score (p, "2026-02-14", phq9 (0, 0));                             /* 13 days before */
  ASSERT_FAILING (p, ep, tpo, "2026-02-27", "");
  ASSERT_FAILING (p, ep, tpo, "2026-02-28", "recent-measures"); /* 14 days: out of the window */
  assert_true (iop_careplan_set_first_appointment (p, "2026-03-03", NULL));
  ASSERT_FAILING (p, ep, tpo, "2026-02-27", "first-appointment");
  assert_true (iop_careplan_set_first_appointment (p, "2026-03-02", NULL));
  {
    g_autoptr(iop_episode) e = ready_episode ();
    assert_true (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_PREPARATION, "2026-02-26", NULL));
    ASSERT_FAILING (p, e, tpo, "2026-02-27", "");
    assert_true (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_MAINTENANCE, "2026-02-26", NULL));
    ASSERT_FAILING (p, e, tpo, "2026-02-27", "stage-of-change");
  }
  /* an episode of another client, a bad date */
  {
    g_autoptr(iop_episode) other = ready_episode_mutated ("client.id", "\"C-0099\"");
    EXPECT_ERROR (iop_careplan_check_readiness (p, other, tpo, "2026-02-27", err_) != NULL, IOP_ERROR_INVALID_ARGUMENT);
    EXPECT_ERROR (iop_careplan_check_readiness (p, ep, tpo, "2026-02-30", err_) != NULL, IOP_ERROR_INVALID_ARGUMENT);
    EXPECT_ERROR (iop_careplan_check_readiness (p, ep, tpo, NULL, err_) != NULL, IOP_ERROR_INVALID_ARGUMENT);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Gated exports                                                                               */

typedef char *(*Export) (const iop_careplan *, const iop_episode *, const iop_consent *, const char *, const char *,
                         iop_error **);

static void
expect_refused (Export export, const char *what, const iop_careplan *p, const iop_episode *ep, const iop_consent *c,
                const char *recipient, const char *date, const char *reason)
{
  iop_error *err = NULL;
  char *out = export (p, ep, c, recipient, date, &err);
  if (out != NULL)
    {
      iop_free (out);
      fail_msg ("%s to %s on %s (%s): exported", what, recipient, date, reason);
    }
  if (err == NULL || iop_error_get_code (err) != IOP_ERROR_PERMISSION_DENIED)
    fail_msg ("%s (%s): expected IOP_ERROR_PERMISSION_DENIED, got %s", what, reason,
              err ? iop_error_get_message (err) : "no error");
  if (strstr (iop_error_get_message (err), reason) == NULL)
    fail_msg ("%s: expected the reason %s in: %s", what, reason, iop_error_get_message (err));
  assert_no_phi (iop_error_get_message (err), what);
  assert_null (iop_error_get_path (err));
  iop_error_free (err);
}

static char *
expect_exported (Export export, const char *what, const iop_careplan *p, const iop_episode *ep, const iop_consent *c,
                 const char *recipient, const char *date)
{
  iop_error *err = NULL;
  char *out = export (p, ep, c, recipient, date, &err);
  if (out == NULL)
    fail_msg ("%s to %s on %s: %s", what, recipient, date, iop_error_get_message (err));
  return out;
}

static const struct {
  Export fn;
  const char *name;
} exports[] = { { iop_careplan_to_fhir, "to_fhir" }, { iop_careplan_transition_package, "transition_package" } };

static void
test_careplan_exports_refuse_without_a_permitting_consent (void **state)
{
  g_autoptr(iop_careplan) p = load_plan (NULL, "plan-ready.json");
  g_autoptr(iop_episode) ep = ready_episode ();
  g_autoptr(iop_consent) spec = load_consent ("consent-specific.json");
  g_autoptr(iop_consent) tpo = load_consent ("consent-tpo.json");
  g_autoptr(iop_consent) revoked = load_consent ("consent-tpo.json");
  g_autoptr(iop_consent) other = load_consent_mutated ("consent-specific.json", "patient.id", "\"C-0099\"");
  g_autoptr(iop_consent) nobody = load_consent_mutated ("consent-tpo.json", "patient.id", "null");
  g_autoptr(iop_consent) no_treatment = load_consent_mutated ("consent-specific.json", "purposes", "[\"patient-request\"]");
  g_autoptr(iop_consent) tpo_payment = load_consent_mutated ("consent-tpo.json", "purposes", "[\"payment\", \"health-care-operations\"]");
  g_autoptr(iop_consent) no_diagnoses = load_consent_mutated (
    "consent-specific.json", "information.data_classes", "[\"sud-treatment\", \"care-plan\", \"attendance\", \"outcome-measures\"]");
  g_autoptr(iop_consent) no_care_plan = load_consent_mutated (
    "consent-tpo.json", "information.data_classes", "[\"sud-treatment\", \"diagnoses\", \"attendance\", \"outcome-measures\"]");
  g_autoptr(iop_consent) payers_only = load_consent_mutated ("consent-tpo.json", "recipients",
                                                             "[{\"class\": \"health-plans\"}]");
  (void) state;

  assert_true (iop_consent_set_revocation (revoked, "2026-02-20", "in writing", NULL));
  for (size_t k = 0; k < G_N_ELEMENTS (exports); k++)
    {
      Export f = exports[k].fn;
      const char *n = exports[k].name;
      expect_refused (f, n, p, ep, NULL, "Hillside Outpatient Counseling", "2026-02-27", "no-consent");
      expect_refused (f, n, p, ep, revoked, "Hillside Outpatient Counseling", "2026-02-27", "revoked");
      expect_refused (f, n, p, ep, spec, "Hillside Outpatient Counseling", "2027-01-01", "expired");
      expect_refused (f, n, p, ep, spec, "Lakeside Recovery Center", "2026-02-27", "recipient-not-covered");
      expect_refused (f, n, p, ep, payers_only, "Hillside Outpatient Counseling", "2026-02-27", "recipient-not-covered");
      expect_refused (f, n, p, ep, no_treatment, "Hillside Outpatient Counseling", "2026-02-27", "purpose-not-covered");
      expect_refused (f, n, p, ep, tpo_payment, "Hillside Outpatient Counseling", "2026-02-27", "purpose-not-covered");
      expect_refused (f, n, p, ep, no_diagnoses, "Hillside Outpatient Counseling", "2026-02-27", "data-class-not-covered");
      expect_refused (f, n, p, ep, no_care_plan, "Hillside Outpatient Counseling", "2026-02-27", "data-class-not-covered");
      expect_refused (f, n, p, ep, other, "Hillside Outpatient Counseling", "2026-02-27", "other-patient");
      expect_refused (f, n, p, ep, nobody, "Hillside Outpatient Counseling", "2026-02-27", "other-patient");
      expect_refused (f, n, p, ep, spec, "Hillside Outpatient Counseling", "2026-02-19", "not-yet-signed");
      /* permitted: a TPO consent for treating providers, and the specific consent naming the
       * recipient (by name, by identifier, or a participant of the named intermediary) */
      iop_free (expect_exported (f, n, p, ep, tpo, "Lakeside Recovery Center", "2026-02-27"));
      iop_free (expect_exported (f, n, p, ep, spec, "Hillside Outpatient Counseling", "2026-02-27"));
      iop_free (expect_exported (f, n, p, ep, spec, "NPI:1234567893", "2026-12-31"));
      iop_free (expect_exported (f, n, p, ep, revoked, "Hillside Outpatient Counseling", "2026-02-19"));
    }
  /* the package also needs attendance and outcome measures; the Bundle does not carry them */
  {
    g_autoptr(iop_consent) no_attendance = load_consent_mutated (
      "consent-specific.json", "information.data_classes", "[\"sud-treatment\", \"diagnoses\", \"care-plan\", \"outcome-measures\"]");
    g_autoptr(iop_consent) no_measures = load_consent_mutated (
      "consent-specific.json", "information.data_classes", "[\"sud-treatment\", \"diagnoses\", \"care-plan\", \"attendance\"]");
    iop_free (expect_exported (iop_careplan_to_fhir, "to_fhir", p, ep, no_attendance, "Hillside Outpatient Counseling",
                               "2026-02-27"));
    iop_free (expect_exported (iop_careplan_to_fhir, "to_fhir", p, ep, no_measures, "Hillside Outpatient Counseling",
                               "2026-02-27"));
    expect_refused (iop_careplan_transition_package, "package", p, ep, no_attendance, "Hillside Outpatient Counseling",
                    "2026-02-27", "data-class-not-covered");
    expect_refused (iop_careplan_transition_package, "package", p, ep, no_measures, "Hillside Outpatient Counseling",
                    "2026-02-27", "data-class-not-covered");
  }
}

static void
test_careplan_exports_refuse_bad_arguments (void **state)
{
  g_autoptr(iop_careplan) p = load_plan (NULL, "plan-ready.json");
  g_autoptr(iop_episode) ep = ready_episode ();
  g_autoptr(iop_episode) other = ready_episode_mutated ("client.id", "\"C-0099\"");
  g_autoptr(iop_consent) tpo = load_consent ("consent-tpo.json");
  (void) state;
  for (size_t k = 0; k < G_N_ELEMENTS (exports); k++)
    {
      Export f = exports[k].fn;
      EXPECT_ERROR (f (p, ep, tpo, "Hillside Outpatient Counseling", "2026-02-30", err_) != NULL, IOP_ERROR_INVALID_ARGUMENT);
      EXPECT_ERROR (f (p, ep, tpo, "Hillside Outpatient Counseling", NULL, err_) != NULL, IOP_ERROR_INVALID_ARGUMENT);
      EXPECT_ERROR (f (p, ep, tpo, "", "2026-02-27", err_) != NULL, IOP_ERROR_INVALID_ARGUMENT);
      EXPECT_ERROR (f (p, ep, tpo, NULL, "2026-02-27", err_) != NULL, IOP_ERROR_INVALID_ARGUMENT);
      EXPECT_ERROR (f (p, other, tpo, "Hillside Outpatient Counseling", "2026-02-27", err_) != NULL,
                    IOP_ERROR_INVALID_ARGUMENT);
      /* no consent and a bad argument: the argument is reported */
      EXPECT_ERROR (f (p, ep, NULL, "", "2026-02-27", err_) != NULL, IOP_ERROR_INVALID_ARGUMENT);
    }
}

static JsonObject *
entry_resource (JsonArray *entries, guint i)
{
  return json_object_get_object_member (json_array_get_object_element (entries, i), "resource");
}

static gboolean
has_security (JsonObject *resource, const char *code)
{
  JsonArray *sec = json_object_get_array_member (json_object_get_object_member (resource, "meta"), "security");
  for (guint i = 0; i < json_array_get_length (sec); i++)
    if (strcmp (json_object_get_string_member (json_array_get_object_element (sec, i), "code"), code) == 0)
      return TRUE;
  return FALSE;
}

static const char *
first_code (JsonObject *concept)
{
  JsonArray *coding = json_object_get_array_member (concept, "coding");
  return json_object_get_string_member (json_array_get_object_element (coding, 0), "code");
}

static void
test_careplan_fhir_bundle (void **state)
{
  g_autoptr(iop_careplan) p = load_plan (NULL, "plan-ready.json");
  g_autoptr(iop_episode) ep = ready_episode ();
  g_autoptr(iop_consent) spec = load_consent ("consent-specific.json");
  g_autofree char *text = NULL, *again = NULL, *copy_text = NULL, *other_day = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) urls = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *entries;
  JsonObject *plan;
  size_t n_items = iop_careplan_get_n_items (p), n_goals = iop_episode_get_n_goals (ep),
         n_dx = iop_episode_get_n_diagnoses (ep);
  (void) state;

  /* log some contacts so that every status mapping appears */
  assert_true (iop_careplan_record_contact (p, 0, IOP_CONTACT_COMPLETED, NULL, false, NULL) == 0);
  assert_true (iop_careplan_record_contact (p, 1, IOP_CONTACT_MISSED, NULL, false, NULL) == 1);
  assert_true (iop_careplan_record_contact (p, 2, IOP_CONTACT_CANCELLED, NULL, false, NULL) == 2);
  assert_true (iop_careplan_record_contact (p, 3, IOP_CONTACT_RESCHEDULED, "2026-03-20", false, NULL) > 3);
  assert_true (iop_episode_set_goal_status (ep, "g1", "not-achieved", NULL));
  assert_true (iop_episode_set_goal_status (ep, "g2", "waived", NULL));
  n_items = iop_careplan_get_n_items (p);

  text = expect_exported (iop_careplan_to_fhir, "to_fhir", p, ep, spec, "Hillside Outpatient Counseling", "2026-02-27");
  again = expect_exported (iop_careplan_to_fhir, "to_fhir", p, ep, spec, "Hillside Outpatient Counseling", "2026-02-27");
  assert_string_equal (text, again); /* deterministic */
  {
    g_autoptr(iop_careplan) c = iop_careplan_copy (p);
    copy_text = expect_exported (iop_careplan_to_fhir, "to_fhir", c, ep, spec, "Hillside Outpatient Counseling", "2026-02-27");
    assert_string_equal (text, copy_text);
  }
  /* the disclosure date and recipient are checked, not written: the same Bundle another day */
  other_day = expect_exported (iop_careplan_to_fhir, "to_fhir", p, ep, spec, "NPI:1234567893", "2026-06-01");
  assert_string_equal (text, other_day);

  root = parse_json (text);
  assert_str (json_node_get_string (json_at (root, "resourceType", NULL)), "Bundle");
  assert_str (json_node_get_string (json_at (root, "type", NULL)), "collection");
  entries = json_node_get_array (json_at (root, "entry", NULL));
  assert_int_equal (json_array_get_length (entries), 1 + n_dx + n_goals + n_items);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);
      JsonObject *r = entry_resource (entries, i);
      const char *url = json_object_get_string_member (e, "fullUrl");
      assert_true (g_str_has_prefix (url, "urn:uuid:"));
      assert_int_equal (strlen (url), 9 + 36);
      assert_int_equal (url[9 + 14], '5'); /* name-based (version 5) */
      assert_false (g_hash_table_contains (urls, url));
      g_hash_table_add (urls, (gpointer) url);
      assert_true (has_security (r, "R"));
      assert_true (has_security (r, "ETH"));
      assert_true (has_security (r, "42CFRPart2"));
      assert_true (has_security (r, "NORDSCLCD"));
      assert_str (json_node_get_string (json_at (json_object_get_member (r, "subject"), "identifier", "value", NULL)),
                  "C-0042");
    }
  plan = entry_resource (entries, 0);
  assert_str (json_object_get_string_member (plan, "resourceType"), "CarePlan");
  assert_str (json_object_get_string_member (plan, "status"), "active");
  assert_str (json_object_get_string_member (plan, "intent"), "plan");
  assert_str (first_code (json_array_get_object_element (json_object_get_array_member (plan, "category"), 0)), "assess-plan");
  assert_str (json_object_get_string_member (json_object_get_object_member (plan, "period"), "start"), "2026-02-27");
  assert_str (json_object_get_string_member (json_object_get_object_member (plan, "period"), "end"), "2027-08-27");
  assert_int_equal (json_array_get_length (json_object_get_array_member (plan, "addresses")), n_dx);
  assert_int_equal (json_array_get_length (json_object_get_array_member (plan, "goal")), n_goals);
  assert_int_equal (json_array_get_length (json_object_get_array_member (plan, "activity")), n_items);
  /* every reference resolves to an entry of the right type */
  for (guint i = 0; i < n_items; i++)
    {
      JsonObject *a = json_array_get_object_element (json_object_get_array_member (plan, "activity"), i);
      const char *ref = json_object_get_string_member (json_object_get_object_member (a, "reference"), "reference");
      assert_str (json_object_get_string_member (json_array_get_object_element (entries, 1 + n_dx + n_goals + i), "fullUrl"), ref);
    }
  for (guint i = 0; i < n_dx; i++)
    {
      JsonObject *a = json_array_get_object_element (json_object_get_array_member (plan, "addresses"), i);
      JsonObject *c = entry_resource (entries, 1 + i);
      assert_str (json_object_get_string_member (json_array_get_object_element (entries, 1 + i), "fullUrl"),
                  json_object_get_string_member (a, "reference"));
      assert_str (json_object_get_string_member (c, "resourceType"), "Condition");
      assert_str (first_code (json_object_get_object_member (c, "code")), iop_episode_get_diagnosis (ep, i));
      assert_str (first_code (json_object_get_object_member (c, "clinicalStatus")), "active");
    }
  /* relapse-prevention notes: one per non-empty section */
  {
    JsonArray *notes = json_object_get_array_member (plan, "note");
    assert_int_equal (json_array_get_length (notes), 3);
    assert_non_null (strstr (json_object_get_string_member (json_array_get_object_element (notes, 0), "text"),
                             "Friday evenings after work"));
    assert_non_null (strstr (json_object_get_string_member (json_array_get_object_element (notes, 2), "text"),
                             "people to call"));
  }
  /* goals: lifecycle and achievement */
  for (guint i = 0; i < n_goals; i++)
    {
      JsonObject *g = entry_resource (entries, 1 + n_dx + i);
      const char *status = iop_episode_get_goal_status (ep, i);
      const char *life = json_object_get_string_member (g, "lifecycleStatus");
      assert_str (json_object_get_string_member (g, "resourceType"), "Goal");
      assert_str (json_object_get_string_member (json_object_get_object_member (g, "description"), "text"),
                  iop_episode_get_goal_description (ep, i));
      if (strcmp (status, "achieved") == 0 || strcmp (status, "not-achieved") == 0)
        {
          assert_str (life, "completed");
          assert_str (first_code (json_object_get_object_member (g, "achievementStatus")), status);
        }
      else
        {
          assert_str (life, strcmp (status, "waived") == 0 ? "cancelled" : status);
          assert_false (json_object_has_member (g, "achievementStatus"));
        }
      if (iop_episode_get_goal_target_date (ep, i) != NULL)
        assert_str (json_object_get_string_member (
                      json_array_get_object_element (json_object_get_array_member (g, "target"), 0), "dueDate"),
                    iop_episode_get_goal_target_date (ep, i));
      else
        assert_false (json_object_has_member (g, "target"));
    }
  /* service requests: one per item, in plan order, with the status mapping */
  for (guint i = 0; i < n_items; i++)
    {
      JsonObject *s = entry_resource (entries, 1 + n_dx + n_goals + i);
      iop_contact_status st = iop_careplan_get_item_status (p, i);
      const char *expect = st == IOP_CONTACT_COMPLETED ? "completed"
                           : st == IOP_CONTACT_CANCELLED || st == IOP_CONTACT_RESCHEDULED ? "revoked"
                                                                                          : "active";
      JsonObject *code = json_object_get_object_member (s, "code");
      assert_str (json_object_get_string_member (s, "resourceType"), "ServiceRequest");
      assert_str (json_object_get_string_member (s, "status"), expect);
      assert_str (json_object_get_string_member (s, "intent"), "plan");
      assert_str (json_object_get_string_member (s, "occurrenceDateTime"), iop_careplan_get_item_date (p, i));
      assert_str (first_code (code), iop_careplan_get_item_kind (p, i));
      assert_str (json_object_get_string_member (code, "text"), iop_careplan_get_item_title (p, i));
      assert_int_equal (json_object_has_member (s, "note"), iop_careplan_get_item_minutes (p, i) > 0);
    }
}

static void
test_careplan_transition_package (void **state)
{
  g_autoptr(iop_careplan) p = load_plan (NULL, "plan-ready.json");
  g_autoptr(iop_episode) ep = ready_episode ();
  g_autoptr(iop_consent) tpo = load_consent ("consent-tpo.json");
  g_autofree char *text = NULL, *again = NULL, *plan_json = iop_careplan_to_json (p), *ep_json = iop_episode_to_json (ep);
  g_autofree char *embedded_plan = NULL, *embedded_ep = NULL;
  g_autoptr(JsonNode) root = NULL;
  (void) state;

  text = expect_exported (iop_careplan_transition_package, "package", p, ep, tpo, "Lakeside Recovery Center", "2026-02-27");
  again = expect_exported (iop_careplan_transition_package, "package", p, ep, tpo, "Lakeside Recovery Center", "2026-02-27");
  assert_string_equal (text, again);
  root = parse_json (text);
  assert_str (json_node_get_string (json_at (root, "format", NULL)), "libiop-transition-package");
  assert_int_equal (json_node_get_int (json_at (root, "format_version", NULL)), 1);
  assert_str (json_node_get_string (json_at (root, "recipient", NULL)), "Lakeside Recovery Center");
  assert_str (json_node_get_string (json_at (root, "date", NULL)), "2026-02-27");
  assert_int_equal (json_array_get_length (json_node_get_array (json_at (root, "security", NULL))), 4);
  embedded_plan = json_to_string (json_at (root, "careplan", NULL), FALSE);
  embedded_ep = json_to_string (json_at (root, "episode", NULL), FALSE);
  /* the plan and the episode as their own documents, and both read back */
  {
    iop_error *err = NULL;
    g_autoptr(iop_careplan) back = iop_careplan_new_from_json (NULL, embedded_plan, &err);
    g_autofree char *back_json = NULL;
    if (back == NULL)
      fail_msg ("the package's plan: %s", iop_error_get_message (err));
    back_json = iop_careplan_to_json (back);
    assert_string_equal (back_json, plan_json);
  }
  {
    g_autoptr(iop_episode) back = load_episode_text (embedded_ep);
    g_autofree char *back_json = iop_episode_to_json (back);
    assert_string_equal (back_json, ep_json);
  }
  assert_non_null (json_at (root, "attendance", NULL));
  assert_true (JSON_NODE_HOLDS_OBJECT (json_at (root, "attendance", NULL)));
  /* before the admission: refused by the consent signed that day; with a consent signed earlier,
   * the package refuses the date (no attendance before the admission), the Bundle does not */
  EXPECT_ERROR (iop_careplan_transition_package (p, ep, tpo, "Lakeside Recovery Center", "2026-01-04", err_) != NULL,
                IOP_ERROR_PERMISSION_DENIED);
  {
    g_autoptr(iop_consent) early = load_consent_mutated ("consent-tpo.json", "date_signed", "\"2025-12-01\"");
    EXPECT_ERROR (iop_careplan_transition_package (p, ep, early, "Lakeside Recovery Center", "2026-01-04", err_) != NULL,
                  IOP_ERROR_INVALID_ARGUMENT);
    iop_free (expect_exported (iop_careplan_to_fhir, "to_fhir", p, ep, early, "Lakeside Recovery Center", "2026-01-04"));
  }
}

/* ------------------------------------------------------------------------------------------ */
/* JSON                                                                                        */

static void
assert_round_trip (const iop_careplan *p, iop_careplan_template *tpl, const char *what)
{
  g_autofree char *json = iop_careplan_to_json (p);
  iop_error *err = NULL;
  g_autoptr(iop_careplan) back = iop_careplan_new_from_json (tpl, json, &err);
  g_autofree char *again = NULL;
  g_autoptr(iop_careplan) copy = iop_careplan_copy (p);
  g_autofree char *copied = iop_careplan_to_json (copy);
  if (back == NULL)
    fail_msg ("%s: does not read back: %s", what, iop_error_get_message (err));
  again = iop_careplan_to_json (back);
  if (strcmp (json, again) != 0)
    fail_msg ("%s: not byte-identical", what);
  assert_string_equal (json, copied);
  assert_int_equal (iop_careplan_get_n_items (back), iop_careplan_get_n_items (p));
  for (size_t i = 0; i < iop_careplan_get_n_items (p); i++)
    {
      assert_str (iop_careplan_get_item_date (back, i), iop_careplan_get_item_date (p, i));
      assert_int_equal (iop_careplan_get_item_status (back, i), iop_careplan_get_item_status (p, i));
      assert_int_equal (iop_careplan_get_item_relapse (back, i), iop_careplan_get_item_relapse (p, i));
      assert_str (iop_careplan_get_item_source (back, i), iop_careplan_get_item_source (p, i));
    }
}

static void
test_careplan_round_trips (void **state)
{
  g_autoptr(iop_careplan_template) custom = load_template ("template-custom.json");
  (void) state;
  {
    g_autoptr(iop_careplan) p = new_plan (NULL, "2027-12-31");
    g_autofree char *json = iop_careplan_to_json (p);
    g_autoptr(JsonNode) root = parse_json (json);
    assert_round_trip (p, NULL, "generated");
    assert_str (json_node_get_string (json_at (root, "format", NULL)), "libiop-careplan");
    assert_str (json_node_get_string (json_at (root, "template", NULL)), "libiop-default-continuing-care");
    assert_true (JSON_NODE_HOLDS_NULL (json_at (root, "receiving_provider", NULL)));
    assert_true (JSON_NODE_HOLDS_NULL (json_at (root, "first_appointment", NULL)));
    /* edited: provider, appointment, an item by hand */
    assert_true (iop_careplan_set_receiving_provider (p, "Hillside Outpatient Counseling", NULL));
    assert_true (iop_careplan_set_first_appointment (p, "2028-01-03", NULL));
    assert_true (iop_careplan_add_item (p, "2028-01-05", "other", "Meet Dr. Example about housing", 0, NULL) >= 0);
    assert_round_trip (p, NULL, "edited");
    /* with contacts, a reschedule and relapse reports */
    record (p, "2028-01-07", "phone-check-in", IOP_CONTACT_COMPLETED, false);
    record (p, "2028-01-14", "phone-check-in", IOP_CONTACT_MISSED, true);
    record (p, "2028-01-14", "referral", IOP_CONTACT_CANCELLED, false);
    assert_true (iop_careplan_record_contact (p, item_index (p, "2028-01-21", "phone-check-in"), IOP_CONTACT_RESCHEDULED,
                                              "2028-01-22", true, NULL) > 0);
    assert_round_trip (p, NULL, "contacts");
    /* measures (with and without a total) and the relapse-prevention plan, with non-ASCII text */
    record_score (p, "2028-01-10", phq9 (1, 1));
    record_score (p, "2028-01-11", bam (1, 3, 0));
    assert_true (iop_careplan_add_relapse_prevention (p, "triggers", "Friday evenings after work", NULL));
    assert_true (iop_careplan_add_relapse_prevention (p, "coping_strategies", "Caf\xc3\xa9 instead of the bar \"on the corner\"", NULL));
    assert_true (iop_careplan_add_relapse_prevention (p, "people_to_call", "Sponsor Jamie 555-0100", NULL));
    assert_round_trip (p, NULL, "measures and relapse prevention");
    {
      g_autofree char *j = iop_careplan_to_json (p);
      g_autoptr(JsonNode) r = parse_json (j);
      JsonArray *m = json_node_get_array (json_at (r, "measures", NULL));
      assert_int_equal (json_object_get_int_member (json_array_get_object_element (m, 0), "total"), 9);
      assert_true (json_object_get_null_member (json_array_get_object_element (m, 1), "total"));
    }
  }
  {
    g_autoptr(iop_careplan) p = new_plan (custom, "2026-01-31");
    g_autofree char *json = iop_careplan_to_json (p);
    iop_error *err = NULL;
    assert_round_trip (p, custom, "custom template");
    /* read with another template: refused, naming the member */
    assert_null (iop_careplan_new_from_json (NULL, json, &err));
    assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_DATA);
    assert_str (iop_error_get_path (err), "$.template");
    iop_error_free (err);
  }
  /* the test documents (written by libiop) come back byte for byte */
  {
    static const char *const files[] = { "plan-ready.json", "plan-admission.json", "plan-logged.json", "plan-custom.json" };
    for (size_t i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *text = read_text (files[i]);
        g_autoptr(iop_careplan) p = load_plan (i == 3 ? custom : NULL, files[i]);
        g_autofree char *json = iop_careplan_to_json (p);
        g_strchomp (text);
        assert_string_equal (json, text);
      }
  }
  /* a hand-edited document (pretty-printed, with a comment) reads, then round-trips */
  {
    g_autoptr(iop_careplan) p = load_plan (NULL, "plan-small.json");
    assert_str (iop_careplan_get_client_id (p), "C-7731");
    assert_int_equal (iop_careplan_get_n_items (p), 4);
    assert_true (iop_careplan_get_item_relapse (p, 3));
    assert_null (iop_careplan_get_item_source (p, 3));
    assert_int_equal (iop_careplan_get_n_measures (p), 1);
    assert_true (iop_careplan_measure_has_flag (p, 0, "any-use"));
    assert_round_trip (p, NULL, "plan-small.json");
  }
}

static const struct {
  const char *file;
  iop_error_code code;
  const char *path;
} invalid_plans[] = {
  { "unknown-member.json", IOP_ERROR_PARSE, "$.notes" },
  { "wrong-format.json", IOP_ERROR_INVALID_DATA, "$.format" },
  { "format-version-2.json", IOP_ERROR_INVALID_DATA, "$.format_version" },
  { "other-template.json", IOP_ERROR_INVALID_DATA, "$.template" },
  { "missing-client.json", IOP_ERROR_PARSE, "$.client" },
  { "client-with-space.json", IOP_ERROR_INVALID_DATA, "$.client" },
  { "start-date-not-calendar.json", IOP_ERROR_INVALID_DATA, "$.start_date" },
  { "end-before-start.json", IOP_ERROR_INVALID_DATA, "$.end_date" },
  { "provider-empty.json", IOP_ERROR_INVALID_DATA, "$.receiving_provider" },
  { "provider-not-a-string.json", IOP_ERROR_PARSE, "$.receiving_provider" },
  { "appointment-before-start.json", IOP_ERROR_INVALID_DATA, "$.first_appointment" },
  { "items-not-an-array.json", IOP_ERROR_PARSE, "$.items" },
  { "item-not-an-object.json", IOP_ERROR_PARSE, "$.items[1]" },
  { "item-unknown-member.json", IOP_ERROR_PARSE, "$.items[0].notes" },
  { "item-unknown-kind.json", IOP_ERROR_INVALID_DATA, "$.items[0].kind" },
  { "item-unknown-status.json", IOP_ERROR_INVALID_DATA, "$.items[1].status" },
  { "item-date-before-start.json", IOP_ERROR_INVALID_DATA, "$.items[0].date" },
  { "items-out-of-order.json", IOP_ERROR_INVALID_DATA, "$.items[2].date" },
  { "item-minutes-zero.json", IOP_ERROR_INVALID_DATA, "$.items[0].minutes" },
  { "item-minutes-missing.json", IOP_ERROR_PARSE, "$.items[0].minutes" },
  { "referral-without-resource.json", IOP_ERROR_INVALID_DATA, "$.items[2].resource" },
  { "resource-on-phone-call.json", IOP_ERROR_INVALID_DATA, "$.items[0].resource" },
  { "item-unknown-source.json", IOP_ERROR_INVALID_DATA, "$.items[0].source" },
  { "item-relapse-not-boolean.json", IOP_ERROR_PARSE, "$.items[3].relapse" },
  { "item-title-too-long.json", IOP_ERROR_INVALID_DATA, "$.items[3].title" },
  { "relapse-prevention-unknown-section.json", IOP_ERROR_PARSE, "$.relapse_prevention.warning_signs" },
  { "relapse-prevention-entry-not-a-string.json", IOP_ERROR_PARSE, "$.relapse_prevention.triggers[0]" },
  { "relapse-prevention-entry-too-long.json", IOP_ERROR_INVALID_DATA, "$.relapse_prevention.coping_strategies[1]" },
  { "measure-date-not-calendar.json", IOP_ERROR_INVALID_DATA, "$.measures[0].date" },
  { "measure-flag-unknown-severity.json", IOP_ERROR_INVALID_DATA, "$.measures[0].flags[0].severity" },
  { "measure-total-not-an-integer.json", IOP_ERROR_PARSE, "$.measures[0].total" },
  { "measure-without-flags.json", IOP_ERROR_PARSE, "$.measures[0].flags" },
};

static const struct {
  const char *file;
  iop_error_code code;
  const char *path;
} invalid_templates[] = {
  { "unknown-member.json", IOP_ERROR_PARSE, "$.notes" },
  { "wrong-format.json", IOP_ERROR_INVALID_DATA, "$.format" },
  { "duration-zero.json", IOP_ERROR_INVALID_DATA, "$.duration_months" },
  { "series-not-an-array.json", IOP_ERROR_PARSE, "$.series" },
  { "series-unknown-kind.json", IOP_ERROR_INVALID_DATA, "$.series[0].kind" },
  { "duplicate-id.json", IOP_ERROR_INVALID_DATA, "$.items[0].id" },
  { "phases-empty.json", IOP_ERROR_INVALID_DATA, "$.series[0].phases" },
  { "phase-to-not-after-from.json", IOP_ERROR_INVALID_DATA, "$.series[0].phases[1].to_month" },
  { "phase-past-duration.json", IOP_ERROR_INVALID_DATA, "$.series[0].phases[1].to_month" },
  { "phases-overlap.json", IOP_ERROR_INVALID_DATA, "$.series[0].phases[1].from_month" },
  { "phase-unknown-unit.json", IOP_ERROR_INVALID_DATA, "$.series[0].phases[0].unit" },
  { "phase-every-zero.json", IOP_ERROR_INVALID_DATA, "$.series[0].phases[0].every" },
  { "phase-unknown-source.json", IOP_ERROR_INVALID_DATA, "$.series[0].phases[0].source" },
  { "phase-unknown-member.json", IOP_ERROR_PARSE, "$.series[0].phases[0].interval" },
  { "item-both-offsets.json", IOP_ERROR_INVALID_DATA, "$.items[0]" },
  { "item-no-offset.json", IOP_ERROR_INVALID_DATA, "$.items[0]" },
  { "item-offset-past-duration.json", IOP_ERROR_INVALID_DATA, "$.items[0].offset_months" },
  { "referral-without-resource.json", IOP_ERROR_INVALID_DATA, "$.items[1].resource" },
  { "resource-on-booster.json", IOP_ERROR_INVALID_DATA, "$.items[0].resource" },
  { "minutes-too-many.json", IOP_ERROR_INVALID_DATA, "$.series[0].minutes" },
  { "escalation-unknown-type.json", IOP_ERROR_INVALID_DATA, "$.escalation[0].type" },
  { "escalation-unknown-action.json", IOP_ERROR_INVALID_DATA, "$.escalation[0].action" },
  { "missed-rule-without-count.json", IOP_ERROR_INVALID_DATA, "$.escalation[0].count" },
  { "flag-rule-with-count.json", IOP_ERROR_INVALID_DATA, "$.escalation[1].count" },
  { "flag-rule-without-instrument.json", IOP_ERROR_INVALID_DATA, "$.escalation[1].instrument" },
  { "flag-rule-empty-flags.json", IOP_ERROR_INVALID_DATA, "$.escalation[1].flags" },
  { "flag-rule-flag-not-a-string.json", IOP_ERROR_PARSE, "$.escalation[1].flags[0]" },
  { "relapse-rule-without-window.json", IOP_ERROR_INVALID_DATA, "$.escalation[2].window_days" },
  { "readiness-missing.json", IOP_ERROR_PARSE, "$.readiness" },
  { "readiness-unknown-stage.json", IOP_ERROR_INVALID_DATA, "$.readiness.stages_of_change[1]" },
  { "readiness-unknown-appointment-source.json", IOP_ERROR_INVALID_DATA, "$.readiness.appointment_source" },
  { "readiness-appointment-days-negative.json", IOP_ERROR_INVALID_DATA, "$.readiness.first_appointment_within_days" },
};

static void
check_invalid (const char *dir, const char *file, iop_error_code code, const char *expected_path, gboolean plan)
{
  g_autofree char *path = g_build_filename (CP_DATA, dir, file, NULL);
  iop_error *err = NULL;
  const char *p;
  if (plan)
    {
      iop_careplan *c = iop_careplan_new_from_file (NULL, path, &err);
      if (c != NULL)
        {
          iop_careplan_free (c);
          fail_msg ("%s/%s: loaded", dir, file);
        }
    }
  else
    {
      iop_careplan_template *t = iop_careplan_template_new_from_file (path, &err);
      if (t != NULL)
        {
          iop_careplan_template_unref (t);
          fail_msg ("%s/%s: loaded", dir, file);
        }
    }
  if (err == NULL)
    fail_msg ("%s/%s: no error", dir, file);
  p = iop_error_get_path (err);
  if (iop_error_get_code (err) != code || p == NULL || strcmp (p, expected_path) != 0)
    fail_msg ("%s/%s: expected %d at %s, got %d at %s (%s)", dir, file, code, expected_path, iop_error_get_code (err),
              p ? p : "NULL", iop_error_get_message (err));
  assert_true (strstr (iop_error_get_message (err), "(null)") == NULL);
  if (plan)
    assert_no_phi (iop_error_get_message (err), file);
  iop_error_free (err);
}

static void
test_careplan_invalid_plans (void **state)
{
  const char *files[G_N_ELEMENTS (invalid_plans)];
  (void) state;
  assert_true (G_N_ELEMENTS (invalid_plans) >= 20);
  for (size_t i = 0; i < G_N_ELEMENTS (invalid_plans); i++)
    {
      check_invalid ("invalid-plan", invalid_plans[i].file, invalid_plans[i].code, invalid_plans[i].path, TRUE);
      files[i] = invalid_plans[i].file;
    }
  iop_test_check_corpus (CP_DATA, "invalid-plan", files, G_N_ELEMENTS (files));
}

static void
test_careplan_invalid_templates (void **state)
{
  const char *files[G_N_ELEMENTS (invalid_templates)];
  (void) state;
  assert_true (G_N_ELEMENTS (invalid_templates) >= 20);
  for (size_t i = 0; i < G_N_ELEMENTS (invalid_templates); i++)
    {
      check_invalid ("invalid-template", invalid_templates[i].file, invalid_templates[i].code, invalid_templates[i].path,
                     FALSE);
      files[i] = invalid_templates[i].file;
    }
  iop_test_check_corpus (CP_DATA, "invalid-template", files, G_N_ELEMENTS (files));
  /* the corpus bases are valid */
  {
    g_autoptr(iop_careplan_template) t = load_template ("template-small.json");
    assert_str (iop_careplan_template_get_id (t), "test-template");
  }
}

static void
test_careplan_plan_file_errors (void **state)
{
  iop_error *err = NULL;
  (void) state;
  assert_null (iop_careplan_new_from_file (NULL, CP_DATA "/no-such-plan.json", &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_IO);
  iop_error_free (err);
  err = NULL;
  assert_null (iop_careplan_new_from_json (NULL, "{\"format\": \"libiop-careplan\",", &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_PARSE);
  iop_error_free (err);
  err = NULL;
  assert_null (iop_careplan_new_from_json (NULL, "[\"C-7731\"]", &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_PARSE);
  assert_no_phi (iop_error_get_message (err), "a top-level array");
  iop_error_free (err);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_careplan_default_template),
    cmocka_unit_test (test_careplan_template_file_errors),
    cmocka_unit_test (test_careplan_default_taper_dates),
    cmocka_unit_test (test_careplan_items_are_ordered_and_complete),
    cmocka_unit_test (test_careplan_new_refuses_bad_dates),
    cmocka_unit_test (test_careplan_custom_template_dates),
    cmocka_unit_test (test_careplan_provider_appointment_and_items),
    cmocka_unit_test (test_careplan_contact_status_names),
    cmocka_unit_test (test_careplan_contact_log),
    cmocka_unit_test (test_careplan_measures_and_relapse_prevention),
    cmocka_unit_test (test_careplan_escalation_consecutive_missed),
    cmocka_unit_test (test_careplan_escalation_measure_flags),
    cmocka_unit_test (test_careplan_escalation_relapse_report),
    cmocka_unit_test (test_careplan_escalation_all_rules_and_json),
    cmocka_unit_test (test_careplan_results_outlive_their_plan),
    cmocka_unit_test (test_careplan_readiness_ready_and_json),
    cmocka_unit_test (test_careplan_readiness_each_item_fails_alone),
    cmocka_unit_test (test_careplan_readiness_custom_template_and_errors),
    cmocka_unit_test (test_careplan_exports_refuse_without_a_permitting_consent),
    cmocka_unit_test (test_careplan_exports_refuse_bad_arguments),
    cmocka_unit_test (test_careplan_fhir_bundle),
    cmocka_unit_test (test_careplan_transition_package),
    cmocka_unit_test (test_careplan_round_trips),
    cmocka_unit_test (test_careplan_invalid_plans),
    cmocka_unit_test (test_careplan_invalid_templates),
    cmocka_unit_test (test_careplan_plan_file_errors),
  };
  iop_test_apply_filters ();
  return cmocka_run_group_tests_name ("careplan", tests, NULL, NULL);
}
