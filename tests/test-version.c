/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Unit tests for iop-version.h: the header macros agree with the library loaded at run time,
 * the number encoding is MAJOR * 10000 + MINOR * 100 + MICRO, and IOP_CHECK_VERSION() accepts
 * the current and older versions and rejects newer ones.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <libiop/iop.h>
#include <libiop/iop-glib.h>

static void
test_version_runtime_string_equals_header_string (void **state)
{
  (void) state;
  assert_non_null (iop_version_string ());
  assert_string_equal (iop_version_string (), IOP_VERSION_STRING);
}

static void
test_version_runtime_number_equals_header_number (void **state)
{
  (void) state;
  assert_int_equal (iop_version_number (), IOP_VERSION_NUMBER);
}

static void
test_version_string_is_major_minor_micro_of_the_macros (void **state)
{
  g_autofree char *expected = g_strdup_printf ("%d.%d.%d", IOP_MAJOR_VERSION,
                                               IOP_MINOR_VERSION, IOP_MICRO_VERSION);
  (void) state;
  assert_string_equal (IOP_VERSION_STRING, expected);
}

static void
test_version_number_encodes_major_minor_micro (void **state)
{
  int major = -1, minor = -1, micro = -1;
  char trailing = '\0';
  (void) state;

  /* The encoding is only unambiguous while minor and micro stay below 100. */
  assert_in_range (IOP_MINOR_VERSION, 0, 99);
  assert_in_range (IOP_MICRO_VERSION, 0, 99);
  assert_true (IOP_MAJOR_VERSION >= 0);
  assert_int_equal (IOP_VERSION_NUMBER,
                    IOP_MAJOR_VERSION * 10000 + IOP_MINOR_VERSION * 100 + IOP_MICRO_VERSION);

  /* Decode the run-time string independently and re-encode it. */
  assert_int_equal (sscanf (iop_version_string (), "%d.%d.%d%c", &major, &minor, &micro,
                            &trailing), 3);
  assert_int_equal (iop_version_number (), major * 10000 + minor * 100 + micro);
  assert_int_equal (iop_version_number () / 10000, IOP_MAJOR_VERSION);
  assert_int_equal (iop_version_number () / 100 % 100, IOP_MINOR_VERSION);
  assert_int_equal (iop_version_number () % 100, IOP_MICRO_VERSION);
}

static void
test_version_check_accepts_current_and_older_versions (void **state)
{
  (void) state;
  assert_true (IOP_CHECK_VERSION (IOP_MAJOR_VERSION, IOP_MINOR_VERSION, IOP_MICRO_VERSION));
  assert_true (IOP_CHECK_VERSION (IOP_MAJOR_VERSION, IOP_MINOR_VERSION, 0));
  assert_true (IOP_CHECK_VERSION (IOP_MAJOR_VERSION, 0, 0));
  assert_true (IOP_CHECK_VERSION (0, 0, 0));
  if (IOP_MICRO_VERSION > 0)
    assert_true (IOP_CHECK_VERSION (IOP_MAJOR_VERSION, IOP_MINOR_VERSION, IOP_MICRO_VERSION - 1));
  if (IOP_MINOR_VERSION > 0)
    assert_true (IOP_CHECK_VERSION (IOP_MAJOR_VERSION, IOP_MINOR_VERSION - 1, 99));
  if (IOP_MAJOR_VERSION > 0)
    assert_true (IOP_CHECK_VERSION (IOP_MAJOR_VERSION - 1, 99, 99));
}

static void
test_version_check_rejects_newer_versions (void **state)
{
  (void) state;
  assert_false (IOP_CHECK_VERSION (IOP_MAJOR_VERSION, IOP_MINOR_VERSION, IOP_MICRO_VERSION + 1));
  assert_false (IOP_CHECK_VERSION (IOP_MAJOR_VERSION, IOP_MINOR_VERSION + 1, 0));
  assert_false (IOP_CHECK_VERSION (IOP_MAJOR_VERSION + 1, 0, 0));
}

static void
test_version_check_parenthesises_its_arguments (void **state)
{
  (void) state;
  /* Without parentheses around each argument, "MINOR + 1 - 1" would be scaled as
   * MINOR + 100 - 1 and the check would wrongly fail. */
  assert_true (IOP_CHECK_VERSION (IOP_MAJOR_VERSION, IOP_MINOR_VERSION + 1 - 1,
                                  IOP_MICRO_VERSION));
  assert_false (IOP_CHECK_VERSION (IOP_MAJOR_VERSION + 1 - 0, 0, 0));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_version_runtime_string_equals_header_string),
    cmocka_unit_test (test_version_runtime_number_equals_header_number),
    cmocka_unit_test (test_version_string_is_major_minor_micro_of_the_macros),
    cmocka_unit_test (test_version_number_encodes_major_minor_micro),
    cmocka_unit_test (test_version_check_accepts_current_and_older_versions),
    cmocka_unit_test (test_version_check_rejects_newer_versions),
    cmocka_unit_test (test_version_check_parenthesises_its_arguments),
  };
  return cmocka_run_group_tests_name ("version", tests, NULL, NULL);
}
