/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Unit tests for iop-episode.h: ICD-10-CM syntax and classification, co-occurring diagnoses,
 * the stage of change and level histories, treatment stages with their allowed moves and exit
 * criteria (goals met, stage of change, minimum days; with the built-in program and with program
 * packs written here), goals, attendance validation and order, the attendance summary (ISO weeks
 * across a year boundary, planned against attended hours, rate, sessions per week, outreach and
 * dropout-risk flags at their edges, thresholds from a program pack), the check (schedule rules,
 * attendance-rate, consecutive-misses, Medicare recertification on month ends, the taper weeks,
 * the age group on the check date, rule-set selection), the byte-identical JSON round trip, the
 * malformed-document corpus with its codes and JSON paths, and error messages that never quote
 * patient data.
 *
 * Expected values are written out here by hand (ISO weeks, due dates, ages, rates), not taken
 * from libiop's output.
 *
 * Test data (tests/data/episode):
 *   valid/base.json   a complete episode (level change, goals, attendance, Medicare); the
 *                     malformed documents are this one with one defect each.
 *   NAME.json         malformed documents ("$comment" names the defect); expected code and JSON
 *                     path in malformed[] below.
 * tests/data/program/valid/tip47-phases.json is a four-phase program pack used as a custom pack.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libiop/iop.h>
#include <libiop/iop-glib.h>

#include "iop-test.h"

#define EPISODE_DATA IOP_TEST_DATA_DIR "/episode"
#define PROGRAM_DATA IOP_TEST_DATA_DIR "/program"

#define ASAM3 IOP_EDITION_ASAM3
#define CLIENT "PSEUDO-4410"

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                     */

typedef struct {
  iop_continuum *continuum;
  iop_program *program;
  iop_compliance_rules *rules;
} Fixture;

static int
setup (void **state)
{
  Fixture *f = g_new0 (Fixture, 1);
  f->continuum = iop_continuum_new_default ();
  f->program = iop_program_new_default ();
  f->rules = iop_compliance_rules_new_default ();
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  Fixture *f = *state;
  iop_compliance_rules_unref (f->rules);
  iop_program_unref (f->program);
  iop_continuum_unref (f->continuum);
  g_free (f);
  return 0;
}

static void
assert_near (double got, double expected)
{
  if (fabs (got - expected) > 1e-9)
    fail_msg ("expected %.10g, got %.10g", expected, got);
}

/* Fails unless @ok is true and no error was set. */
static void
assert_ok (bool ok, iop_error *err, const char *what)
{
  if (!ok || err != NULL)
    fail_msg ("%s failed: %s", what, err ? iop_error_get_message (err) : "(no error)");
}

/* Fails unless @ok is false and *@err has @code and a real message; frees the error. */
static void
assert_refused (bool ok, iop_error **err, iop_error_code code, const char *what)
{
  if (ok)
    fail_msg ("%s: accepted", what);
  if (*err == NULL)
    fail_msg ("%s: refused without an error", what);
  if (iop_error_get_code (*err) != code)
    fail_msg ("%s: expected %s, got %s (%s)", what, iop_error_code_to_string (code),
              iop_error_code_to_string (iop_error_get_code (*err)), iop_error_get_message (*err));
  if (iop_error_get_message (*err) == NULL || strlen (iop_error_get_message (*err)) < 8 ||
      strstr (iop_error_get_message (*err), "(null)") != NULL)
    fail_msg ("%s: no usable message", what);
  iop_error_free (*err);
  *err = NULL;
}

/* Fails when @message contains one of the NULL-terminated @values. */
static void
assert_quotes_none (const char *message, const char *const *values)
{
  for (size_t i = 0; values[i] != NULL; i++)
    if (strstr (message, values[i]) != NULL)
      fail_msg ("the message quotes \"%s\": %s", values[i], message);
}

/* Fails when @message contains something shaped like a date (NNNN-NN-NN). */
static void
assert_no_date (const char *message)
{
  for (const char *p = message; *p != '\0'; p++)
    {
      gboolean date = TRUE;
      for (int i = 0; i < 10 && date; i++)
        date = p[i] != '\0' && (i == 4 || i == 7 ? p[i] == '-' : g_ascii_isdigit (p[i]));
      if (date)
        fail_msg ("the message quotes a date: %s", message);
    }
}

static iop_episode *
open_with (const Fixture *f, iop_program *program, const char *admission)
{
  iop_error *err = NULL;
  iop_episode *e = iop_episode_new (f->continuum, program, CLIENT, ASAM3, "2.1", admission, &err);
  assert_ok (e != NULL, err, "iop_episode_new");
  return e;
}

static iop_episode *
open_episode (const Fixture *f, const char *admission)
{
  return open_with (f, f->program, admission);
}

/* A week of timed sessions at 09:00: @minutes on Monday, Wednesday and Friday. */
static iop_schedule *
mwf (int minutes)
{
  iop_schedule *s = iop_schedule_new ();
  const iop_weekday days[] = { IOP_MONDAY, IOP_WEDNESDAY, IOP_FRIDAY };
  for (size_t i = 0; i < G_N_ELEMENTS (days); i++)
    {
      iop_error *err = NULL;
      assert_ok (iop_schedule_add_session (s, days[i], "09:00", minutes, "group-therapy", &err), err, "session");
    }
  return s;
}

static void
set_mwf (iop_episode *e, int minutes)
{
  iop_schedule *s = mwf (minutes);
  iop_episode_set_schedule (e, s);
  iop_schedule_free (s);
}

static void
attend (iop_episode *e, const char *date, const char *start, int minutes, iop_attendance_status status)
{
  iop_error *err = NULL;
  assert_ok (iop_episode_add_attendance (e, date, start, minutes, "group-therapy", status, &err), err, date);
}

static void
change_stage_ok (iop_episode *e, const char *stage, const char *date)
{
  iop_error *err = NULL;
  assert_ok (iop_episode_change_stage (e, stage, date, "Criteria met at the case review", &err), err, stage);
}

static void
add_goal_ok (iop_episode *e, const char *id, const char *stage, const char *status)
{
  iop_error *err = NULL;
  assert_ok (iop_episode_add_goal (e, id, stage, "Practice the coping plan", NULL, &err), err, id);
  assert_ok (iop_episode_set_goal_status (e, id, status, &err), err, status);
}

static iop_compliance_report *
check_ok (const Fixture *f, const iop_episode *e, const char *as_of)
{
  iop_error *err = NULL;
  iop_compliance_report *r = iop_episode_check (e, f->rules, as_of, &err);
  assert_ok (r != NULL, err, "iop_episode_check");
  return r;
}

static iop_attendance_summary *
summarize_ok (const iop_episode *e, const char *as_of)
{
  iop_error *err = NULL;
  iop_attendance_summary *s = iop_episode_summarize_attendance (e, as_of, &err);
  assert_ok (s != NULL, err, "iop_episode_summarize_attendance");
  return s;
}

/* The index of the only result of @rule, or -1. */
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
    fail_msg ("no result for %s", rule);
  return i;
}

/* The rule ids of a report, comma-separated (caller frees). */
static char *
rule_ids (const iop_compliance_report *r)
{
  GString *s = g_string_new (NULL);
  for (size_t i = 0; i < iop_compliance_report_get_n_results (r); i++)
    g_string_append_printf (s, "%s%s", i ? "," : "", iop_compliance_report_get_rule (r, i));
  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* ICD-10-CM                                                                                   */

static void
test_episode_icd10cm_syntax (void **state)
{
  static const struct { const char *code; bool valid; } rows[] = {
    { "F10.20", true }, { "F32.1", true }, { "F41.1", true }, { "Z71.41", true }, { "F10", true },
    { "F19.239", true }, { "F11.2", true }, { "C4A.0", true }, { "U07.1", true }, { "F1A.0", true },
    { "T40.1X1A", true }, { "A00.0000", true },
    { "F1", false }, { "F", false }, { "", false }, { "f10.20", false }, { "F10.", false },
    { "F10.12345", false }, { "F10.2a", false }, { "FA0.1", false }, { "1F0.2", false }, { "F1020", false },
    { "F10-20", false }, { "F10..2", false }, { "F10.2.1", false }, { " F10.20", false }, { "F10.20 ", false },
    { "F10.20\n", false }, { "F10.2\xc3\xa9", false }, { "F10 20", false }, { "\xc3\x89" "10.20", false },
  };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    if (iop_icd10cm_is_valid (rows[i].code) != rows[i].valid)
      fail_msg ("\"%s\": expected %s", rows[i].code, rows[i].valid ? "valid" : "invalid");
  assert_false (iop_icd10cm_is_valid (NULL));
}

static void
test_episode_icd10cm_classification (void **state)
{
  static const struct { const char *code; iop_diagnosis_class cls; bool valid; } rows[] = {
    /* F10-F19: substance-related (an F1 prefix, then a digit) */
    { "F10.20", IOP_DIAGNOSIS_SUBSTANCE, true }, { "F11.21", IOP_DIAGNOSIS_SUBSTANCE, true },
    { "F17.210", IOP_DIAGNOSIS_SUBSTANCE, true }, { "F19.239", IOP_DIAGNOSIS_SUBSTANCE, true },
    { "F19", IOP_DIAGNOSIS_SUBSTANCE, true }, { "F14.20", IOP_DIAGNOSIS_SUBSTANCE, true },
    /* other codes of chapter F: F01-F09, F20-F99 */
    { "F32.1", IOP_DIAGNOSIS_MENTAL_HEALTH, true }, { "F41.1", IOP_DIAGNOSIS_MENTAL_HEALTH, true },
    { "F33.1", IOP_DIAGNOSIS_MENTAL_HEALTH, true }, { "F31.9", IOP_DIAGNOSIS_MENTAL_HEALTH, true },
    { "F09", IOP_DIAGNOSIS_MENTAL_HEALTH, true }, { "F01.50", IOP_DIAGNOSIS_MENTAL_HEALTH, true },
    { "F20.9", IOP_DIAGNOSIS_MENTAL_HEALTH, true }, { "F99", IOP_DIAGNOSIS_MENTAL_HEALTH, true },
    /* not chapter F's categories, or not chapter F */
    { "F00", IOP_DIAGNOSIS_OTHER, true }, { "F1A.0", IOP_DIAGNOSIS_OTHER, true },
    { "Z71.41", IOP_DIAGNOSIS_OTHER, true }, { "G30.9", IOP_DIAGNOSIS_OTHER, true },
    { "E10.9", IOP_DIAGNOSIS_OTHER, true }, { "T40.1X1A", IOP_DIAGNOSIS_OTHER, true },
    /* invalid: "F" alone is not substance-related, nor is an F1 without its second digit */
    { "F1", IOP_DIAGNOSIS_OTHER, false }, { "F", IOP_DIAGNOSIS_OTHER, false },
    { "f10.20", IOP_DIAGNOSIS_OTHER, false }, { "F10.", IOP_DIAGNOSIS_OTHER, false },
  };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_error *err = NULL;
      iop_diagnosis_class got = iop_icd10cm_classify (rows[i].code, &err);
      if (got != rows[i].cls)
        fail_msg ("%s: expected class %d, got %d", rows[i].code, rows[i].cls, got);
      if (rows[i].valid)
        assert_ok (true, err, rows[i].code);
      else
        assert_refused (false, &err, IOP_ERROR_INVALID_ARGUMENT, rows[i].code);
      /* Without an error location too. */
      assert_int_equal (iop_icd10cm_classify (rows[i].code, NULL), rows[i].cls);
    }
}

static void
test_episode_diagnoses_co_occurring_and_duplicates (void **state)
{
  Fixture *f = *state;
  g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
  g_autoptr(iop_episode) mh = open_episode (f, "2026-01-05");
  iop_error *err = NULL;

  assert_int_equal (iop_episode_get_n_diagnoses (e), 0);
  assert_false (iop_episode_has_substance_diagnosis (e));
  assert_false (iop_episode_is_co_occurring (e));

  assert_ok (iop_episode_add_diagnosis (e, "F10.20", &err), err, "F10.20");
  assert_true (iop_episode_has_substance_diagnosis (e));
  assert_false (iop_episode_is_co_occurring (e));
  assert_ok (iop_episode_add_diagnosis (e, "Z71.41", &err), err, "Z71.41"); /* not mental health */
  assert_false (iop_episode_is_co_occurring (e));
  assert_ok (iop_episode_add_diagnosis (e, "F32.1", &err), err, "F32.1");
  assert_true (iop_episode_is_co_occurring (e));

  /* Refused: the same code again, malformed codes. Nothing changes. */
  assert_refused (iop_episode_add_diagnosis (e, "F10.20", &err), &err, IOP_ERROR_EXISTS, "duplicate");
  assert_refused (iop_episode_add_diagnosis (e, "F32.1", &err), &err, IOP_ERROR_EXISTS, "duplicate 2");
  assert_refused (iop_episode_add_diagnosis (e, "F10.", &err), &err, IOP_ERROR_INVALID_ARGUMENT, "F10.");
  assert_refused (iop_episode_add_diagnosis (e, "f32.1", &err), &err, IOP_ERROR_INVALID_ARGUMENT, "f32.1");
  assert_refused (iop_episode_add_diagnosis (e, NULL, &err), &err, IOP_ERROR_INVALID_ARGUMENT, "NULL");
  assert_int_equal (iop_episode_get_n_diagnoses (e), 3);
  /* In the order added; the first is the primary one. */
  assert_str (iop_episode_get_diagnosis (e, 0), "F10.20");
  assert_str (iop_episode_get_diagnosis (e, 1), "Z71.41");
  assert_str (iop_episode_get_diagnosis (e, 2), "F32.1");
  assert_null (iop_episode_get_diagnosis (e, 3));

  /* Mental health alone is neither substance-related nor co-occurring. */
  assert_ok (iop_episode_add_diagnosis (mh, "F41.1", &err), err, "F41.1");
  assert_ok (iop_episode_add_diagnosis (mh, "F33.1", &err), err, "F33.1");
  assert_false (iop_episode_has_substance_diagnosis (mh));
  assert_false (iop_episode_is_co_occurring (mh));
  assert_ok (iop_episode_add_diagnosis (mh, "F12.20", &err), err, "F12.20");
  assert_true (iop_episode_is_co_occurring (mh));
}

/* ------------------------------------------------------------------------------------------ */
/* Opening an episode                                                                          */

static void
test_episode_new_starts_at_admission (void **state)
{
  Fixture *f = *state;
  g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
  g_autoptr(iop_schedule) empty = iop_schedule_new ();
  iop_error *err = NULL;

  assert_str (iop_episode_get_client_id (e), CLIENT);
  assert_str (iop_episode_get_admission_date (e), "2026-01-05");
  /* The program's first stage, entered at the admission. */
  assert_str (iop_episode_get_stage (e), "assessment");
  assert_int_equal (iop_episode_get_n_stage_changes (e), 1);
  assert_str (iop_episode_get_stage_change_stage (e, 0), "assessment");
  assert_str (iop_episode_get_stage_change_date (e, 0), "2026-01-05");
  assert_str (iop_episode_get_stage_change_reason (e, 0), "admission");
  assert_null (iop_episode_get_stage_change_stage (e, 1));
  /* The level history starts with the admission. */
  assert_int_equal (iop_episode_get_n_level_changes (e), 1);
  assert_str (iop_level_get_code (iop_episode_get_level (e)), "2.1");
  assert_int_equal (iop_level_get_edition (iop_episode_get_level (e)), ASAM3);
  assert_ptr_equal (iop_episode_get_level_change_level (e, 0), iop_episode_get_level (e));
  assert_str (iop_episode_get_level_change_date (e, 0), "2026-01-05");
  assert_str (iop_episode_get_level_change_reason (e, 0), "admission");
  assert_null (iop_episode_get_level_change_level (e, 1));
  /* Nothing else yet. */
  assert_int_equal (iop_episode_get_n_diagnoses (e), 0);
  assert_int_equal (iop_episode_get_n_goals (e), 0);
  assert_int_equal (iop_episode_get_n_attendance (e), 0);
  assert_int_equal (iop_episode_get_n_stage_of_change_entries (e), 0);
  assert_int_equal (iop_episode_get_stage_of_change (e), IOP_STAGE_OF_CHANGE_UNKNOWN);
  assert_int_equal (iop_schedule_get_n_sessions (iop_episode_get_schedule (e)), 0);
  assert_null (iop_episode_get_birth_date (e));
  assert_null (iop_episode_get_payer (e));
  assert_null (iop_episode_get_medicare_certified (e));
  assert_null (iop_episode_get_taper_start (e));
  assert_null (iop_episode_get_rule_sets (e));
  assert_int_equal (iop_episode_get_age_group (e, NULL, &err), IOP_AGE_ADULT);
  assert_null (err);

  /* A NULL continuum and program are the built-in ones; other editions work too. */
  {
    g_autoptr(iop_episode) d = iop_episode_new (NULL, NULL, "X1", IOP_EDITION_LOCUS, "3", "2026-01-05", &err);
    assert_ok (d != NULL, err, "LOCUS 3");
    assert_str (iop_episode_get_stage (d), "assessment");
    assert_int_equal (iop_level_get_edition (iop_episode_get_level (d)), IOP_EDITION_LOCUS);
  }
  {
    g_autoptr(iop_episode) d = iop_episode_new (NULL, NULL, "X2", IOP_EDITION_ASAM4, "2.1", "2026-01-05", &err);
    assert_ok (d != NULL, err, "ASAM 4 2.1");
  }
}

static void
test_episode_new_refuses_bad_arguments (void **state)
{
  static const struct {
    const char *client, *level, *date;
    iop_edition edition;
    iop_error_code code;
  } rows[] = {
    { "", "2.1", "2026-01-05", ASAM3, IOP_ERROR_INVALID_ARGUMENT },
    { NULL, "2.1", "2026-01-05", ASAM3, IOP_ERROR_INVALID_ARGUMENT },
    { "Jordan Example", "2.1", "2026-01-05", ASAM3, IOP_ERROR_INVALID_ARGUMENT }, /* a space: a name? */
    { "C\xc3\xa9", "2.1", "2026-01-05", ASAM3, IOP_ERROR_INVALID_ARGUMENT },       /* not ASCII */
    { "C\t1", "2.1", "2026-01-05", ASAM3, IOP_ERROR_INVALID_ARGUMENT },
    { "0123456789012345678901234567890123456789012345678901234567890123X", "2.1", "2026-01-05", ASAM3,
      IOP_ERROR_INVALID_ARGUMENT }, /* 65 characters */
    { CLIENT, "2.1", "2026-02-30", ASAM3, IOP_ERROR_INVALID_ARGUMENT },
    { CLIENT, "2.1", "2026-1-5", ASAM3, IOP_ERROR_INVALID_ARGUMENT },
    { CLIENT, "2.1", "2026-01-05T09:00", ASAM3, IOP_ERROR_INVALID_ARGUMENT },
    { CLIENT, "2.1", NULL, ASAM3, IOP_ERROR_INVALID_ARGUMENT },
    { CLIENT, "2.2", "2026-01-05", ASAM3, IOP_ERROR_NOT_FOUND },
    { CLIENT, NULL, "2026-01-05", ASAM3, IOP_ERROR_NOT_FOUND },
    { CLIENT, "2.1", "2026-01-05", IOP_EDITION_ANY, IOP_ERROR_INVALID_ARGUMENT },
    { CLIENT, "2.1", "2026-01-05", (iop_edition) 7, IOP_ERROR_INVALID_ARGUMENT },
  };
  Fixture *f = *state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_error *err = NULL;
      iop_episode *e = iop_episode_new (f->continuum, f->program, rows[i].client, rows[i].edition, rows[i].level,
                                        rows[i].date, &err);
      g_autofree char *what = g_strdup_printf ("row %zu", i);
      if (e != NULL)
        iop_episode_free (e);
      else if (err != NULL && rows[i].client != NULL && *rows[i].client != '\0')
        assert_quotes_none (iop_error_get_message (err), (const char *const[]) { rows[i].client, NULL });
      assert_refused (e != NULL, &err, rows[i].code, what);
    }
  /* The largest identifier: 64 printable characters, punctuation included. */
  {
    iop_error *err = NULL;
    g_autoptr(iop_episode) e = iop_episode_new (NULL, NULL, "0123456789012345678901234567890123456789012345678901234567890\"\\~",
                                                ASAM3, "2.1", "2026-01-05", &err);
    assert_ok (e != NULL, err, "64 characters");
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Stage of change                                                                             */

static void
test_episode_stage_of_change_names (void **state)
{
  static const struct { iop_stage_of_change stage; const char *name; } rows[] = {
    { IOP_STAGE_OF_CHANGE_PRECONTEMPLATION, "precontemplation" },
    { IOP_STAGE_OF_CHANGE_CONTEMPLATION, "contemplation" },
    { IOP_STAGE_OF_CHANGE_PREPARATION, "preparation" },
    { IOP_STAGE_OF_CHANGE_ACTION, "action" },
    { IOP_STAGE_OF_CHANGE_MAINTENANCE, "maintenance" },
    { IOP_STAGE_OF_CHANGE_RELAPSE, "relapse" },
  };
  static const char *const unknown[] = { "termination", "Action", "ACTION", "determination", "", " action" };
  static const struct { iop_attendance_status status; const char *name; } statuses[] = {
    { IOP_ATTENDANCE_ATTENDED, "attended" }, { IOP_ATTENDANCE_MISSED, "missed" }, { IOP_ATTENDANCE_EXCUSED, "excused" },
  };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_error *err = NULL;
      assert_str (iop_stage_of_change_to_string (rows[i].stage), rows[i].name);
      assert_int_equal (iop_stage_of_change_from_string (rows[i].name, &err), rows[i].stage);
      assert_null (err);
    }
  for (size_t i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      iop_error *err = NULL;
      assert_int_equal (iop_stage_of_change_from_string (unknown[i], &err), IOP_STAGE_OF_CHANGE_UNKNOWN);
      assert_refused (false, &err, IOP_ERROR_INVALID_ARGUMENT, unknown[i]);
    }
  assert_int_equal (iop_stage_of_change_from_string (NULL, NULL), IOP_STAGE_OF_CHANGE_UNKNOWN);
  assert_str (iop_stage_of_change_to_string (IOP_STAGE_OF_CHANGE_UNKNOWN), "unknown");
  assert_str (iop_stage_of_change_to_string ((iop_stage_of_change) 7), "unknown");
  assert_str (iop_stage_of_change_to_string ((iop_stage_of_change) -1), "unknown");

  for (size_t i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      assert_str (iop_attendance_status_to_string (statuses[i].status), statuses[i].name);
      assert_int_equal (iop_attendance_status_from_string (statuses[i].name, NULL), statuses[i].status);
    }
  {
    iop_error *err = NULL;
    assert_int_equal (iop_attendance_status_from_string ("absent", &err), 0);
    assert_refused (false, &err, IOP_ERROR_INVALID_ARGUMENT, "absent");
  }
  assert_null (iop_attendance_status_to_string ((iop_attendance_status) 0));
  assert_null (iop_attendance_status_to_string ((iop_attendance_status) 4));
}

static void
test_episode_stage_of_change_history (void **state)
{
  Fixture *f = *state;
  g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
  iop_error *err = NULL;

  assert_ok (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_CONTEMPLATION, "2026-01-05", &err), err, "1");
  assert_ok (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_ACTION, "2026-01-19", &err), err, "2");
  assert_ok (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_RELAPSE, "2026-02-02", &err), err, "3");
  assert_ok (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_PREPARATION, "2026-02-02", &err), err,
             "same day"); /* reassessed on the same day */
  assert_int_equal (iop_episode_get_stage_of_change (e), IOP_STAGE_OF_CHANGE_PREPARATION);

  /* Refused: before the admission, before the last assessment, not a stage, not a date. */
  assert_refused (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_ACTION, "2026-01-04", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "before admission");
  assert_refused (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_ACTION, "2026-02-01", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "before the last");
  assert_refused (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_UNKNOWN, "2026-03-01", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "unknown");
  assert_refused (iop_episode_set_stage_of_change (e, (iop_stage_of_change) 7, "2026-03-01", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "7");
  assert_refused (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_ACTION, "2026-02-30", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "2026-02-30");
  assert_refused (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_ACTION, NULL, &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "NULL");

  /* The history, in order. */
  assert_int_equal (iop_episode_get_n_stage_of_change_entries (e), 4);
  {
    static const struct { iop_stage_of_change stage; const char *date; } want[] = {
      { IOP_STAGE_OF_CHANGE_CONTEMPLATION, "2026-01-05" }, { IOP_STAGE_OF_CHANGE_ACTION, "2026-01-19" },
      { IOP_STAGE_OF_CHANGE_RELAPSE, "2026-02-02" }, { IOP_STAGE_OF_CHANGE_PREPARATION, "2026-02-02" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS (want); i++)
      {
        assert_int_equal (iop_episode_get_stage_of_change_entry (e, i), want[i].stage);
        assert_str (iop_episode_get_stage_of_change_date (e, i), want[i].date);
      }
  }
  assert_int_equal (iop_episode_get_stage_of_change_entry (e, 4), IOP_STAGE_OF_CHANGE_UNKNOWN);
  assert_null (iop_episode_get_stage_of_change_date (e, 4));
}

/* ------------------------------------------------------------------------------------------ */
/* Level history                                                                               */

static void
test_episode_level_history (void **state)
{
  Fixture *f = *state;
  g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
  g_autofree char *long_reason = g_strnfill (501, 'r');
  g_autofree char *max_reason = g_strnfill (500, 'r');
  const char *up = "Two positive screens after the family move";
  iop_error *err = NULL;

  assert_ok (iop_episode_change_level (e, ASAM3, "2.5", "2026-01-20", up, &err), err, "step up");
  assert_str (iop_level_get_code (iop_episode_get_level (e)), "2.5");
  assert_int_equal (iop_episode_get_n_level_changes (e), 2);
  assert_str (iop_level_get_code (iop_episode_get_level_change_level (e, 1)), "2.5");
  assert_str (iop_episode_get_level_change_date (e, 1), "2026-01-20");
  assert_str (iop_episode_get_level_change_reason (e, 1), up);
  /* The same date as the last change is allowed. */
  assert_ok (iop_episode_change_level (e, ASAM3, "2.1", "2026-01-20", max_reason, &err), err, "500-byte reason");

  /* Refused, and nothing changes. */
  assert_refused (iop_episode_change_level (e, ASAM3, "2.2", "2026-02-01", "x", &err), &err, IOP_ERROR_NOT_FOUND,
                  "unknown level");
  assert_refused (iop_episode_change_level (e, ASAM3, "2.5", "2026-01-19", "x", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "earlier date");
  assert_refused (iop_episode_change_level (e, ASAM3, "2.1", "2026-02-01", "x", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "same level");
  assert_refused (iop_episode_change_level (e, ASAM3, "2.5", "2026-02-01", "", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "empty reason");
  assert_refused (iop_episode_change_level (e, ASAM3, "2.5", "2026-02-01", NULL, &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "no reason");
  assert_refused (iop_episode_change_level (e, ASAM3, "2.5", "2026-02-01", long_reason, &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "501-byte reason");
  assert_refused (iop_episode_change_level (e, ASAM3, "2.5", "2026-02-30", "x", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "2026-02-30");
  assert_refused (iop_episode_change_level (e, IOP_EDITION_ANY, "2.5", "2026-02-01", "x", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "any edition");
  assert_int_equal (iop_episode_get_n_level_changes (e), 3);
  assert_str (iop_level_get_code (iop_episode_get_level (e)), "2.1");

  /* Another edition is a change of level too. */
  assert_ok (iop_episode_change_level (e, IOP_EDITION_ASAM4, "2.1", "2026-03-02", "The state adopted the 4th edition",
                                       &err), err, "asam4");
  assert_int_equal (iop_level_get_edition (iop_episode_get_level (e)), IOP_EDITION_ASAM4);
  assert_int_equal (iop_episode_get_n_level_changes (e), 4);
  assert_null (iop_episode_get_level_change_date (e, 4));
  assert_null (iop_episode_get_level_change_reason (e, 4));
}

/* ------------------------------------------------------------------------------------------ */
/* Treatment stages                                                                            */

static void
test_episode_stage_moves_allowed_and_refused (void **state)
{
  Fixture *f = *state;
  g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
  g_autofree char *before = NULL, *after = NULL;
  iop_error *err = NULL;

  add_goal_ok (e, "g1", "assessment", "achieved");
  before = iop_episode_to_json (e);

  /* Not in the stage's next list. */
  assert_false (iop_episode_change_stage (e, "life-skills", "2026-01-12", "Skip ahead", &err));
  assert_non_null (err);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
  assert_non_null (strstr (iop_error_get_message (err), "assessment"));
  assert_non_null (strstr (iop_error_get_message (err), "life-skills"));
  assert_quotes_none (iop_error_get_message (err), (const char *const[]) { "Skip ahead", NULL });
  assert_no_date (iop_error_get_message (err));
  iop_error_free (err);
  err = NULL;
  /* Unknown stage; the stage itself; bad text and dates. */
  assert_refused (iop_episode_change_stage (e, "detox", "2026-01-12", "x", &err), &err, IOP_ERROR_NOT_FOUND, "detox");
  assert_refused (iop_episode_change_stage (e, NULL, "2026-01-12", "x", &err), &err, IOP_ERROR_NOT_FOUND, "NULL stage");
  assert_refused (iop_episode_change_stage (e, "assessment", "2026-01-12", "x", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "to itself");
  assert_refused (iop_episode_change_stage (e, "education", "2026-01-12", "", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "empty reason");
  assert_refused (iop_episode_change_stage (e, "education", "2026-02-30", "x", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "2026-02-30");
  assert_refused (iop_episode_change_stage (e, "education", "2026-01-04", "x", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "before the admission");
  after = iop_episode_to_json (e);
  assert_string_equal (after, before); /* nothing changed */
  assert_int_equal (iop_episode_get_n_stage_changes (e), 1);

  /* Allowed. */
  change_stage_ok (e, "education", "2026-01-12");
  assert_str (iop_episode_get_stage (e), "education");
  assert_int_equal (iop_episode_get_n_stage_changes (e), 2);
  assert_str (iop_episode_get_stage_change_stage (e, 1), "education");
  assert_str (iop_episode_get_stage_change_date (e, 1), "2026-01-12");
  assert_str (iop_episode_get_stage_change_reason (e, 1), "Criteria met at the case review");
  /* Before the last transition. */
  add_goal_ok (e, "g2", "education", "achieved");
  assert_refused (iop_episode_change_stage (e, "intensive-therapy", "2026-01-11", "x", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "before the last transition");
  /* Transition planning is reachable from every stage; it is the last. */
  change_stage_ok (e, "transition-planning", "2026-01-12");
  add_goal_ok (e, "g3", "transition-planning", "achieved");
  assert_refused (iop_episode_change_stage (e, "assessment", "2026-02-01", "x", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "out of the last stage");
  assert_int_equal (iop_episode_get_n_stage_changes (e), 3);
}

static void
test_episode_goals_met_criterion (void **state)
{
  /* The statuses of the assessment stage's goals, and whether "assessment-goals" holds. */
  static const struct { const char *statuses[4]; bool met; } rows[] = {
    { { NULL }, false },                                 /* no goals */
    { { "active" }, false },
    { { "proposed" }, false },
    { { "not-achieved" }, false },
    { { "cancelled" }, false },                          /* cancelled goals are ignored */
    { { "achieved" }, true },
    { { "waived" }, true },
    { { "achieved", "cancelled" }, true },
    { { "cancelled", "waived", "cancelled" }, true },
    { { "achieved", "active" }, false },
    { { "waived", "not-achieved" }, false },
    { { "achieved", "proposed", "achieved" }, false },
    { { "achieved", "waived", "achieved", "waived" }, true },
  };
  Fixture *f = *state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
      iop_error *err = NULL;
      bool can;
      print_message ("  row %zu\n", i);
      /* A met goal of another stage does not count for this one. */
      add_goal_ok (e, "other", "education", "achieved");
      for (int k = 0; k < 4 && rows[i].statuses[k] != NULL; k++)
        {
          char id[8];
          g_snprintf (id, sizeof id, "g%d", k);
          add_goal_ok (e, id, "assessment", rows[i].statuses[k]);
        }
      can = iop_episode_can_leave_stage (e, "2026-01-12", &err);
      assert_int_equal (can, rows[i].met);
      if (rows[i].met)
        {
          assert_null (err);
          change_stage_ok (e, "education", "2026-01-12");
        }
      else
        {
          assert_non_null (err);
          assert_non_null (strstr (iop_error_get_message (err), "assessment-goals"));
          iop_error_free (err);
          err = NULL;
          assert_refused (iop_episode_change_stage (e, "education", "2026-01-12", "x", &err), &err,
                          IOP_ERROR_INVALID_ARGUMENT, "refused move");
          assert_str (iop_episode_get_stage (e), "assessment");
          /* Transition planning too needs the current stage's criteria. */
          assert_refused (iop_episode_change_stage (e, "transition-planning", "2026-01-12", "x", &err), &err,
                          IOP_ERROR_INVALID_ARGUMENT, "refused move to transition planning");
        }
    }
}

/* Walks an episode through the built-in stages to family engagement (each stage's goal achieved,
 * one week apart from 2026-01-05). */
static iop_episode *
at_family_engagement (const Fixture *f)
{
  static const char *const path[] = { "assessment", "education", "intensive-therapy", "life-skills" };
  static const char *const dates[] = { "2026-01-12", "2026-01-19", "2026-01-26", "2026-02-02" };
  static const char *const next[] = { "education", "intensive-therapy", "life-skills", "family-engagement" };
  iop_episode *e = open_episode (f, "2026-01-05");
  for (size_t i = 0; i < G_N_ELEMENTS (path); i++)
    {
      char id[8];
      g_snprintf (id, sizeof id, "g%zu", i);
      add_goal_ok (e, id, path[i], "achieved");
      change_stage_ok (e, next[i], dates[i]);
    }
  assert_str (iop_episode_get_stage (e), "family-engagement");
  assert_int_equal (iop_episode_get_n_stage_changes (e), 5);
  return e;
}

static void
test_episode_family_engagement_needs_action_or_maintenance (void **state)
{
  static const struct { iop_stage_of_change soc; bool met; } rows[] = {
    { IOP_STAGE_OF_CHANGE_PRECONTEMPLATION, false }, { IOP_STAGE_OF_CHANGE_CONTEMPLATION, false },
    { IOP_STAGE_OF_CHANGE_PREPARATION, false },      { IOP_STAGE_OF_CHANGE_ACTION, true },
    { IOP_STAGE_OF_CHANGE_MAINTENANCE, true },       { IOP_STAGE_OF_CHANGE_RELAPSE, false },
  };
  Fixture *f = *state;
  iop_error *err = NULL;

  /* Neither criterion holds: the message names both, by identifier. */
  {
    g_autoptr(iop_episode) e = at_family_engagement (f);
    assert_false (iop_episode_can_leave_stage (e, "2026-02-09", &err));
    assert_non_null (err);
    assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
    assert_non_null (strstr (iop_error_get_message (err), "family-goals"));
    assert_non_null (strstr (iop_error_get_message (err), "ready-for-change"));
    iop_error_free (err);
    err = NULL;
  }
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(iop_episode) e = at_family_engagement (f);
      print_message ("  %s\n", iop_stage_of_change_to_string (rows[i].soc));
      add_goal_ok (e, "family", "family-engagement", "achieved");
      assert_ok (iop_episode_set_stage_of_change (e, rows[i].soc, "2026-02-05", &err), err, "soc");
      if (rows[i].met)
        {
          assert_ok (iop_episode_can_leave_stage (e, "2026-02-09", &err), err, "can leave");
          change_stage_ok (e, "transition-planning", "2026-02-09");
        }
      else
        {
          assert_false (iop_episode_can_leave_stage (e, "2026-02-09", &err));
          assert_non_null (strstr (iop_error_get_message (err), "ready-for-change"));
          assert_null (strstr (iop_error_get_message (err), "family-goals"));
          iop_error_free (err);
          err = NULL;
          assert_refused (iop_episode_change_stage (e, "transition-planning", "2026-02-09", "x", &err), &err,
                          IOP_ERROR_INVALID_ARGUMENT, "refused");
          assert_str (iop_episode_get_stage (e), "family-engagement");
        }
    }
  /* The stage of change counts as assessed on the date of the move: an assessment dated later did
   * not exist yet. */
  {
    g_autoptr(iop_episode) e = at_family_engagement (f);
    add_goal_ok (e, "family", "family-engagement", "achieved");
    assert_ok (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_PREPARATION, "2026-02-03", &err), err, "prep");
    assert_ok (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_ACTION, "2026-02-10", &err), err, "action");
    assert_false (iop_episode_can_leave_stage (e, "2026-02-09", &err));
    assert_non_null (strstr (iop_error_get_message (err), "ready-for-change"));
    iop_error_free (err);
    err = NULL;
    assert_refused (iop_episode_change_stage (e, "transition-planning", "2026-02-09", "x", &err), &err,
                    IOP_ERROR_INVALID_ARGUMENT, "before the action assessment");
    change_stage_ok (e, "transition-planning", "2026-02-10");
  }
}

/* A Matrix Model-like program: 16 weeks in three stages, with minimum days, and its own
 * engagement thresholds. Written here: a program needs no code of its own. */
static const char matrix_pack[] =
  "{\"format\":\"libiop-program\",\"format_version\":1,\"id\":\"test-matrix-16-week\",\"version\":\"1\","
  "\"sources\":{\"matrix\":{\"citation\":\"Matrix Model for adults: 16-week intensive outpatient program, 3 hours a "
  "day, 3 days a week\",\"confidence\":\"H\"},\"test\":{\"citation\":\"Test fixture\",\"confidence\":\"L\"}},"
  "\"stages\":["
  "{\"id\":\"early-recovery\",\"name\":\"Early recovery skills (weeks 1-4)\",\"source\":\"matrix\","
  "\"entry_criteria\":[\"Admitted\"],\"exit_criteria\":[{\"id\":\"four-weeks\",\"type\":\"min-days\",\"days\":28,"
  "\"text\":\"Four weeks of early recovery skills groups\"}],\"next\":[\"relapse-prevention\"]},"
  "{\"id\":\"relapse-prevention\",\"name\":\"Relapse prevention (weeks 5-16)\",\"source\":\"matrix\","
  "\"entry_criteria\":[],\"exit_criteria\":[{\"id\":\"twelve-weeks\",\"type\":\"min-days\",\"days\":84,"
  "\"text\":\"Twelve weeks of relapse prevention groups\"},{\"id\":\"rp-goals\",\"type\":\"goals-met\","
  "\"text\":\"Relapse prevention goals met\"}],\"next\":[\"social-support\"]},"
  "{\"id\":\"social-support\",\"name\":\"Social support\",\"source\":\"matrix\",\"entry_criteria\":[],"
  "\"exit_criteria\":[],\"next\":[]}],"
  "\"engagement\":{\"consecutive_misses\":3,\"dropout_risk_below\":0.8,\"outreach_source\":\"test\","
  "\"dropout_source\":\"test\"}}";

static iop_program *
load_program_text (const char *json)
{
  iop_error *err = NULL;
  iop_program *p = iop_program_new_from_json (json, &err);
  assert_ok (p != NULL, err, "program pack");
  return p;
}

static void
test_episode_custom_program_min_days (void **state)
{
  Fixture *f = *state;
  g_autoptr(iop_program) matrix = load_program_text (matrix_pack);
  g_autoptr(iop_episode) e = open_with (f, matrix, "2026-01-05");
  g_autofree char *json = NULL;
  iop_error *err = NULL;

  assert_str (iop_episode_get_stage (e), "early-recovery");
  /* 28 days after 2026-01-05 is 2026-02-02. */
  assert_false (iop_episode_can_leave_stage (e, "2026-02-01", &err));
  assert_non_null (strstr (iop_error_get_message (err), "four-weeks"));
  iop_error_free (err);
  err = NULL;
  assert_refused (iop_episode_change_stage (e, "relapse-prevention", "2026-02-01", "x", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "day 27");
  assert_ok (iop_episode_can_leave_stage (e, "2026-02-02", &err), err, "day 28");
  change_stage_ok (e, "relapse-prevention", "2026-02-02");
  /* The days count from entering the stage: 84 days after 2026-02-02 is 2026-04-27. */
  add_goal_ok (e, "rp", "relapse-prevention", "achieved");
  assert_false (iop_episode_can_leave_stage (e, "2026-04-26", &err));
  assert_non_null (strstr (iop_error_get_message (err), "twelve-weeks"));
  assert_null (strstr (iop_error_get_message (err), "rp-goals"));
  iop_error_free (err);
  err = NULL;
  assert_ok (iop_episode_set_goal_status (e, "rp", "active", &err), err, "reopen");
  assert_false (iop_episode_can_leave_stage (e, "2026-04-27", &err));
  assert_non_null (strstr (iop_error_get_message (err), "rp-goals"));
  assert_null (strstr (iop_error_get_message (err), "twelve-weeks"));
  iop_error_free (err);
  err = NULL;
  assert_ok (iop_episode_set_goal_status (e, "rp", "achieved", &err), err, "achieved");
  change_stage_ok (e, "social-support", "2026-04-27");
  /* A stage without exit criteria can always be left (it has nowhere to go here). */
  assert_ok (iop_episode_can_leave_stage (e, "2026-04-27", &err), err, "no criteria");
  /* Goals must name the program's stages; the built-in stages are unknown here. */
  assert_refused (iop_episode_add_goal (e, "x", "assessment", "d", NULL, &err), &err, IOP_ERROR_NOT_FOUND, "stage");

  /* The document names the program, and reads back only with it. */
  json = iop_episode_to_json (e);
  {
    g_autoptr(JsonNode) root = parse_json (json);
    assert_str (json_node_get_string (json_at (root, "program", NULL)), "test-matrix-16-week");
  }
  {
    iop_episode *again = iop_episode_new_from_json (f->continuum, NULL, json, &err);
    assert_null (again);
    assert_non_null (err);
    assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_DATA);
    assert_str (iop_error_get_path (err), "$.program");
    iop_error_free (err);
    err = NULL;
  }
  {
    g_autoptr(iop_episode) again = iop_episode_new_from_json (f->continuum, matrix, json, &err);
    g_autofree char *json2 = NULL;
    assert_ok (again != NULL, err, "read with the pack");
    json2 = iop_episode_to_json (again);
    assert_string_equal (json2, json);
  }
}

static void
test_episode_custom_program_from_a_file (void **state)
{
  Fixture *f = *state;
  iop_error *err = NULL;
  g_autoptr(iop_program) tip47 = iop_program_new_from_file (PROGRAM_DATA "/valid/tip47-phases.json", &err);
  g_autoptr(iop_episode) e = NULL;

  assert_ok (tip47 != NULL, err, "tip47-phases.json");
  e = open_with (f, tip47, "2026-03-02");
  assert_str (iop_episode_get_stage (e), "engagement");
  /* Two criteria of different kinds, both unmet. */
  assert_false (iop_episode_can_leave_stage (e, "2026-03-15", &err));
  assert_non_null (strstr (iop_error_get_message (err), "engaged-two-weeks"));
  assert_non_null (strstr (iop_error_get_message (err), "ready"));
  iop_error_free (err);
  err = NULL;
  assert_ok (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_PREPARATION, "2026-03-09", &err), err, "prep");
  assert_refused (iop_episode_change_stage (e, "early-recovery", "2026-03-15", "x", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "day 13");
  change_stage_ok (e, "early-recovery", "2026-03-16");
  /* A move back is allowed when the pack lists it. */
  add_goal_ok (e, "er", "early-recovery", "waived");
  change_stage_ok (e, "engagement", "2026-03-20");
  assert_int_equal (iop_episode_get_n_stage_changes (e), 3);
  assert_refused (iop_episode_change_stage (e, "maintenance", "2026-04-30", "x", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "not in next");
}

/* ------------------------------------------------------------------------------------------ */
/* Goals                                                                                       */

static void
test_episode_goals (void **state)
{
  static const char *const statuses[] = { "proposed", "active", "achieved", "not-achieved", "waived", "cancelled" };
  Fixture *f = *state;
  g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
  g_autofree char *long_text = g_strnfill (1001, 'd');
  g_autofree char *max_text = g_strnfill (1000, 'd');
  const char *secret = "Rebuild trust with the daughter after the custody hearing";
  iop_error *err = NULL;

  assert_ok (iop_episode_add_goal (e, "g1", "assessment", secret, "2026-01-19", &err), err, "g1");
  assert_ok (iop_episode_add_goal (e, "g2", "education", max_text, NULL, &err), err, "g2");
  assert_int_equal (iop_episode_get_n_goals (e), 2);
  assert_str (iop_episode_get_goal_id (e, 0), "g1");
  assert_str (iop_episode_get_goal_stage (e, 0), "assessment");
  assert_str (iop_episode_get_goal_description (e, 0), secret);
  assert_str (iop_episode_get_goal_target_date (e, 0), "2026-01-19");
  assert_str (iop_episode_get_goal_status (e, 0), "active"); /* new goals are active */
  assert_null (iop_episode_get_goal_target_date (e, 1));
  assert_null (iop_episode_get_goal_id (e, 2));
  assert_null (iop_episode_get_goal_stage (e, 2));
  assert_null (iop_episode_get_goal_description (e, 2));
  assert_null (iop_episode_get_goal_status (e, 2));

  /* Refused additions. */
  assert_refused (iop_episode_add_goal (e, "g1", "education", "d", NULL, &err), &err, IOP_ERROR_EXISTS, "duplicate");
  assert_refused (iop_episode_add_goal (e, "g3", "detox", "d", NULL, &err), &err, IOP_ERROR_NOT_FOUND, "stage");
  assert_refused (iop_episode_add_goal (e, "g3", NULL, "d", NULL, &err), &err, IOP_ERROR_NOT_FOUND, "NULL stage");
  assert_false (iop_episode_add_goal (e, "g3", "education", secret, "2026-02-30", &err));
  assert_quotes_none (iop_error_get_message (err), (const char *const[]) { secret, "2026-02-30", NULL });
  assert_refused (false, &err, IOP_ERROR_INVALID_ARGUMENT, "target date");
  assert_refused (iop_episode_add_goal (e, "g3", "education", "d", "19/01/2026", &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "target date 2");
  assert_refused (iop_episode_add_goal (e, "g3", "education", "", NULL, &err), &err, IOP_ERROR_INVALID_ARGUMENT,
                  "empty description");
  assert_refused (iop_episode_add_goal (e, "g3", "education", NULL, NULL, &err), &err, IOP_ERROR_INVALID_ARGUMENT,
                  "no description");
  assert_refused (iop_episode_add_goal (e, "g3", "education", long_text, NULL, &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "1001-byte description");
  assert_refused (iop_episode_add_goal (e, "goal three", "education", "d", NULL, &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "id with a space");
  assert_refused (iop_episode_add_goal (e, "", "education", "d", NULL, &err), &err, IOP_ERROR_INVALID_ARGUMENT,
                  "empty id");
  assert_refused (iop_episode_add_goal (e, "g3", "education", "bad \xff utf-8", NULL, &err), &err,
                  IOP_ERROR_INVALID_ARGUMENT, "invalid UTF-8");
  assert_int_equal (iop_episode_get_n_goals (e), 2);

  /* Every status; unknown statuses and goals are refused and change nothing. */
  for (size_t i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      assert_ok (iop_episode_set_goal_status (e, "g1", statuses[i], &err), err, statuses[i]);
      assert_str (iop_episode_get_goal_status (e, 0), statuses[i]);
    }
  assert_refused (iop_episode_set_goal_status (e, "g1", "done", &err), &err, IOP_ERROR_INVALID_ARGUMENT, "done");
  assert_refused (iop_episode_set_goal_status (e, "g1", "Achieved", &err), &err, IOP_ERROR_INVALID_ARGUMENT, "case");
  assert_refused (iop_episode_set_goal_status (e, "g1", NULL, &err), &err, IOP_ERROR_INVALID_ARGUMENT, "NULL status");
  assert_str (iop_episode_get_goal_status (e, 0), "cancelled");
  assert_refused (iop_episode_set_goal_status (e, "g9", "achieved", &err), &err, IOP_ERROR_NOT_FOUND, "g9");
  assert_refused (iop_episode_set_goal_status (e, NULL, "achieved", &err), &err, IOP_ERROR_NOT_FOUND, "NULL id");
}

/* ------------------------------------------------------------------------------------------ */
/* Attendance                                                                                  */

static void
test_episode_attendance_validation (void **state)
{
  static const struct {
    const char *what, *date, *start;
    int minutes;
    const char *kind;
    int status;
    iop_error_code code; /* 0: accepted */
  } rows[] = {
    /* The episode holds 2026-01-07 09:00-12:00 before each row. */
    { "adjacent after", "2026-01-07", "12:00", 60, "individual-counseling", IOP_ATTENDANCE_ATTENDED, 0 },
    { "adjacent before", "2026-01-07", "08:00", 60, "individual-counseling", IOP_ATTENDANCE_ATTENDED, 0 },
    { "untimed", "2026-01-07", NULL, 60, "drug-testing", IOP_ATTENDANCE_ATTENDED, 0 },
    { "other date, same start", "2026-01-08", "09:00", 180, "group-therapy", IOP_ATTENDANCE_MISSED, 0 },
    { "ends at midnight", "2026-01-07", "23:00", 60, "peer-support", IOP_ATTENDANCE_EXCUSED, 0 },
    { "a whole day", "2026-01-09", "00:00", 1440, "activity-therapy", IOP_ATTENDANCE_ATTENDED, 0 },
    { "one minute", "2026-01-09", NULL, 1, "assessment", IOP_ATTENDANCE_ATTENDED, 0 },
    { "on the admission day", "2026-01-05", "09:00", 60, "assessment", IOP_ATTENDANCE_ATTENDED, 0 },
    { "overlap inside", "2026-01-07", "11:00", 30, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "overlap from before", "2026-01-07", "08:30", 31, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "overlap around", "2026-01-07", "08:00", 300, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "same start", "2026-01-07", "09:00", 30, "individual-counseling", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_EXISTS },
    { "crosses midnight", "2026-01-07", "23:30", 60, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "0 minutes", "2026-01-08", "09:00", 0, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "-5 minutes", "2026-01-08", "09:00", -5, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "1441 minutes", "2026-01-08", NULL, 1441, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "unknown kind", "2026-01-08", "09:00", 60, "yoga", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "kind in capitals", "2026-01-08", "09:00", 60, "Group-Therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "no kind", "2026-01-08", "09:00", 60, NULL, IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "2026-02-30", "2026-02-30", "09:00", 60, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "no date", NULL, "09:00", 60, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "date and time", "2026-01-08T09:00", NULL, 60, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "UTC", "2026-01-08", "09:00Z", 60, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "offset", "2026-01-08", "09:00+01:00", 60, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "seconds", "2026-01-08", "09:00:00", 60, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "one-digit hour", "2026-01-08", "9:00", 60, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "24:00", "2026-01-08", "24:00", 60, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "12:60", "2026-01-08", "12:60", 60, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "before admission", "2026-01-04", "09:00", 60, "group-therapy", IOP_ATTENDANCE_ATTENDED, IOP_ERROR_INVALID_ARGUMENT },
    { "status 0", "2026-01-08", "09:00", 60, "group-therapy", 0, IOP_ERROR_INVALID_ARGUMENT },
    { "status 4", "2026-01-08", "09:00", 60, "group-therapy", 4, IOP_ERROR_INVALID_ARGUMENT },
  };
  Fixture *f = *state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
      g_autofree char *before = NULL, *after = NULL;
      iop_error *err = NULL;
      bool ok;
      attend (e, "2026-01-07", "09:00", 180, IOP_ATTENDANCE_ATTENDED);
      before = iop_episode_to_json (e);
      ok = iop_episode_add_attendance (e, rows[i].date, rows[i].start, rows[i].minutes, rows[i].kind,
                                       (iop_attendance_status) rows[i].status, &err);
      print_message ("  %s\n", rows[i].what);
      if (rows[i].code == 0)
        {
          assert_ok (ok, err, rows[i].what);
          assert_int_equal (iop_episode_get_n_attendance (e), 2);
          continue;
        }
      if (!ok && err != NULL)
        assert_no_date (iop_error_get_message (err));
      assert_refused (ok, &err, rows[i].code, rows[i].what);
      after = iop_episode_to_json (e);
      assert_string_equal (after, before);
    }
}

static void
test_episode_attendance_order (void **state)
{
  static const struct { const char *date, *start; } want[] = {
    { "2026-01-05", "09:00" }, { "2026-01-05", "13:00" }, { "2026-01-05", NULL },
    { "2026-01-07", "00:00" }, { "2026-01-07", "18:30" }, { "2026-02-01", NULL },
  };
  Fixture *f = *state;
  g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
  iop_error *err = NULL;

  /* Added out of order. */
  attend (e, "2026-02-01", NULL, 30, IOP_ATTENDANCE_ATTENDED);
  attend (e, "2026-01-07", "18:30", 90, IOP_ATTENDANCE_MISSED);
  attend (e, "2026-01-05", NULL, 20, IOP_ATTENDANCE_ATTENDED);
  attend (e, "2026-01-05", "13:00", 60, IOP_ATTENDANCE_EXCUSED);
  attend (e, "2026-01-07", "00:00", 60, IOP_ATTENDANCE_ATTENDED);
  assert_ok (iop_episode_add_attendance (e, "2026-01-05", "09:00", 180, "family-therapy", IOP_ATTENDANCE_ATTENDED,
                                         &err), err, "family");
  assert_int_equal (iop_episode_get_n_attendance (e), G_N_ELEMENTS (want));
  for (size_t i = 0; i < G_N_ELEMENTS (want); i++)
    {
      assert_str (iop_episode_get_attendance_date (e, i), want[i].date);
      assert_str (iop_episode_get_attendance_start (e, i), want[i].start);
    }
  assert_int_equal (iop_episode_get_attendance_minutes (e, 0), 180);
  assert_str (iop_episode_get_attendance_kind (e, 0), "family-therapy");
  assert_int_equal (iop_episode_get_attendance_status (e, 0), IOP_ATTENDANCE_ATTENDED);
  assert_int_equal (iop_episode_get_attendance_status (e, 1), IOP_ATTENDANCE_EXCUSED);
  assert_int_equal (iop_episode_get_attendance_status (e, 4), IOP_ATTENDANCE_MISSED);
  assert_int_equal (iop_episode_get_attendance_minutes (e, 4), 90);
  /* Out of range. */
  assert_null (iop_episode_get_attendance_date (e, 6));
  assert_null (iop_episode_get_attendance_start (e, 6));
  assert_null (iop_episode_get_attendance_kind (e, 6));
  assert_int_equal (iop_episode_get_attendance_minutes (e, 6), 0);
  assert_int_equal (iop_episode_get_attendance_status (e, 6), 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Attendance summary                                                                          */

static void
test_episode_summary_iso_weeks (void **state)
{
  /* Derived by hand: an ISO week belongs to the year of its Thursday. 2026 starts on a Thursday,
   * so it has 53 weeks; 2020 (a leap year starting on a Wednesday) too. */
  static const struct { const char *admission, *as_of, *weeks[4]; } rows[] = {
    { "2026-12-28", "2027-01-06", { "2026-W53", "2027-W01" } },
    { "2027-01-01", "2027-01-04", { "2026-W53", "2027-W01" } },   /* Friday 1 January is in 2026-W53 */
    { "2025-12-29", "2026-01-04", { "2026-W01" } },               /* Monday 29 December is in 2026-W01 */
    { "2024-12-30", "2025-01-05", { "2025-W01" } },
    { "2020-12-31", "2021-01-11", { "2020-W53", "2021-W01", "2021-W02" } },
    { "2026-01-05", "2026-01-05", { "2026-W02" } },
    { "2026-01-04", "2026-01-05", { "2026-W01", "2026-W02" } },  /* Sunday, then Monday */
    { "2026-01-07", "2026-01-20", { "2026-W02", "2026-W03", "2026-W04" } },
  };
  Fixture *f = *state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(iop_episode) e = open_episode (f, rows[i].admission);
      g_autoptr(iop_attendance_summary) s = summarize_ok (e, rows[i].as_of);
      size_t n = 0;
      while (n < 4 && rows[i].weeks[n] != NULL)
        n++;
      print_message ("  %s .. %s\n", rows[i].admission, rows[i].as_of);
      assert_int_equal (iop_attendance_summary_get_n_weeks (s), n);
      for (size_t k = 0; k < n; k++)
        assert_str (iop_attendance_summary_get_week (s, k), rows[i].weeks[k]);
      assert_null (iop_attendance_summary_get_week (s, n));
    }
}

static void
test_episode_summary_planned_and_attended (void **state)
{
  Fixture *f = *state;
  /* Admitted on Wednesday 2026-01-07. Plan: Mon, Wed, Fri 09:00 180 min group, Wed 13:00 60 min
   * individual (10 hours a week). */
  g_autoptr(iop_episode) e = open_episode (f, "2026-01-07");
  g_autoptr(iop_schedule) plan = mwf (180);
  g_autoptr(iop_attendance_summary) s = NULL;
  iop_error *err = NULL;

  assert_ok (iop_schedule_add_session (plan, IOP_WEDNESDAY, "13:00", 60, "individual-counseling", &err), err, "plan");
  iop_episode_set_schedule (e, plan);
  attend (e, "2026-01-07", "09:00", 180, IOP_ATTENDANCE_ATTENDED);
  assert_ok (iop_episode_add_attendance (e, "2026-01-07", "13:00", 60, "individual-counseling",
                                         IOP_ATTENDANCE_ATTENDED, &err), err, "ind");
  attend (e, "2026-01-09", "09:00", 180, IOP_ATTENDANCE_MISSED);
  attend (e, "2026-01-12", "09:00", 180, IOP_ATTENDANCE_EXCUSED);
  attend (e, "2026-01-14", "09:00", 180, IOP_ATTENDANCE_ATTENDED);
  assert_ok (iop_episode_add_attendance (e, "2026-01-14", "13:00", 60, "individual-counseling",
                                         IOP_ATTENDANCE_MISSED, &err), err, "ind 2");
  attend (e, "2026-01-16", "09:00", 180, IOP_ATTENDANCE_ATTENDED);
  attend (e, "2026-01-19", "09:00", 150, IOP_ATTENDANCE_ATTENDED); /* left early */
  attend (e, "2026-01-21", "09:00", 180, IOP_ATTENDANCE_ATTENDED); /* after the date asked */

  s = summarize_ok (e, "2026-01-20");
  assert_int_equal (iop_attendance_summary_get_n_weeks (s), 3);
  /* W02 from Wednesday: Wed 180 + 60, Fri 180 = 7 h planned; 4 h attended. */
  assert_str (iop_attendance_summary_get_week (s, 0), "2026-W02");
  assert_near (iop_attendance_summary_get_planned_hours (s, 0), 7);
  assert_near (iop_attendance_summary_get_attended_hours (s, 0), 4);
  assert_int_equal (iop_attendance_summary_get_sessions (s, 0, IOP_ATTENDANCE_ATTENDED), 2);
  assert_int_equal (iop_attendance_summary_get_sessions (s, 0, IOP_ATTENDANCE_MISSED), 1);
  assert_int_equal (iop_attendance_summary_get_sessions (s, 0, IOP_ATTENDANCE_EXCUSED), 0);
  /* W03, a full week: 10 h planned; 6 h attended. */
  assert_near (iop_attendance_summary_get_planned_hours (s, 1), 10);
  assert_near (iop_attendance_summary_get_attended_hours (s, 1), 6);
  assert_int_equal (iop_attendance_summary_get_sessions (s, 1, IOP_ATTENDANCE_ATTENDED), 2);
  assert_int_equal (iop_attendance_summary_get_sessions (s, 1, IOP_ATTENDANCE_MISSED), 1);
  assert_int_equal (iop_attendance_summary_get_sessions (s, 1, IOP_ATTENDANCE_EXCUSED), 1);
  /* W04 to Tuesday: Monday's 3 h planned; 2.5 h attended. The 21st is left out. */
  assert_near (iop_attendance_summary_get_planned_hours (s, 2), 3);
  assert_near (iop_attendance_summary_get_attended_hours (s, 2), 2.5);
  assert_int_equal (iop_attendance_summary_get_sessions (s, 2, IOP_ATTENDANCE_ATTENDED), 1);
  /* Out of range. */
  assert_near (iop_attendance_summary_get_planned_hours (s, 3), 0);
  assert_near (iop_attendance_summary_get_attended_hours (s, 3), 0);
  assert_int_equal (iop_attendance_summary_get_sessions (s, 3, IOP_ATTENDANCE_ATTENDED), 0);
  assert_int_equal (iop_attendance_summary_get_sessions (s, 0, (iop_attendance_status) 0), 0);
  assert_int_equal (iop_attendance_summary_get_sessions (s, 0, (iop_attendance_status) 4), 0);
  /* 5 attended, 2 missed (the excused one left out): 5/7, under 0.75. */
  assert_near (iop_attendance_summary_get_rate (s), 5.0 / 7.0);
  assert_near (iop_attendance_summary_get_sessions_per_week (s), 5.0 / 3.0);
  assert_int_equal (iop_attendance_summary_get_current_misses (s), 0);
  assert_int_equal (iop_attendance_summary_get_n_flags (s), 1);
  assert_str (iop_attendance_summary_get_flag (s, 0), "dropout-risk");
  assert_str (iop_attendance_summary_get_flag_date (s, 0), "2026-01-20");
  assert_null (iop_attendance_summary_get_flag (s, 1));
  assert_null (iop_attendance_summary_get_flag_date (s, 1));

  /* The JSON, read back with json-glib. */
  {
    g_autofree char *json = iop_attendance_summary_to_json (s);
    g_autoptr(JsonNode) root = parse_json (json);
    JsonArray *weeks = json_node_get_array (json_at (root, "weeks", NULL));
    JsonArray *flags = json_node_get_array (json_at (root, "flags", NULL));
    JsonObject *w;
    assert_str (json_node_get_string (json_at (root, "as_of", NULL)), "2026-01-20");
    assert_near (json_node_get_double (json_at (root, "rate", NULL)), 0.71);
    assert_near (json_node_get_double (json_at (root, "sessions_per_week", NULL)), 1.67);
    assert_int_equal (json_node_get_int (json_at (root, "current_misses", NULL)), 0);
    assert_int_equal (json_array_get_length (weeks), 3);
    w = json_array_get_object_element (weeks, 2);
    assert_str (json_object_get_string_member (w, "week"), "2026-W04");
    assert_near (json_object_get_double_member (w, "planned_hours"), 3);
    assert_near (json_object_get_double_member (w, "attended_hours"), 2.5);
    assert_int_equal (json_object_get_int_member (w, "attended"), 1);
    assert_int_equal (json_object_get_int_member (w, "missed"), 0);
    assert_int_equal (json_object_get_int_member (w, "excused"), 0);
    assert_int_equal (json_array_get_length (flags), 1);
    assert_str (json_object_get_string_member (json_array_get_object_element (flags, 0), "flag"), "dropout-risk");
    assert_str (json_object_get_string_member (json_array_get_object_element (flags, 0), "date"), "2026-01-20");
    assert_non_null (json_object_get_string_member (json_array_get_object_element (flags, 0), "text"));
  }
  /* Without a date: up to the last attendance entry (the 21st). */
  {
    g_autoptr(iop_attendance_summary) all = summarize_ok (e, NULL);
    assert_int_equal (iop_attendance_summary_get_n_weeks (all), 3);
    assert_near (iop_attendance_summary_get_planned_hours (all, 2), 7);
    assert_near (iop_attendance_summary_get_attended_hours (all, 2), 5.5);
    assert_near (iop_attendance_summary_get_rate (all), 6.0 / 8.0);
    assert_int_equal (iop_attendance_summary_get_n_flags (all), 0); /* exactly 0.75 */
  }
  /* Refused dates. */
  assert_null (iop_episode_summarize_attendance (e, "2026-01-06", &err));
  assert_refused (false, &err, IOP_ERROR_INVALID_ARGUMENT, "before admission");
  assert_null (iop_episode_summarize_attendance (e, "2026-02-30", &err));
  assert_refused (false, &err, IOP_ERROR_INVALID_ARGUMENT, "2026-02-30");
}

static void
test_episode_summary_without_attendance (void **state)
{
  Fixture *f = *state;
  g_autoptr(iop_episode) e = open_episode (f, "2026-01-07");
  g_autoptr(iop_attendance_summary) s = summarize_ok (e, NULL);

  set_mwf (e, 180);
  /* Up to the admission: one week, nothing due. */
  assert_int_equal (iop_attendance_summary_get_n_weeks (s), 1);
  assert_near (iop_attendance_summary_get_rate (s), 1);
  assert_near (iop_attendance_summary_get_sessions_per_week (s), 0);
  assert_int_equal (iop_attendance_summary_get_n_flags (s), 0);
  assert_near (iop_attendance_summary_get_planned_hours (s, 0), 0); /* no schedule when summarized */
  {
    g_autoptr(iop_attendance_summary) later = summarize_ok (e, "2026-01-07");
    assert_near (iop_attendance_summary_get_planned_hours (later, 0), 3);
  }
  /* Excused sessions only: nothing due, no flags. */
  attend (e, "2026-01-07", "09:00", 180, IOP_ATTENDANCE_EXCUSED);
  attend (e, "2026-01-09", "09:00", 180, IOP_ATTENDANCE_EXCUSED);
  {
    g_autoptr(iop_attendance_summary) ex = summarize_ok (e, NULL);
    assert_near (iop_attendance_summary_get_rate (ex), 1);
    assert_int_equal (iop_attendance_summary_get_current_misses (ex), 0);
    assert_int_equal (iop_attendance_summary_get_n_flags (ex), 0);
    assert_int_equal (iop_attendance_summary_get_sessions (ex, 0, IOP_ATTENDANCE_EXCUSED), 2);
  }
}

/* A sequence of statuses, one session a day from 2026-01-05, and what the summary makes of it. */
typedef struct {
  const char *statuses;  /* A attended, M missed, E excused */
  int current;           /* the run of misses at the end */
  const char *outreach;  /* comma-separated day numbers (1-based) of outreach flags, or "" */
  bool dropout;
} RunRow;

static void
check_runs (const Fixture *f, iop_program *program, const RunRow *rows, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      g_autoptr(iop_episode) e = open_with (f, program, "2026-01-05");
      g_autoptr(iop_attendance_summary) s = NULL;
      g_autoptr(GString) outreach = g_string_new (NULL);
      bool dropout = false;
      for (size_t d = 0; rows[i].statuses[d] != '\0'; d++)
        {
          char date[11];
          char c = rows[i].statuses[d];
          g_snprintf (date, sizeof date, "2026-01-%02zu", 5 + d);
          attend (e, date, "09:00", 180,
                  c == 'A' ? IOP_ATTENDANCE_ATTENDED : c == 'M' ? IOP_ATTENDANCE_MISSED : IOP_ATTENDANCE_EXCUSED);
        }
      s = summarize_ok (e, NULL);
      for (size_t k = 0; k < iop_attendance_summary_get_n_flags (s); k++)
        {
          const char *flag = iop_attendance_summary_get_flag (s, k);
          if (strcmp (flag, "outreach") == 0)
            g_string_append_printf (outreach, "%s%d", outreach->len ? "," : "",
                                    atoi (iop_attendance_summary_get_flag_date (s, k) + 8) - 4);
          else if (strcmp (flag, "dropout-risk") == 0)
            {
              dropout = true;
              assert_str (iop_attendance_summary_get_flag_date (s, k), iop_episode_get_attendance_date (
                            e, iop_episode_get_n_attendance (e) - 1));
            }
          else
            fail_msg ("unknown flag %s", flag);
        }
      print_message ("  %s\n", rows[i].statuses);
      assert_int_equal (iop_attendance_summary_get_current_misses (s), rows[i].current);
      assert_string_equal (outreach->str, rows[i].outreach);
      assert_int_equal (dropout, rows[i].dropout);
    }
}

static void
test_episode_outreach_and_dropout_flags (void **state)
{
  static const RunRow rows[] = {
    { "AAAA", 0, "", false },
    { "AAAM", 1, "", false },        /* 3/4 = 0.75 exactly: no dropout risk */
    { "AAM", 1, "", true },          /* 2/3: below 0.75 */
    { "AAAMM", 2, "5", true },       /* 3/5 */
    { "AAAAAAMM", 2, "8", false },   /* 6/8 = 0.75 */
    { "AAAAAAMEM", 2, "9", false },  /* excused neither breaks nor counts */
    { "AAAAAAMAM", 1, "", false },   /* an attended session breaks the run */
    { "AAAAAAMMM", 3, "8", true },   /* one flag per run */
    { "AAAAAAAAAAMMAMM", 2, "12,15", true }, /* 11/15 */
    { "EEEE", 0, "", false },        /* nothing due */
    { "M", 1, "", true },
    { "MEEEEM", 2, "6", true },
  };
  Fixture *f = *state;
  check_runs (f, f->program, rows, G_N_ELEMENTS (rows));
}

static void
test_episode_thresholds_from_a_program_pack (void **state)
{
  /* The Matrix-like pack: outreach after 3 misses, dropout risk below 0.8. */
  static const RunRow rows[] = {
    { "AAAAM", 1, "", false },      /* 4/5 = 0.8 exactly */
    { "AAAM", 1, "", true },        /* 0.75 is below 0.8 */
    { "AAAAAAAAMM", 2, "", false }, /* two misses are not three; 8/10 */
    { "AAAAAAAAAAAAMMM", 3, "15", false },
  };
  Fixture *f = *state;
  g_autoptr(iop_program) matrix = load_program_text (matrix_pack);
  assert_int_equal (iop_program_get_outreach_misses (matrix), 3);
  assert_near (iop_program_get_dropout_threshold (matrix), 0.8);
  check_runs (f, matrix, rows, G_N_ELEMENTS (rows));
  /* The check uses the same thresholds. */
  {
    g_autoptr(iop_episode) e = open_with (f, matrix, "2026-01-05");
    g_autoptr(iop_compliance_report) r = NULL;
    int k;
    set_mwf (e, 180);
    attend (e, "2026-01-05", "09:00", 180, IOP_ATTENDANCE_ATTENDED);
    attend (e, "2026-01-07", "09:00", 180, IOP_ATTENDANCE_ATTENDED);
    attend (e, "2026-01-09", "09:00", 180, IOP_ATTENDANCE_ATTENDED);
    attend (e, "2026-01-12", "09:00", 180, IOP_ATTENDANCE_MISSED);
    attend (e, "2026-01-14", "09:00", 180, IOP_ATTENDANCE_MISSED);
    r = check_ok (f, e, "2026-01-14");
    k = expect_result (r, "attendance-rate");
    assert_false (iop_compliance_report_get_passed (r, k)); /* 0.6 */
    assert_str (iop_compliance_report_get_required (r, k), ">= 0.8");
    assert_str (iop_compliance_report_get_source (r, k), "test");
    k = expect_result (r, "consecutive-misses");
    assert_true (iop_compliance_report_get_passed (r, k)); /* 2 < 3 */
    assert_str (iop_compliance_report_get_required (r, k), "< 3 consecutive misses");
  }
}

/* ------------------------------------------------------------------------------------------ */
/* The check                                                                                   */

static void
test_episode_check_report (void **state)
{
  Fixture *f = *state;
  g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
  g_autoptr(iop_compliance_report) r = NULL;
  g_autofree char *ids = NULL;
  iop_error *err = NULL;
  int k;

  set_mwf (e, 180); /* 9 h/week, 3 h a day */
  /* No attendance and no Medicare certification: the schedule rules only. */
  r = check_ok (f, e, "2026-01-05");
  ids = rule_ids (r);
  assert_string_equal (ids, "weekly-hours-band,service-day-minimum");
  assert_true (iop_compliance_report_is_compliant (r));
  g_clear_pointer (&r, iop_compliance_report_free);
  g_clear_pointer (&ids, g_free);

  attend (e, "2026-01-05", "09:00", 180, IOP_ATTENDANCE_ATTENDED);
  attend (e, "2026-01-07", "09:00", 180, IOP_ATTENDANCE_ATTENDED);
  attend (e, "2026-01-09", "09:00", 180, IOP_ATTENDANCE_MISSED);
  assert_ok (iop_episode_set_medicare_certified (e, "2026-01-05", &err), err, "certified");
  r = check_ok (f, e, "2026-01-09");
  ids = rule_ids (r);
  assert_string_equal (ids, "weekly-hours-band,service-day-minimum,medicare-certification,attendance-rate,"
                            "consecutive-misses,medicare-recertification");
  assert_false (iop_compliance_report_is_compliant (r)); /* 2/3 attended */
  k = expect_result (r, "weekly-hours-band");
  assert_true (iop_compliance_report_get_passed (r, k));
  assert_near (iop_compliance_report_get_measured (r, k), 9);
  assert_str (iop_compliance_report_get_required (r, k), "9-19 hours/week");
  k = expect_result (r, "medicare-certification");
  assert_true (iop_compliance_report_get_passed (r, k));
  k = expect_result (r, "attendance-rate");
  assert_false (iop_compliance_report_get_passed (r, k));
  assert_str (iop_compliance_report_get_status (r, k), "fail");
  assert_near (iop_compliance_report_get_measured (r, k), 2.0 / 3.0);
  assert_str (iop_compliance_report_get_required (r, k), ">= 0.75");
  assert_str (iop_compliance_report_get_source (r, k), "libiop-engagement-default");
  k = expect_result (r, "consecutive-misses");
  assert_true (iop_compliance_report_get_passed (r, k));
  assert_near (iop_compliance_report_get_measured (r, k), 1);
  assert_str (iop_compliance_report_get_required (r, k), "< 2 consecutive misses");
  assert_str (iop_compliance_report_get_source (r, k), "evernorth-outreach");
  k = expect_result (r, "medicare-recertification");
  assert_true (iop_compliance_report_get_passed (r, k));
  assert_near (iop_compliance_report_get_measured (r, k), 55); /* 2026-01-09 to 2026-03-05 */
  assert_str (iop_compliance_report_get_date (r, k), "2026-03-05");
  assert_str (iop_compliance_report_get_required (r, k), "recertified by 2026-03-05");
  assert_null (iop_compliance_report_get_recommendation (r));
  g_clear_pointer (&r, iop_compliance_report_free);

  /* A second miss: outreach; the JSON has the documented shape. */
  attend (e, "2026-01-12", "09:00", 180, IOP_ATTENDANCE_MISSED);
  r = check_ok (f, e, "2026-01-12");
  k = expect_result (r, "consecutive-misses");
  assert_false (iop_compliance_report_get_passed (r, k));
  assert_near (iop_compliance_report_get_measured (r, k), 2);
  {
    g_autofree char *json = iop_compliance_report_to_json (r);
    g_autoptr(JsonNode) root = parse_json (json);
    JsonArray *rules = json_node_get_array (json_at (root, "rules", NULL));
    assert_false (json_node_get_boolean (json_at (root, "compliant", NULL)));
    assert_str (json_node_get_string (json_at (root, "level", NULL)), "2.1");
    assert_int_equal (json_array_get_length (rules), 6);
    for (guint i = 0; i < json_array_get_length (rules); i++)
      {
        JsonObject *o = json_array_get_object_element (rules, i);
        assert_true (json_object_has_member (o, "id") && json_object_has_member (o, "passed") &&
                     json_object_has_member (o, "measured") && json_object_has_member (o, "required"));
      }
    assert_str (json_object_get_string_member (json_array_get_object_element (rules, 3), "rule_set"), "engagement");
    assert_str (json_object_get_string_member (json_array_get_object_element (rules, 5), "rule_set"), "medicare");
  }

  /* Bad dates. */
  assert_null (iop_episode_check (e, f->rules, NULL, &err));
  assert_refused (false, &err, IOP_ERROR_INVALID_ARGUMENT, "NULL");
  assert_null (iop_episode_check (e, f->rules, "2026-02-30", &err));
  assert_refused (false, &err, IOP_ERROR_INVALID_ARGUMENT, "2026-02-30");
  assert_null (iop_episode_check (e, f->rules, "2026-01-04", &err));
  assert_refused (false, &err, IOP_ERROR_INVALID_ARGUMENT, "before admission");
  /* NULL rules: the built-in pack. */
  {
    g_autoptr(iop_compliance_report) builtin = iop_episode_check (e, NULL, "2026-01-12", &err);
    assert_ok (builtin != NULL, err, "built-in rules");
    assert_int_equal (iop_compliance_report_get_n_results (builtin), 6);
  }
}

static void
test_episode_check_attendance_rate_edges (void **state)
{
  static const struct { int attended, missed; bool passed; } rows[] = {
    { 3, 1, true },   /* exactly 0.75 passes */
    { 2, 1, false },
    { 5, 2, false },  /* 0.714 */
    { 6, 2, true },
    { 1, 0, true },
  };
  Fixture *f = *state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
      g_autoptr(iop_compliance_report) r = NULL;
      int day = 5, k;
      char date[11];
      set_mwf (e, 180);
      /* Misses first, so that no run of misses is open at the end. */
      for (int m = 0; m < rows[i].missed; m++, day++)
        {
          g_snprintf (date, sizeof date, "2026-01-%02d", day);
          attend (e, date, "09:00", 180, IOP_ATTENDANCE_MISSED);
          g_snprintf (date, sizeof date, "2026-01-%02d", ++day);
          attend (e, date, "09:00", 180, IOP_ATTENDANCE_ATTENDED);
        }
      for (int a = rows[i].missed; a < rows[i].attended; a++, day++)
        {
          g_snprintf (date, sizeof date, "2026-01-%02d", day);
          attend (e, date, "09:00", 180, IOP_ATTENDANCE_ATTENDED);
        }
      r = check_ok (f, e, "2026-01-31");
      k = expect_result (r, "attendance-rate");
      print_message ("  %d/%d\n", rows[i].attended, rows[i].attended + rows[i].missed);
      assert_int_equal (iop_compliance_report_get_passed (r, k), rows[i].passed);
      assert_near (iop_compliance_report_get_measured (r, k),
                   (double) rows[i].attended / (rows[i].attended + rows[i].missed));
      assert_true (iop_compliance_report_get_passed (r, expect_result (r, "consecutive-misses")));
      assert_int_equal (iop_compliance_report_is_compliant (r), rows[i].passed);
    }
}

static void
test_episode_check_medicare_recertification (void **state)
{
  static const struct { const char *admission, *certified, *due, *on; bool passed; double days; } rows[] = {
    { "2025-12-01", "2025-12-31", "2026-02-28", "2026-02-28", true, 0 },  /* month end, not a leap year */
    { "2025-12-01", "2025-12-31", "2026-02-28", "2026-03-01", false, -1 },
    { "2027-12-01", "2027-12-31", "2028-02-29", "2028-02-29", true, 0 },  /* leap year */
    { "2027-12-01", "2027-12-31", "2028-02-29", "2028-01-01", true, 59 },
    { "2026-01-05", "2026-01-15", "2026-03-15", "2026-03-16", false, -1 },
    { "2026-06-01", "2026-08-31", "2026-10-31", "2026-09-01", true, 60 },
    { "2026-06-01", "2026-07-31", "2026-09-30", "2026-10-01", false, -1 },
  };
  Fixture *f = *state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(iop_episode) e = open_episode (f, rows[i].admission);
      g_autoptr(iop_compliance_report) r = NULL;
      g_autofree char *due = NULL, *required = g_strdup_printf ("recertified by %s", rows[i].due);
      iop_error *err = NULL;
      int k;
      print_message ("  certified %s, checked %s\n", rows[i].certified, rows[i].on);
      set_mwf (e, 180);
      assert_ok (iop_episode_set_medicare_certified (e, rows[i].certified, &err), err, "certify");
      assert_str (iop_episode_get_medicare_certified (e), rows[i].certified);
      due = iop_episode_get_recertification_due (e, NULL, &err);
      assert_ok (due != NULL, err, "due");
      assert_string_equal (due, rows[i].due);
      g_clear_pointer (&due, iop_free);
      due = iop_episode_get_recertification_due (e, f->rules, &err);
      assert_string_equal (due, rows[i].due);
      r = check_ok (f, e, rows[i].on);
      k = expect_result (r, "medicare-recertification");
      assert_int_equal (iop_compliance_report_get_passed (r, k), rows[i].passed);
      assert_str (iop_compliance_report_get_status (r, k), rows[i].passed ? "pass" : "fail");
      assert_near (iop_compliance_report_get_measured (r, k), rows[i].days);
      assert_str (iop_compliance_report_get_required (r, k), required);
      assert_str (iop_compliance_report_get_source (r, k), "cms-iop-2024");
      /* The default rule sets gain "medicare" for a certified episode. */
      assert_true (find_result (r, "medicare-certification") >= 0);
    }
  /* Not certified; bad certification dates. */
  {
    g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
    iop_error *err = NULL;
    assert_null (iop_episode_get_recertification_due (e, NULL, &err));
    assert_refused (false, &err, IOP_ERROR_NOT_FOUND, "not certified");
    assert_refused (iop_episode_set_medicare_certified (e, "2026-01-04", &err), &err, IOP_ERROR_INVALID_ARGUMENT,
                    "before admission");
    assert_refused (iop_episode_set_medicare_certified (e, "2026-02-29", &err), &err, IOP_ERROR_INVALID_ARGUMENT,
                    "2026-02-29");
    assert_null (iop_episode_get_medicare_certified (e));
    assert_ok (iop_episode_set_medicare_certified (e, "2026-01-05", &err), err, "certify");
    assert_ok (iop_episode_set_medicare_certified (e, NULL, &err), err, "clear");
    assert_null (iop_episode_get_medicare_certified (e));
  }
}

static void
test_episode_check_taper_weeks (void **state)
{
  /* 7 h/week at 2.1 (adult): below the band. The taper started on Monday 2026-03-02. */
  static const struct { const char *taper, *on, *status, *recommendation; } rows[] = {
    { "2026-03-02", "2026-03-02", "taper", NULL },        /* week 1 */
    { "2026-03-02", "2026-03-08", "taper", NULL },        /* still week 1 */
    { "2026-03-02", "2026-03-09", "taper", NULL },        /* week 2 */
    { "2026-03-02", "2026-03-15", "taper", NULL },
    { "2026-03-02", "2026-03-16", "fail", "step-down" },  /* week 3 */
    { "2026-03-02", "2026-06-01", "fail", "step-down" },
    { "2026-03-02", "2026-03-01", "fail", "step-down" },  /* before the taper started */
    { NULL, "2026-03-02", "fail", "step-down" },          /* not tapering */
  };
  Fixture *f = *state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
      g_autoptr(iop_schedule) week = iop_schedule_new ();
      g_autoptr(iop_compliance_report) r = NULL;
      iop_error *err = NULL;
      int k;
      assert_ok (iop_schedule_add_session (week, IOP_MONDAY, "09:00", 210, "group-therapy", &err), err, "mon");
      assert_ok (iop_schedule_add_session (week, IOP_THURSDAY, "09:00", 210, "group-therapy", &err), err, "thu");
      iop_episode_set_schedule (e, week);
      assert_true (iop_episode_set_rule_sets (e, "asam", NULL));
      assert_ok (iop_episode_set_taper_start (e, rows[i].taper, &err), err, "taper");
      assert_str (iop_episode_get_taper_start (e), rows[i].taper);
      r = check_ok (f, e, rows[i].on);
      k = expect_result (r, "weekly-hours-band");
      print_message ("  taper %s, checked %s\n", rows[i].taper ? rows[i].taper : "-", rows[i].on);
      assert_str (iop_compliance_report_get_status (r, k), rows[i].status);
      assert_near (iop_compliance_report_get_measured (r, k), 7);
      assert_str (iop_compliance_report_get_recommendation (r), rows[i].recommendation);
      if (rows[i].recommendation != NULL)
        assert_str (iop_level_get_code (iop_compliance_report_get_recommended_level (r)), "1");
      assert_int_equal (iop_compliance_report_is_compliant (r), strcmp (rows[i].status, "taper") == 0);
    }
  /* The taper start cannot precede the admission. */
  {
    g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
    iop_error *err = NULL;
    assert_refused (iop_episode_set_taper_start (e, "2026-01-04", &err), &err, IOP_ERROR_INVALID_ARGUMENT, "early");
    assert_refused (iop_episode_set_taper_start (e, "2026-13-01", &err), &err, IOP_ERROR_INVALID_ARGUMENT, "month 13");
    assert_null (iop_episode_get_taper_start (e));
  }
}

static void
test_episode_age_group_on_the_check_date (void **state)
{
  Fixture *f = *state;
  g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
  g_autoptr(iop_episode) leap = open_episode (f, "2026-01-05");
  iop_error *err = NULL;

  /* Recorded age group, no birth date. */
  assert_int_equal (iop_episode_get_age_group (e, "2026-06-01", &err), IOP_AGE_ADULT);
  assert_ok (iop_episode_set_age_group (e, IOP_AGE_ADOLESCENT, &err), err, "adolescent");
  assert_int_equal (iop_episode_get_age_group (e, NULL, &err), IOP_AGE_ADOLESCENT);
  assert_refused (iop_episode_set_age_group (e, (iop_age_group) 0, &err), &err, IOP_ERROR_INVALID_ARGUMENT, "0");
  assert_refused (iop_episode_set_age_group (e, (iop_age_group) 3, &err), &err, IOP_ERROR_INVALID_ARGUMENT, "3");

  /* Born 2008-03-15: 17 until 2026-03-14, 18 from 2026-03-15. The birth date wins. */
  assert_ok (iop_episode_set_birth_date (e, "2008-03-15", &err), err, "birth");
  iop_episode_set_age_group (e, IOP_AGE_ADULT, NULL);
  assert_str (iop_episode_get_birth_date (e), "2008-03-15");
  assert_int_equal (iop_episode_get_age_group (e, NULL, &err), IOP_AGE_ADOLESCENT);
  assert_int_equal (iop_episode_get_age_group (e, "2026-03-14", &err), IOP_AGE_ADOLESCENT);
  assert_int_equal (iop_episode_get_age_group (e, "2026-03-15", &err), IOP_AGE_ADULT);
  assert_null (err);
  assert_int_equal (iop_episode_get_age_group (e, "2026-02-30", &err), 0);
  assert_refused (false, &err, IOP_ERROR_INVALID_ARGUMENT, "bad date");

  /* The check uses the age on its date: 6 h/week meets the adolescent band only. */
  {
    g_autoptr(iop_schedule) six = mwf (120);
    g_autoptr(iop_compliance_report) r17 = NULL, r18 = NULL;
    int k;
    iop_episode_set_schedule (e, six);
    assert_true (iop_episode_set_rule_sets (e, "asam", NULL));
    r17 = check_ok (f, e, "2026-03-14");
    k = expect_result (r17, "weekly-hours-band");
    assert_true (iop_compliance_report_get_passed (r17, k));
    assert_str (iop_compliance_report_get_required (r17, k), "6-19 hours/week");
    r18 = check_ok (f, e, "2026-03-15");
    k = expect_result (r18, "weekly-hours-band");
    assert_false (iop_compliance_report_get_passed (r18, k));
    assert_str (iop_compliance_report_get_required (r18, k), "9-19 hours/week");
    {
      g_autofree char *json = iop_compliance_report_to_json (r17);
      g_autoptr(JsonNode) root = parse_json (json);
      assert_str (json_node_get_string (json_at (root, "age_group", NULL)), "adolescent");
    }
  }

  /* Born on 29 February: 18 on 1 March of a common year. */
  assert_ok (iop_episode_set_birth_date (leap, "2008-02-29", &err), err, "leap birth");
  assert_int_equal (iop_episode_get_age_group (leap, "2026-02-28", &err), IOP_AGE_ADOLESCENT);
  assert_int_equal (iop_episode_get_age_group (leap, "2026-03-01", &err), IOP_AGE_ADULT);

  /* Refused birth dates; clearing falls back to the recorded group. */
  assert_refused (iop_episode_set_birth_date (leap, "2026-01-06", &err), &err, IOP_ERROR_INVALID_ARGUMENT, "after");
  assert_refused (iop_episode_set_birth_date (leap, "2008-02-30", &err), &err, IOP_ERROR_INVALID_ARGUMENT, "2-30");
  assert_str (iop_episode_get_birth_date (leap), "2008-02-29");
  assert_ok (iop_episode_set_birth_date (leap, NULL, &err), err, "clear");
  assert_null (iop_episode_get_birth_date (leap));
  assert_int_equal (iop_episode_get_age_group (leap, "2026-02-28", &err), IOP_AGE_ADULT);
}

static void
test_episode_rule_set_selection (void **state)
{
  Fixture *f = *state;
  g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
  iop_error *err = NULL;

  set_mwf (e, 180);
  assert_true (iop_episode_set_rule_sets (e, "asam,h0015", NULL));
  assert_str (iop_episode_get_rule_sets (e), "asam,h0015");
  {
    g_autoptr(iop_compliance_report) r = check_ok (f, e, "2026-01-05");
    g_autofree char *ids = rule_ids (r);
    assert_string_equal (ids, "weekly-hours-band,h0015-hours-per-day,h0015-days-per-week");
  }
  /* A certified episode with its own selection gets the recertification result, not the
   * certification rule set. */
  assert_ok (iop_episode_set_medicare_certified (e, "2026-01-05", &err), err, "certify");
  {
    g_autoptr(iop_compliance_report) r = check_ok (f, e, "2026-01-05");
    g_autofree char *ids = rule_ids (r);
    assert_string_equal (ids, "weekly-hours-band,h0015-hours-per-day,h0015-days-per-week,medicare-recertification");
  }
  assert_true (iop_episode_set_rule_sets (e, "medicare", NULL));
  {
    g_autoptr(iop_compliance_report) r = check_ok (f, e, "2026-01-05");
    g_autofree char *ids = rule_ids (r);
    assert_string_equal (ids, "medicare-certification,medicare-recertification");
  }
  assert_true (iop_episode_set_rule_sets (e, NULL, NULL));
  assert_null (iop_episode_get_rule_sets (e));
  {
    g_autoptr(iop_compliance_report) r = check_ok (f, e, "2026-01-05");
    g_autofree char *ids = rule_ids (r);
    assert_string_equal (ids, "weekly-hours-band,service-day-minimum,medicare-certification,medicare-recertification");
  }
  /* An unknown rule set. */
  assert_true (iop_episode_set_rule_sets (e, "asam,hedis", NULL));
  assert_null (iop_episode_check (e, f->rules, "2026-01-05", &err));
  assert_refused (false, &err, IOP_ERROR_NOT_FOUND, "hedis");

  /* The setters refuse what the document could not hold (an empty, too long or non-UTF-8 text),
   * and nothing changes. */
  assert_refused (iop_episode_set_rule_sets (e, "", &err), &err, IOP_ERROR_INVALID_ARGUMENT, "rule-set");
  assert_str (iop_episode_get_rule_sets (e), "asam,hedis");
  {
    g_autofree char *long_sets = g_strnfill (257, 'a');
    assert_refused (iop_episode_set_rule_sets (e, long_sets, &err), &err, IOP_ERROR_INVALID_ARGUMENT, "rule-set");
  }
  assert_true (iop_episode_set_payer (e, "medicaid-va", NULL));
  assert_refused (iop_episode_set_payer (e, "", &err), &err, IOP_ERROR_INVALID_ARGUMENT, "payer");
  {
    g_autofree char *long_payer = g_strnfill (129, 'p');
    g_autofree char *max_payer = g_strnfill (128, 'p');
    assert_refused (iop_episode_set_payer (e, long_payer, &err), &err, IOP_ERROR_INVALID_ARGUMENT, "payer");
    assert_str (iop_episode_get_payer (e), "medicaid-va");
    assert_refused (iop_episode_set_payer (e, "\xff\xfe", &err), &err, IOP_ERROR_INVALID_ARGUMENT, "payer");
    assert_true (iop_episode_set_payer (e, max_payer, NULL));
    assert_str (iop_episode_get_payer (e), max_payer);
  }
  /* So the episode still copies (the copy reads the episode's own JSON). */
  {
    g_autoptr(iop_episode) copy = iop_episode_copy (e);
    g_autofree char *a = iop_episode_to_json (e), *b = iop_episode_to_json (copy);
    assert_string_equal (a, b);
  }
  assert_true (iop_episode_set_payer (e, NULL, NULL));
  assert_null (iop_episode_get_payer (e));
}

/* ------------------------------------------------------------------------------------------ */
/* JSON                                                                                        */

static void
assert_round_trip (const Fixture *f, iop_program *program, const iop_episode *e)
{
  g_autofree char *first = iop_episode_to_json (e), *second = NULL, *third = NULL;
  iop_error *err = NULL;
  g_autoptr(iop_episode) again = iop_episode_new_from_json (f->continuum, program, first, &err);
  g_autoptr(iop_episode) copy = iop_episode_copy (e);

  if (again == NULL)
    fail_msg ("libiop's own episode did not read back: %s (%s)\n%s", iop_error_get_message (err),
              iop_error_get_path (err) ? iop_error_get_path (err) : "-", first);
  second = iop_episode_to_json (again);
  assert_string_equal (second, first);
  third = iop_episode_to_json (copy);
  assert_string_equal (third, first);
  /* Well-formed JSON for an independent parser. */
  {
    g_autoptr(JsonNode) root = parse_json (first);
    assert_str (json_node_get_string (json_at (root, "format", NULL)), "libiop-episode");
    assert_int_equal (json_node_get_int (json_at (root, "format_version", NULL)), 1);
  }
}

static void
test_episode_json_round_trip_is_byte_identical (void **state)
{
  Fixture *f = *state;
  iop_error *err = NULL;

  /* 1. Just opened. */
  {
    g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
    assert_round_trip (f, f->program, e);
  }
  /* 2. Everything set, with text that needs escaping. */
  {
    g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
    g_autoptr(iop_schedule) plan = mwf (180);
    assert_ok (iop_schedule_add_session (plan, IOP_SATURDAY, NULL, 45, "peer-support", &err), err, "sat");
    iop_episode_set_schedule (e, plan);
    assert_ok (iop_episode_set_birth_date (e, "1990-02-28", &err), err, "birth");
    assert_true (iop_episode_set_payer (e, "payer \"A\" \\ ü", NULL));
    assert_true (iop_episode_set_rule_sets (e, "asam,h0015,medicare", NULL));
    assert_ok (iop_episode_add_diagnosis (e, "F10.20", &err), err, "dx");
    assert_ok (iop_episode_add_diagnosis (e, "F41.1", &err), err, "dx2");
    assert_ok (iop_episode_change_level (e, ASAM3, "2.5", "2026-01-12", "Line 1\nLine 2\t\"quoted\" \\ / \x01 é ✓ 𝄞",
                                         &err), err, "level");
    assert_ok (iop_episode_change_level (e, IOP_EDITION_LOCUS, "3", "2026-01-19", "</script>", &err), err, "locus");
    assert_ok (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_PRECONTEMPLATION, "2026-01-05", &err), err, "s");
    assert_ok (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_RELAPSE, "2026-01-19", &err), err, "s2");
    assert_ok (iop_episode_add_goal (e, "g1", "assessment", "Goal with \"quotes\" and\nnewline", "2026-01-10", &err),
               err, "g1");
    assert_ok (iop_episode_set_goal_status (e, "g1", "waived", &err), err, "waived");
    assert_ok (iop_episode_add_goal (e, "g2", "transition-planning", "Aftercare ✓", NULL, &err), err, "g2");
    assert_ok (iop_episode_set_goal_status (e, "g2", "proposed", &err), err, "proposed");
    change_stage_ok (e, "education", "2026-01-12");
    attend (e, "2026-01-09", "09:00", 180, IOP_ATTENDANCE_MISSED);
    attend (e, "2026-01-05", NULL, 45, IOP_ATTENDANCE_EXCUSED);
    attend (e, "2026-01-05", "09:00", 180, IOP_ATTENDANCE_ATTENDED);
    attend (e, "2026-01-07", "23:59", 1, IOP_ATTENDANCE_ATTENDED);
    assert_ok (iop_episode_set_medicare_certified (e, "2026-01-06", &err), err, "medicare");
    assert_ok (iop_episode_set_taper_start (e, "2026-02-02", &err), err, "taper");
    assert_round_trip (f, f->program, e);
  }
  /* 3. An adolescent without a birth date, with a custom program. */
  {
    g_autoptr(iop_program) matrix = load_program_text (matrix_pack);
    g_autoptr(iop_episode) e = open_with (f, matrix, "2026-12-28");
    assert_ok (iop_episode_set_age_group (e, IOP_AGE_ADOLESCENT, &err), err, "age");
    change_stage_ok (e, "relapse-prevention", "2027-01-25");
    add_goal_ok (e, "rp1", "relapse-prevention", "not-achieved");
    assert_round_trip (f, matrix, e);
  }
  /* 4. The example document of the docs is libiop output. */
  {
    g_autofree char *text = NULL;
    g_autofree char *again = NULL;
    g_autoptr(iop_episode) e = NULL;
    gsize n = 0;
    assert_true (g_file_get_contents (IOP_TEST_DATA_DIR "/../../examples/data/episode.json", &text, &n, NULL));
    e = iop_episode_new_from_json (NULL, NULL, text, &err);
    assert_ok (e != NULL, err, "examples/data/episode.json");
    again = iop_episode_to_json (e);
    g_strchomp (text);
    assert_string_equal (again, text);
  }
}

static void
test_episode_json_document_members (void **state)
{
  static const char *const members[] = { "format", "format_version", "program", "client", "admission_date", "payer",
                                         "diagnoses", "level_history", "stage_of_change_history", "stage_history",
                                         "goals", "schedule", "attendance", "medicare_certified", "taper_start",
                                         "rule_sets" };
  Fixture *f = *state;
  g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GList) names = NULL;
  iop_error *err = NULL;
  JsonObject *o;
  size_t i = 0;

  assert_ok (iop_episode_add_goal (e, "g1", "assessment", "d", "2026-01-19", &err), err, "goal");
  attend (e, "2026-01-05", NULL, 60, IOP_ATTENDANCE_ATTENDED);
  json = iop_episode_to_json (e);
  root = parse_json (json);
  /* Every member, in the documented order, and nothing else. */
  names = json_object_get_members (json_node_get_object (root));
  for (GList *l = names; l != NULL; l = l->next, i++)
    {
      if (i >= G_N_ELEMENTS (members))
        fail_msg ("extra member %s", (const char *) l->data);
      assert_string_equal (l->data, members[i]);
    }
  assert_int_equal (i, G_N_ELEMENTS (members));
  assert_str (json_node_get_string (json_at (root, "program", NULL)), "libiop-default-program");
  assert_str (json_node_get_string (json_at (root, "client", "id", NULL)), CLIENT);
  assert_true (JSON_NODE_HOLDS_NULL (json_at (root, "client", "birth_date", NULL)));
  assert_str (json_node_get_string (json_at (root, "client", "age_group", NULL)), "adult");
  assert_true (JSON_NODE_HOLDS_NULL (json_at (root, "payer", NULL)));
  assert_true (JSON_NODE_HOLDS_NULL (json_at (root, "medicare_certified", NULL)));
  o = json_array_get_object_element (json_node_get_array (json_at (root, "level_history", NULL)), 0);
  assert_str (json_object_get_string_member (o, "edition"), "asam3");
  assert_str (json_object_get_string_member (o, "code"), "2.1");
  o = json_array_get_object_element (json_node_get_array (json_at (root, "goals", NULL)), 0);
  assert_str (json_object_get_string_member (o, "status"), "active");
  assert_str (json_object_get_string_member (o, "target_date"), "2026-01-19");
  o = json_array_get_object_element (json_node_get_array (json_at (root, "attendance", NULL)), 0);
  assert_true (json_object_get_null_member (o, "start"));
  assert_int_equal (json_object_get_int_member (o, "minutes"), 60);
  assert_str (json_object_get_string_member (o, "status"), "attended");
  assert_int_equal (json_array_get_length (json_node_get_array (json_at (root, "schedule", "sessions", NULL))), 0);
}

static void
test_episode_reader_normalizes_hand_written_documents (void **state)
{
  Fixture *f = *state;
  g_autofree char *text = NULL, *out = NULL, *again = NULL;
  g_autoptr(iop_episode) e = NULL, e2 = NULL;
  iop_error *err = NULL;

  assert_true (g_file_get_contents (EPISODE_DATA "/valid/base.json", &text, NULL, NULL));
  e = iop_episode_new_from_file (f->continuum, f->program, EPISODE_DATA "/valid/base.json", &err);
  assert_ok (e != NULL, err, "base.json");
  assert_str (iop_episode_get_client_id (e), "PSEUDO-7781");
  assert_str (iop_level_get_code (iop_episode_get_level (e)), "2.1");
  assert_str (iop_episode_get_stage (e), "education");
  assert_int_equal (iop_episode_get_n_attendance (e), 5);
  assert_true (iop_episode_is_co_occurring (e));
  /* Pretty-printed input is written compactly; that output is stable. */
  out = iop_episode_to_json (e);
  assert_string_not_equal (out, text);
  e2 = iop_episode_new_from_json (f->continuum, f->program, out, &err);
  assert_ok (e2 != NULL, err, "compact");
  again = iop_episode_to_json (e2);
  assert_string_equal (again, out);
  /* Extension members are accepted and not written back. */
  {
    g_autoptr(iop_episode) x = iop_episode_new_from_json (
      NULL, NULL,
      "{\"x-clinic\":1,\"$comment\":\"c\",\"format\":\"libiop-episode\",\"format_version\":1,"
      "\"program\":\"libiop-default-program\",\"client\":{\"id\":\"A1\",\"age_group\":\"adolescent\",\"x-mrn\":\"7\"},"
      "\"admission_date\":\"2026-01-05\",\"diagnoses\":[],"
      "\"level_history\":[{\"date\":\"2026-01-05\",\"edition\":\"asam3\",\"code\":\"2.1\",\"reason\":\"admission\"}],"
      "\"stage_of_change_history\":[],\"stage_history\":[{\"date\":\"2026-01-05\",\"stage\":\"assessment\","
      "\"reason\":\"admission\"}],\"goals\":[],\"schedule\":{\"sessions\":[]},"
      "\"attendance\":[{\"date\":\"2026-01-06\",\"minutes\":60,\"kind\":\"assessment\",\"status\":\"attended\"}]}",
      &err);
    g_autofree char *xo = NULL;
    assert_ok (x != NULL, err, "extensions, optional members absent");
    assert_int_equal (iop_episode_get_age_group (x, NULL, NULL), IOP_AGE_ADOLESCENT);
    assert_null (iop_episode_get_payer (x));
    assert_null (iop_episode_get_attendance_start (x, 0));
    xo = iop_episode_to_json (x);
    assert_null (strstr (xo, "x-"));
    assert_null (strstr (xo, "$comment"));
  }
  /* Not a file; not JSON. */
  assert_null (iop_episode_new_from_file (NULL, NULL, EPISODE_DATA "/valid/no-such-episode.json", &err));
  assert_refused (false, &err, IOP_ERROR_IO, "missing file");
  assert_null (iop_episode_new_from_json (NULL, NULL, "{", &err));
  assert_refused (false, &err, IOP_ERROR_PARSE, "{");
  assert_null (iop_episode_new_from_json (NULL, NULL, "", &err));
  assert_refused (false, &err, IOP_ERROR_PARSE, "empty");
}

/* The malformed corpus: each file is valid/base.json with one defect. */
static const struct {
  const char *file;
  iop_error_code code;
  const char *path;
} malformed[] = {
  { "not-an-object.json", IOP_ERROR_PARSE, "$" },
  { "unknown-member.json", IOP_ERROR_PARSE, "$.patient_name" },
  { "unknown-client-member.json", IOP_ERROR_PARSE, "$.client.name" },
  { "wrong-format.json", IOP_ERROR_INVALID_DATA, "$.format" },
  { "format-version-2.json", IOP_ERROR_INVALID_DATA, "$.format_version" },
  { "format-version-string.json", IOP_ERROR_PARSE, "$.format_version" },
  { "other-program.json", IOP_ERROR_INVALID_DATA, "$.program" },
  { "admission-date-feb-30.json", IOP_ERROR_INVALID_DATA, "$.admission_date" },
  { "admission-date-missing.json", IOP_ERROR_PARSE, "$.admission_date" },
  { "client-id-number.json", IOP_ERROR_PARSE, "$.client.id" },
  { "client-id-with-space.json", IOP_ERROR_INVALID_DATA, "$.client.id" },
  { "birth-after-admission.json", IOP_ERROR_INVALID_DATA, "$.client.birth_date" },
  { "age-group-child.json", IOP_ERROR_INVALID_DATA, "$.client.age_group" },
  { "payer-number.json", IOP_ERROR_PARSE, "$.payer" },
  { "payer-too-long.json", IOP_ERROR_INVALID_DATA, "$.payer" },
  { "diagnoses-not-array.json", IOP_ERROR_PARSE, "$.diagnoses" },
  { "diagnosis-bad-icd.json", IOP_ERROR_INVALID_DATA, "$.diagnoses[1]" },
  { "diagnosis-lower-case.json", IOP_ERROR_INVALID_DATA, "$.diagnoses[1]" },
  { "diagnosis-duplicate.json", IOP_ERROR_INVALID_DATA, "$.diagnoses[2]" },
  { "diagnosis-number.json", IOP_ERROR_PARSE, "$.diagnoses[0]" },
  { "level-history-empty.json", IOP_ERROR_INVALID_DATA, "$.level_history" },
  { "level-first-not-admission.json", IOP_ERROR_INVALID_DATA, "$.level_history[0].date" },
  { "level-history-out-of-order.json", IOP_ERROR_INVALID_DATA, "$.level_history[1].date" },
  { "level-unknown-code.json", IOP_ERROR_INVALID_DATA, "$.level_history[1].code" },
  { "level-unknown-edition.json", IOP_ERROR_INVALID_DATA, "$.level_history[0].edition" },
  { "level-reason-missing.json", IOP_ERROR_PARSE, "$.level_history[1].reason" },
  { "level-reason-too-long.json", IOP_ERROR_INVALID_DATA, "$.level_history[1].reason" },
  { "soc-unknown-stage.json", IOP_ERROR_INVALID_DATA, "$.stage_of_change_history[1].stage" },
  { "soc-before-admission.json", IOP_ERROR_INVALID_DATA, "$.stage_of_change_history[0].date" },
  { "soc-out-of-order.json", IOP_ERROR_INVALID_DATA, "$.stage_of_change_history[1].date" },
  { "stage-unknown.json", IOP_ERROR_INVALID_DATA, "$.stage_history[1].stage" },
  { "stage-first-not-admission.json", IOP_ERROR_INVALID_DATA, "$.stage_history[0].date" },
  { "stage-history-out-of-order.json", IOP_ERROR_INVALID_DATA, "$.stage_history[1].date" },
  { "stage-history-empty.json", IOP_ERROR_INVALID_DATA, "$.stage_history" },
  { "goal-duplicate-id.json", IOP_ERROR_INVALID_DATA, "$.goals[1].id" },
  { "goal-unknown-stage.json", IOP_ERROR_INVALID_DATA, "$.goals[1].stage" },
  { "goal-bad-target-date.json", IOP_ERROR_INVALID_DATA, "$.goals[0].target_date" },
  { "goal-unknown-status.json", IOP_ERROR_INVALID_DATA, "$.goals[1].status" },
  { "goal-description-too-long.json", IOP_ERROR_INVALID_DATA, "$.goals[0].description" },
  { "goal-id-with-space.json", IOP_ERROR_INVALID_DATA, "$.goals[0].id" },
  { "schedule-unknown-member.json", IOP_ERROR_PARSE, "$.schedule.timezone" },
  { "schedule-overlap.json", IOP_ERROR_INVALID_DATA, "$.schedule.sessions[2]" },
  { "attendance-overlap.json", IOP_ERROR_INVALID_DATA, "$.attendance[3]" },
  { "attendance-duplicate-start.json", IOP_ERROR_INVALID_DATA, "$.attendance[3]" },
  { "attendance-crosses-midnight.json", IOP_ERROR_INVALID_DATA, "$.attendance[0]" },
  { "attendance-minutes-zero.json", IOP_ERROR_INVALID_DATA, "$.attendance[1]" },
  { "attendance-minutes-negative.json", IOP_ERROR_INVALID_DATA, "$.attendance[1]" },
  { "attendance-minutes-1441.json", IOP_ERROR_INVALID_DATA, "$.attendance[4]" },
  { "attendance-minutes-decimal.json", IOP_ERROR_PARSE, "$.attendance[1].minutes" },
  { "attendance-time-zone.json", IOP_ERROR_INVALID_DATA, "$.attendance[2]" },
  { "attendance-unknown-kind.json", IOP_ERROR_INVALID_DATA, "$.attendance[2]" },
  { "attendance-unknown-status.json", IOP_ERROR_INVALID_DATA, "$.attendance[2].status" },
  { "attendance-feb-30.json", IOP_ERROR_INVALID_DATA, "$.attendance[4]" },
  { "attendance-before-admission.json", IOP_ERROR_INVALID_DATA, "$.attendance[0]" },
  { "attendance-not-object.json", IOP_ERROR_PARSE, "$.attendance[1]" },
  { "medicare-before-admission.json", IOP_ERROR_INVALID_DATA, "$.medicare_certified" },
  { "taper-feb-30.json", IOP_ERROR_INVALID_DATA, "$.taper_start" },
  { "rule-sets-empty.json", IOP_ERROR_INVALID_DATA, "$.rule_sets" },
  { "rule-sets-array.json", IOP_ERROR_PARSE, "$.rule_sets" },
};

/* Collects the values of @node that a message must never quote: every string of a member named
 * in @sensitive, and every string shaped like a date, at any depth. */
static void
collect_sensitive (JsonNode *node, const char *member, GPtrArray *out)
{
  static const char *const sensitive[] = { "id", "description", "reason", "payer", "rule_sets", NULL };
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) names = json_object_get_members (json_node_get_object (node));
      for (GList *l = names; l != NULL; l = l->next)
        collect_sensitive (json_object_get_member (json_node_get_object (node), l->data), l->data, out);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (a); i++)
        collect_sensitive (json_array_get_element (a, i), member, out);
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING && member != NULL &&
           strlen (json_node_get_string (node)) >= 4 && member[0] != '$')
    {
      const char *v = json_node_get_string (node);
      gboolean keep = g_strv_contains (sensitive, member) || (strlen (v) == 10 && v[4] == '-' && v[7] == '-');
      /* Goal identifiers and libiop's own "admission" reason are not patient data. */
      if (keep && !(strcmp (member, "id") == 0 && g_str_has_prefix (v, "g-")) && strcmp (v, "admission") != 0)
        g_ptr_array_add (out, (gpointer) v);
    }
}

static void
test_episode_malformed_documents_fail_with_code_and_path (void **state)
{
  Fixture *f = *state;
  for (size_t i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autofree char *path = g_build_filename (EPISODE_DATA, malformed[i].file, NULL);
      g_autofree char *text = NULL;
      g_autoptr(JsonNode) doc = NULL;
      g_autoptr(GPtrArray) values = g_ptr_array_new ();
      iop_error *err = NULL;
      iop_episode *e = iop_episode_new_from_file (f->continuum, f->program, path, &err);
      const char *got;

      if (e != NULL)
        {
          iop_episode_free (e);
          fail_msg ("%s: loaded", malformed[i].file);
        }
      if (err == NULL)
        fail_msg ("%s: no error", malformed[i].file);
      got = iop_error_get_path (err);
      if (iop_error_get_code (err) != malformed[i].code || got == NULL || strcmp (got, malformed[i].path) != 0)
        fail_msg ("%s: expected %s at %s, got %s at %s (%s)", malformed[i].file,
                  iop_error_code_to_string (malformed[i].code), malformed[i].path,
                  iop_error_code_to_string (iop_error_get_code (err)), got ? got : "NULL", iop_error_get_message (err));
      /* A message says what is wrong, without quoting the document. */
      assert_true (g_str_has_prefix (iop_error_get_message (err), got));
      assert_true (strlen (iop_error_get_message (err)) > strlen (got) + 8);
      assert_null (strstr (iop_error_get_message (err), "(null)"));
      assert_true (g_file_get_contents (path, &text, NULL, NULL));
      doc = parse_json (text);
      collect_sensitive (doc, NULL, values);
      g_ptr_array_add (values, NULL);
      assert_quotes_none (iop_error_get_message (err), (const char *const *) values->pdata);
      assert_no_date (iop_error_get_message (err));
      iop_error_free (err);
      err = NULL;
      /* The same from text, and without an error location. */
      assert_null (iop_episode_new_from_json (f->continuum, f->program, text, &err));
      assert_int_equal (iop_error_get_code (err), malformed[i].code);
      assert_str (iop_error_get_path (err), malformed[i].path);
      iop_error_free (err);
      assert_null (iop_episode_new_from_json (f->continuum, f->program, text, NULL));
    }
}

static void
test_episode_malformed_corpus_matches_the_table (void **state)
{
  const char *files[G_N_ELEMENTS (malformed)];
  (void) state;
  assert_true (G_N_ELEMENTS (malformed) >= 25);
  for (size_t i = 0; i < G_N_ELEMENTS (malformed); i++)
    files[i] = malformed[i].file;
  iop_test_check_corpus (IOP_TEST_DATA_DIR, "episode", files, G_N_ELEMENTS (files));
}

static void
test_episode_api_errors_never_quote_patient_data (void **state)
{
  Fixture *f = *state;
  g_autoptr(iop_episode) e = open_episode (f, "2026-01-05");
  const char *reason = "Discussed the divorce and the DUI court date";
  const char *description = "Tell Sam about the relapse at the wedding";
  const char *const values[] = { CLIENT, reason, description, "2026-01-05", "2026-01-04", "2026-02-30", "1999-13-01",
                                 "2027-01-01", NULL };
  iop_error *err = NULL;
  size_t n = 0;

#define CALL(expr) do { if ((expr) || err == NULL) fail_msg ("%s: no error", #expr); \
    assert_quotes_none (iop_error_get_message (err), values); assert_no_date (iop_error_get_message (err)); \
    iop_error_free (err); err = NULL; n++; } while (0)
  CALL (iop_episode_change_level (e, ASAM3, "2.5", "2026-01-04", reason, &err));
  CALL (iop_episode_change_stage (e, "education", "2026-01-04", reason, &err));
  CALL (iop_episode_change_stage (e, "education", "2026-01-05", reason, &err)); /* criteria */
  CALL (iop_episode_add_goal (e, "g1", "assessment", description, "2026-02-30", &err));
  CALL (iop_episode_set_birth_date (e, "2027-01-01", &err));
  CALL (iop_episode_set_birth_date (e, "1999-13-01", &err));
  CALL (iop_episode_add_attendance (e, "2026-01-04", "09:00", 60, "group-therapy", IOP_ATTENDANCE_ATTENDED, &err));
  CALL (iop_episode_set_stage_of_change (e, IOP_STAGE_OF_CHANGE_ACTION, "2026-01-04", &err));
  CALL (iop_episode_set_medicare_certified (e, "2026-01-04", &err));
#undef CALL
  assert_int_equal (n, 9);
}

static void
test_episode_copy_is_independent_and_keeps_its_packs (void **state)
{
  Fixture *f = *state;
  iop_continuum *continuum = iop_continuum_new_default ();
  iop_program *matrix = load_program_text (matrix_pack);
  iop_episode *e = iop_episode_new (continuum, matrix, "A1", ASAM3, "2.1", "2026-01-05", NULL);
  g_autoptr(iop_episode) copy = NULL;
  g_autofree char *a = NULL, *b = NULL;
  iop_error *err = NULL;

  (void) f;
  assert_non_null (e);
  /* The episode holds its own references. */
  iop_continuum_unref (continuum);
  iop_program_unref (matrix);
  attend (e, "2026-01-05", "09:00", 180, IOP_ATTENDANCE_ATTENDED);
  copy = iop_episode_copy (e);
  a = iop_episode_to_json (e);
  iop_episode_free (e);
  b = iop_episode_to_json (copy);
  assert_string_equal (a, b);
  assert_ok (iop_episode_add_diagnosis (copy, "F10.20", &err), err, "dx");
  assert_int_equal (iop_episode_get_n_diagnoses (copy), 1);
  assert_str (iop_episode_get_stage (copy), "early-recovery");
  assert_str (iop_level_get_code (iop_episode_get_level (copy)), "2.1");
  iop_episode_free (NULL);
  iop_attendance_summary_free (NULL);
}

static void
test_episode_keeps_its_program (void **state)
{
  g_autoptr(iop_program) builtin = iop_program_new_default ();
  g_autoptr(iop_episode) e = iop_episode_new (NULL, builtin, "C-1", IOP_EDITION_ASAM3, "2.1", "2026-01-05", NULL);
  g_autoptr(iop_episode) d = iop_episode_new (NULL, NULL, "C-2", IOP_EDITION_ASAM3, "2.1", "2026-01-05", NULL);

  (void) state;
  assert_ptr_equal (iop_episode_get_program (e), builtin);
  assert_string_equal (iop_program_get_id (iop_episode_get_program (d)), iop_program_get_id (builtin));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_episode_keeps_its_program),
    cmocka_unit_test (test_episode_icd10cm_syntax),
    cmocka_unit_test (test_episode_icd10cm_classification),
    cmocka_unit_test_setup_teardown (test_episode_diagnoses_co_occurring_and_duplicates, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_new_starts_at_admission, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_new_refuses_bad_arguments, setup, teardown),
    cmocka_unit_test (test_episode_stage_of_change_names),
    cmocka_unit_test_setup_teardown (test_episode_stage_of_change_history, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_level_history, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_stage_moves_allowed_and_refused, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_goals_met_criterion, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_family_engagement_needs_action_or_maintenance, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_custom_program_min_days, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_custom_program_from_a_file, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_goals, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_attendance_validation, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_attendance_order, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_summary_iso_weeks, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_summary_planned_and_attended, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_summary_without_attendance, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_outreach_and_dropout_flags, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_thresholds_from_a_program_pack, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_check_report, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_check_attendance_rate_edges, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_check_medicare_recertification, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_check_taper_weeks, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_age_group_on_the_check_date, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_rule_set_selection, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_json_round_trip_is_byte_identical, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_json_document_members, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_reader_normalizes_hand_written_documents, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_malformed_documents_fail_with_code_and_path, setup, teardown),
    cmocka_unit_test (test_episode_malformed_corpus_matches_the_table),
    cmocka_unit_test_setup_teardown (test_episode_api_errors_never_quote_patient_data, setup, teardown),
    cmocka_unit_test_setup_teardown (test_episode_copy_is_independent_and_keeps_its_packs, setup, teardown),
  };
  iop_test_apply_filters ();
  return cmocka_run_group_tests_name ("episode", tests, NULL, NULL);
}
