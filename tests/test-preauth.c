/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Unit tests for iop-preauth.h: the built-in (illustrative) payer pack, each payer rule firing
 * and not firing, every outcome and reason code, CMS-0057-F and payer deadlines (cross-checked
 * with GDateTime, across month and year ends and a daylight-saving change), out-of-pocket
 * estimates, the request round trip, strict request and pack validation with JSON paths and no
 * quoted values, the batch engine (order with 1, 2 and 4 jobs, error records, byte-identical to
 * the single decision) and the authorization ledger.
 *
 * Test data (tests/data/preauth):
 *   valid/request-va-2.1.json   a Virginia Medicaid ARTS request for ASAM 2.1 (base of most cases
 *                               below and of the invalid-request corpus).
 *   valid/payers-minimal.json   a user pack: age limits, a days threshold, a payer's own
 *                               timeframes, a QHP and a CHIP plan overridden out of CMS-0057-F.
 *   invalid-requests/NAME.json  requests with one defect each; code and path in invalid_requests[].
 *   invalid-packs/NAME.json     packs with one defect each; code and path in invalid_packs[].
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libiop/iop.h>
#include <libiop/iop-glib.h>

#include "iop-test.h"

#define PREAUTH_DATA IOP_TEST_DATA_DIR "/preauth"

static iop_preauth_policy *policy;
static iop_preauth_policy *minimal;
static char *base_request;

static char *
read_data (const char *dir, const char *file)
{
  g_autofree char *path = g_build_filename (PREAUTH_DATA, dir, file, NULL);
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    fail_msg ("cannot read %s", path);
  return text;
}

static int
setup (void **state)
{
  g_autofree char *path = g_build_filename (PREAUTH_DATA, "valid", "payers-minimal.json", NULL);
  (void) state;
  policy = iop_preauth_policy_new_default ();
  minimal = iop_preauth_policy_new_from_file (NULL, path, NULL);
  base_request = read_data ("valid", "request-va-2.1.json");
  return minimal != NULL && base_request != NULL ? 0 : -1;
}

static int
teardown (void **state)
{
  (void) state;
  g_clear_pointer (&policy, iop_preauth_policy_unref);
  g_clear_pointer (&minimal, iop_preauth_policy_unref);
  g_clear_pointer (&base_request, g_free);
  return 0;
}

/* The base request with the top-level members of @patch (a JSON object) replaced or added;
 * a member whose patch value is null is removed. Written by json-glib, not by libiop. */
static char *
request_with (const char *patch)
{
  g_autoptr(JsonNode) base = parse_json (base_request);
  g_autoptr(JsonNode) p = parse_json (patch);
  JsonObject *obj = json_node_get_object (base);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_object_iter_init (&iter, json_node_get_object (p));
  while (json_object_iter_next (&iter, &name, &value))
    {
      if (JSON_NODE_HOLDS_NULL (value))
        json_object_remove_member (obj, name);
      else
        json_object_set_member (obj, name, json_node_copy (value));
    }
  json_generator_set_root (gen, base);
  return json_generator_to_data (gen, NULL);
}

static iop_preauth_decision *
decide (const iop_preauth_policy *pol, const char *patch)
{
  g_autofree char *text = request_with (patch);
  iop_error *err = NULL;
  g_autoptr(iop_preauth_request) req = iop_preauth_request_new_from_json (text, &err);
  iop_preauth_decision *d;

  if (req == NULL)
    fail_msg ("request refused: %s", iop_error_get_message (err));
  d = iop_preauth_policy_decide (pol, req, &err);
  if (d == NULL)
    fail_msg ("decide failed: %s", iop_error_get_message (err));
  return d;
}

/* The reason codes joined with ",". */
static char *
codes_of (const iop_preauth_decision *d)
{
  GString *s = g_string_new (NULL);
  for (size_t i = 0; i < iop_preauth_decision_get_n_reasons (d); i++)
    g_string_append_printf (s, "%s%s", i ? "," : "", iop_preauth_decision_get_reason_code (d, i));
  return g_string_free (s, FALSE);
}

static char *
missing_of (const iop_preauth_decision *d)
{
  GString *s = g_string_new (NULL);
  for (size_t i = 0; i < iop_preauth_decision_get_n_missing_documents (d); i++)
    g_string_append_printf (s, "%s%s", i ? "," : "", iop_preauth_decision_get_missing_document (d, i));
  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_preauth_default_pack_is_illustrative_with_four_payers (void **state)
{
  static const char *const ids[] = { "va-medicaid-arts", "ca-dmc-ods", "example-commercial", "example-medicare-advantage" };
  static const bool cms[] = { true, true, false, true };
  g_autofree char *text = iop_preauth_policy_default_pack_json ();
  g_autoptr(JsonNode) root = parse_json (text);
  iop_error *err = NULL;
  (void) state;

  assert_true (iop_preauth_policy_is_illustrative (policy));
  assert_str (iop_preauth_policy_get_id (policy), "libiop-illustrative-payers");
  assert_int_equal (iop_preauth_policy_get_n_payers (policy), 4);
  for (size_t i = 0; i < 4; i++)
    {
      assert_str (iop_preauth_policy_get_payer_id (policy, i), ids[i]);
      assert_int_equal (iop_preauth_policy_get_payer_cms_0057f (policy, ids[i], NULL), cms[i]);
    }
  assert_null (iop_preauth_policy_get_payer_id (policy, 4));
  assert_false (iop_preauth_policy_get_payer_cms_0057f (policy, "nobody", &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_NOT_FOUND);
  iop_error_free (err);
  /* The title says so too, for anyone reading the pack itself. */
  assert_non_null (strstr (json_node_get_string (json_at (root, "title", NULL)), "ILLUSTRATIVE"));
  /* A user pack: a QHP on an FFE defaults to outside the timeframes; a CHIP plan is overridden. */
  assert_false (iop_preauth_policy_get_payer_cms_0057f (minimal, "qhp", NULL));
  assert_false (iop_preauth_policy_get_payer_cms_0057f (minimal, "chip-override", NULL));
  assert_false (iop_preauth_policy_is_illustrative (minimal));
}

static const struct {
  const char *name;
  int minimal;        /* 1: the user pack */
  const char *patch;
  const char *outcome;
  const char *codes;
  const char *missing;
  int units;
  const char *rule;
} cases[] = {
  /* Virginia Medicaid ARTS (12VAC30-60-181). */
  { "va 2.1 complete -> approved", 0, "{\"units\":20,\"end\":\"2026-03-31\"}", "approved", "criteria-met", "", 20,
    "arts-auth-2.1-and-above" },
  { "va 2.1 long request -> modified", 0, "{}", "approved-modified", "period-shortened,units-reduced,criteria-met", "", 30,
    "arts-auth-2.1-and-above" },
  { "va 2.1 without an assessment -> pended", 0, "{\"documents\":null}", "pended", "missing-document", "asam-assessment", -1,
    "arts-auth-2.1-and-above" },
  { "va 2.1 assessment signed by a non-CATP -> pended", 0,
    "{\"documents\":[{\"kind\":\"asam-assessment\",\"date\":\"2026-02-24\",\"signed_by\":\"LPN\"}]}", "pended",
    "unsigned-document", "asam-assessment", -1, "arts-auth-2.1-and-above" },
  { "va 2.1 unsigned assessment -> pended", 0,
    "{\"documents\":[{\"kind\":\"asam-assessment\",\"date\":\"2026-02-24\"}]}", "pended", "unsigned-document",
    "asam-assessment", -1, "arts-auth-2.1-and-above" },
  { "va 2.1 assessment 11 business days old -> pended", 0,
    "{\"documents\":[{\"kind\":\"asam-assessment\",\"date\":\"2026-02-12\",\"signed_by\":\"CATP\"}]}", "pended",
    "stale-document", "asam-assessment", -1, "arts-auth-2.1-and-above" },
  { "va 2.1 assessment 10 business days old -> approved", 0,
    "{\"units\":20,\"end\":\"2026-03-31\",\"documents\":[{\"kind\":\"asam-assessment\",\"date\":\"2026-02-13\",\"signed_by\":\"CATP\"}]}",
    "approved", "criteria-met", "", 20, "arts-auth-2.1-and-above" },
  { "va 2.1 mental-health diagnosis only -> denied", 0, "{\"diagnoses\":[\"F32.1\"]}", "denied", "diagnosis-not-covered", "", -1,
    "arts-auth-2.1-and-above" },
  { "va 2.1 no diagnosis -> pended", 0, "{\"diagnoses\":[]}", "pended", "diagnosis-missing", "", -1, "arts-auth-2.1-and-above" },
  { "va 3.5 -> same rule", 0, "{\"level\":{\"edition\":\"asam3\",\"code\":\"3.5\"},\"services\":null,\"units\":20,\"end\":\"2026-03-31\"}",
    "approved", "criteria-met", "", 20, "arts-auth-2.1-and-above" },
  { "va 1.0 -> not required", 0, "{\"level\":{\"edition\":\"asam3\",\"code\":\"1\"},\"services\":null}", "not-required",
    "authorization-not-required", "", -1, "arts-no-auth-outpatient" },
  { "va S9480 without a treatment plan -> pended", 0, "{\"level\":null,\"services\":[\"S9480\"]}", "pended", "missing-document",
    "treatment-plan", -1, "va-mh-iop" },
  { "va asam4 2.1 (no ARTS rule for 4th edition codes) -> pended", 0,
    "{\"level\":{\"edition\":\"asam4\",\"code\":\"2.1\"},\"services\":null}", "pended", "no-matching-rule", "", -1, NULL },
  /* California DMC-ODS (BHIN 23-001). */
  { "ca IOP -> not required (prohibited)", 0, "{\"coverage\":{\"payer\":\"ca-dmc-ods\",\"in_network\":true}}", "not-required",
    "authorization-prohibited", "", -1, "dmc-ods-non-residential" },
  { "ca H0015 without a level -> prohibited", 0, "{\"coverage\":{\"payer\":\"ca-dmc-ods\",\"in_network\":true},\"level\":null}",
    "not-required", "authorization-prohibited", "", -1, "dmc-ods-non-residential" },
  { "ca residential 3.5 -> approved", 0,
    "{\"coverage\":{\"payer\":\"ca-dmc-ods\",\"in_network\":true},\"level\":{\"edition\":\"asam3\",\"code\":\"3.5\"},\"services\":null,\"units\":30,\"end\":\"2026-03-31\"}",
    "approved", "criteria-met", "", 30, "dmc-ods-residential" },
  { "ca withdrawal management 3.7-WM -> no rule, pended", 0,
    "{\"coverage\":{\"payer\":\"ca-dmc-ods\",\"in_network\":true},\"level\":{\"edition\":\"asam3\",\"code\":\"3.7-WM\"},\"services\":null}",
    "pended", "no-matching-rule", "", -1, NULL },
  /* The illustrative commercial plan (Evernorth outline, Blue Cross NC per diem). */
  { "commercial without stage of change or drug screen -> pended", 0,
    "{\"coverage\":{\"payer\":\"example-commercial\",\"in_network\":true}}", "pended", "missing-document,missing-document",
    "stage-of-change,drug-screen", -1, "commercial-sud-iop" },
  { "commercial complete -> approved", 0,
    "{\"coverage\":{\"payer\":\"example-commercial\",\"in_network\":true},\"units\":12,\"end\":\"2026-03-29\",\"documents\":[{\"kind\":\"stage-of-change\",\"date\":\"2026-02-20\"},{\"kind\":\"drug-screen\",\"date\":\"2026-02-25\"}]}",
    "approved", "criteria-met", "", 12, "commercial-sud-iop" },
  { "commercial two units a day -> limited, then the initial units", 0,
    "{\"coverage\":{\"payer\":\"example-commercial\",\"in_network\":true},\"units\":20,\"end\":\"2026-03-11\",\"documents\":[{\"kind\":\"stage-of-change\",\"date\":\"2026-02-20\"},{\"kind\":\"drug-screen\",\"date\":\"2026-02-25\"}]}",
    "approved-modified", "units-per-day-limit,criteria-met", "", 10, "commercial-sud-iop" },
  { "commercial IOP and PHP together -> denied", 0,
    "{\"coverage\":{\"payer\":\"example-commercial\",\"in_network\":true},\"services\":[\"H0015\",\"H0035\"]}", "denied",
    "exclusive-services", "", -1, "commercial-sud-iop" },
  { "commercial S9480 -> mental-health rule", 0,
    "{\"coverage\":{\"payer\":\"example-commercial\",\"in_network\":true},\"level\":null,\"services\":[\"S9480\"],\"units\":12,\"end\":\"2026-03-29\",\"diagnoses\":[\"F33.1\"]}",
    "approved", "criteria-met", "", 12, "commercial-mh-iop" },
  /* The illustrative Medicare Advantage plan: a session threshold. */
  { "ma 10 sessions -> below the threshold", 0,
    "{\"coverage\":{\"payer\":\"example-medicare-advantage\",\"in_network\":true},\"units\":10}", "not-required",
    "below-threshold", "", -1, "ma-iop-after-15-sessions" },
  { "ma 15 sessions exactly -> below the threshold", 0,
    "{\"coverage\":{\"payer\":\"example-medicare-advantage\",\"in_network\":true},\"units\":5,\"sessions_used\":10}",
    "not-required", "below-threshold", "", -1, "ma-iop-after-15-sessions" },
  { "ma 10 used + 10 -> 5 units need authorization", 0,
    "{\"coverage\":{\"payer\":\"example-medicare-advantage\",\"in_network\":true},\"units\":10,\"sessions_used\":10,\"end\":\"2026-03-31\"}",
    "approved", "threshold-exceeded,criteria-met", "", 5, "ma-iop-after-15-sessions" },
  { "ma over the threshold with a Z code only -> denied", 0,
    "{\"coverage\":{\"payer\":\"example-medicare-advantage\",\"in_network\":true},\"units\":30,\"diagnoses\":[\"Z71.41\"]}",
    "denied", "threshold-exceeded,diagnosis-not-covered", "", -1, "ma-iop-after-15-sessions" },
  /* The user pack: age limits and a days threshold. */
  { "age 37 outside 12..20 -> denied", 1, "{\"coverage\":{\"payer\":\"youth-plan\",\"in_network\":true}}", "denied",
    "age-not-covered", "", -1, "youth-iop" },
  { "age 17 -> approved", 1,
    "{\"coverage\":{\"payer\":\"youth-plan\",\"in_network\":true},\"member\":{\"id\":\"m\",\"birth_date\":\"2008-06-01\"},\"units\":30,\"end\":\"2026-03-31\"}",
    "approved", "criteria-met", "", 30, "youth-iop" },
  { "turns 21 the day before the start -> denied", 1,
    "{\"coverage\":{\"payer\":\"youth-plan\",\"in_network\":true},\"member\":{\"id\":\"m\",\"birth_date\":\"2005-03-01\"}}",
    "denied", "age-not-covered", "", -1, "youth-iop" },
  { "turns 21 the day after the start -> approved", 1,
    "{\"coverage\":{\"payer\":\"youth-plan\",\"in_network\":true},\"member\":{\"id\":\"m\",\"birth_date\":\"2005-03-03\"},\"units\":30,\"end\":\"2026-03-31\"}",
    "approved", "criteria-met", "", 30, "youth-iop" },
  { "age group only -> pended, age unverified", 1,
    "{\"coverage\":{\"payer\":\"youth-plan\",\"in_network\":true},\"member\":{\"id\":\"m\",\"age_group\":\"adolescent\"}}",
    "pended", "age-unverified", "", -1, "youth-iop" },
  { "one unit a day over 60 days -> 60 units", 1,
    "{\"coverage\":{\"payer\":\"youth-plan\",\"in_network\":true},\"member\":{\"id\":\"m\",\"birth_date\":\"2008-06-01\"},\"units\":90}",
    "approved-modified", "units-per-day-limit,criteria-met", "", 60, "youth-iop" },
  { "PHP 7 days -> below the days threshold", 1,
    "{\"coverage\":{\"payer\":\"youth-plan\",\"in_network\":true},\"level\":null,\"services\":[\"H0035\"],\"end\":\"2026-03-08\"}",
    "not-required", "below-threshold", "", -1, "php-after-7-days" },
  { "PHP 8 days -> authorization", 1,
    "{\"coverage\":{\"payer\":\"youth-plan\",\"in_network\":true},\"level\":null,\"services\":[\"H0035\"],\"units\":8,\"end\":\"2026-03-09\"}",
    "approved", "threshold-exceeded,criteria-met", "", 8, "php-after-7-days" },
};

static void
test_preauth_rules_outcomes_and_reason_codes (void **state)
{
  GString *report = g_string_new (NULL);
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      iop_preauth_decision *d = decide (cases[i].minimal ? minimal : policy, cases[i].patch);
      g_autofree char *codes = codes_of (d), *missing = missing_of (d);
      const char *rule = iop_preauth_decision_get_rule (d);
      if (strcmp (iop_preauth_decision_get_outcome (d), cases[i].outcome) != 0 || strcmp (codes, cases[i].codes) != 0 ||
          strcmp (missing, cases[i].missing) != 0 || iop_preauth_decision_get_authorized_units (d) != cases[i].units ||
          g_strcmp0 (rule, cases[i].rule) != 0)
        g_string_append_printf (report, "\n  %s: got %s [%s] missing [%s] units %d rule %s", cases[i].name,
                                iop_preauth_decision_get_outcome (d), codes, missing,
                                iop_preauth_decision_get_authorized_units (d), rule ? rule : "(none)");
      iop_preauth_decision_free (d);
    }
  iop_test_finish_report (report, "decisions that differ from the table");
}

static void
test_preauth_reasons_cite_pack_sources (void **state)
{
  g_autofree char *text = iop_preauth_policy_default_pack_json ();
  g_autoptr(JsonNode) root = parse_json (text);
  JsonObject *sources = json_node_get_object (json_at (root, "sources", NULL));
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(iop_preauth_decision) d = NULL;
      if (cases[i].minimal)
        continue;
      d = decide (policy, cases[i].patch);
      for (size_t k = 0; k < iop_preauth_decision_get_n_reasons (d); k++)
        {
          const char *source = iop_preauth_decision_get_reason_source (d, k);
          const char *code = iop_preauth_decision_get_reason_code (d, k);
          assert_non_null (iop_preauth_decision_get_reason_text (d, k));
          if (strcmp (code, "no-matching-rule") == 0)
            assert_null (source);
          else if (source == NULL || !json_object_has_member (sources, source))
            fail_msg ("%s: reason %s cites %s", cases[i].name, code, source ? source : "nothing");
        }
    }
  /* The specific CA and VA citations. */
  {
    g_autoptr(iop_preauth_decision) ca = decide (policy, "{\"coverage\":{\"payer\":\"ca-dmc-ods\",\"in_network\":true}}");
    g_autoptr(iop_preauth_decision) va = decide (policy, "{\"documents\":null}");
    assert_str (iop_preauth_decision_get_reason_source (ca, 0), "ca-dmc-ods-authorization");
    assert_str (iop_preauth_decision_get_reason_source (va, 0), "va-arts-authorization");
  }
}

/* Denials always carry a specific reason; no rule never approves. Swept over many requests. */
static void
test_preauth_denials_carry_reasons_and_no_rule_never_approves (void **state)
{
  static const char *const payers[] = { "va-medicaid-arts", "ca-dmc-ods", "example-commercial", "example-medicare-advantage", "youth-plan" };
  static const char *const levels[] = { "0.5", "1", "2.1", "2.5", "3.1", "3.5", "3.7", "4", "1-WM", "3.7-WM", "OTP" };
  static const char *const services[] = { "H0015", "S9480", "H0035", "S0201", "H2036", "90853" };
  static const char *const diags[] = { "F10.20", "F32.1", "Z71.41", "F19.239" };
  guint32 rng = 12345;
  int denied = 0, pended_no_rule = 0;
  (void) state;

  for (int i = 0; i < 600; i++)
    {
      g_autofree char *patch = NULL, *codes = NULL;
      g_autoptr(iop_preauth_decision) d = NULL;
      const char *outcome;
      rng = rng * 1103515245u + 12345u;
      patch = g_strdup_printf ("{\"coverage\":{\"payer\":\"%s\",\"in_network\":%s},\"level\":{\"edition\":\"asam3\",\"code\":\"%s\"},"
                               "\"services\":[\"%s\",\"%s\"],\"diagnoses\":[\"%s\"],\"units\":%u,\"sessions_used\":%u%s}",
                               payers[(rng >> 4) % 5], (rng >> 9) & 1 ? "true" : "false", levels[(rng >> 10) % 11],
                               services[(rng >> 14) % 6], services[(rng >> 17) % 6], diags[(rng >> 20) % 4],
                               1 + (rng >> 22) % 50, (rng >> 12) % 20, (rng >> 26) % 3 ? "" : ",\"documents\":null");
      d = decide ((rng >> 4) % 5 == 4 ? minimal : policy, patch);
      outcome = iop_preauth_decision_get_outcome (d);
      codes = codes_of (d);
      if (strcmp (outcome, "denied") == 0)
        {
          denied++;
          assert_true (iop_preauth_decision_get_n_reasons (d) > 0);
          assert_null (strstr (codes, "criteria-met"));
          assert_int_equal (iop_preauth_decision_get_authorized_units (d), -1);
        }
      if (iop_preauth_decision_get_rule (d) == NULL)
        {
          pended_no_rule++;
          assert_str (outcome, "pended");
          assert_str (codes, "no-matching-rule");
        }
      if (strncmp (outcome, "approved", 8) == 0)
        assert_true (iop_preauth_decision_get_authorized_units (d) > 0);
      else
        assert_int_equal (iop_preauth_decision_get_authorized_units (d), -1);
    }
  /* The sweep must actually reach both cases. */
  assert_true (denied > 10);
  assert_true (pended_no_rule > 10);
}

/* The expected due instant, computed with GDateTime, independently of libiop. */
static char *
expected_due (const char *received, int hours)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (received, NULL);
  g_autoptr(GDateTime) due = NULL;
  assert_non_null (t);
  due = g_date_time_add_hours (t, hours);
  if (g_date_time_get_utc_offset (due) == 0)
    return g_date_time_format (due, "%Y-%m-%dT%H:%M:%SZ");
  return g_date_time_format (due, "%Y-%m-%dT%H:%M:%S%:z");
}

static void
test_preauth_deadlines (void **state)
{
  static const struct {
    const char *payer, *urgency, *received;
    int hours;          /* -1: no deadline */
    const char *due;    /* written out by hand */
    const char *timeframe;
  } rows[] = {
    { "va-medicaid-arts", "standard", "2026-02-27T16:30:00-05:00", 168, "2026-03-06T16:30:00-05:00", "cms-0057f" },
    { "va-medicaid-arts", "expedited", "2026-02-27T16:30:00-05:00", 72, "2026-03-02T16:30:00-05:00", "cms-0057f" },
    { "va-medicaid-arts", "expedited", "2026-12-29T10:00:00+01:00", 72, "2027-01-01T10:00:00+01:00", "cms-0057f" },
    { "va-medicaid-arts", "standard", "2026-12-28T23:59:59Z", 168, "2027-01-04T23:59:59Z", "cms-0057f" },
    /* US daylight saving starts 2026-03-08: the offset of received_at is kept, hours are exact. */
    { "va-medicaid-arts", "standard", "2026-03-07T12:00:00-05:00", 168, "2026-03-14T12:00:00-05:00", "cms-0057f" },
    { "va-medicaid-arts", "expedited", "2026-02-28T20:15:30.250+05:30", 72, "2026-03-03T20:15:30+05:30", "cms-0057f" },
    /* Before 2026-01-01T00:00Z the timeframes do not apply yet; one second later they do. */
    { "va-medicaid-arts", "standard", "2025-12-31T18:59:59-05:00", -1, NULL, NULL },
    { "va-medicaid-arts", "standard", "2025-12-31T19:00:00-05:00", 168, "2026-01-07T19:00:00-05:00", "cms-0057f" },
    { "example-medicare-advantage", "expedited", "2026-06-30T22:00:00-07:00", 72, "2026-07-03T22:00:00-07:00", "cms-0057f" },
    /* The commercial plan's own (illustrative) timeframes. */
    { "example-commercial", "standard", "2026-02-27T16:30:00-05:00", 360, "2026-03-14T16:30:00-05:00", "payer" },
    { "example-commercial", "expedited", "2026-02-27T16:30:00-05:00", 72, "2026-03-02T16:30:00-05:00", "payer" },
    /* The user pack: own timeframes; a QHP and an overridden CHIP plan have none. */
    { "youth-plan", "expedited", "2026-02-27T16:30:00-05:00", 24, "2026-02-28T16:30:00-05:00", "payer" },
    { "qhp", "standard", "2026-02-27T16:30:00-05:00", -1, NULL, NULL },
    { "chip-override", "expedited", "2026-02-27T16:30:00-05:00", -1, NULL, NULL },
  };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      gboolean user = strcmp (rows[i].payer, "youth-plan") == 0 || strcmp (rows[i].payer, "qhp") == 0 ||
                      strcmp (rows[i].payer, "chip-override") == 0;
      g_autofree char *patch = g_strdup_printf ("{\"coverage\":{\"payer\":\"%s\",\"in_network\":true},\"urgency\":\"%s\",\"received_at\":\"%s\"}",
                                                rows[i].payer, rows[i].urgency, rows[i].received);
      g_autoptr(iop_preauth_decision) d = decide (user ? minimal : policy, patch);
      g_autofree char *due = iop_preauth_decision_get_decision_due (d);
      g_autofree char *json = iop_preauth_decision_to_json (d);
      g_autoptr(JsonNode) root = parse_json (json);
      JsonNode *tf = json_at (root, "timeframe", NULL);
      if (rows[i].hours < 0)
        {
          assert_null (due);
          assert_true (JSON_NODE_HOLDS_NULL (json_at (root, "decision_due", NULL)));
          assert_true (JSON_NODE_HOLDS_NULL (tf));
          continue;
        }
      {
        g_autofree char *check = expected_due (rows[i].received, rows[i].hours);
        if (due == NULL || strcmp (due, rows[i].due) != 0 || strcmp (check, rows[i].due) != 0)
          fail_msg ("row %zu: libiop %s, table %s, GDateTime %s", i, due ? due : "NULL", rows[i].due, check);
      }
      assert_str (json_node_get_string (json_at (root, "decision_due", NULL)), rows[i].due);
      assert_str (json_node_get_string (tf), rows[i].timeframe);
    }
}

static void
test_preauth_periods_reviews_and_out_of_pocket (void **state)
{
  static const char docs[] = "\"documents\":[{\"kind\":\"stage-of-change\",\"date\":\"2026-02-20\"},{\"kind\":\"drug-screen\",\"date\":\"2026-02-25\"}]";
  (void) state;
  {
    g_autoptr(iop_preauth_decision) d = decide (policy, "{}");
    g_autofree char *start = iop_preauth_decision_get_period_start (d), *end = iop_preauth_decision_get_period_end (d);
    g_autofree char *review = iop_preauth_decision_get_next_review (d);
    assert_str (start, "2026-03-02");
    assert_str (end, "2026-03-31");  /* 30-day initial period */
    assert_str (review, "2026-03-16"); /* 14 days after the start */
    assert_true (iop_preauth_decision_get_out_of_pocket (d) == 0);
  }
  {
    /* 12 units x 250 = 3000; deductible 500; 20% of 2500 = 500; member pays 1000. */
    g_autofree char *patch = g_strdup_printf ("{\"coverage\":{\"payer\":\"example-commercial\",\"in_network\":true},\"units\":12,\"end\":\"2026-03-29\",%s}", docs);
    g_autoptr(iop_preauth_decision) d = decide (policy, patch);
    g_autofree char *json = iop_preauth_decision_to_json (d);
    g_autoptr(JsonNode) root = parse_json (json);
    g_autofree char *review = iop_preauth_decision_get_next_review (d);
    assert_true (iop_preauth_decision_get_out_of_pocket (d) == 1000);
    assert_str (review, "2026-03-09");
    assert_str (json_node_get_string (json_at (root, "out_of_pocket", "network", NULL)), "in-network");
    assert_int_equal (json_node_get_int (json_at (root, "out_of_pocket", "allowed", NULL)), 3000);
    assert_int_equal (json_node_get_int (json_at (root, "out_of_pocket", "deductible", NULL)), 500);
  }
  {
    /* Out of network: deductible 1500, 40% of 1500 = 600: 2100. */
    g_autofree char *patch = g_strdup_printf ("{\"coverage\":{\"payer\":\"example-commercial\",\"in_network\":false},\"units\":12,\"end\":\"2026-03-29\",%s}", docs);
    g_autoptr(iop_preauth_decision) d = decide (policy, patch);
    assert_true (iop_preauth_decision_get_out_of_pocket (d) == 2100);
  }
  {
    /* Deductible already met: 20% of 3000. */
    g_autofree char *patch = g_strdup_printf ("{\"coverage\":{\"payer\":\"example-commercial\",\"in_network\":true,\"deductible_remaining\":0},\"units\":12,\"end\":\"2026-03-29\",%s}", docs);
    g_autoptr(iop_preauth_decision) d = decide (policy, patch);
    assert_true (iop_preauth_decision_get_out_of_pocket (d) == 600);
  }
  {
    /* Medicare Advantage: a 30 copay per unit, 5 units that need authorization. */
    g_autoptr(iop_preauth_decision) d = decide (policy, "{\"coverage\":{\"payer\":\"example-medicare-advantage\",\"in_network\":true},\"units\":10,\"sessions_used\":10,\"end\":\"2026-03-31\"}");
    assert_true (iop_preauth_decision_get_out_of_pocket (d) == 150);
  }
  {
    /* Pended and denied decisions have no period, review or estimate. */
    g_autoptr(iop_preauth_decision) d = decide (policy, "{\"documents\":null}");
    g_autofree char *json = iop_preauth_decision_to_json (d);
    g_autoptr(JsonNode) root = parse_json (json);
    assert_null (iop_preauth_decision_get_period_start (d));
    assert_null (iop_preauth_decision_get_next_review (d));
    assert_true (iop_preauth_decision_get_out_of_pocket (d) < 0);
    assert_true (JSON_NODE_HOLDS_NULL (json_at (root, "out_of_pocket", NULL)));
    assert_true (JSON_NODE_HOLDS_NULL (json_at (root, "authorized_period", NULL)));
  }
}

static void
test_preauth_decision_json_members (void **state)
{
  static const char *const members[] = { "request", "payer", "rule", "outcome", "reasons", "missing_documents",
                                         "authorized_units", "authorized_period", "decision_due", "timeframe",
                                         "next_review", "out_of_pocket" };
  g_autoptr(iop_preauth_decision) d = decide (policy, "{\"documents\":null}");
  g_autofree char *json = iop_preauth_decision_to_json (d);
  g_autofree char *via_json = NULL;
  g_autoptr(JsonNode) root = parse_json (json);
  JsonArray *reasons;
  g_autofree char *text = request_with ("{\"documents\":null}");
  (void) state;

  assert_int_equal (json_object_get_size (json_node_get_object (root)), G_N_ELEMENTS (members));
  for (size_t i = 0; i < G_N_ELEMENTS (members); i++)
    assert_non_null (json_at (root, members[i], NULL));
  assert_str (json_node_get_string (json_at (root, "request", NULL)), "REQ-0001");
  assert_str (json_node_get_string (json_at (root, "outcome", NULL)), "pended");
  reasons = json_node_get_array (json_at (root, "reasons", NULL));
  assert_int_equal (json_array_get_length (reasons), 1);
  assert_str (json_object_get_string_member (json_array_get_object_element (reasons, 0), "code"), "missing-document");
  assert_str (json_object_get_string_member (json_array_get_object_element (reasons, 0), "document"), "asam-assessment");
  /* The one-call form gives the same text. */
  via_json = iop_preauth_policy_decide_json (policy, text, NULL);
  assert_str (via_json, json);
}

static void
test_preauth_request_round_trip (void **state)
{
  static const char *const patches[] = {
    "{}",
    "{\"member\":{\"id\":\"m\\\"q\",\"age_group\":\"adolescent\"},\"level\":null,\"documents\":null,\"sessions_used\":3}",
    "{\"coverage\":{\"payer\":\"p\",\"in_network\":false,\"deductible_remaining\":12.5},\"urgency\":\"expedited\",\"received_at\":\"2026-01-01T00:00:00.5Z\"}",
  };
  (void) state;

  for (size_t i = 0; i < G_N_ELEMENTS (patches); i++)
    {
      g_autofree char *text = request_with (patches[i]);
      g_autoptr(iop_preauth_request) a = iop_preauth_request_new_from_json (text, NULL);
      g_autofree char *first = NULL, *second = NULL;
      g_autoptr(iop_preauth_request) b = NULL;
      g_autoptr(JsonNode) x = parse_json (text);
      g_autoptr(JsonNode) y = NULL;
      assert_non_null (a);
      first = iop_preauth_request_to_json (a);
      b = iop_preauth_request_new_from_json (first, NULL);
      assert_non_null (b);
      second = iop_preauth_request_to_json (b);
      assert_str (second, first);
      /* Same content as the json-glib-written input. */
      y = parse_json (first);
      assert_true (json_node_equal (x, y));
      assert_str (iop_preauth_request_get_id (b), "REQ-0001");
    }
}

static const struct {
  const char *file;
  iop_error_code code;
  const char *path;
} invalid_requests[] = {
  { "unknown-member.json", IOP_ERROR_PARSE, "$.unit" },
  { "bad-birth-date.json", IOP_ERROR_INVALID_DATA, "$.member.birth_date" },
  { "bad-diagnosis.json", IOP_ERROR_INVALID_DATA, "$.diagnoses[1]" },
  { "end-before-start.json", IOP_ERROR_INVALID_DATA, "$.end" },
  { "received-without-offset.json", IOP_ERROR_INVALID_DATA, "$.received_at" },
  { "bad-urgency.json", IOP_ERROR_INVALID_DATA, "$.urgency" },
  { "units-zero.json", IOP_ERROR_INVALID_DATA, "$.units" },
  { "document-without-date.json", IOP_ERROR_PARSE, "$.documents[0].date" },
  { "in-network-string.json", IOP_ERROR_PARSE, "$.coverage.in_network" },
  { "no-level-no-services.json", IOP_ERROR_PARSE, "$.services" },
  { "wrong-format.json", IOP_ERROR_INVALID_DATA, "$.format" },
  { "too-many-diagnoses.json", IOP_ERROR_INVALID_DATA, "$.diagnoses" },
  { "bad-edition.json", IOP_ERROR_INVALID_DATA, "$.level.edition" },
  { "negative-deductible.json", IOP_ERROR_INVALID_DATA, "$.coverage.deductible_remaining" },
  { "received-hour-25.json", IOP_ERROR_INVALID_DATA, "$.received_at" },
};

/* Collects the string values (longer than 3 characters) of a document. */
static void
collect_values (JsonNode *node, GPtrArray *out)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *child;
      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &child))
        if (name[0] != '$')
          collect_values (child, out);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
        collect_values (json_array_get_element (json_node_get_array (node), i), out);
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
           strlen (json_node_get_string (node)) > 3 && strcmp (json_node_get_string (node), "libiop-preauth-request") != 0)
    g_ptr_array_add (out, (gpointer) json_node_get_string (node));
}

static void
test_preauth_invalid_requests_fail_with_path_and_no_values (void **state)
{
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (invalid_requests); i++)
    {
      g_autofree char *text = read_data ("invalid-requests", invalid_requests[i].file);
      g_autoptr(JsonNode) root = parse_json (text);
      g_autoptr(GPtrArray) values = g_ptr_array_new ();
      iop_error *err = NULL;
      iop_preauth_request *req = iop_preauth_request_new_from_json (text, &err);
      char *line_err = NULL;
      const char *path;
      if (req != NULL)
        {
          iop_preauth_request_free (req);
          fail_msg ("%s: accepted", invalid_requests[i].file);
        }
      path = iop_error_get_path (err);
      if (iop_error_get_code (err) != invalid_requests[i].code || g_strcmp0 (path, invalid_requests[i].path) != 0)
        fail_msg ("%s: expected %d at %s, got %d at %s (%s)", invalid_requests[i].file, invalid_requests[i].code,
                  invalid_requests[i].path, iop_error_get_code (err), path ? path : "NULL", iop_error_get_message (err));
      collect_values (root, values);
      for (guint k = 0; k < values->len; k++)
        if (strstr (iop_error_get_message (err), g_ptr_array_index (values, k)) != NULL)
          fail_msg ("%s: the message quotes a value: %s", invalid_requests[i].file, iop_error_get_message (err));
      iop_error_free (err);
      /* decide_json reports the same error. */
      err = NULL;
      line_err = iop_preauth_policy_decide_json (policy, text, &err);
      assert_null (line_err);
      assert_str (iop_error_get_path (err), invalid_requests[i].path);
      iop_error_free (err);
    }
}

static void
test_preauth_invalid_request_corpus_matches_the_table (void **state)
{
  const char *files[G_N_ELEMENTS (invalid_requests)];
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (invalid_requests); i++)
    files[i] = invalid_requests[i].file;
  iop_test_check_corpus (PREAUTH_DATA, "invalid-requests", files, G_N_ELEMENTS (files));
}

static void
test_preauth_unknown_payer_or_level_is_invalid_data (void **state)
{
  static const struct { const char *patch, *path; } rows[] = {
    { "{\"coverage\":{\"payer\":\"acme-secret-plan\",\"in_network\":true}}", "$.coverage.payer" },
    { "{\"level\":{\"edition\":\"asam3\",\"code\":\"9.9\"}}", "$.level.code" },
  };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *text = request_with (rows[i].patch);
      g_autoptr(iop_preauth_request) req = iop_preauth_request_new_from_json (text, NULL);
      iop_error *err = NULL;
      assert_non_null (req);
      assert_null (iop_preauth_policy_decide (policy, req, &err));
      assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_DATA);
      assert_str (iop_error_get_path (err), rows[i].path);
      assert_null (strstr (iop_error_get_message (err), "acme"));
      assert_null (strstr (iop_error_get_message (err), "9.9"));
      iop_error_free (err);
    }
}

static const struct {
  const char *file;
  iop_error_code code;
  const char *path;
} invalid_packs[] = {
  { "unknown-authorization.json", IOP_ERROR_INVALID_DATA, "$.payers[0].rules[0].authorization" },
  { "level-not-in-continuum.json", IOP_ERROR_INVALID_DATA, "$.payers[0].rules[0].levels[1].code" },
  { "unknown-source.json", IOP_ERROR_INVALID_DATA, "$.payers[0].rules[0].source" },
  { "threshold-missing.json", IOP_ERROR_PARSE, "$.payers[0].rules[1].threshold" },
  { "duplicate-payer.json", IOP_ERROR_INVALID_DATA, "$.payers[1].id" },
  { "age-without-source.json", IOP_ERROR_PARSE, "$.payers[0].rules[0].age_source" },
  { "max-age-below-min.json", IOP_ERROR_INVALID_DATA, "$.payers[0].rules[0].max_age" },
  { "bad-plan-type.json", IOP_ERROR_INVALID_DATA, "$.payers[0].plan_type" },
  { "rule-without-levels-or-services.json", IOP_ERROR_PARSE, "$.payers[1].rules[0].levels" },
  { "coinsurance-over-100.json", IOP_ERROR_INVALID_DATA, "$.payers[0].cost_sharing.in_network.coinsurance_percent" },
  { "bad-diagnosis-prefix.json", IOP_ERROR_INVALID_DATA, "$.payers[0].rules[0].diagnoses[0]" },
  { "unknown-rule-member.json", IOP_ERROR_PARSE, "$.payers[0].rules[0].initial_unit" },
};

static void
test_preauth_invalid_packs_fail_with_code_and_path (void **state)
{
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (invalid_packs); i++)
    {
      g_autofree char *path = g_build_filename (PREAUTH_DATA, "invalid-packs", invalid_packs[i].file, NULL);
      iop_error *err = NULL;
      iop_preauth_policy *p = iop_preauth_policy_new_from_file (NULL, path, &err);
      const char *at;
      if (p != NULL)
        {
          iop_preauth_policy_unref (p);
          fail_msg ("%s: loaded", invalid_packs[i].file);
        }
      at = iop_error_get_path (err);
      if (iop_error_get_code (err) != invalid_packs[i].code || g_strcmp0 (at, invalid_packs[i].path) != 0)
        fail_msg ("%s: expected %d at %s, got %d at %s (%s)", invalid_packs[i].file, invalid_packs[i].code,
                  invalid_packs[i].path, iop_error_get_code (err), at ? at : "NULL", iop_error_get_message (err));
      iop_error_free (err);
    }
}

static void
test_preauth_invalid_pack_corpus_matches_the_table (void **state)
{
  const char *files[G_N_ELEMENTS (invalid_packs)];
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (invalid_packs); i++)
    files[i] = invalid_packs[i].file;
  iop_test_check_corpus (PREAUTH_DATA, "invalid-packs", files, G_N_ELEMENTS (files));
}

static void
test_preauth_pack_from_text_and_missing_file (void **state)
{
  g_autofree char *text = iop_preauth_policy_default_pack_json ();
  iop_continuum *continuum = iop_continuum_new_default ();
  iop_error *err = NULL;
  iop_preauth_policy *p = iop_preauth_policy_new_from_json (continuum, text, &err);
  (void) state;

  assert_non_null (p);
  iop_continuum_unref (continuum); /* the policy keeps its own reference */
  assert_int_equal (iop_preauth_policy_get_n_payers (p), 4);
  iop_preauth_policy_unref (p);
  assert_null (iop_preauth_policy_new_from_file (NULL, PREAUTH_DATA "/no-such-pack.json", &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_IO);
  iop_error_free (err);
  err = NULL;
  assert_null (iop_preauth_policy_new_from_json (NULL, "{\"format\":\"libiop-compliance\",\"format_version\":1}", &err));
  assert_str (iop_error_get_path (err), "$.format");
  iop_error_free (err);
}

/* ------------------------------------------------------------------------------------------ */
/* Batch                                                                                       */

/* Runs the stream engine over @input and returns the output text. */
static char *
run_stream (const char *input, int jobs, size_t *n_lines, size_t *n_failed)
{
  FILE *in = tmpfile (), *out = tmpfile ();
  iop_error *err = NULL;
  GString *text = g_string_new (NULL);
  char buf[4096];
  size_t n;

  assert_non_null (in);
  assert_non_null (out);
  fputs (input, in);
  rewind (in);
  if (!iop_preauth_policy_decide_stream (policy, in, out, jobs, n_lines, n_failed, &err))
    fail_msg ("stream failed: %s", iop_error_get_message (err));
  rewind (out);
  while ((n = fread (buf, 1, sizeof buf, out)) > 0)
    g_string_append_len (text, buf, n);
  fclose (in);
  fclose (out);
  return g_string_free (text, FALSE);
}

static void
test_preauth_batch_order_error_records_and_identity (void **state)
{
  static const char *const payers[] = { "va-medicaid-arts", "ca-dmc-ods", "example-commercial", "example-medicare-advantage" };
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *reference = NULL;
  const guint n = 2000, bad = 777;
  (void) state;

  for (guint i = 0; i < n; i++)
    {
      char *line;
      if (i == bad)
        line = g_strdup ("{\"format\":\"libiop-preauth-request\",\"format_version\":1,\"id\":\"x\"}");
      else if (i == bad + 1)
        line = g_strdup ("{not json at all");
      else
        {
          g_autofree char *patch = g_strdup_printf ("{\"id\":\"R%u\",\"coverage\":{\"payer\":\"%s\",\"in_network\":true},\"units\":%u}",
                                                    i, payers[i % 4], 1 + i % 40);
          line = request_with (patch);
        }
      g_string_append_printf (input, "%s\n", line);
      if (i == 10)
        g_string_append (input, "\n"); /* an empty line: skipped, but counted */
      g_ptr_array_add (lines, line);
    }
  for (int jobs = 1; jobs <= 4; jobs *= 2)
    {
      size_t n_lines = 0, n_failed = 0;
      g_autofree char *out = run_stream (input->str, jobs, &n_lines, &n_failed);
      g_auto(GStrv) outs = g_strsplit (out, "\n", -1);
      assert_int_equal (n_lines, n);
      assert_int_equal (n_failed, 2);
      assert_int_equal (g_strv_length (outs), n + 1); /* the last is the empty text after the final newline */
      if (reference == NULL)
        {
          /* Each decision line is byte-identical to the single-request output, in input order. */
          for (guint i = 0; i < n; i++)
            {
              if (i == bad || i == bad + 1)
                {
                  g_autoptr(JsonNode) rec = parse_json (outs[i]);
                  /* One empty line came before these, so line numbers are index + 2. */
                  assert_int_equal (json_node_get_int (json_at (rec, "line", NULL)), i + 2);
                  assert_str (json_node_get_string (json_at (rec, "error", "code", NULL)), "IOP_ERROR_PARSE");
                  if (i == bad)
                    assert_str (json_node_get_string (json_at (rec, "error", "path", NULL)), "$.member");
                  else
                    assert_true (JSON_NODE_HOLDS_NULL (json_at (rec, "error", "path", NULL)));
                  continue;
                }
              {
                g_autofree char *single = iop_preauth_policy_decide_json (policy, g_ptr_array_index (lines, i), NULL);
                if (g_strcmp0 (single, outs[i]) != 0)
                  fail_msg ("line %u: batch %s\nsingle %s", i, outs[i], single);
              }
            }
          reference = g_strdup (out);
        }
      else
        assert_str (out, reference);
    }
}

/* Escapes: a surrogate pair is one character in both the single and the batch path; an
 * unpaired surrogate is a syntax error in both (json-glib refuses it too). */
static void
test_preauth_unicode_escapes_in_both_paths (void **state)
{
  /* The escapes must reach libiop as written, so the text is edited rather than regenerated. */
  g_autofree char *paired = NULL, *lone = NULL;
  g_autofree char *single = NULL, *lone_text = NULL;
  const char *requests[2];
  char *out[2];
  iop_error *err = NULL;
  (void) state;

  {
    g_auto(GStrv) parts = g_strsplit (base_request, "\"REQ-0001\"", 2);
    assert_non_null (parts[1]);
    paired = g_strconcat (parts[0], "\"R-\\ud83d\\ude00-\\u00e9\\n\"", parts[1], NULL);
    lone = g_strconcat (parts[0], "\"x\"", parts[1], NULL);
  }
  assert_non_null (strstr (paired, "\\ud83d"));
  single = iop_preauth_policy_decide_json (policy, paired, NULL);
  assert_non_null (single);
  assert_non_null (strstr (single, "\"request\":\"R-\xf0\x9f\x98\x80-\xc3\xa9\\n\""));
  lone_text = g_strdup (lone);
  {
    char *at = strstr (lone_text, "\"x\"");
    assert_non_null (at);
    /* Replace the id with a lone high surrogate escape of the same length budget. */
    g_autofree char *patched = g_strdup_printf ("%.*s\"\\ud800\"%s", (int) (at - lone_text), lone_text, at + 3);
    g_free (lone_text);
    lone_text = g_steal_pointer (&patched);
  }
  assert_null (iop_preauth_policy_decide_json (policy, lone_text, &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_PARSE);
  assert_null (iop_error_get_path (err));
  iop_error_free (err);
  requests[0] = paired;
  requests[1] = lone_text;
  assert_true (iop_preauth_policy_decide_all (policy, requests, 2, 1, out, NULL, NULL));
  assert_str (out[0], single);
  assert_non_null (strstr (out[1], "\"code\":\"IOP_ERROR_PARSE\",\"path\":null"));
  iop_free (out[0]);
  iop_free (out[1]);
}

static void
test_preauth_batch_arrays_and_bad_jobs (void **state)
{
  const char *requests[200];
  char *texts[200];
  char *one[200], *four[200];
  size_t failed = 0;
  iop_error *err = NULL;
  FILE *devnull = fopen ("/dev/null", "r+");
  (void) state;

  for (int i = 0; i < 200; i++)
    {
      g_autofree char *patch = g_strdup_printf ("{\"id\":\"A%d\",\"units\":%d}", i, 1 + i % 50);
      texts[i] = request_with (patch);
      requests[i] = i == 50 ? NULL : i == 60 ? "[]" : texts[i];
    }
  assert_true (iop_preauth_policy_decide_all (policy, requests, 200, 1, one, &failed, NULL));
  assert_int_equal (failed, 2);
  assert_true (iop_preauth_policy_decide_all (policy, requests, 200, 4, four, &failed, NULL));
  assert_int_equal (failed, 2);
  for (int i = 0; i < 200; i++)
    {
      assert_str (four[i], one[i]);
      if (i == 50 || i == 60)
        {
          g_autoptr(JsonNode) rec = parse_json (one[i]);
          assert_int_equal (json_node_get_int (json_at (rec, "line", NULL)), i + 1);
          assert_str (json_node_get_string (json_at (rec, "error", "code", NULL)),
                      i == 50 ? "IOP_ERROR_INVALID_ARGUMENT" : "IOP_ERROR_PARSE");
        }
      else
        {
          g_autofree char *single = iop_preauth_policy_decide_json (policy, texts[i], NULL);
          assert_str (one[i], single);
        }
      iop_free (one[i]);
      iop_free (four[i]);
      g_free (texts[i]);
    }
  assert_false (iop_preauth_policy_decide_all (policy, requests, 200, 0, one, NULL, &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  iop_error_free (err);
  err = NULL;
  assert_false (iop_preauth_policy_decide_stream (policy, devnull, devnull, 65, NULL, NULL, &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  iop_error_free (err);
  fclose (devnull);
}

/* ------------------------------------------------------------------------------------------ */
/* Ledger                                                                                      */

static void
test_preauth_ledger_units_reminders_metrics_round_trip (void **state)
{
  g_autoptr(iop_preauth_ledger) l = iop_preauth_ledger_new ();
  g_autoptr(iop_preauth_ledger) back = NULL;
  g_autofree char *json = NULL, *again = NULL, *reminders = NULL, *metrics = NULL;
  g_autoptr(JsonNode) r = NULL;
  g_autoptr(JsonNode) m = NULL;
  iop_error *err = NULL;
  (void) state;

  assert_true (iop_preauth_ledger_add_authorization (l, "A1", "va-medicaid-arts", "2.1", 30, "2026-03-02", "2026-03-31", NULL));
  assert_true (iop_preauth_ledger_add_authorization (l, "A2", "example-commercial", "H0015", 3, "2026-02-01", "2026-04-30", NULL));
  assert_true (iop_preauth_ledger_add_authorization (l, "A3", "example-commercial", "H0015", 12, "2026-01-01", "2026-02-28", NULL));
  assert_false (iop_preauth_ledger_add_authorization (l, "A1", "x", "y", 1, "2026-01-01", "2026-01-02", &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  iop_error_free (err);
  err = NULL;
  assert_false (iop_preauth_ledger_add_authorization (l, "A9", "x", "y", 1, "2026-01-02", "2026-01-01", &err));
  iop_error_free (err);
  err = NULL;
  for (int day = 2; day <= 6; day++)
    {
      g_autofree char *date = g_strdup_printf ("2026-03-%02d", day);
      assert_true (iop_preauth_ledger_record_use (l, "A1", date, 1, NULL));
    }
  assert_true (iop_preauth_ledger_record_use (l, "A2", "2026-03-02", 3, NULL));
  assert_false (iop_preauth_ledger_record_use (l, "nope", "2026-03-02", 1, &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_NOT_FOUND);
  iop_error_free (err);
  err = NULL;
  assert_false (iop_preauth_ledger_record_use (l, "A1", "2026-02-30", 1, &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  iop_error_free (err);
  err = NULL;
  assert_int_equal (iop_preauth_ledger_get_remaining_units (l, "A1", NULL), 25);
  assert_int_equal (iop_preauth_ledger_get_remaining_units (l, "A2", NULL), 0);

  /* As of 2026-03-24 with a 7-day lead: A1 ends within 7 days (re-authorize), A2 is used up,
   * A3 has expired. */
  reminders = iop_preauth_ledger_get_reminders_json (l, "2026-03-24", 7, NULL);
  r = parse_json (reminders);
  assert_int_equal (json_array_get_length (json_node_get_array (r)), 3);
  assert_str (json_object_get_string_member (json_array_get_object_element (json_node_get_array (r), 0), "kind"), "expiring");
  assert_str (json_object_get_string_member (json_array_get_object_element (json_node_get_array (r), 0), "date"), "2026-03-31");
  assert_int_equal (json_object_get_int_member (json_array_get_object_element (json_node_get_array (r), 0), "remaining_units"), 25);
  assert_str (json_object_get_string_member (json_array_get_object_element (json_node_get_array (r), 1), "kind"), "exhausted");
  assert_str (json_object_get_string_member (json_array_get_object_element (json_node_get_array (r), 2), "kind"), "expired");
  g_free (reminders);
  /* With a 6-day lead A1 is not yet due. */
  reminders = iop_preauth_ledger_get_reminders_json (l, "2026-03-24", 6, NULL);
  assert_null (strstr (reminders, "expiring"));

  /* History: A1 standard approved after 30 h; A2 expedited denied after 70 h, appealed,
   * approved; A3 still pended. */
  assert_true (iop_preauth_ledger_add_status (l, "A1", "submitted", "2026-02-27T10:00:00-05:00", false, NULL));
  assert_true (iop_preauth_ledger_add_status (l, "A1", "pended", "2026-02-27T12:00:00-05:00", false, NULL));
  assert_true (iop_preauth_ledger_add_status (l, "A1", "approved", "2026-02-28T16:00:00-05:00", false, NULL));
  assert_true (iop_preauth_ledger_add_status (l, "A2", "submitted", "2026-01-30T08:00:00Z", true, NULL));
  assert_true (iop_preauth_ledger_add_status (l, "A2", "denied", "2026-02-02T06:00:00Z", true, NULL));
  assert_true (iop_preauth_ledger_add_status (l, "A2", "appealed", "2026-02-03T06:00:00Z", true, NULL));
  assert_true (iop_preauth_ledger_add_status (l, "A2", "approved", "2026-02-05T06:00:00Z", true, NULL));
  assert_true (iop_preauth_ledger_add_status (l, "A3", "submitted", "2026-01-01T08:00:00Z", false, NULL));
  assert_false (iop_preauth_ledger_add_status (l, "A3", "lost", "2026-01-01T08:00:00Z", false, &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  iop_error_free (err);
  err = NULL;
  assert_false (iop_preauth_ledger_add_status (l, "A3", "pended", "2026-01-01 08:00", false, &err));
  iop_error_free (err);
  metrics = iop_preauth_ledger_get_metrics_json (l);
  m = parse_json (metrics);
  assert_int_equal (json_node_get_int (json_at (m, "decided", NULL)), 2);
  assert_int_equal (json_node_get_int (json_at (m, "approved", NULL)), 1);
  assert_int_equal (json_node_get_int (json_at (m, "denied", NULL)), 1);
  assert_int_equal (json_node_get_int (json_at (m, "approved_after_appeal", NULL)), 1);
  assert_int_equal (json_node_get_int (json_at (m, "percent_approved", NULL)), 50);
  assert_int_equal (json_node_get_int (json_at (m, "percent_approved_after_appeal", NULL)), 100);
  assert_int_equal (json_node_get_int (json_at (m, "average_decision_hours_standard", NULL)), 30);
  assert_int_equal (json_node_get_int (json_at (m, "average_decision_hours_expedited", NULL)), 70);

  json = iop_preauth_ledger_to_json (l);
  back = iop_preauth_ledger_new_from_json (json, NULL);
  assert_non_null (back);
  again = iop_preauth_ledger_to_json (back);
  assert_str (again, json);
  assert_int_equal (iop_preauth_ledger_get_remaining_units (back, "A1", NULL), 25);
}

static void
test_preauth_ledger_counts_attendance_per_date (void **state)
{
  g_autoptr(iop_preauth_ledger) ledger = iop_preauth_ledger_new ();
  g_autoptr(iop_episode) e = iop_episode_new (NULL, NULL, "C-1", IOP_EDITION_ASAM3, "2.1", "2026-03-01", NULL);
  iop_error *err = NULL;
  struct { const char *date, *start; iop_attendance_status status; } sessions[] = {
    { "2026-03-01", "09:00", IOP_ATTENDANCE_ATTENDED },  /* before the period */
    { "2026-03-02", "09:00", IOP_ATTENDANCE_ATTENDED },
    { "2026-03-02", "13:00", IOP_ATTENDANCE_ATTENDED },  /* same date: still one unit */
    { "2026-03-04", "09:00", IOP_ATTENDANCE_MISSED },
    { "2026-03-06", "09:00", IOP_ATTENDANCE_EXCUSED },
    { "2026-03-09", "09:00", IOP_ATTENDANCE_ATTENDED },
    { "2026-03-11", "09:00", IOP_ATTENDANCE_ATTENDED },
    { "2026-04-01", "09:00", IOP_ATTENDANCE_ATTENDED },  /* after the period */
  };

  (void) state;
  assert_non_null (e);
  for (size_t i = 0; i < G_N_ELEMENTS (sessions); i++)
    assert_true (iop_episode_add_attendance (e, sessions[i].date, sessions[i].start, 180, "group-therapy",
                                             sessions[i].status, NULL));
  assert_true (iop_preauth_ledger_add_authorization (ledger, "A1", "va-medicaid-arts", "H0015", 10, "2026-03-02",
                                                     "2026-03-31", NULL));
  /* Up to 9 March: 2 and 9 March. */
  assert_int_equal (iop_preauth_ledger_record_attendance (ledger, "A1", e, "2026-03-09", NULL), 2);
  assert_int_equal (iop_preauth_ledger_get_remaining_units (ledger, "A1", NULL), 8);
  /* Again, for the whole period: only 11 March is new. */
  assert_int_equal (iop_preauth_ledger_record_attendance (ledger, "A1", e, NULL, NULL), 1);
  assert_int_equal (iop_preauth_ledger_record_attendance (ledger, "A1", e, NULL, NULL), 0);
  assert_int_equal (iop_preauth_ledger_get_remaining_units (ledger, "A1", NULL), 7);
  /* A date recorded by hand is not counted twice. */
  assert_true (iop_episode_add_attendance (e, "2026-03-13", "09:00", 180, "group-therapy", IOP_ATTENDANCE_ATTENDED, NULL));
  assert_true (iop_preauth_ledger_record_use (ledger, "A1", "2026-03-13", 1, NULL));
  assert_int_equal (iop_preauth_ledger_record_attendance (ledger, "A1", e, NULL, NULL), 0);
  assert_int_equal (iop_preauth_ledger_get_remaining_units (ledger, "A1", NULL), 6);
  /* Errors. */
  assert_int_equal (iop_preauth_ledger_record_attendance (ledger, "nope", e, NULL, &err), -1);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_NOT_FOUND);
  g_clear_pointer (&err, iop_error_free);
  assert_int_equal (iop_preauth_ledger_record_attendance (ledger, "A1", e, "2026-02-30", &err), -1);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  iop_error_free (err);
}

static void
test_preauth_ledger_reader_is_strict (void **state)
{
  static const struct { const char *json, *path; iop_error_code code; } rows[] = {
    { "{\"format\":\"libiop-auth-ledger\",\"format_version\":1}", "$.authorizations", IOP_ERROR_PARSE },
    { "{\"format\":\"libiop-auth-ledger\",\"format_version\":1,\"authorizations\":[{\"id\":\"a\",\"payer\":\"p\",\"service\":\"s\",\"units\":1,\"start\":\"2026-01-01\",\"end\":\"2026-13-01\",\"usage\":[],\"history\":[]}]}",
      "$.authorizations[0].end", IOP_ERROR_INVALID_DATA },
    { "{\"format\":\"libiop-auth-ledger\",\"format_version\":1,\"authorizations\":[{\"id\":\"a\",\"payer\":\"p\",\"service\":\"s\",\"units\":1,\"start\":\"2026-01-01\",\"end\":\"2026-01-31\",\"usage\":[{\"date\":\"2026-01-02\",\"units\":1,\"by\":\"x\"}],\"history\":[]}]}",
      "$.authorizations[0].usage[0].by", IOP_ERROR_PARSE },
    { "{\"format\":\"libiop-auth-ledger\",\"format_version\":1,\"authorizations\":[{\"id\":\"a\",\"payer\":\"p\",\"service\":\"s\",\"units\":1,\"start\":\"2026-01-01\",\"end\":\"2026-01-31\",\"usage\":[],\"history\":[{\"status\":\"approved\",\"at\":\"yesterday\",\"expedited\":false}]}]}",
      "$.authorizations[0].history[0].at", IOP_ERROR_INVALID_DATA },
  };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_error *err = NULL;
      assert_null (iop_preauth_ledger_new_from_json (rows[i].json, &err));
      assert_int_equal (iop_error_get_code (err), rows[i].code);
      assert_str (iop_error_get_path (err), rows[i].path);
      assert_null (strstr (iop_error_get_message (err), "yesterday"));
      iop_error_free (err);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* PAS import                                                                                  */

static void
test_preauth_pas_fixtures_import (void **state)
{
  static const struct { const char *file, *outcome, *code; } rows[] = {
    { "Bundle-ReferralAuthorizationResponseBundleExample.json", "approved", "pas-certified" },
    { "Bundle-RejectionResponseBundleExample.json", "denied", "pas-not-certified" },
    { "Bundle-ReferralPendingAuthorizationResponseBundleExample.json", "pended", "pas-pended" },
  };
  g_autofree char *dir = g_build_filename (IOP_SHARED_FIXTURES_DIR, "pas", NULL);
  (void) state;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      print_message ("skipped: no PAS fixtures in %s\n", dir);
      skip ();
    }
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *path = g_build_filename (dir, rows[i].file, NULL);
      g_autofree char *text = NULL;
      g_autoptr(iop_preauth_decision) d = NULL;
      g_autofree char *json = NULL;
      iop_error *err = NULL;
      assert_true (g_file_get_contents (path, &text, NULL, NULL));
      d = iop_preauth_decision_new_from_pas_json (text, &err);
      if (d == NULL)
        fail_msg ("%s: %s", rows[i].file, iop_error_get_message (err));
      assert_str (iop_preauth_decision_get_outcome (d), rows[i].outcome);
      assert_str (iop_preauth_decision_get_reason_code (d, 0), rows[i].code);
      assert_null (iop_preauth_decision_get_rule (d));
      json = iop_preauth_decision_to_json (d);
      {
        g_autoptr(JsonNode) root = parse_json (json);
        assert_str (json_node_get_string (json_at (root, "outcome", NULL)), rows[i].outcome);
      }
      if (i == 0)
        {
          /* A1 with itemPreAuthPeriod 2005-05-02..2005-06-02 and an authorized quantity of 1. */
          g_autofree char *start = iop_preauth_decision_get_period_start (d), *end = iop_preauth_decision_get_period_end (d);
          assert_str (start, "2005-05-02");
          assert_str (end, "2005-06-02");
          assert_int_equal (iop_preauth_decision_get_authorized_units (d), 1);
        }
    }
  {
    g_autofree char *path = g_build_filename (dir, "Bundle-ErrorResponseBundleExample.json", NULL);
    g_autofree char *text = NULL;
    iop_error *err = NULL;
    assert_true (g_file_get_contents (path, &text, NULL, NULL));
    assert_null (iop_preauth_decision_new_from_pas_json (text, &err));
    assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_DATA);
    assert_str (iop_error_get_path (err), "$.entry[0].resource.outcome");
    assert_non_null (strstr (iop_error_get_message (err), "04, T4"));
    iop_error_free (err);
  }
  {
    /* A request Bundle is not a response. */
    g_autofree char *path = g_build_filename (dir, "Bundle-ReferralAuthorizationBundleExample.json", NULL);
    g_autofree char *text = NULL;
    iop_error *err = NULL;
    assert_true (g_file_get_contents (path, &text, NULL, NULL));
    assert_null (iop_preauth_decision_new_from_pas_json (text, &err));
    assert_str (iop_error_get_path (err), "$.entry[0].resource.resourceType");
    iop_error_free (err);
  }
}

#define RA "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction"
#define ITEM(seq, code) \
  "{\"itemSequence\":" #seq ",\"adjudication\":[{\"category\":{},\"extension\":[{\"url\":\"" RA "\",\"extension\":[" \
  "{\"url\":\"" RA "Code\",\"valueCodeableConcept\":{\"coding\":[{\"system\":\"https://codesystem.x12.org/005010/306\",\"code\":\"" code "\"}]}}]}]}]}"
#define BUNDLE(items, more) \
  "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"resourceType\":\"ClaimResponse\"," \
  "\"outcome\":\"complete\",\"request\":{\"identifier\":{\"value\":\"REQ-9\"}},\"insurer\":{\"reference\":\"Organization/P\"}," \
  "\"item\":[" items "]" more "}}]}"

static void
test_preauth_pas_modified_cancelled_and_combined (void **state)
{
  static const struct { const char *json, *outcome, *codes; int units; } rows[] = {
    { BUNDLE (ITEM (1, "A6"), ",\"addItem\":[{\"itemSequence\":[1],\"productOrService\":{},\"quantity\":{\"value\":3},"
                              "\"servicedPeriod\":{\"start\":\"2026-03-02\",\"end\":\"2026-03-20\"}}],"
                              "\"processNote\":[{\"text\":\"Three of five sessions authorized\"}]"),
      "approved-modified", "pas-modified,pas-note", 3 },
    { BUNDLE (ITEM (1, "C"), ""), "cancelled", "pas-cancelled", -1 },
    { BUNDLE (ITEM (1, "A1") "," ITEM (2, "A3"), ""), "denied", "pas-certified,pas-not-certified", -1 },
    { BUNDLE (ITEM (1, "A1") "," ITEM (2, "A4"), ""), "pended", "pas-certified,pas-pended", -1 },
  };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_error *err = NULL;
      g_autoptr(iop_preauth_decision) d = iop_preauth_decision_new_from_pas_json (rows[i].json, &err);
      g_autofree char *codes = NULL;
      if (d == NULL)
        fail_msg ("row %zu: %s", i, iop_error_get_message (err));
      codes = codes_of (d);
      assert_str (iop_preauth_decision_get_outcome (d), rows[i].outcome);
      assert_str (codes, rows[i].codes);
      assert_int_equal (iop_preauth_decision_get_authorized_units (d), rows[i].units);
      if (i == 0)
        {
          g_autofree char *end = iop_preauth_decision_get_period_end (d);
          g_autofree char *json = iop_preauth_decision_to_json (d);
          assert_str (end, "2026-03-20");
          assert_str (iop_preauth_decision_get_reason_text (d, 1), "Three of five sessions authorized");
          assert_non_null (strstr (json, "\"request\":\"REQ-9\",\"payer\":\"Organization/P\""));
        }
    }
  {
    iop_error *err = NULL;
    assert_null (iop_preauth_decision_new_from_pas_json (BUNDLE (ITEM (1, "ZZ"), ""), &err));
    assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_DATA);
    assert_str (iop_error_get_path (err), "$.entry[0].resource.item[0].adjudication[0].extension[0].extension[0].valueCodeableConcept");
    assert_null (strstr (iop_error_get_message (err), "ZZ"));
    iop_error_free (err);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* PAS request export and its consent gate                                                      */

static iop_consent *
pas_consent (const char *file, const char *revoked, const char *expires)
{
  g_autofree char *text = read_data ("pas", file);
  iop_consent *c = iop_consent_new_from_json (text, NULL);
  assert_non_null (c);
  if (revoked != NULL)
    assert_true (iop_consent_set_revocation (c, revoked, "in writing", NULL));
  if (expires != NULL)
    assert_true (iop_consent_set_expiration (c, "date", expires, NULL));
  return c;
}

static char *
pas_export (const char *request_json, const iop_consent *consent, const char *date, iop_error **err)
{
  g_autoptr(iop_preauth_request) r = iop_preauth_request_new_from_json (request_json, NULL);
  assert_non_null (r);
  return iop_preauth_request_to_pas (r, consent, "Riverside Intensive Outpatient Program", date, err);
}

static void
test_preauth_pas_export_is_gated_by_consent (void **state)
{
  g_autoptr(iop_consent) tpo = pas_consent ("consent-tpo.json", NULL, NULL);
  g_autoptr(iop_consent) specific = pas_consent ("consent-specific-payer.json", NULL, NULL);
  g_autoptr(iop_consent) revoked = pas_consent ("consent-tpo.json", "2026-02-25", NULL);
  g_autoptr(iop_consent) expired = pas_consent ("consent-specific-payer.json", NULL, "2026-02-26");
  g_autofree char *services = read_data ("pas", "request-services.json");
  g_autofree char *other_payer = g_strdup (base_request);
  g_autofree char *other_member = NULL;
  struct {
    const char *what, *request, *date, *reason;
    const iop_consent *consent;
  } refused[] = {
    { "no consent", base_request, "2026-02-27", "no-consent", NULL },
    { "revoked before the date", base_request, "2026-02-27", "revoked", revoked },
    { "revoked on the date", base_request, "2026-02-25", "revoked", revoked },
    { "expired", services, "2026-02-27", "expired", expired },
    { "before signing", base_request, "2026-02-19", "not-yet-signed", tpo },
    { "specific consent, another payer", NULL, "2026-02-27", "recipient-not-covered", specific },
    { "consent of another patient", NULL, "2026-02-27", "other-patient", tpo },
  };
  char *p;

  (void) state;
  /* Another payer: the specific consent names only va-medicaid-arts. */
  p = strstr (other_payer, "va-medicaid-arts");
  assert_non_null (p);
  memcpy (p, "ca-dmc-ods......", 16);
  other_member = g_strdup (base_request);
  p = strstr (other_member, "M-7f3a");
  assert_non_null (p);
  memcpy (p, "M-0000", 6);
  refused[5].request = other_payer;
  refused[6].request = other_member;

  for (size_t i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      iop_error *err = NULL;
      char *bundle = pas_export (refused[i].request, refused[i].consent, refused[i].date, &err);
      if (bundle != NULL)
        fail_msg ("%s: exported", refused[i].what);
      assert_non_null (err);
      if (iop_error_get_code (err) != IOP_ERROR_PERMISSION_DENIED)
        fail_msg ("%s: %s", refused[i].what, iop_error_code_to_string (iop_error_get_code (err)));
      if (strstr (iop_error_get_message (err), refused[i].reason) == NULL)
        fail_msg ("%s: message without %s: %s", refused[i].what, refused[i].reason, iop_error_get_message (err));
      assert_null (strstr (iop_error_get_message (err), "M-7f3a"));
      iop_error_free (err);
    }

  /* Permitted: a TPO consent covering health plans for payment, and a specific consent naming the payer. */
  {
    g_autofree char *a = pas_export (base_request, tpo, "2026-02-27", NULL);
    g_autofree char *b = pas_export (base_request, tpo, "2026-02-27", NULL);
    g_autofree char *c = pas_export (services, specific, "2026-02-25", NULL);
    assert_non_null (a);
    assert_non_null (c);
    assert_string_equal (a, b); /* deterministic */
  }
  /* Bad arguments are not permission errors. */
  {
    g_autoptr(iop_preauth_request) r = iop_preauth_request_new_from_json (base_request, NULL);
    iop_error *err = NULL;
    assert_null (iop_preauth_request_to_pas (r, tpo, "", "2026-02-27", &err));
    assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
    g_clear_pointer (&err, iop_error_free);
    assert_null (iop_preauth_request_to_pas (r, tpo, "Riverside", "2026-02-30", &err));
    assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
    iop_error_free (err);
  }
}

static void
test_preauth_pas_export_bundle_shape (void **state)
{
  g_autoptr(iop_consent) tpo = pas_consent ("consent-tpo.json", NULL, NULL);
  g_autoptr(iop_consent) specific = pas_consent ("consent-specific-payer.json", NULL, NULL);
  g_autofree char *services = read_data ("pas", "request-services.json");
  g_autofree char *a = pas_export (base_request, tpo, "2026-02-27", NULL);
  g_autofree char *b = pas_export (services, specific, "2026-02-27", NULL);
  g_autoptr(JsonNode) ra = parse_json (a);
  g_autoptr(JsonNode) rb = parse_json (b);
  JsonArray *entries = json_node_get_array (json_at (ra, "entry", NULL));
  JsonNode *claim = json_object_get_member (json_array_get_object_element (entries, 0), "resource");
  JsonArray *items, *diagnoses;
  JsonObject *item;

  (void) state;
  assert_str (json_node_get_string (json_at (ra, "type", NULL)), "collection");
  assert_str (json_node_get_string (json_at (ra, "timestamp", NULL)), "2026-02-27T16:30:00-05:00");
  assert_int_equal (json_array_get_length (entries), 5);
  /* ClaimFirst, use, status, created, priority. */
  assert_str (json_node_get_string (json_at (claim, "resourceType", NULL)), "Claim");
  assert_str (json_node_get_string (json_at (claim, "use", NULL)), "preauthorization");
  assert_str (json_node_get_string (json_at (claim, "status", NULL)), "active");
  assert_str (json_node_get_string (json_at (claim, "created", NULL)), "2026-02-27");
  assert_str (json_object_get_string_member (json_array_get_object_element (json_node_get_array (
                json_at (claim, "priority", "coding", NULL)), 0), "code"),
              "normal");
  diagnoses = json_node_get_array (json_at (claim, "diagnosis", NULL));
  assert_int_equal (json_array_get_length (diagnoses), 2);
  assert_str (json_object_get_string_member (json_array_get_object_element (json_node_get_array (
                json_at (json_array_get_element (diagnoses, 1), "diagnosisCodeableConcept", "coding", NULL)), 0), "code"),
              "F32.1");
  items = json_node_get_array (json_at (claim, "item", NULL));
  assert_int_equal (json_array_get_length (items), 1);
  item = json_array_get_object_element (items, 0);
  assert_str (json_node_get_string (json_at (json_object_get_member (item, "servicedPeriod"), "start", NULL)), "2026-03-02");
  assert_str (json_node_get_string (json_at (json_object_get_member (item, "servicedPeriod"), "end", NULL)), "2026-04-30");
  assert_int_equal (json_node_get_int (json_at (json_object_get_member (item, "quantity"), "value", NULL)), 40);
  assert_str (json_object_get_string_member (json_array_get_object_element (json_node_get_array (
                json_at (json_object_get_member (item, "productOrService"), "coding", NULL)), 0), "system"),
              "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets");
  /* Part 2 labels on the Bundle and the Claim. */
  assert_non_null (strstr (a, "\"code\":\"42CFRPart2\""));
  assert_non_null (json_at (claim, "meta", "security", NULL));
  /* Expedited: priority stat; one item per service code, in order, sequences 1..n. */
  {
    JsonNode *claim_b = json_object_get_member (json_array_get_object_element (json_node_get_array (json_at (rb, "entry", NULL)), 0), "resource");
    JsonArray *items_b = json_node_get_array (json_at (claim_b, "item", NULL));
    assert_non_null (strstr (b, "\"code\":\"stat\""));
    assert_int_equal (json_array_get_length (items_b), 2);
    for (guint i = 0; i < 2; i++)
      {
        JsonObject *it = json_array_get_object_element (items_b, i);
        assert_int_equal (json_object_get_int_member (it, "sequence"), i + 1);
        assert_str (json_object_get_string_member (json_array_get_object_element (json_node_get_array (
                      json_at (json_object_get_member (it, "productOrService"), "coding", NULL)), 0), "code"),
                    i == 0 ? "H0015" : "S9480");
      }
  }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_preauth_default_pack_is_illustrative_with_four_payers),
    cmocka_unit_test (test_preauth_rules_outcomes_and_reason_codes),
    cmocka_unit_test (test_preauth_reasons_cite_pack_sources),
    cmocka_unit_test (test_preauth_denials_carry_reasons_and_no_rule_never_approves),
    cmocka_unit_test (test_preauth_deadlines),
    cmocka_unit_test (test_preauth_periods_reviews_and_out_of_pocket),
    cmocka_unit_test (test_preauth_decision_json_members),
    cmocka_unit_test (test_preauth_request_round_trip),
    cmocka_unit_test (test_preauth_invalid_requests_fail_with_path_and_no_values),
    cmocka_unit_test (test_preauth_invalid_request_corpus_matches_the_table),
    cmocka_unit_test (test_preauth_unknown_payer_or_level_is_invalid_data),
    cmocka_unit_test (test_preauth_invalid_packs_fail_with_code_and_path),
    cmocka_unit_test (test_preauth_invalid_pack_corpus_matches_the_table),
    cmocka_unit_test (test_preauth_pack_from_text_and_missing_file),
    cmocka_unit_test (test_preauth_batch_order_error_records_and_identity),
    cmocka_unit_test (test_preauth_batch_arrays_and_bad_jobs),
    cmocka_unit_test (test_preauth_unicode_escapes_in_both_paths),
    cmocka_unit_test (test_preauth_ledger_units_reminders_metrics_round_trip),
    cmocka_unit_test (test_preauth_ledger_counts_attendance_per_date),
    cmocka_unit_test (test_preauth_ledger_reader_is_strict),
    cmocka_unit_test (test_preauth_pas_fixtures_import),
    cmocka_unit_test (test_preauth_pas_modified_cancelled_and_combined),
    cmocka_unit_test (test_preauth_pas_export_is_gated_by_consent),
    cmocka_unit_test (test_preauth_pas_export_bundle_shape),
  };
  iop_test_apply_filters ();
  return cmocka_run_group_tests_name ("preauth", tests, setup, teardown);
}
