/*
 * Mutation robustness: every loader gets thousands of corrupted variants of valid documents (the
 * built-in packs, an assessment, a measure series, a schedule, a claims document, an episode,
 * consents, care-plan templates and plans, pre-authorization documents). Each load must either
 * succeed or fail with an error that has a message; never crash, hang or leak. A document that
 * loads must also write itself back byte for byte. Run
 * under ASan+UBSan and valgrind in CI, this is the project's standing fuzz smoke test. The
 * mutations are deterministic (a fixed xorshift seed), so a failure reproduces exactly; set
 * IOP_FUZZ_ROUNDS for a longer run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib.h>
#include <string.h>
#include <libiop/iop.h>
#include <libiop/iop-glib.h>

#include "iop-test.h"

typedef struct {
  guint32 state;
} Rng;

static guint32
next (Rng *rng)
{
  rng->state ^= rng->state << 13;
  rng->state ^= rng->state >> 17;
  rng->state ^= rng->state << 5;
  return rng->state;
}

/* One random edit: flip a byte, delete a span, duplicate a span, or splice in a JSON token. */
static char *
mutate (const char *text, Rng *rng)
{
  static const char *const tokens[] = {
    "null", "true", "-1", "0", "1e309", "\"\"", "{}", "[]", "\"x\"", ",", ":", "}", "]", "{", "[",
    "\"\\u0000\"", "99999999999999999999", "1.5", "\"2026-02-30\"", "\"2.1\"", "\"asam3\"" };
  gsize len = strlen (text);
  GString *out = g_string_new (text);
  gsize at = len ? next (rng) % len : 0;

  switch (next (rng) % 4)
    {
    case 0:
      if (len > 0)
        out->str[at] = (char) (0x20 + next (rng) % 0x5f);
      break;
    case 1:
      {
        /* Drawn once: MIN() evaluates its arguments twice. */
        gsize span = 1 + next (rng) % 16;
        g_string_erase (out, (gssize) at, (gssize) MIN (len - at, span));
        break;
      }
    case 2:
      {
        gsize want = 1 + next (rng) % 32;
        gsize span = MIN (len - at, want);
        g_autofree char *copy = g_strndup (text + at, span);
        g_string_insert (out, (gssize) (next (rng) % (len + 1)), copy);
        break;
      }
    default:
      g_string_insert (out, (gssize) at, tokens[next (rng) % G_N_ELEMENTS (tokens)]);
      break;
    }
  return g_string_free (out, FALSE);
}

static guint
rounds (void)
{
  const char *env = g_getenv ("IOP_FUZZ_ROUNDS");
  guint64 n = 0;
  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 10000000, &n, NULL))
    return (guint) n;
  return g_getenv ("IOP_UNDER_VALGRIND") != NULL ? 150 : 1500;
}

/* Checks the outcome of one load: a result, or an error with a message, never both or neither. */
static void
check_outcome (gboolean loaded, iop_error *error, guint *n_loaded)
{
  if (loaded)
    {
      assert_null (error);
      (*n_loaded)++;
    }
  else
    {
      assert_non_null (error);
      assert_non_null (iop_error_get_message (error));
      assert_true (*iop_error_get_message (error) != '\0');
    }
  iop_error_free (error);
}

typedef gboolean (*Loader) (const char *text, iop_error **error);

static gboolean
load_continuum (const char *text, iop_error **error)
{
  iop_continuum *c = iop_continuum_new_from_json (text, error);
  iop_continuum_unref (c);
  return c != NULL;
}

static gboolean
load_measures (const char *text, iop_error **error)
{
  iop_measure_set *s = iop_measure_set_new_from_json (text, error);
  iop_measure_set_unref (s);
  return s != NULL;
}

static gboolean
load_placement (const char *text, iop_error **error)
{
  iop_placer *p = iop_placer_new_from_json (NULL, text, error);
  iop_placer_unref (p);
  return p != NULL;
}

static gboolean
load_compliance (const char *text, iop_error **error)
{
  iop_compliance_rules *r = iop_compliance_rules_new_from_json (NULL, text, error);
  iop_compliance_rules_unref (r);
  return r != NULL;
}

static gboolean
load_schedule (const char *text, iop_error **error)
{
  iop_schedule *s = iop_schedule_new_from_json (text, error);
  iop_schedule_free (s);
  return s != NULL;
}

static gboolean
load_program (const char *text, iop_error **error)
{
  iop_program *p = iop_program_new_from_json (text, error);
  iop_program_unref (p);
  return p != NULL;
}

/* Whatever consent loads must also validate, decide, gate, serialize byte-stably and export. */
static gboolean
load_consent (const char *text, iop_error **error)
{
  iop_consent *c = iop_consent_new_from_json (text, error);
  if (c != NULL)
    {
      g_autofree char *json = iop_consent_to_json (c);
      g_autofree char *fhir = iop_consent_to_fhir (c, NULL);
      iop_consent *again = iop_consent_new_from_json (json, NULL);
      g_autofree char *json2 = NULL;
      iop_consent_report *report = iop_consent_validate (c);
      iop_consent_decision *d = iop_consent_check (c, "Lakeview Primary Care", "treating-providers", "treatment",
                                                   "2026-06-01", "counseling-notes", NULL);
      assert_non_null (fhir);
      assert_non_null (again);
      json2 = iop_consent_to_json (again);
      assert_string_equal (json, json2);
      assert_non_null (d);
      assert_int_equal (iop_consent_decision_is_permitted (d), iop_consent_decision_get_n_reasons (d) == 0);
      (void) iop_consent_require (c, "Hillside", NULL, "payment", "2026-12-31", NULL, NULL);
      iop_consent_decision_free (d);
      iop_consent_report_free (report);
      iop_consent_free (again);
    }
  iop_consent_free (c);
  return c != NULL;
}

static void
fuzz (const char *seed_text, Loader loader, guint32 seed, guint n)
{
  Rng rng = { seed };
  guint n_loaded = 0;
  iop_error *error = NULL;

  /* The unmutated document loads. (The loader runs before its error is read: the order in which
   * function arguments are evaluated is unspecified.) */
  gboolean loaded = loader (seed_text, &error);
  check_outcome (loaded, error, &n_loaded);
  assert_int_equal (n_loaded, 1);
  for (guint i = 0; i < n; i++)
    {
      /* Stack one to three edits so that damage is not always local. */
      g_autofree char *a = mutate (seed_text, &rng);
      g_autofree char *b = next (&rng) % 2 ? mutate (a, &rng) : g_strdup (a);
      g_autofree char *c = next (&rng) % 3 == 0 ? mutate (b, &rng) : g_strdup (b);
      error = NULL;
      loaded = loader (c, &error);
      check_outcome (loaded, error, &n_loaded);
    }
  /* Many variants must get past the syntax check, or the loaders' own rules go untested. */
  print_message ("  %u of %u variants loaded\n", n_loaded, n + 1);
}

static void
test_fuzz_continuum_pack_loader (void **state)
{
  g_autofree char *text = iop_continuum_default_pack_json ();
  (void) state;
  fuzz (text, load_continuum, 2463534242u, rounds ());
}

static void
test_fuzz_measures_pack_loader (void **state)
{
  g_autofree char *text = iop_measure_set_default_pack_json ();
  (void) state;
  fuzz (text, load_measures, 88172645u, rounds ());
}

static void
test_fuzz_placement_pack_loader (void **state)
{
  g_autofree char *text = iop_placer_default_pack_json ();
  (void) state;
  fuzz (text, load_placement, 5783321u, rounds () / 3);
}

static void
test_fuzz_compliance_pack_loader (void **state)
{
  g_autofree char *text = iop_compliance_rules_default_pack_json ();
  (void) state;
  fuzz (text, load_compliance, 1234567u, rounds ());
}

static void
test_fuzz_program_pack_loader (void **state)
{
  g_autofree char *text = iop_program_default_pack_json ();
  (void) state;
  fuzz (text, load_program, 3141592u, rounds ());
}

static void
test_fuzz_schedule_document_reader (void **state)
{
  g_autoptr(iop_schedule) s = iop_schedule_new ();
  g_autofree char *text = NULL;
  (void) state;
  assert_true (iop_schedule_add_session (s, IOP_MONDAY, "09:00", 180, "group-therapy", NULL));
  assert_true (iop_schedule_add_session (s, IOP_WEDNESDAY, "18:00", 90, "family-therapy", NULL));
  assert_true (iop_schedule_add_session (s, IOP_FRIDAY, NULL, 60, "individual-counseling", NULL));
  text = iop_schedule_to_json (s);
  fuzz (text, load_schedule, 42u, rounds () * 2);
}

static void
test_fuzz_consent_document_reader (void **state)
{
  static const char *const files[] = { "specific.json", "tpo-revoked.json" };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (IOP_TEST_DATA_DIR, "consent", "valid", files[i], NULL);
      g_autofree char *text = NULL;
      assert_true (g_file_get_contents (path, &text, NULL, NULL));
      fuzz (text, load_consent, 2024u + (guint32) i, rounds ());
    }
}

/* Patient documents and claims need a pack to be read against: one shared per test. */
static iop_placer *fuzz_placer;
static iop_measure_set *fuzz_measures;
static iop_compliance_rules *fuzz_rules;

static gboolean
load_assessment (const char *text, iop_error **error)
{
  iop_assessment *a = iop_assessment_new_from_json (fuzz_placer, text, error);
  if (a != NULL && iop_assessment_is_complete (a))
    {
      /* Whatever loads must also place (or refuse cleanly) and serialize. */
      iop_error *inner = NULL;
      iop_recommendation *rec = iop_placer_place (fuzz_placer, a, &inner);
      if (rec != NULL)
        {
          g_autofree char *json = iop_recommendation_to_json (rec);
          assert_non_null (json);
        }
      iop_recommendation_free (rec);
      iop_error_free (inner);
    }
  iop_assessment_free (a);
  return a != NULL;
}

static gboolean
load_series (const char *text, iop_error **error)
{
  iop_measure_series *s = iop_measure_series_new_from_json (fuzz_measures, text, error);
  if (s != NULL)
    {
      g_autofree char *json = iop_measure_series_to_json (s);
      assert_non_null (json);
    }
  iop_measure_series_free (s);
  return s != NULL;
}

static gboolean
load_episode (const char *text, iop_error **error)
{
  iop_episode *e = iop_episode_new_from_json (NULL, NULL, text, error);
  if (e != NULL)
    {
      /* Whatever loads must write itself back byte for byte, summarize and check (or refuse
       * cleanly, for an unknown rule set). */
      g_autofree char *json = iop_episode_to_json (e);
      iop_episode *again = iop_episode_new_from_json (NULL, NULL, json, NULL);
      iop_attendance_summary *s = iop_episode_summarize_attendance (e, NULL, NULL);
      iop_compliance_report *r = iop_episode_check (e, fuzz_rules, iop_episode_get_admission_date (e), NULL);
      assert_non_null (again);
      {
        g_autofree char *json2 = iop_episode_to_json (again);
        assert_string_equal (json2, json);
      }
      assert_non_null (s);
      {
        g_autofree char *summary = iop_attendance_summary_to_json (s);
        assert_non_null (summary);
      }
      iop_compliance_report_free (r);
      iop_attendance_summary_free (s);
      iop_episode_free (again);
    }
  iop_episode_free (e);
  return e != NULL;
}

static gboolean
load_claims (const char *text, iop_error **error)
{
  iop_compliance_report *r = iop_compliance_rules_check_claims (fuzz_rules, text, error);
  iop_compliance_report_free (r);
  return r != NULL;
}

static void
test_fuzz_patient_documents_and_claims (void **state)
{
  static const char assessment[] =
    "{\"format\":\"libiop-assessment\",\"format_version\":1,\"instrument\":\"asam3\",\"age_group\":\"adult\","
    "\"co_occurring\":true,\"ratings\":{\"d1\":2,\"d2\":0,\"d3\":3,\"d4\":2,\"d5\":1,\"d6\":1},"
    "\"available_levels\":[\"2.1\",\"3.5\"],\"assessor\":{\"credential\":\"LCADC\",\"signed\":\"2026-11-20\"}}";
  static const char series[] =
    "{\"format\":\"libiop-measure-series\",\"format_version\":1,\"instrument\":\"phq9\",\"sex\":\"female\","
    "\"administrations\":[{\"date\":\"2026-01-05\",\"answers\":[2,2,2,2,2,2,2,0,1]},"
    "{\"date\":\"2026-03-01\",\"answers\":[1,0,1,0,1,0,1,0,0]}]}";
  static const char claims[] =
    "{\"format\":\"libiop-claims\",\"format_version\":1,\"lines\":[{\"date\":\"2026-03-02\",\"code\":\"H0015\"},"
    "{\"date\":\"2026-03-03\",\"code\":\"H0035\",\"units\":2},{\"date\":\"2026-03-09\",\"code\":\"S0201\"}]}";
  /* An episode with every part: diagnoses, both histories, goals, schedule, attendance. */
  static const char episode[] =
    "{\"format\":\"libiop-episode\",\"format_version\":1,\"program\":\"libiop-default-program\","
    "\"client\":{\"id\":\"F-1\",\"birth_date\":\"2008-03-15\",\"age_group\":\"adult\"},"
    "\"admission_date\":\"2026-02-02\",\"payer\":\"p\",\"diagnoses\":[\"F11.20\",\"F33.1\"],"
    "\"level_history\":[{\"date\":\"2026-02-02\",\"edition\":\"asam3\",\"code\":\"2.5\",\"reason\":\"admission\"},"
    "{\"date\":\"2026-02-23\",\"edition\":\"asam3\",\"code\":\"2.1\",\"reason\":\"r\"}],"
    "\"stage_of_change_history\":[{\"date\":\"2026-02-02\",\"stage\":\"contemplation\"}],"
    "\"stage_history\":[{\"date\":\"2026-02-02\",\"stage\":\"assessment\",\"reason\":\"admission\"},"
    "{\"date\":\"2026-02-09\",\"stage\":\"education\",\"reason\":\"r\"}],"
    "\"goals\":[{\"id\":\"g1\",\"stage\":\"assessment\",\"description\":\"d\",\"target_date\":\"2026-02-09\","
    "\"status\":\"achieved\"}],\"schedule\":{\"sessions\":[{\"day\":\"mon\",\"start\":\"09:00\",\"minutes\":180,"
    "\"kind\":\"group-therapy\"},{\"day\":\"wed\",\"start\":null,\"minutes\":180,\"kind\":\"group-therapy\"}]},"
    "\"attendance\":[{\"date\":\"2026-02-02\",\"start\":\"09:00\",\"minutes\":180,\"kind\":\"group-therapy\","
    "\"status\":\"attended\"},{\"date\":\"2026-02-04\",\"start\":null,\"minutes\":180,\"kind\":\"group-therapy\","
    "\"status\":\"missed\"}],\"medicare_certified\":\"2026-02-02\",\"taper_start\":\"2026-02-16\","
    "\"rule_sets\":\"asam,h0015\"}";
  (void) state;

  fuzz_placer = iop_placer_new_default ();
  fuzz_measures = iop_measure_set_new_default ();
  fuzz_rules = iop_compliance_rules_new_default ();
  fuzz (assessment, load_assessment, 7u, rounds () * 2);
  fuzz (series, load_series, 11u, rounds () * 2);
  fuzz (claims, load_claims, 13u, rounds () * 2);
  fuzz (episode, load_episode, 17u, rounds () * 2);
  g_clear_pointer (&fuzz_placer, iop_placer_unref);
  g_clear_pointer (&fuzz_measures, iop_measure_set_unref);
  g_clear_pointer (&fuzz_rules, iop_compliance_rules_unref);
}

static iop_preauth_policy *fuzz_policy;

static gboolean
load_payers (const char *text, iop_error **error)
{
  iop_preauth_policy *p = iop_preauth_policy_new_from_json (NULL, text, error);
  iop_preauth_policy_unref (p);
  return p != NULL;
}

static gboolean
load_request (const char *text, iop_error **error)
{
  iop_preauth_request *req = iop_preauth_request_new_from_json (text, error);
  if (req != NULL)
    {
      /* Whatever loads must write back, and decide or refuse cleanly. */
      g_autofree char *json = iop_preauth_request_to_json (req);
      iop_error *inner = NULL;
      iop_preauth_decision *d = iop_preauth_policy_decide (fuzz_policy, req, &inner);
      assert_non_null (json);
      if (d != NULL)
        {
          g_autofree char *out = iop_preauth_decision_to_json (d);
          assert_non_null (out);
        }
      else
        assert_non_null (iop_error_get_message (inner));
      iop_preauth_decision_free (d);
      iop_error_free (inner);
    }
  iop_preauth_request_free (req);
  return req != NULL;
}

/* The batch engine builds its own trees (iop_json_parse_direct): every line must give one
 * well-formed JSON line, a decision or an error record. */
static gboolean
load_batch_line (const char *text, iop_error **error)
{
  char *out[1] = { NULL };
  size_t failed = 0;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gboolean ok = iop_preauth_policy_decide_all (fuzz_policy, &text, 1, 1, out, &failed, error);
  assert_true (ok);
  assert_non_null (out[0]);
  assert_null (strchr (out[0], '\n'));
  if (!json_parser_load_from_data (parser, out[0], -1, NULL))
    fail_msg ("the batch wrote malformed JSON: %s", out[0]);
  /* Differential check of the batch's own tree builder against JsonParser (used by
   * decide_json): the same decision, or an error record with the same code and path. */
  {
    iop_error *single_error = NULL;
    g_autofree char *single = iop_preauth_policy_decide_json (fuzz_policy, text, &single_error);
    if (single != NULL && strcmp (single, out[0]) != 0)
      fail_msg ("batch and single differ:\n%s\n%s\nfor %s", out[0], single, text);
    if (single == NULL)
      {
        JsonObject *rec = json_node_get_object (json_parser_get_root (parser));
        JsonObject *e = json_object_get_object_member (rec, "error");
        const char *path = iop_error_get_path (single_error);
        if (strcmp (json_object_get_string_member (e, "code"), iop_error_code_to_string (iop_error_get_code (single_error))) != 0 ||
            (path != NULL && g_strcmp0 (json_object_get_string_member (e, "path"), path) != 0))
          fail_msg ("batch and single errors differ:\n%s\n%s\nfor %s", out[0], iop_error_get_message (single_error), text);
        iop_error_free (single_error);
      }
  }
  iop_free (out[0]);
  return TRUE;
}

static gboolean
load_ledger (const char *text, iop_error **error)
{
  iop_preauth_ledger *l = iop_preauth_ledger_new_from_json (text, error);
  if (l != NULL)
    {
      g_autofree char *json = iop_preauth_ledger_to_json (l);
      g_autofree char *metrics = iop_preauth_ledger_get_metrics_json (l);
      assert_non_null (json);
      assert_non_null (metrics);
    }
  iop_preauth_ledger_free (l);
  return l != NULL;
}

static gboolean
load_pas (const char *text, iop_error **error)
{
  iop_preauth_decision *d = iop_preauth_decision_new_from_pas_json (text, error);
  if (d != NULL)
    {
      g_autofree char *json = iop_preauth_decision_to_json (d);
      assert_non_null (json);
    }
  iop_preauth_decision_free (d);
  return d != NULL;
}

static void
test_fuzz_preauth_pack_requests_batch_and_ledger (void **state)
{
  static const char request[] =
    "{\"format\":\"libiop-preauth-request\",\"format_version\":1,\"id\":\"R1\",\"member\":{\"id\":\"m\",\"birth_date\":\"1990-05-01\"},"
    "\"coverage\":{\"payer\":\"example-commercial\",\"in_network\":true,\"deductible_remaining\":12.5},"
    "\"level\":{\"edition\":\"asam3\",\"code\":\"2.1\"},\"services\":[\"H0015\",\"S9480\"],\"units\":20,"
    "\"start\":\"2026-03-02\",\"end\":\"2026-03-31\",\"diagnoses\":[\"F10.20\",\"F32.1\"],"
    "\"documents\":[{\"kind\":\"stage-of-change\",\"date\":\"2026-02-20\"},{\"kind\":\"drug-screen\",\"date\":\"2026-02-25\",\"signed_by\":\"LCSW\"}],"
    "\"urgency\":\"expedited\",\"received_at\":\"2026-02-27T16:30:00.25-05:00\",\"sessions_used\":4,\"x-note\":\"\\u00e9\\ud83d\\ude00\"}";
  static const char ledger[] =
    "{\"format\":\"libiop-auth-ledger\",\"format_version\":1,\"authorizations\":[{\"id\":\"A1\",\"payer\":\"p\",\"service\":\"2.1\","
    "\"units\":30,\"start\":\"2026-03-02\",\"end\":\"2026-03-31\",\"usage\":[{\"date\":\"2026-03-02\",\"units\":1}],"
    "\"history\":[{\"status\":\"submitted\",\"at\":\"2026-02-27T10:00:00-05:00\",\"expedited\":false},"
    "{\"status\":\"approved\",\"at\":\"2026-02-28T10:00:00-05:00\",\"expedited\":false}]}]}";
  static const char pas[] =
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"resourceType\":\"ClaimResponse\","
    "\"outcome\":\"complete\",\"request\":{\"reference\":\"Claim/1\"},\"insurer\":{\"reference\":\"Organization/P\"},"
    "\"item\":[{\"itemSequence\":1,\"extension\":[{\"url\":\"http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-itemPreAuthPeriod\","
    "\"valuePeriod\":{\"start\":\"2026-03-02\",\"end\":\"2026-03-31\"}}],\"adjudication\":[{\"extension\":[{\"url\":"
    "\"http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction\",\"extension\":[{\"url\":\"number\","
    "\"valueString\":\"AUTH1\"},{\"url\":\"http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewActionCode\","
    "\"valueCodeableConcept\":{\"coding\":[{\"code\":\"A6\",\"display\":\"Modified\"}]}}]}]}]}],"
    "\"addItem\":[{\"itemSequence\":[1],\"quantity\":{\"value\":3},\"servicedPeriod\":{\"start\":\"2026-03-02\"}}],"
    "\"processNote\":[{\"text\":\"Three sessions\"}]}}]}";
  g_autofree char *pack = iop_preauth_policy_default_pack_json ();
  (void) state;

  fuzz_policy = iop_preauth_policy_new_default ();
  fuzz (pack, load_payers, 2024u, rounds ());
  fuzz (request, load_request, 17u, rounds () * 2);
  fuzz (request, load_batch_line, 19u, rounds () * 2);
  fuzz (ledger, load_ledger, 23u, rounds ());
  fuzz (pas, load_pas, 29u, rounds ());
  g_clear_pointer (&fuzz_policy, iop_preauth_policy_unref);
}

/* Care plans: templates and plans need an episode (and a consent for the exports). */
static iop_episode *fuzz_episode;
static iop_consent *fuzz_consent;

static char *
careplan_data (const char *name)
{
  g_autofree char *path = g_build_filename (IOP_TEST_DATA_DIR, "careplan", name, NULL);
  char *text = NULL;
  assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* Whatever plan loads must serialize byte-stably, copy, escalate, check readiness and export (or
 * refuse cleanly). */
static gboolean
check_plan (iop_careplan_template *tpl, iop_careplan *p)
{
  g_autofree char *json = iop_careplan_to_json (p);
  iop_careplan *again = iop_careplan_new_from_json (tpl, json, NULL);
  iop_careplan *copy = iop_careplan_copy (p);
  g_autofree char *json2 = NULL, *json3 = iop_careplan_to_json (copy);
  iop_escalations *e = iop_careplan_escalate (p, "2026-06-30", NULL);
  iop_error *inner = NULL;
  iop_readiness *r = iop_careplan_check_readiness (p, fuzz_episode, fuzz_consent, "2026-03-01", &inner);
  char *fhir;

  assert_non_null (again);
  json2 = iop_careplan_to_json (again);
  assert_string_equal (json, json2);
  assert_string_equal (json, json3);
  assert_non_null (e);
  iop_free (iop_escalations_to_json (e));
  if (r != NULL)
    iop_free (iop_readiness_to_json (r));
  else
    assert_non_null (inner);
  iop_error_free (inner);
  inner = NULL;
  fhir = iop_careplan_to_fhir (p, fuzz_episode, fuzz_consent, "Hillside Outpatient Counseling", "2026-03-01", &inner);
  assert_true ((fhir != NULL) != (inner != NULL));
  iop_free (fhir);
  iop_error_free (inner);
  iop_readiness_free (r);
  iop_escalations_free (e);
  iop_careplan_free (copy);
  iop_careplan_free (again);
  return TRUE;
}

static gboolean
load_careplan_template (const char *text, iop_error **error)
{
  iop_careplan_template *t = iop_careplan_template_new_from_json (text, error);
  if (t != NULL)
    {
      /* Whatever template loads must also make a plan (a short start after the admission). */
      iop_careplan *p = iop_careplan_new (t, fuzz_episode, "2026-01-31", NULL);
      assert_non_null (p);
      check_plan (t, p);
      iop_careplan_free (p);
    }
  iop_careplan_template_unref (t);
  return t != NULL;
}

static gboolean
load_careplan (const char *text, iop_error **error)
{
  iop_careplan *p = iop_careplan_new_from_json (NULL, text, error);
  if (p != NULL)
    check_plan (NULL, p);
  iop_careplan_free (p);
  return p != NULL;
}

static void
test_fuzz_careplan_template_and_plan_readers (void **state)
{
  g_autofree char *episode = careplan_data ("episode-ready.json");
  g_autofree char *consent = careplan_data ("consent-tpo.json");
  g_autofree char *builtin = iop_careplan_template_default_pack_json ();
  g_autofree char *custom = careplan_data ("template-custom.json");
  g_autofree char *ready = careplan_data ("plan-ready.json");
  g_autofree char *small = careplan_data ("plan-small.json");
  (void) state;

  fuzz_episode = iop_episode_new_from_json (NULL, NULL, episode, NULL);
  fuzz_consent = iop_consent_new_from_json (consent, NULL);
  assert_non_null (fuzz_episode);
  assert_non_null (fuzz_consent);
  fuzz (builtin, load_careplan_template, 31u, rounds () / 3);
  fuzz (custom, load_careplan_template, 37u, rounds ());
  fuzz (ready, load_careplan, 41u, rounds () / 3);
  fuzz (small, load_careplan, 43u, rounds () * 2);
  g_clear_pointer (&fuzz_episode, iop_episode_free);
  g_clear_pointer (&fuzz_consent, iop_consent_free);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_fuzz_continuum_pack_loader),
    cmocka_unit_test (test_fuzz_measures_pack_loader),
    cmocka_unit_test (test_fuzz_placement_pack_loader),
    cmocka_unit_test (test_fuzz_compliance_pack_loader),
    cmocka_unit_test (test_fuzz_program_pack_loader),
    cmocka_unit_test (test_fuzz_schedule_document_reader),
    cmocka_unit_test (test_fuzz_patient_documents_and_claims),
    cmocka_unit_test (test_fuzz_consent_document_reader),
    cmocka_unit_test (test_fuzz_careplan_template_and_plan_readers),
    cmocka_unit_test (test_fuzz_preauth_pack_requests_batch_and_ledger),
  };
  iop_test_apply_filters ();
  return cmocka_run_group_tests_name ("fuzz", tests, NULL, NULL);
}
