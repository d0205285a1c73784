/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Unit tests for iop-schedule.h: weekday names, the derived intensity figures of a weekly
 * schedule (minutes and hours per week, minutes on a day, service days, the shortest service
 * day), the order sessions are kept in, every refused session (each leaving the schedule
 * unchanged), the JSON round trip and malformed schedule documents with their exact JSON paths.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <glib.h>
#include <libiop/iop.h>
#include <libiop/iop-glib.h>

#include "iop-test.h"

/* ------------------------------------------------------------------------------------------ */
static void
add_ok (iop_schedule *s, iop_weekday day, const char *start, int minutes, const char *kind)
{
  iop_error *err = NULL;
  if (!iop_schedule_add_session (s, day, start, minutes, kind, &err))
    fail_msg ("adding %s %s +%d %s failed: %s", iop_weekday_to_string (day), start ? start : "(untimed)",
              minutes, kind, err ? iop_error_get_message (err) : "(no error)");
  assert_null (err);
}

static iop_schedule *
schedule_from_json_ok (const char *json)
{
  iop_error *err = NULL;
  iop_schedule *s = iop_schedule_new_from_json (json, &err);
  if (s == NULL)
    fail_msg ("schedule did not load: %s (%s)", err ? iop_error_get_message (err) : "(no error)",
              err && iop_error_get_path (err) ? iop_error_get_path (err) : "no path");
  assert_null (err);
  return s;
}

/* Mon 09:00+180 group, Mon 12:30+60 individual, Wed (untimed)+90 psychoeducation,
 * Wed 18:00+120 group, Fri 09:00+150 family. */
static iop_schedule *
sample_schedule (void)
{
  iop_schedule *s = iop_schedule_new ();
  /* Added out of order on purpose. */
  add_ok (s, IOP_FRIDAY, "09:00", 150, "family-therapy");
  add_ok (s, IOP_WEDNESDAY, NULL, 90, "psychoeducation");
  add_ok (s, IOP_MONDAY, "12:30", 60, "individual-counseling");
  add_ok (s, IOP_WEDNESDAY, "18:00", 120, "group-therapy");
  add_ok (s, IOP_MONDAY, "09:00", 180, "group-therapy");
  return s;
}

/* ------------------------------------------------------------------------------------------ */
/* Weekdays and kinds                                                                          */

static void
test_schedule_weekday_names_convert_both_ways (void **state)
{
  static const struct { const char *text; iop_weekday day; } rows[] = {
    { "mon", IOP_MONDAY },    { "Monday", IOP_MONDAY },  { "TUE", IOP_TUESDAY },
    { "tuesday", IOP_TUESDAY }, { "wed", IOP_WEDNESDAY }, { "Wednesday", IOP_WEDNESDAY },
    { "thu", IOP_THURSDAY },  { "THURSDAY", IOP_THURSDAY }, { "fri", IOP_FRIDAY },
    { "friday", IOP_FRIDAY }, { "sat", IOP_SATURDAY },   { "Saturday", IOP_SATURDAY },
    { "sun", IOP_SUNDAY },    { "sunday", IOP_SUNDAY },
    /* refused */
    { "", 0 }, { "mo", 0 }, { "tues", 0 }, { "thurs", 0 }, { "1", 0 }, { "mon ", 0 }, { "lundi", 0 },
  };
  static const char *const short_names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_error *err = NULL;
      iop_weekday got = iop_weekday_from_string (rows[i].text, &err);
      if (got != rows[i].day)
        fail_msg ("\"%s\": expected %d, got %d", rows[i].text, rows[i].day, got);
      if (rows[i].day == 0)
        {
          assert_non_null (err);
          assert_int_equal (iop_error_get_code (err), IOP_ERROR_INVALID_ARGUMENT);
          iop_error_free (err);
          assert_int_equal (iop_weekday_from_string (rows[i].text, NULL), 0);
        }
      else
        assert_null (err);
    }
  for (int d = IOP_MONDAY; d <= IOP_SUNDAY; d++)
    {
      assert_str (iop_weekday_to_string ((iop_weekday) d), short_names[d - 1]);
      assert_int_equal (iop_weekday_from_string (iop_weekday_to_string ((iop_weekday) d), NULL), d);
    }
  assert_str (iop_weekday_to_string ((iop_weekday) 0), "unknown");
  assert_str (iop_weekday_to_string ((iop_weekday) 8), "unknown");
}

static void
test_schedule_session_kinds_are_the_documented_ones (void **state)
{
  static const char *const known[] = { "group-therapy", "individual-counseling", "family-therapy",
                                       "psychoeducation", "life-skills", "medication-management",
                                       "case-management", "peer-support", "activity-therapy",
                                       "drug-testing", "assessment" };
  static const char *const unknown[] = { "", "Group-Therapy", "group therapy", "yoga", "group-therapy " };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (known); i++)
    if (!iop_session_kind_is_known (known[i]))
      fail_msg ("\"%s\" should be known", known[i]);
  for (size_t i = 0; i < G_N_ELEMENTS (unknown); i++)
    if (iop_session_kind_is_known (unknown[i]))
      fail_msg ("\"%s\" should be unknown", unknown[i]);
}

/* ------------------------------------------------------------------------------------------ */
/* Derived figures and order                                                                   */

static void
test_schedule_empty_schedule_has_zero_everything (void **state)
{
  iop_schedule *s = iop_schedule_new ();
  (void) state;
  assert_int_equal (iop_schedule_get_n_sessions (s), 0);
  assert_int_equal (iop_schedule_get_minutes_per_week (s), 0);
  assert_true (iop_schedule_get_hours_per_week (s) == 0.0);
  assert_int_equal (iop_schedule_get_days_per_week (s), 0);
  assert_int_equal (iop_schedule_get_min_minutes_per_service_day (s), 0);
  assert_int_equal (iop_schedule_get_session_day (s, 0), 0);
  assert_null (iop_schedule_get_session_start (s, 0));
  assert_int_equal (iop_schedule_get_session_minutes (s, 0), 0);
  assert_null (iop_schedule_get_session_kind (s, 0));
  iop_schedule_free (s);
  iop_schedule_free (NULL);
}

static void
test_schedule_derived_figures_add_up (void **state)
{
  static const struct { iop_weekday day; int minutes; } per_day[] = {
    { IOP_MONDAY, 240 }, { IOP_TUESDAY, 0 }, { IOP_WEDNESDAY, 210 }, { IOP_THURSDAY, 0 },
    { IOP_FRIDAY, 150 }, { IOP_SATURDAY, 0 }, { IOP_SUNDAY, 0 }, { (iop_weekday) 0, 0 }, { (iop_weekday) 8, 0 },
  };
  iop_schedule *s = sample_schedule ();
  (void) state;
  assert_int_equal (iop_schedule_get_n_sessions (s), 5);
  assert_int_equal (iop_schedule_get_minutes_per_week (s), 600);
  assert_true (iop_schedule_get_hours_per_week (s) == 10.0);
  assert_int_equal (iop_schedule_get_days_per_week (s), 3);
  assert_int_equal (iop_schedule_get_min_minutes_per_service_day (s), 150);
  for (size_t i = 0; i < G_N_ELEMENTS (per_day); i++)
    if (iop_schedule_get_minutes_on (s, per_day[i].day) != per_day[i].minutes)
      fail_msg ("day %d: expected %d minutes, got %d", per_day[i].day, per_day[i].minutes,
                iop_schedule_get_minutes_on (s, per_day[i].day));
  /* Hours are exact for whole minutes. */
  add_ok (s, IOP_SUNDAY, NULL, 1, "assessment");
  assert_true (iop_schedule_get_hours_per_week (s) == 601 / 60.0);
  assert_int_equal (iop_schedule_get_min_minutes_per_service_day (s), 1);
  assert_int_equal (iop_schedule_get_days_per_week (s), 4);
  iop_schedule_free (s);
}

static void
test_schedule_sessions_are_kept_by_day_then_start_untimed_last (void **state)
{
  static const struct { iop_weekday day; const char *start; int minutes; const char *kind; } expected[] = {
    { IOP_MONDAY, "09:00", 180, "group-therapy" },
    { IOP_MONDAY, "12:30", 60, "individual-counseling" },
    { IOP_WEDNESDAY, "18:00", 120, "group-therapy" },
    { IOP_WEDNESDAY, NULL, 90, "psychoeducation" },
    { IOP_WEDNESDAY, NULL, 30, "drug-testing" }, /* untimed: kept in insertion order */
    { IOP_FRIDAY, "09:00", 150, "family-therapy" },
  };
  iop_schedule *s = sample_schedule ();
  iop_schedule *copy;
  (void) state;
  add_ok (s, IOP_WEDNESDAY, NULL, 30, "drug-testing");
  copy = iop_schedule_copy (s);
  iop_schedule_free (s);
  assert_int_equal (iop_schedule_get_n_sessions (copy), G_N_ELEMENTS (expected));
  for (size_t i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      assert_int_equal (iop_schedule_get_session_day (copy, i), expected[i].day);
      assert_str (iop_schedule_get_session_start (copy, i), expected[i].start);
      assert_int_equal (iop_schedule_get_session_minutes (copy, i), expected[i].minutes);
      assert_str (iop_schedule_get_session_kind (copy, i), expected[i].kind);
    }
  assert_int_equal (iop_schedule_get_session_day (copy, G_N_ELEMENTS (expected)), 0);
  iop_schedule_free (copy);
}

/* ------------------------------------------------------------------------------------------ */
/* Refused sessions                                                                            */

static void
test_schedule_invalid_sessions_are_refused_and_leave_it_unchanged (void **state)
{
  /* Against the sample schedule (Mon 09:00-12:00 and 12:30-13:30, Wed 18:00-20:00 + 90 untimed,
   * Fri 09:00-11:30). */
  static const struct { const char *what; int day; const char *start; int minutes; const char *kind; } rows[] = {
    { "day 0", 0, "09:00", 60, "group-therapy" },
    { "day 8", 8, "09:00", 60, "group-therapy" },
    { "0 minutes", IOP_TUESDAY, "09:00", 0, "group-therapy" },
    { "-5 minutes", IOP_TUESDAY, "09:00", -5, "group-therapy" },
    { "1441 minutes", IOP_TUESDAY, NULL, 1441, "group-therapy" },
    { "unknown kind", IOP_TUESDAY, "09:00", 60, "yoga" },
    { "24:00", IOP_TUESDAY, "24:00", 60, "group-therapy" },
    { "9:00", IOP_TUESDAY, "9:00", 60, "group-therapy" },
    { "09:60", IOP_TUESDAY, "09:60", 60, "group-therapy" },
    { "09:00Z", IOP_TUESDAY, "09:00Z", 60, "group-therapy" },
    { "09:00+01:00", IOP_TUESDAY, "09:00+01:00", 60, "group-therapy" },
    { "09.00", IOP_TUESDAY, "09.00", 60, "group-therapy" },
    { "empty time", IOP_TUESDAY, "", 60, "group-therapy" },
    { "23:00 + 61 crosses midnight", IOP_TUESDAY, "23:00", 61, "group-therapy" },
    { "overlaps the start", IOP_MONDAY, "08:30", 31, "group-therapy" },
    { "overlaps the end", IOP_MONDAY, "11:59", 20, "group-therapy" },
    { "inside another", IOP_MONDAY, "10:00", 30, "group-therapy" },
    { "covers another", IOP_MONDAY, "12:00", 120, "group-therapy" },
    { "same start", IOP_FRIDAY, "09:00", 1, "group-therapy" },
    /* Wednesday has 210 minutes already. */
    { "over 24 h on a day", IOP_WEDNESDAY, NULL, 1440 - 210 + 1, "group-therapy" },
    { "over 24 h with a timed session", IOP_WEDNESDAY, "00:00", 1440 - 210 + 1, "group-therapy" },
  };
  iop_schedule *s = sample_schedule ();
  char *before = iop_schedule_to_json (s);
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_error *err = NULL;
      char *after;
      if (iop_schedule_add_session (s, (iop_weekday) rows[i].day, rows[i].start, rows[i].minutes, rows[i].kind, &err))
        fail_msg ("%s: the session was accepted", rows[i].what);
      if (err == NULL)
        fail_msg ("%s: no error", rows[i].what);
      if (iop_error_get_code (err) != IOP_ERROR_INVALID_ARGUMENT)
        fail_msg ("%s: code %d (%s)", rows[i].what, iop_error_get_code (err), iop_error_get_message (err));
      iop_error_free (err);
      assert_false (iop_schedule_add_session (s, (iop_weekday) rows[i].day, rows[i].start, rows[i].minutes,
                                              rows[i].kind, NULL));
      after = iop_schedule_to_json (s);
      if (strcmp (before, after) != 0)
        fail_msg ("%s: the schedule changed: %s", rows[i].what, after);
      iop_free (after);
    }
  iop_free (before);
  iop_schedule_free (s);
}

static void
test_schedule_edges_that_are_allowed (void **state)
{
  iop_schedule *s = iop_schedule_new ();
  (void) state;
  add_ok (s, IOP_MONDAY, "09:00", 60, "group-therapy");
  add_ok (s, IOP_MONDAY, "10:00", 60, "individual-counseling"); /* adjacent, not overlapping */
  add_ok (s, IOP_MONDAY, "08:00", 60, "assessment");            /* adjacent before */
  add_ok (s, IOP_MONDAY, "23:00", 60, "peer-support");          /* ends exactly at midnight */
  add_ok (s, IOP_MONDAY, "00:00", 1, "drug-testing");
  add_ok (s, IOP_MONDAY, NULL, 60, "case-management");          /* untimed: no overlap check */
  add_ok (s, IOP_TUESDAY, "00:00", 1440, "activity-therapy");   /* a whole day */
  add_ok (s, IOP_WEDNESDAY, NULL, 1440, "life-skills");
  add_ok (s, IOP_THURSDAY, "23:59", 1, "medication-management");
  assert_int_equal (iop_schedule_get_minutes_on (s, IOP_MONDAY), 301);
  assert_int_equal (iop_schedule_get_minutes_on (s, IOP_TUESDAY), 1440);
  assert_str (iop_schedule_get_session_start (s, 0), "00:00");
  assert_str (iop_schedule_get_session_start (s, 5), NULL);
  /* A full day takes nothing more. */
  assert_false (iop_schedule_add_session (s, IOP_TUESDAY, NULL, 1, "assessment", NULL));
  assert_false (iop_schedule_add_session (s, IOP_WEDNESDAY, NULL, 1, "assessment", NULL));
  assert_int_equal (iop_schedule_get_days_per_week (s), 4);
  assert_int_equal (iop_schedule_get_min_minutes_per_service_day (s), 1);
  iop_schedule_free (s);
}

/* ------------------------------------------------------------------------------------------ */
/* JSON                                                                                        */

static void
test_schedule_json_round_trips_byte_identically (void **state)
{
  static const char expected[] =
    "{\"format\":\"libiop-schedule\",\"format_version\":1,\"sessions\":["
    "{\"day\":\"mon\",\"start\":\"09:00\",\"minutes\":180,\"kind\":\"group-therapy\"},"
    "{\"day\":\"mon\",\"start\":\"12:30\",\"minutes\":60,\"kind\":\"individual-counseling\"},"
    "{\"day\":\"wed\",\"start\":\"18:00\",\"minutes\":120,\"kind\":\"group-therapy\"},"
    "{\"day\":\"wed\",\"start\":null,\"minutes\":90,\"kind\":\"psychoeducation\"},"
    "{\"day\":\"fri\",\"start\":\"09:00\",\"minutes\":150,\"kind\":\"family-therapy\"}]}";
  iop_schedule *s = sample_schedule (), *back;
  char *json = iop_schedule_to_json (s), *again;
  (void) state;
  assert_string_equal (json, expected);
  back = schedule_from_json_ok (json);
  again = iop_schedule_to_json (back);
  assert_string_equal (again, json);
  assert_int_equal (iop_schedule_get_minutes_per_week (back), 600);
  iop_free (again);
  iop_free (json);
  iop_schedule_free (back);
  iop_schedule_free (s);

  /* An empty schedule, too. */
  s = iop_schedule_new ();
  json = iop_schedule_to_json (s);
  assert_string_equal (json, "{\"format\":\"libiop-schedule\",\"format_version\":1,\"sessions\":[]}");
  back = schedule_from_json_ok (json);
  assert_int_equal (iop_schedule_get_n_sessions (back), 0);
  iop_free (json);
  iop_schedule_free (back);
  iop_schedule_free (s);
}

static void
test_schedule_json_reads_long_day_names_and_missing_start (void **state)
{
  iop_schedule *s = schedule_from_json_ok (
    "{\"format\":\"libiop-schedule\",\"format_version\":1,\"sessions\":["
    "{\"day\":\"Thursday\",\"minutes\":45,\"kind\":\"assessment\"},"
    "{\"day\":\"MONDAY\",\"start\":\"17:00\",\"minutes\":180,\"kind\":\"group-therapy\",\"x-room\":\"B\"}],"
    "\"x-program\":\"evening\"}");
  char *json = iop_schedule_to_json (s);
  (void) state;
  assert_string_equal (json,
    "{\"format\":\"libiop-schedule\",\"format_version\":1,\"sessions\":["
    "{\"day\":\"mon\",\"start\":\"17:00\",\"minutes\":180,\"kind\":\"group-therapy\"},"
    "{\"day\":\"thu\",\"start\":null,\"minutes\":45,\"kind\":\"assessment\"}]}");
  iop_free (json);
  iop_schedule_free (s);
}

#define HEAD "{\"format\":\"libiop-schedule\",\"format_version\":1,\"sessions\":["
#define MON9 "{\"day\":\"mon\",\"start\":\"09:00\",\"minutes\":60,\"kind\":\"group-therapy\"}"

static void
test_schedule_malformed_documents_fail_with_code_and_path (void **state)
{
  static const struct { const char *what; const char *json; iop_error_code code; const char *path; } rows[] = {
    { "not JSON", "{\"format\":", IOP_ERROR_PARSE, NULL },
    { "not an object", "[]", IOP_ERROR_PARSE, "$" },
    { "wrong format", "{\"format\":\"libiop-claims\",\"format_version\":1,\"sessions\":[]}",
      IOP_ERROR_INVALID_DATA, "$.format" },
    { "format version 2", "{\"format\":\"libiop-schedule\",\"format_version\":2,\"sessions\":[]}",
      IOP_ERROR_INVALID_DATA, "$.format_version" },
    { "no sessions", "{\"format\":\"libiop-schedule\",\"format_version\":1}", IOP_ERROR_PARSE, "$.sessions" },
    { "unknown member", "{\"format\":\"libiop-schedule\",\"format_version\":1,\"sessions\":[],\"patient\":\"x\"}",
      IOP_ERROR_PARSE, "$.patient" },
    { "unknown session member", HEAD MON9 ",{\"day\":\"tue\",\"minutes\":60,\"kind\":\"assessment\",\"room\":1}]}",
      IOP_ERROR_PARSE, "$.sessions[1].room" },
    { "session not an object", HEAD MON9 ",3]}", IOP_ERROR_PARSE, "$.sessions[1]" },
    { "overlap", HEAD MON9 ",{\"day\":\"mon\",\"start\":\"09:30\",\"minutes\":60,\"kind\":\"assessment\"}]}",
      IOP_ERROR_INVALID_DATA, "$.sessions[1]" },
    { "unknown day", HEAD "{\"day\":\"someday\",\"minutes\":60,\"kind\":\"assessment\"}]}",
      IOP_ERROR_INVALID_DATA, "$.sessions[0].day" },
    { "day as a number", HEAD "{\"day\":1,\"minutes\":60,\"kind\":\"assessment\"}]}",
      IOP_ERROR_PARSE, "$.sessions[0].day" },
    { "missing day", HEAD "{\"minutes\":60,\"kind\":\"assessment\"}]}", IOP_ERROR_PARSE, "$.sessions[0].day" },
    { "missing kind", HEAD MON9 ",{\"day\":\"tue\",\"minutes\":60}]}", IOP_ERROR_PARSE, "$.sessions[1].kind" },
    { "unknown kind", HEAD MON9 ",{\"day\":\"tue\",\"minutes\":60,\"kind\":\"yoga\"}]}",
      IOP_ERROR_INVALID_DATA, "$.sessions[1]" },
    { "crosses midnight", HEAD "{\"day\":\"sun\",\"start\":\"23:00\",\"minutes\":61,\"kind\":\"assessment\"}]}",
      IOP_ERROR_INVALID_DATA, "$.sessions[0]" },
    { "0 minutes", HEAD "{\"day\":\"sun\",\"minutes\":0,\"kind\":\"assessment\"}]}",
      IOP_ERROR_INVALID_DATA, "$.sessions[0]" },
    { "huge minutes", HEAD "{\"day\":\"sun\",\"minutes\":4294967296,\"kind\":\"assessment\"}]}",
      IOP_ERROR_INVALID_DATA, "$.sessions[0].minutes" },
    { "time zone", HEAD "{\"day\":\"sun\",\"start\":\"09:00Z\",\"minutes\":60,\"kind\":\"assessment\"}]}",
      IOP_ERROR_INVALID_DATA, "$.sessions[0]" },
    { "start as a number", HEAD "{\"day\":\"sun\",\"start\":900,\"minutes\":60,\"kind\":\"assessment\"}]}",
      IOP_ERROR_PARSE, "$.sessions[0].start" },
  };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      iop_error *err = NULL;
      iop_schedule *s = iop_schedule_new_from_json (rows[i].json, &err);
      if (s != NULL)
        {
          iop_schedule_free (s);
          fail_msg ("%s: the document loaded", rows[i].what);
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
      assert_null (iop_schedule_new_from_json (rows[i].json, NULL));
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_schedule_weekday_names_convert_both_ways),
    cmocka_unit_test (test_schedule_session_kinds_are_the_documented_ones),
    cmocka_unit_test (test_schedule_empty_schedule_has_zero_everything),
    cmocka_unit_test (test_schedule_derived_figures_add_up),
    cmocka_unit_test (test_schedule_sessions_are_kept_by_day_then_start_untimed_last),
    cmocka_unit_test (test_schedule_invalid_sessions_are_refused_and_leave_it_unchanged),
    cmocka_unit_test (test_schedule_edges_that_are_allowed),
    cmocka_unit_test (test_schedule_json_round_trips_byte_identically),
    cmocka_unit_test (test_schedule_json_reads_long_day_names_and_missing_start),
    cmocka_unit_test (test_schedule_malformed_documents_fail_with_code_and_path),
  };
  iop_test_apply_filters ();
  return cmocka_run_group_tests_name ("schedule", tests, NULL, NULL);
}
