/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Unit tests for iop-consent.h: every 42 CFR 2.31(a) element missing or invalid is reported
 * under its element id (one row per element, both kinds where the rule differs); the disclosure
 * check (covered recipient, class, purpose, data class; no consent; before signing; revoked
 * before/on/after; expired by date and by event before/on/after; counseling notes under a TPO
 * consent); the gate's error codes and messages; that no reason or error quotes a value from
 * the consent; byte-identical round trips; the malformed corpus with codes and JSON paths; and
 * the FHIR Consent (read back with json-glib).
 *
 * Test data (tests/data/consent):
 *   valid/tpo.json                   a complete TPO consent (classes of recipients, expiry none),
 *                                    signed 2026-03-02.
 *   valid/specific.json              a complete specific consent signed 2026-04-15, expiring
 *                                    2026-12-31, naming a provider (by name and NPI) and an HIE
 *                                    with one participant, counseling notes included.
 *   valid/tpo-revoked.json           tpo.json revoked on 2026-06-01.
 *   valid/tpo-end-of-treatment.json  tpo.json expiring at the end of treatment (2026-09-30).
 *   incomplete.json                  a TPO consent lacking most elements (loads; invalid).
 *   invalid/NAME.json                one structural defect each ("$comment"); code and path in
 *                                    invalid_docs[].
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

#define CONSENT_DATA IOP_TEST_DATA_DIR "/consent"

/* Values in the test documents that must never appear in a message. */
static const char *const phi[] = { "Test Patient", "pt-000", "Riverside", "Hillside", "NPI:", "Lakeview", "Valley",
                                   "Guardian", "privacy officer", "2026-02-30", "12/31/2026", "psychotherapy",
                                   "marketing", "employers", "friend", "consent #1", NULL };

static void
assert_no_phi (const char *text, const char *what)
{
  for (int i = 0; phi[i] != NULL; i++)
    if (text != NULL && strstr (text, phi[i]) != NULL)
      fail_msg ("%s quotes a value from the consent (\"%s\"): %s", what, phi[i], text);
}

static char *
read_text (const char *relative)
{
  g_autofree char *path = g_build_filename (CONSENT_DATA, relative, NULL);
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    fail_msg ("cannot read %s", path);
  return text;
}

static iop_consent *
load (const char *relative)
{
  g_autofree char *path = g_build_filename (CONSENT_DATA, relative, NULL);
  iop_error *err = NULL;
  iop_consent *c = iop_consent_new_from_file (path, &err);
  if (c == NULL)
    fail_msg ("%s: %s", relative, iop_error_get_message (err));
  return c;
}

/* Loads @relative, sets the member at the dotted @path ("patient.name", "recipients.0") to the
 * JSON value @value (NULL removes it), and reads the result as a consent. */
static iop_consent *
load_mutated (const char *relative, const char *path, const char *value)
{
  g_autofree char *text = read_text (relative);
  g_autoptr(JsonNode) root = parse_json (text);
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  g_autofree char *out = NULL;
  JsonNode *node = root;
  guint n = g_strv_length (parts);
  iop_error *err = NULL;
  iop_consent *c;

  for (guint i = 0; i + 1 < n; i++)
    node = JSON_NODE_HOLDS_ARRAY (node)
             ? json_array_get_element (json_node_get_array (node), (guint) atoi (parts[i]))
             : json_object_get_member (json_node_get_object (node), parts[i]);
  assert_non_null (node);
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *arr = json_node_get_array (node);
      guint idx = (guint) atoi (parts[n - 1]);
      assert_null (value); /* only removal inside arrays */
      json_array_remove_element (arr, idx);
    }
  else if (value == NULL)
    json_object_remove_member (json_node_get_object (node), parts[n - 1]);
  else
    {
      g_autoptr(JsonNode) v = parse_json (value);
      json_object_set_member (json_node_get_object (node), parts[n - 1], json_node_copy (v));
    }
  out = json_to_string (root, FALSE);
  c = iop_consent_new_from_json (out, &err);
  if (c == NULL)
    fail_msg ("%s with %s=%s: %s", relative, path, value ? value : "(removed)", iop_error_get_message (err));
  return c;
}

/* ------------------------------------------------------------------------------------------ */

static void
test_consent_complete_documents_are_valid (void **state)
{
  static const char *const files[] = { "valid/tpo.json", "valid/specific.json", "valid/tpo-revoked.json",
                                       "valid/tpo-end-of-treatment.json" };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(iop_consent) c = load (files[i]);
      g_autoptr(iop_consent_report) r = iop_consent_validate (c);
      if (!iop_consent_report_is_valid (r))
        fail_msg ("%s: %s", files[i], iop_consent_report_get_text (r, 0));
      assert_int_equal (iop_consent_report_get_n_issues (r), 0);
    }
}

static const struct {
  const char *file, *path, *value; /* value NULL: remove the member */
  const char *element;             /* NULL: the mutated consent is still valid */
} element_rows[] = {
  /* 1 patient */
  { "valid/tpo.json", "patient", NULL, "patient" },
  { "valid/tpo.json", "patient.name", "null", "patient" },
  { "valid/specific.json", "patient.name", "\"  \"", "patient" },
  { "valid/tpo.json", "patient.id", "null", NULL }, /* the pseudonymous id is optional */
  /* 2 who may disclose */
  { "valid/tpo.json", "disclosing_party", NULL, "disclosing_party" },
  { "valid/tpo.json", "disclosing_party.name", "null", "disclosing_party" },
  { "valid/specific.json", "disclosing_party.class", "null", "disclosing_party" },
  /* 3 description of the information */
  { "valid/tpo.json", "information", NULL, "information" },
  { "valid/tpo.json", "information.description", "\"\"", "information" },
  { "valid/specific.json", "information.data_classes", "[]", "information" },
  /* 4 recipients (and intermediaries with their participants) */
  { "valid/tpo.json", "recipients", "[]", "recipients" },
  { "valid/specific.json", "recipients", NULL, "recipients" },
  { "valid/specific.json", "recipients", "[{\"name\": null, \"identifier\": \"\"}]", "recipients" },
  { "valid/specific.json", "recipients.1.participants", "[]", "recipients" },
  { "valid/specific.json", "recipients.1.participant_class", "\"treating-providers\"", NULL },
  /* 5 purpose */
  { "valid/tpo.json", "purposes", "[]", "purpose" },
  { "valid/specific.json", "purposes", NULL, "purpose" },
  { "valid/tpo.json", "purposes", "[\"treatment\", \"research\"]", "purpose" },
  { "valid/specific.json", "purposes", "[\"research\"]", NULL },
  /* 6 revocation statement */
  { "valid/tpo.json", "revocation_statement", NULL, "revocation_statement" },
  { "valid/specific.json", "revocation_statement", "null", "revocation_statement" },
  { "valid/tpo.json", "revocation_statement.right_to_revoke_in_writing", "false", "revocation_statement" },
  { "valid/tpo.json", "revocation_statement.how_to_revoke", "null", "revocation_statement" },
  { "valid/specific.json", "revocation_statement.reliance_exception", "false", "revocation_statement" },
  /* 7 expiration: "none" and "end of treatment" only for TPO */
  { "valid/tpo.json", "expiration", NULL, "expiration" },
  { "valid/specific.json", "expiration", NULL, "expiration" },
  { "valid/specific.json", "expiration", "{\"type\": \"none\"}", "expiration" },
  { "valid/specific.json", "expiration", "{\"type\": \"event\", \"event\": \" End of Treatment \"}", "expiration" },
  { "valid/specific.json", "expiration", "{\"type\": \"event\", \"event\": \"discharge to the receiving program\"}", NULL },
  { "valid/specific.json", "expiration", "{\"type\": \"date\"}", "expiration" },
  { "valid/specific.json", "expiration", "{\"type\": \"date\", \"date\": \"2026-04-14\"}", "expiration" },
  { "valid/specific.json", "expiration", "{\"type\": \"date\", \"date\": \"2026-04-15\"}", NULL },
  { "valid/tpo.json", "expiration", "{\"type\": \"event\", \"event\": \"end of treatment\"}", NULL },
  { "valid/tpo.json", "expiration", "{\"type\": \"event\"}", "expiration" },
  /* 8 signature */
  { "valid/tpo.json", "signature", NULL, "signature" },
  { "valid/tpo.json", "signature.signer", "null", "signature" },
  { "valid/specific.json", "signature.role", "null", "signature" },
  /* 9 date signed */
  { "valid/tpo.json", "date_signed", NULL, "date_signed" },
  { "valid/specific.json", "date_signed", "null", "date_signed" },
  /* 10 TPO statements (not required of a specific consent) */
  { "valid/tpo.json", "redisclosure_statement", NULL, "redisclosure_statement" },
  { "valid/tpo.json", "redisclosure_statement", "\"\"", "redisclosure_statement" },
  { "valid/tpo.json", "refusal_consequences_statement", NULL, "refusal_consequences_statement" },
  { "valid/specific.json", "redisclosure_statement", "null", NULL },
  /* revocation dated before signing */
  { "valid/tpo.json", "revocation", "{\"date\": \"2026-03-01\", \"how\": null}", "revocation" },
};

static void
test_consent_every_missing_element_is_reported (void **state)
{
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (element_rows); i++)
    {
      g_autoptr(iop_consent) c = load_mutated (element_rows[i].file, element_rows[i].path, element_rows[i].value);
      g_autoptr(iop_consent_report) r = iop_consent_validate (c);
      size_t n = iop_consent_report_get_n_issues (r);

      if (element_rows[i].element == NULL)
        {
          if (n != 0)
            fail_msg ("row %zu (%s %s): expected valid, got %s: %s", i, element_rows[i].file, element_rows[i].path,
                      iop_consent_report_get_element (r, 0), iop_consent_report_get_text (r, 0));
          continue;
        }
      if (n == 0 || iop_consent_report_is_valid (r))
        fail_msg ("row %zu (%s %s): no issue reported", i, element_rows[i].file, element_rows[i].path);
      for (size_t k = 0; k < n; k++)
        {
          if (strcmp (iop_consent_report_get_element (r, k), element_rows[i].element) != 0)
            fail_msg ("row %zu (%s %s): expected only %s, got %s (%s)", i, element_rows[i].file, element_rows[i].path,
                      element_rows[i].element, iop_consent_report_get_element (r, k), iop_consent_report_get_text (r, k));
          assert_true (strlen (iop_consent_report_get_text (r, k)) > 10);
          assert_no_phi (iop_consent_report_get_text (r, k), "an issue");
        }
      assert_null (iop_consent_report_get_element (r, n));
      assert_null (iop_consent_report_get_text (r, n));
    }
}

static void
test_consent_incomplete_document_loads_and_lists_every_missing_element (void **state)
{
  static const char *const expected[] = { "disclosing_party", "information", "recipients", "revocation_statement",
                                          "expiration", "signature", "redisclosure_statement",
                                          "refusal_consequences_statement", "patient" };
  g_autoptr(iop_consent) c = load ("incomplete.json");
  g_autoptr(iop_consent_report) r = iop_consent_validate (c);
  g_autofree char *json = iop_consent_report_to_json (r);
  g_autoptr(JsonNode) root = parse_json (json);
  JsonArray *issues;
  (void) state;

  assert_false (iop_consent_report_is_valid (r));
  for (size_t e = 0; e < G_N_ELEMENTS (expected); e++)
    {
      gboolean found = FALSE;
      for (size_t k = 0; k < iop_consent_report_get_n_issues (r); k++)
        found |= strcmp (iop_consent_report_get_element (r, k), expected[e]) == 0;
      if (!found)
        fail_msg ("%s is not reported", expected[e]);
    }
  for (size_t k = 0; k < iop_consent_report_get_n_issues (r); k++)
    if (strcmp (iop_consent_report_get_element (r, k), "purpose") == 0 ||
        strcmp (iop_consent_report_get_element (r, k), "date_signed") == 0)
      fail_msg ("%s is present but reported", iop_consent_report_get_element (r, k));
  assert_false (json_node_get_boolean (json_at (root, "valid", NULL)));
  assert_str (json_node_get_string (json_at (root, "kind", NULL)), "tpo");
  issues = json_node_get_array (json_at (root, "issues", NULL));
  assert_int_equal (json_array_get_length (issues), iop_consent_report_get_n_issues (r));
  assert_str (json_object_get_string_member (json_array_get_object_element (issues, 0), "element"),
              iop_consent_report_get_element (r, 0));
}

/* ------------------------------------------------------------------------------------------ */

static const struct {
  const char *file; /* NULL: no consent on file */
  const char *recipient, *recipient_class, *purpose, *date, *data_class;
  const char *reasons; /* expected reason codes, comma-separated; "" when permitted */
} check_rows[] = {
  /* covered by class under the TPO consent */
  { "valid/tpo.json", "Lakeview Primary Care", "treating-providers", "treatment", "2026-05-01", "medications", "" },
  { "valid/tpo.json", "Acme Health Plan", "health-plans", "payment", "2026-05-01", "diagnoses", "" },
  { "valid/tpo.json", "Billing Partner", "program-operations", "health-care-operations", "2026-05-01", NULL, "" },
  { "valid/tpo.json", "Lakeview Primary Care", NULL, "treatment", "2026-05-01", NULL, "recipient-not-covered" },
  { "valid/tpo.json", "Acme Health Plan", "health-plans", "research", "2026-05-01", NULL, "purpose-not-covered" },
  { "valid/tpo.json", "Acme Health Plan", "health-plans", "patient-request", "2026-05-01", NULL, "purpose-not-covered" },
  /* counseling notes are never covered by a TPO consent, even with every other element right */
  { "valid/tpo.json", "Lakeview Primary Care", "treating-providers", "treatment", "2026-05-01", "counseling-notes",
    "counseling-notes-need-separate-consent" },
  /* signing day */
  { "valid/tpo.json", "Lakeview Primary Care", "treating-providers", "treatment", "2026-03-01", NULL, "not-yet-signed" },
  { "valid/tpo.json", "Lakeview Primary Care", "treating-providers", "treatment", "2026-03-02", NULL, "" },
  /* revoked 2026-06-01: before / on / after */
  { "valid/tpo-revoked.json", "Lakeview Primary Care", "treating-providers", "treatment", "2026-05-31", NULL, "" },
  { "valid/tpo-revoked.json", "Lakeview Primary Care", "treating-providers", "treatment", "2026-06-01", NULL, "revoked" },
  { "valid/tpo-revoked.json", "Lakeview Primary Care", "treating-providers", "treatment", "2026-06-02", NULL, "revoked" },
  /* expires 2026-12-31 (the last day in effect): day before / on / after */
  { "valid/specific.json", "Hillside Outpatient Counseling", NULL, "treatment", "2026-12-30", NULL, "" },
  { "valid/specific.json", "Hillside Outpatient Counseling", NULL, "treatment", "2026-12-31", NULL, "" },
  { "valid/specific.json", "Hillside Outpatient Counseling", NULL, "treatment", "2027-01-01", NULL, "expired" },
  /* expires at the end of treatment, which occurred 2026-09-30 */
  { "valid/tpo-end-of-treatment.json", "X", "treating-providers", "treatment", "2026-09-29", NULL, "" },
  { "valid/tpo-end-of-treatment.json", "X", "treating-providers", "treatment", "2026-09-30", NULL, "" },
  { "valid/tpo-end-of-treatment.json", "X", "treating-providers", "treatment", "2026-10-01", NULL, "expired" },
  /* the specific consent: by name, identifier, intermediary participant; wrong recipient, purpose, class */
  { "valid/specific.json", "NPI:1234567893", NULL, "patient-request", "2026-05-01", "care-plan", "" },
  { "valid/specific.json", "Lakeview Primary Care", NULL, "treatment", "2026-05-01", "medications", "" },
  { "valid/specific.json", "Valley Health Information Exchange", NULL, "treatment", "2026-05-01", NULL, "" },
  { "valid/specific.json", "Someone Else", NULL, "treatment", "2026-05-01", NULL, "recipient-not-covered" },
  { "valid/specific.json", "Someone Else", "treating-providers", "treatment", "2026-05-01", NULL, "recipient-not-covered" },
  { "valid/specific.json", "hillside outpatient counseling", NULL, "treatment", "2026-05-01", NULL, "recipient-not-covered" },
  { "valid/specific.json", "Hillside Outpatient Counseling", NULL, "payment", "2026-05-01", NULL, "purpose-not-covered" },
  { "valid/specific.json", "Hillside Outpatient Counseling", NULL, "treatment", "2026-05-01", "attendance",
    "data-class-not-covered" },
  { "valid/specific.json", "Hillside Outpatient Counseling", NULL, "treatment", "2026-05-01", "counseling-notes", "" },
  { "valid/tpo.json", "Lakeview Primary Care", "treating-providers", "treatment", "2026-05-01", "counseling-notes",
    "counseling-notes-need-separate-consent" },
  /* everything wrong at once: every reason is listed, in a stable order */
  { "valid/specific.json", "Someone Else", NULL, "payment", "2027-02-01", "attendance",
    "expired,recipient-not-covered,purpose-not-covered,data-class-not-covered" },
  { "valid/tpo-revoked.json", "X", NULL, "treatment", "2026-01-01", NULL, "not-yet-signed,recipient-not-covered" },
  /* an incomplete consent permits nothing */
  { "incomplete.json", "X", "treating-providers", "treatment", "2026-06-01", NULL, "consent-incomplete,recipient-not-covered" },
  /* no consent on file */
  { NULL, "Lakeview Primary Care", "treating-providers", "treatment", "2026-05-01", NULL, "no-consent" },
};

static void
test_consent_check_decides_each_disclosure (void **state)
{
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (check_rows); i++)
    {
      g_autoptr(iop_consent) c = check_rows[i].file ? load (check_rows[i].file) : NULL;
      iop_error *err = NULL;
      g_autoptr(iop_consent_decision) d = iop_consent_check (c, check_rows[i].recipient, check_rows[i].recipient_class,
                                                            check_rows[i].purpose, check_rows[i].date,
                                                            check_rows[i].data_class, &err);
      g_autoptr(GString) got = g_string_new (NULL);

      if (d == NULL)
        fail_msg ("row %zu: %s", i, iop_error_get_message (err));
      for (size_t k = 0; k < iop_consent_decision_get_n_reasons (d); k++)
        {
          g_string_append_printf (got, "%s%s", k ? "," : "", iop_consent_decision_get_reason_code (d, k));
          assert_true (strlen (iop_consent_decision_get_reason_text (d, k)) > 10);
          assert_no_phi (iop_consent_decision_get_reason_text (d, k), "a reason");
        }
      if (strcmp (got->str, check_rows[i].reasons) != 0)
        fail_msg ("row %zu (%s, %s, %s on %s): expected [%s], got [%s]", i, check_rows[i].file ? check_rows[i].file : "no consent",
                  check_rows[i].recipient, check_rows[i].purpose, check_rows[i].date, check_rows[i].reasons, got->str);
      assert_int_equal (iop_consent_decision_is_permitted (d), check_rows[i].reasons[0] == '\0');

      /* The gate agrees with the check and gives its first reason. */
      {
        iop_error *gate_err = NULL;
        bool ok = iop_consent_require (c, check_rows[i].recipient, check_rows[i].recipient_class, check_rows[i].purpose,
                                       check_rows[i].date, check_rows[i].data_class, &gate_err);
        assert_int_equal (ok, iop_consent_decision_is_permitted (d));
        if (ok)
          assert_null (gate_err);
        else
          {
            assert_non_null (gate_err);
            assert_int_equal (iop_error_get_code (gate_err), IOP_ERROR_PERMISSION_DENIED);
            assert_non_null (strstr (iop_error_get_message (gate_err), iop_consent_decision_get_reason_code (d, 0)));
            assert_non_null (strstr (iop_error_get_message (gate_err), iop_consent_decision_get_reason_text (d, 0)));
            assert_no_phi (iop_error_get_message (gate_err), "the gate's error");
            iop_error_free (gate_err);
          }
      }
    }
}

static void
test_consent_gate_without_consent_and_with_bad_arguments (void **state)
{
  g_autoptr(iop_consent) c = load ("valid/tpo.json");
  static const struct {
    const char *recipient, *recipient_class, *purpose, *date, *data_class;
  } bad[] = {
    { "X", NULL, "treatment", "2026-02-30", NULL },
    { "X", NULL, "treatment", "2026-5-01", NULL },
    { "X", NULL, "treatment", "", NULL },
    { "X", NULL, "marketing", "2026-05-01", NULL },
    { "X", "employers", "treatment", "2026-05-01", NULL },
    { "X", NULL, "treatment", "2026-05-01", "psychotherapy-notes" },
    { "", NULL, "treatment", "2026-05-01", NULL },
  };
  iop_error *err = NULL;
  (void) state;

  assert_false (iop_consent_require (NULL, "X", "treating-providers", "treatment", "2026-05-01", NULL, &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_PERMISSION_DENIED);
  assert_int_equal (IOP_ERROR_PERMISSION_DENIED, 8);
  assert_non_null (strstr (iop_error_get_message (err), "no consent on file"));
  iop_error_free (err);
  err = NULL;
  assert_true (iop_consent_require (c, "X", "treating-providers", "treatment", "2026-05-01", NULL, &err));
  assert_null (err);
  assert_true (iop_consent_require (c, "X", "treating-providers", "treatment", "2026-05-01", NULL, NULL));
  assert_false (iop_consent_require (c, "X", NULL, "treatment", "2026-05-01", NULL, NULL));
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    for (int with_consent = 0; with_consent < 2; with_consent++)
      {
        iop_consent *target = with_consent ? c : NULL;
        err = NULL;
        if (iop_consent_require (target, bad[i].recipient, bad[i].recipient_class, bad[i].purpose, bad[i].date,
                                 bad[i].data_class, &err))
          fail_msg ("bad row %zu: permitted", i);
        if (err == NULL || iop_error_get_code (err) != IOP_ERROR_INVALID_ARGUMENT)
          fail_msg ("bad row %zu: expected INVALID_ARGUMENT, got %s", i, err ? iop_error_get_message (err) : "no error");
        iop_error_free (err);
        err = NULL;
        assert_null (iop_consent_check (target, bad[i].recipient, bad[i].recipient_class, bad[i].purpose, bad[i].date,
                                        bad[i].data_class, &err));
        assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
        iop_error_free (err);
      }
}

static void
test_consent_incomplete_reason_lists_each_element_once (void **state)
{
  /* revocation_statement and revocation both at fault: each named once, neither hidden. */
  g_autoptr(iop_consent) c = load_mutated ("valid/tpo-revoked.json", "revocation_statement", "null");
  g_autoptr(iop_consent_decision) d = NULL;
  (void) state;
  assert_true (iop_consent_set_revocation (c, "2026-03-01", NULL, NULL));
  d = iop_consent_check (c, "X", "health-plans", "payment", "2026-02-01", NULL, NULL);
  assert_str (iop_consent_decision_get_reason_code (d, 0), "consent-incomplete");
  assert_non_null (strstr (iop_consent_decision_get_reason_text (d, 0), "(revocation_statement, revocation)"));
}

static void
test_consent_decision_json (void **state)
{
  g_autoptr(iop_consent) c = load ("valid/tpo-revoked.json");
  g_autoptr(iop_consent_decision) d = iop_consent_check (c, "X", NULL, "payment", "2026-07-01", "counseling-notes", NULL);
  g_autoptr(iop_consent_decision) ok = iop_consent_check (c, "X", "health-plans", "payment", "2026-05-01", NULL, NULL);
  g_autofree char *text = iop_consent_decision_to_json (d);
  g_autofree char *ok_text = iop_consent_decision_to_json (ok);
  g_autoptr(JsonNode) root = parse_json (text);
  g_autoptr(JsonNode) ok_root = parse_json (ok_text);
  JsonArray *reasons;
  (void) state;

  assert_false (json_node_get_boolean (json_at (root, "permitted", NULL)));
  assert_str (json_node_get_string (json_at (root, "purpose", NULL)), "payment");
  assert_str (json_node_get_string (json_at (root, "date", NULL)), "2026-07-01");
  assert_str (json_node_get_string (json_at (root, "data_class", NULL)), "counseling-notes");
  reasons = json_node_get_array (json_at (root, "reasons", NULL));
  assert_int_equal (json_array_get_length (reasons), 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *r = json_array_get_object_element (reasons, i);
      assert_str (json_object_get_string_member (r, "code"), iop_consent_decision_get_reason_code (d, i));
      assert_str (json_object_get_string_member (r, "text"), iop_consent_decision_get_reason_text (d, i));
    }
  assert_str (iop_consent_decision_get_reason_code (d, 0), "revoked");
  assert_null (iop_consent_decision_get_reason_code (d, 3));
  assert_true (json_node_get_boolean (json_at (ok_root, "permitted", NULL)));
  assert_true (JSON_NODE_HOLDS_NULL (json_at (ok_root, "data_class", NULL)));
  assert_int_equal (json_array_get_length (json_node_get_array (json_at (ok_root, "reasons", NULL))), 0);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_consent_round_trip_is_byte_identical (void **state)
{
  static const char *const files[] = { "valid/tpo.json", "valid/specific.json", "valid/tpo-revoked.json",
                                       "valid/tpo-end-of-treatment.json", "incomplete.json" };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(iop_consent) c = load (files[i]);
      g_autofree char *first = iop_consent_to_json (c);
      iop_error *err = NULL;
      g_autoptr(iop_consent) again = iop_consent_new_from_json (first, &err);
      g_autofree char *second = NULL;
      g_autoptr(iop_consent) copy = iop_consent_copy (c);
      g_autofree char *third = iop_consent_to_json (copy);
      g_autoptr(iop_consent_report) r1 = iop_consent_validate (c);
      g_autoptr(iop_consent_report) r2 = NULL;

      if (again == NULL)
        fail_msg ("%s: libiop's output does not read back: %s", files[i], iop_error_get_message (err));
      second = iop_consent_to_json (again);
      assert_string_equal (first, second);
      assert_string_equal (first, third);
      r2 = iop_consent_validate (again);
      assert_int_equal (iop_consent_report_get_n_issues (r1), iop_consent_report_get_n_issues (r2));
    }
}

static void
test_consent_getters_and_revocation (void **state)
{
  g_autoptr(iop_consent) tpo = load ("valid/tpo.json");
  g_autoptr(iop_consent) spec = load ("valid/specific.json");
  iop_error *err = NULL;
  (void) state;

  assert_str (iop_consent_get_kind (tpo), "tpo");
  assert_str (iop_consent_get_kind (spec), "specific");
  assert_str (iop_consent_get_id (tpo), "consent-tpo-1");
  assert_str (iop_consent_get_date_signed (spec), "2026-04-15");
  assert_str (iop_consent_get_expiration_date (spec), "2026-12-31");
  assert_null (iop_consent_get_expiration_date (tpo));
  assert_null (iop_consent_get_revocation_date (tpo));
  assert_true (iop_consent_require (tpo, "X", "health-plans", "payment", "2026-08-01", NULL, NULL));

  assert_false (iop_consent_set_revocation (tpo, "2026-13-01", NULL, &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  iop_error_free (err);
  err = NULL;
  assert_null (iop_consent_get_revocation_date (tpo));
  assert_true (iop_consent_set_revocation (tpo, "2026-08-01", "in writing", &err));
  assert_str (iop_consent_get_revocation_date (tpo), "2026-08-01");
  assert_true (iop_consent_require (tpo, "X", "health-plans", "payment", "2026-07-31", NULL, NULL));
  assert_false (iop_consent_require (tpo, "X", "health-plans", "payment", "2026-08-01", NULL, &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_PERMISSION_DENIED);
  assert_non_null (strstr (iop_error_get_message (err), "revoked"));
  iop_error_free (err);
  {
    g_autofree char *json = iop_consent_to_json (tpo);
    g_autoptr(JsonNode) root = parse_json (json);
    assert_str (json_node_get_string (json_at (root, "revocation", "date", NULL)), "2026-08-01");
    assert_str (json_node_get_string (json_at (root, "revocation", "how", NULL)), "in writing");
  }

  assert_true (iop_consent_data_class_is_known ("counseling-notes"));
  assert_false (iop_consent_data_class_is_known ("psychotherapy-notes"));
  assert_true (iop_consent_recipient_class_is_known ("third-party-payers"));
  assert_false (iop_consent_recipient_class_is_known ("employers"));
  assert_str (iop_consent_purpose_to_code ("treatment"), "TREAT");
  assert_str (iop_consent_purpose_to_code ("payment"), "HPAYMT");
  assert_str (iop_consent_purpose_to_code ("health-care-operations"), "HOPERAT");
  assert_str (iop_consent_purpose_to_code ("patient-request"), "PATRQT");
  assert_null (iop_consent_purpose_to_code ("marketing"));
}

/* ------------------------------------------------------------------------------------------ */
/* Building a consent from scratch gives the same document as reading it. */

static void
test_consent_built_from_scratch_equals_the_document (void **state)
{
  g_autoptr(iop_consent) doc = load ("valid/specific.json");
  g_autoptr(iop_consent) c = iop_consent_new ("specific", NULL);
  g_autoptr(iop_consent_report) empty = iop_consent_validate (c);
  g_autofree char *want = iop_consent_to_json (doc);
  g_autofree char *got = NULL;
  (void) state;

  assert_false (iop_consent_report_is_valid (empty));
  assert_true (iop_consent_set_id (c, "consent-specific-1", NULL));
  assert_true (iop_consent_set_patient (c, "Test Patient Two", "pt-0002", NULL));
  iop_consent_set_disclosing_party (c, NULL, "the clinical staff of the intensive outpatient program");
  iop_consent_set_information (c, "Discharge summary, current medications and the continuing-care plan");
  for (const char *const *dc = (const char *const[]) { "diagnoses", "medications", "care-plan", "counseling-notes", NULL };
       *dc != NULL; dc++)
    assert_true (iop_consent_add_data_class (c, *dc, NULL));
  assert_true (iop_consent_add_recipient (c, "Hillside Outpatient Counseling", "NPI:1234567893", NULL, NULL));
  assert_true (iop_consent_add_intermediary (c, "Valley Health Information Exchange", NULL, NULL, NULL));
  assert_true (iop_consent_add_participant (c, "Lakeview Primary Care", NULL));
  assert_true (iop_consent_add_purpose (c, "treatment", NULL));
  assert_true (iop_consent_add_purpose (c, "patient-request", NULL));
  iop_consent_set_revocation_statement (c, true, "Tell the front desk in writing", true);
  assert_true (iop_consent_set_expiration (c, "date", "2026-12-31", NULL));
  assert_true (iop_consent_set_signature (c, "Guardian of Test Patient Two", "authorized-representative", false, NULL));
  assert_true (iop_consent_set_date_signed (c, "2026-04-15", NULL));
  got = iop_consent_to_json (c);
  assert_string_equal (got, want);
}

static void
test_consent_setters_refuse_bad_arguments (void **state)
{
  g_autoptr(iop_consent) c = iop_consent_new ("tpo", NULL);
  g_autofree char *before = NULL, *after = NULL;
  iop_error *err = NULL;
  (void) state;

  assert_null (iop_consent_new ("general", &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  iop_error_free (err);
  assert_true (iop_consent_set_expiration (c, "event", "end of treatment", NULL));
  assert_true (iop_consent_add_purpose (c, "treatment", NULL));
  assert_true (iop_consent_add_data_class (c, "medications", NULL));
  before = iop_consent_to_json (c);
#define REFUSED(call)                                                             \
  do {                                                                            \
    iop_error *e = NULL;                                                          \
    if (call)                                                                     \
      fail_msg ("accepted: %s", #call);                                           \
    if (e == NULL || iop_error_get_code (e) != IOP_ERROR_INVALID_ARGUMENT)        \
      fail_msg ("%s: expected INVALID_ARGUMENT", #call);                          \
    assert_no_phi (iop_error_get_message (e), #call);                             \
    iop_error_free (e);                                                           \
  } while (0)
  REFUSED (iop_consent_set_id (c, "consent #1", &e));
  REFUSED (iop_consent_set_patient (c, "Test Patient", "pt-000 1", &e));
  REFUSED (iop_consent_add_data_class (c, "psychotherapy-notes", &e));
  REFUSED (iop_consent_add_data_class (c, "medications", &e));
  REFUSED (iop_consent_add_purpose (c, "marketing", &e));
  REFUSED (iop_consent_add_purpose (c, "treatment", &e));
  REFUSED (iop_consent_add_recipient (c, NULL, NULL, NULL, &e));
  REFUSED (iop_consent_add_recipient (c, "Hillside", NULL, "employers", &e));
  REFUSED (iop_consent_add_intermediary (c, NULL, NULL, "treating-providers", &e));
  REFUSED (iop_consent_add_participant (c, "Lakeview", &e));
  REFUSED (iop_consent_set_expiration (c, "when-discharged", NULL, &e));
  REFUSED (iop_consent_set_expiration (c, "date", "12/31/2026", &e));
  REFUSED (iop_consent_set_expiration (c, "date", NULL, &e));
  REFUSED (iop_consent_set_expiration (c, "none", "2026-12-31", &e));
  REFUSED (iop_consent_set_event_occurred (c, "2026-02-30", &e));
  REFUSED (iop_consent_set_signature (c, "Test Patient", "friend", true, &e));
  REFUSED (iop_consent_set_date_signed (c, "2026-02-30", &e));
#undef REFUSED
  after = iop_consent_to_json (c);
  assert_string_equal (before, after); /* unchanged by every refusal */

  /* An intermediary's participants, and an event that occurred. */
  assert_true (iop_consent_add_recipient (c, "Hillside", NULL, NULL, NULL));
  assert_false (iop_consent_add_participant (c, "Lakeview", NULL));
  assert_true (iop_consent_add_intermediary (c, NULL, "HIE-7", "treating-providers", NULL));
  assert_true (iop_consent_add_participant (c, "Lakeview", NULL));
  assert_true (iop_consent_set_event_occurred (c, "2026-09-30", NULL));
  assert_null (iop_consent_get_expiration_date (c));
  {
    g_autofree char *json = iop_consent_to_json (c);
    g_autoptr(JsonNode) root = parse_json (json);
    JsonArray *rec = json_node_get_array (json_at (root, "recipients", NULL));
    JsonObject *hie = json_array_get_object_element (rec, 1);
    assert_true (json_object_get_boolean_member (hie, "intermediary"));
    assert_str (json_object_get_string_member (hie, "participant_class"), "treating-providers");
    assert_str (json_node_get_string (json_array_get_element (json_object_get_array_member (hie, "participants"), 0)),
                "Lakeview");
    assert_str (json_node_get_string (json_at (root, "expiration", "occurred", NULL)), "2026-09-30");
  }
  assert_true (iop_consent_set_expiration (c, "none", NULL, NULL));
  assert_false (iop_consent_set_event_occurred (c, "2026-09-30", NULL));
  assert_true (iop_consent_set_id (c, NULL, NULL));
  assert_null (iop_consent_get_id (c));
}

/* ------------------------------------------------------------------------------------------ */

static const struct {
  const char *file;
  iop_error_code code;
  const char *path;
} invalid_docs[] = {
  { "unknown-member.json", IOP_ERROR_PARSE, "$.notes" },
  { "date-signed-not-a-calendar-date.json", IOP_ERROR_INVALID_DATA, "$.date_signed" },
  { "unknown-data-class.json", IOP_ERROR_INVALID_DATA, "$.information.data_classes[1]" },
  { "unknown-purpose.json", IOP_ERROR_INVALID_DATA, "$.purposes[0]" },
  { "duplicate-purpose.json", IOP_ERROR_INVALID_DATA, "$.purposes[1]" },
  { "patient-name-not-a-string.json", IOP_ERROR_PARSE, "$.patient.name" },
  { "missing-kind.json", IOP_ERROR_PARSE, "$.kind" },
  { "unknown-kind.json", IOP_ERROR_INVALID_DATA, "$.kind" },
  { "recipient-not-an-object.json", IOP_ERROR_PARSE, "$.recipients[0]" },
  { "unknown-recipient-class.json", IOP_ERROR_INVALID_DATA, "$.recipients[1].class" },
  { "participants-without-intermediary.json", IOP_ERROR_INVALID_DATA, "$.recipients[0].participants" },
  { "expiration-date-with-type-none.json", IOP_ERROR_INVALID_DATA, "$.expiration.date" },
  { "unknown-expiration-type.json", IOP_ERROR_INVALID_DATA, "$.expiration.type" },
  { "revocation-without-date.json", IOP_ERROR_PARSE, "$.revocation.date" },
  { "unknown-signer-role.json", IOP_ERROR_INVALID_DATA, "$.signature.role" },
  { "id-not-a-fhir-id.json", IOP_ERROR_INVALID_DATA, "$.id" },
  { "wrong-format.json", IOP_ERROR_INVALID_DATA, "$.format" },
  { "unknown-revocation-statement-member.json", IOP_ERROR_PARSE, "$.revocation_statement.text" },
  { "expiration-date-malformed.json", IOP_ERROR_INVALID_DATA, "$.expiration.date" },
  { "participant-not-a-string.json", IOP_ERROR_PARSE, "$.recipients[1].participants[0]" },
};

static void
test_consent_invalid_documents_fail_with_the_expected_code_and_path (void **state)
{
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (invalid_docs); i++)
    {
      g_autofree char *rel = g_build_filename ("invalid", invalid_docs[i].file, NULL);
      g_autofree char *path = g_build_filename (CONSENT_DATA, rel, NULL);
      iop_error *err = NULL;
      iop_consent *c = iop_consent_new_from_file (path, &err);
      const char *p;
      if (c != NULL)
        {
          iop_consent_free (c);
          fail_msg ("%s: loaded", invalid_docs[i].file);
        }
      if (err == NULL)
        fail_msg ("%s: no error", invalid_docs[i].file);
      p = iop_error_get_path (err);
      if (iop_error_get_code (err) != invalid_docs[i].code || p == NULL || strcmp (p, invalid_docs[i].path) != 0)
        fail_msg ("%s: expected %d at %s, got %d at %s (%s)", invalid_docs[i].file, invalid_docs[i].code,
                  invalid_docs[i].path, iop_error_get_code (err), p ? p : "NULL", iop_error_get_message (err));
      assert_no_phi (iop_error_get_message (err), invalid_docs[i].file);
      iop_error_free (err);
    }
}

static void
test_consent_invalid_corpus_matches_the_table (void **state)
{
  const char *files[G_N_ELEMENTS (invalid_docs)];
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (invalid_docs); i++)
    files[i] = invalid_docs[i].file;
  iop_test_check_corpus (CONSENT_DATA, "invalid", files, G_N_ELEMENTS (files));
}

static void
test_consent_missing_file_and_bad_text (void **state)
{
  iop_error *err = NULL;
  (void) state;
  assert_null (iop_consent_new_from_file (CONSENT_DATA "/no-such-consent.json", &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_IO);
  iop_error_free (err);
  err = NULL;
  assert_null (iop_consent_new_from_json ("{\"format\": \"libiop-consent\",", &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_PARSE);
  iop_error_free (err);
  err = NULL;
  assert_null (iop_consent_new_from_json ("[]", &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_PARSE);
  iop_error_free (err);
  err = NULL;
  assert_null (iop_consent_new_from_json ("{\"format\": \"libiop-consent\", \"format_version\": 2, \"kind\": \"tpo\"}", &err));
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_DATA);
  assert_str (iop_error_get_path (err), "$.format_version");
  iop_error_free (err);
}

/* ------------------------------------------------------------------------------------------ */
/* FHIR R4 Consent */

static JsonNode *
fhir_of (const char *relative)
{
  g_autoptr(iop_consent) c = load (relative);
  iop_error *err = NULL;
  g_autofree char *text = iop_consent_to_fhir (c, &err);
  if (text == NULL)
    fail_msg ("%s: %s", relative, iop_error_get_message (err));
  return parse_json (text);
}

static const char *
coding_code (JsonNode *concept)
{
  JsonArray *coding = json_object_get_array_member (json_node_get_object (concept), "coding");
  return json_object_get_string_member (json_array_get_object_element (coding, 0), "code");
}

static gboolean
array_has_code (JsonArray *arr, gboolean concepts, const char *code)
{
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *n = json_array_get_element (arr, i);
      const char *got = concepts ? coding_code (n) : json_object_get_string_member (json_node_get_object (n), "code");
      if (strcmp (got, code) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
test_consent_fhir_export (void **state)
{
  g_autoptr(JsonNode) tpo = fhir_of ("valid/tpo.json");
  g_autoptr(JsonNode) spec = fhir_of ("valid/specific.json");
  g_autoptr(JsonNode) revoked = fhir_of ("valid/tpo-revoked.json");
  g_autoptr(JsonNode) event = fhir_of ("valid/tpo-end-of-treatment.json");
  g_autoptr(JsonNode) draft = fhir_of ("incomplete.json");
  JsonArray *arr, *nested;
  JsonObject *provision;
  (void) state;

  assert_str (json_node_get_string (json_at (tpo, "resourceType", NULL)), "Consent");
  assert_str (json_node_get_string (json_at (tpo, "id", NULL)), "consent-tpo-1");
  assert_str (json_node_get_string (json_at (tpo, "status", NULL)), "active");
  assert_str (json_node_get_string (json_at (revoked, "status", NULL)), "inactive");
  assert_str (json_node_get_string (json_at (draft, "status", NULL)), "draft");
  assert_str (coding_code (json_at (tpo, "scope", NULL)), "patient-privacy");
  assert_str (coding_code (json_at (draft, "scope", NULL)), "patient-privacy");
  arr = json_node_get_array (json_at (tpo, "category", NULL));
  assert_true (array_has_code (arr, TRUE, "59284-0"));
  assert_str (coding_code (json_at (tpo, "policyRule", NULL)), "42CFRPart2");
  arr = json_node_get_array (json_at (tpo, "policy", NULL));
  assert_non_null (strstr (json_object_get_string_member (json_array_get_object_element (arr, 0), "uri"), "part-2"));
  assert_str (json_node_get_string (json_at (tpo, "patient", "reference", NULL)), "Patient/pt-0001");
  assert_str (json_node_get_string (json_at (tpo, "dateTime", NULL)), "2026-03-02");
  arr = json_node_get_array (json_at (tpo, "meta", "security", NULL));
  assert_int_equal (json_array_get_length (arr), 4);
  assert_true (array_has_code (arr, FALSE, "R"));
  assert_true (array_has_code (arr, FALSE, "ETH"));
  assert_true (array_has_code (arr, FALSE, "42CFRPart2"));
  assert_true (array_has_code (arr, FALSE, "NORDSCLCD"));

  /* TPO: permit for the four recipient classes and TPO purposes, counseling notes denied. */
  provision = json_node_get_object (json_at (tpo, "provision", NULL));
  assert_str (json_object_get_string_member (provision, "type"), "permit");
  assert_str (json_node_get_string (json_at (tpo, "provision", "period", "start", NULL)), "2026-03-02");
  assert_null (json_at (tpo, "provision", "period", "end", NULL));
  arr = json_object_get_array_member (provision, "actor");
  assert_int_equal (json_array_get_length (arr), 4);
  for (guint i = 0; i < 4; i++)
    assert_str (coding_code (json_object_get_member (json_array_get_object_element (arr, i), "role")), "IRCP");
  arr = json_object_get_array_member (provision, "purpose");
  assert_int_equal (json_array_get_length (arr), 3);
  assert_true (array_has_code (arr, FALSE, "TREAT"));
  assert_true (array_has_code (arr, FALSE, "HPAYMT"));
  assert_true (array_has_code (arr, FALSE, "HOPERAT"));
  assert_str (coding_code (json_array_get_element (json_object_get_array_member (provision, "action"), 0)), "disclose");
  assert_false (array_has_code (json_object_get_array_member (provision, "code"), TRUE, "counseling-notes"));
  nested = json_object_get_array_member (provision, "provision");
  assert_int_equal (json_array_get_length (nested), 1);
  assert_str (json_object_get_string_member (json_array_get_object_element (nested, 0), "type"), "deny");
  assert_true (array_has_code (json_object_get_array_member (json_array_get_object_element (nested, 0), "code"), TRUE,
                               "counseling-notes"));

  /* Specific: period to the expiry date, actors for the provider, the HIE and its participant,
   * counseling notes permitted, no nested deny. */
  assert_str (json_node_get_string (json_at (spec, "provision", "period", "end", NULL)), "2026-12-31");
  provision = json_node_get_object (json_at (spec, "provision", NULL));
  assert_int_equal (json_array_get_length (json_object_get_array_member (provision, "actor")), 3);
  assert_str (json_node_get_string (json_at (json_array_get_element (json_object_get_array_member (provision, "actor"), 0),
                                              "reference", "identifier", "value", NULL)), "NPI:1234567893");
  assert_true (array_has_code (json_object_get_array_member (provision, "purpose"), FALSE, "PATRQT"));
  assert_true (array_has_code (json_object_get_array_member (provision, "code"), TRUE, "counseling-notes"));
  assert_false (json_object_has_member (provision, "provision"));
  assert_str (json_node_get_string (json_at (event, "provision", "period", "end", NULL)), "2026-09-30");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_consent_complete_documents_are_valid),
    cmocka_unit_test (test_consent_every_missing_element_is_reported),
    cmocka_unit_test (test_consent_incomplete_document_loads_and_lists_every_missing_element),
    cmocka_unit_test (test_consent_check_decides_each_disclosure),
    cmocka_unit_test (test_consent_gate_without_consent_and_with_bad_arguments),
    cmocka_unit_test (test_consent_incomplete_reason_lists_each_element_once),
    cmocka_unit_test (test_consent_decision_json),
    cmocka_unit_test (test_consent_round_trip_is_byte_identical),
    cmocka_unit_test (test_consent_getters_and_revocation),
    cmocka_unit_test (test_consent_built_from_scratch_equals_the_document),
    cmocka_unit_test (test_consent_setters_refuse_bad_arguments),
    cmocka_unit_test (test_consent_invalid_documents_fail_with_the_expected_code_and_path),
    cmocka_unit_test (test_consent_invalid_corpus_matches_the_table),
    cmocka_unit_test (test_consent_missing_file_and_bad_text),
    cmocka_unit_test (test_consent_fhir_export),
  };
  iop_test_apply_filters ();
  return cmocka_run_group_tests_name ("consent", tests, NULL, NULL);
}
