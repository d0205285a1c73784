/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Unit tests for iop-error.h: the GError-style error contract, exercised through real failing
 * and succeeding library calls.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include <glib.h>
#include <libiop/iop.h>
#include <libiop/iop-glib.h>

/* A well-formed pack that breaks a document rule: "id" is missing. */
#define PACK_WITHOUT_ID "{\"format\": \"libiop-continuum\", \"format_version\": 1}"

static void
test_error_failing_call_returns_null_and_sets_a_parse_error (void **state)
{
  iop_error *err = NULL;
  iop_continuum *c;
  (void) state;

  c = iop_continuum_new_from_json ("{", &err);
  assert_null (c);
  assert_non_null (err);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_PARSE);
  assert_non_null (iop_error_get_message (err));
  assert_true (strlen (iop_error_get_message (err)) > 0);
  assert_true (g_utf8_validate (iop_error_get_message (err), -1, NULL));
  assert_string_equal (iop_error_code_to_string (iop_error_get_code (err)), "IOP_ERROR_PARSE");
  iop_error_free (err);
}

static void
test_error_null_error_argument_is_accepted (void **state)
{
  (void) state;
  /* Syntax error, document error and file error, each without an error location. */
  assert_null (iop_continuum_new_from_json ("{", NULL));
  assert_null (iop_continuum_new_from_json (PACK_WITHOUT_ID, NULL));
  assert_null (iop_continuum_new_from_json ("[]", NULL));
  assert_null (iop_continuum_new_from_file (IOP_TEST_DATA_DIR "/no-such-file.json", NULL));
  assert_int_equal (iop_edition_from_string ("5", NULL), IOP_EDITION_ANY);
  assert_int_equal (iop_age_group_from_string ("child", NULL), 0);
}

static void
test_error_free_and_iop_free_accept_null (void **state)
{
  (void) state;
  iop_error_free (NULL);
  iop_free (NULL);
  /* A crash here fails the test. iop_free also releases real (transfer full) memory:
   * valgrind / ASan report a leak or an allocator mismatch otherwise. */
  iop_free (iop_continuum_default_pack_json ());
}

static void
test_error_code_values_are_frozen (void **state)
{
  (void) state;
  /* The values are part of the ABI (iop-error.h): appended to, never renumbered. */
  assert_int_equal (IOP_ERROR_FAILED, 1);
  assert_int_equal (IOP_ERROR_INVALID_ARGUMENT, 2);
  assert_int_equal (IOP_ERROR_NOT_FOUND, 3);
  assert_int_equal (IOP_ERROR_EXISTS, 4);
  assert_int_equal (IOP_ERROR_PARSE, 5);
  assert_int_equal (IOP_ERROR_IO, 6);
  assert_int_equal (IOP_ERROR_INVALID_DATA, 7);
  assert_int_equal (IOP_ERROR_PERMISSION_DENIED, 8);
}

static void
test_error_code_to_string_names_every_code (void **state)
{
  static const struct { int code; const char *name; } table[] = {
    { IOP_ERROR_FAILED, "IOP_ERROR_FAILED" },
    { IOP_ERROR_INVALID_ARGUMENT, "IOP_ERROR_INVALID_ARGUMENT" },
    { IOP_ERROR_NOT_FOUND, "IOP_ERROR_NOT_FOUND" },
    { IOP_ERROR_EXISTS, "IOP_ERROR_EXISTS" },
    { IOP_ERROR_PARSE, "IOP_ERROR_PARSE" },
    { IOP_ERROR_IO, "IOP_ERROR_IO" },
    { IOP_ERROR_INVALID_DATA, "IOP_ERROR_INVALID_DATA" },
    { IOP_ERROR_PERMISSION_DENIED, "IOP_ERROR_PERMISSION_DENIED" },
  };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (table); i++)
    assert_string_equal (iop_error_code_to_string (table[i].code), table[i].name);
}

static void
test_error_code_to_string_maps_unknown_codes_to_failed (void **state)
{
  static const int unknown[] = { 0, -1, 9, 100, INT_MAX, INT_MIN };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      const char *name = iop_error_code_to_string (unknown[i]);
      assert_non_null (name);
      assert_string_equal (name, "IOP_ERROR_FAILED");
    }
}

static void
test_error_path_is_null_for_syntax_errors (void **state)
{
  static const char *const malformed[] = {
    "{",
    "[1, 2",
    "{\"format\": }",
    "{\"format\" \"libiop-continuum\"}",
    "nul",
    "{\"a\": \"unterminated}",
  };
  (void) state;
  for (size_t i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(iop_error) err = NULL;
      iop_continuum *c = iop_continuum_new_from_json (malformed[i], &err);
      assert_null (c);
      assert_non_null (err);
      assert_int_equal (iop_error_get_code (err), IOP_ERROR_PARSE);
      assert_null (iop_error_get_path (err));
      assert_true (strlen (iop_error_get_message (err)) > 0);
    }
}

static void
test_error_path_names_the_member_for_document_errors (void **state)
{
  g_autoptr(iop_error) missing = NULL;
  g_autoptr(iop_error) not_object = NULL;
  (void) state;

  assert_null (iop_continuum_new_from_json (PACK_WITHOUT_ID, &missing));
  assert_non_null (missing);
  assert_int_equal (iop_error_get_code (missing), IOP_ERROR_PARSE);
  assert_non_null (iop_error_get_path (missing));
  assert_string_equal (iop_error_get_path (missing), "$.id");
  assert_non_null (strstr (iop_error_get_message (missing), "$.id"));

  assert_null (iop_continuum_new_from_json ("[]", &not_object));
  assert_non_null (not_object);
  assert_int_equal (iop_error_get_code (not_object), IOP_ERROR_PARSE);
  assert_non_null (iop_error_get_path (not_object));
  assert_string_equal (iop_error_get_path (not_object), "$");
}

static void
test_error_path_is_null_for_argument_and_file_errors (void **state)
{
  g_autoptr(iop_error) arg = NULL;
  g_autoptr(iop_error) io = NULL;
  (void) state;

  assert_int_equal (iop_edition_from_string ("5", &arg), IOP_EDITION_ANY);
  assert_non_null (arg);
  assert_int_equal (iop_error_get_code (arg), IOP_ERROR_INVALID_ARGUMENT);
  assert_null (iop_error_get_path (arg));

  assert_null (iop_continuum_new_from_file (IOP_TEST_DATA_DIR "/no-such-file.json", &io));
  assert_non_null (io);
  assert_int_equal (iop_error_get_code (io), IOP_ERROR_IO);
  assert_null (iop_error_get_path (io));
}

static void
test_error_success_leaves_error_untouched (void **state)
{
  iop_error *err = NULL;
  g_autofree char *json = iop_continuum_default_pack_json ();
  g_autoptr(iop_continuum) c = NULL;
  (void) state;

  c = iop_continuum_new_from_json (json, &err);
  assert_non_null (c);
  assert_null (err);

  assert_int_equal (iop_edition_from_string ("asam4", &err), IOP_EDITION_ASAM4);
  assert_null (err);
  assert_int_equal (iop_age_group_from_string ("adolescent", &err), IOP_AGE_ADOLESCENT);
  assert_null (err);
}

static unsigned n_criticals;

static void
count_criticals (const char *domain, GLogLevelFlags level, const char *message, void *data)
{
  (void) domain;
  (void) level;
  (void) message;
  (void) data;
  n_criticals++;
}

static void
test_error_already_set_error_is_not_overwritten (void **state)
{
  iop_error *err = NULL;
  iop_error *first;
  guint handler;
  GLogLevelFlags always_fatal;
  (void) state;

  assert_null (iop_continuum_new_from_json ("{", &err));
  assert_non_null (err);
  first = err;

  /* Passing an error that is already set is a programming error: libiop logs a critical,
   * fails, and leaves the first error in place (GError contract). */
  n_criticals = 0;
  handler = g_log_set_handler ("libiop", G_LOG_LEVEL_CRITICAL, count_criticals, NULL);
  always_fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK); /* survive G_DEBUG=fatal-criticals */
  assert_null (iop_continuum_new_from_json (PACK_WITHOUT_ID, &err));
  assert_int_equal (iop_edition_from_string ("5", &err), IOP_EDITION_ANY);
  g_log_set_always_fatal (always_fatal);
  g_log_remove_handler ("libiop", handler);

  assert_ptr_equal (err, first);
  assert_int_equal (iop_error_get_code (err), IOP_ERROR_PARSE);
  assert_null (iop_error_get_path (err));
  assert_true (n_criticals >= 2);
  iop_error_free (err);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_error_failing_call_returns_null_and_sets_a_parse_error),
    cmocka_unit_test (test_error_null_error_argument_is_accepted),
    cmocka_unit_test (test_error_free_and_iop_free_accept_null),
    cmocka_unit_test (test_error_code_values_are_frozen),
    cmocka_unit_test (test_error_code_to_string_names_every_code),
    cmocka_unit_test (test_error_code_to_string_maps_unknown_codes_to_failed),
    cmocka_unit_test (test_error_path_is_null_for_syntax_errors),
    cmocka_unit_test (test_error_path_names_the_member_for_document_errors),
    cmocka_unit_test (test_error_path_is_null_for_argument_and_file_errors),
    cmocka_unit_test (test_error_success_leaves_error_untouched),
    cmocka_unit_test (test_error_already_set_error_is_not_overwritten),
  };
  return cmocka_run_group_tests_name ("error", tests, NULL, NULL);
}
