/*
 * Helpers shared by libiop's cmocka suites (tests/test-*.c). Include after <cmocka.h>. Everything is static inline, so a suite that does
 * not use a helper gets no unused-function warning.
 */
#ifndef IOP_TEST_H
#define IOP_TEST_H

#include <stdarg.h>
#include <string.h>
#include <glib.h>
#include <json-glib/json-glib.h>

/* Compares a nullable string with an expected value (NULL expects NULL). */
static inline void
assert_str (const char *got, const char *expected)
{
  if (expected == NULL)
    {
      if (got != NULL)
        fail_msg ("expected NULL, got \"%s\"", got);
      return;
    }
  if (got == NULL)
    fail_msg ("expected \"%s\", got NULL", expected);
  assert_string_equal (got, expected);
}

/* Parses JSON text produced by libiop with json-glib, independently of libiop's reader. */
static inline JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  assert_non_null (text);
  if (!json_parser_load_from_data (parser, text, -1, &error))
    fail_msg ("libiop wrote malformed JSON: %s", error->message);
  assert_non_null (json_parser_get_root (parser));
  return json_node_copy (json_parser_get_root (parser));
}

/* The node reached from @node through the NULL-terminated member names, or NULL. */
static inline JsonNode *
json_at (JsonNode *node, ...)
{
  va_list ap;
  const char *member;

  va_start (ap, node);
  while (node != NULL && (member = va_arg (ap, const char *)) != NULL)
    node = JSON_NODE_HOLDS_OBJECT (node)
             ? json_object_get_member (json_node_get_object (node), member) : NULL;
  va_end (ap);
  return node;
}

/* IOP_TEST_FILTER / IOP_TEST_SKIP: glob patterns of test names to run / skip. */
static inline void
iop_test_apply_filters (void)
{
  if (g_getenv ("IOP_TEST_FILTER") != NULL)
    cmocka_set_test_filter (g_getenv ("IOP_TEST_FILTER"));
  if (g_getenv ("IOP_TEST_SKIP") != NULL)
    cmocka_set_skip_filter (g_getenv ("IOP_TEST_SKIP"));
}

/* Checks that the corpus folder @root/@dir and a test table agree: every .json file has a row,
 * every row has a file, and no file is listed twice. */
static inline void
iop_test_check_corpus (const char *root, const char *dir, const char *const *files, size_t n_files)
{
  g_autofree char *dir_path = g_build_filename (root, dir, NULL);
  g_autoptr(GDir) gdir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GHashTable) present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *name;

  assert_non_null (gdir);
  while ((name = g_dir_read_name (gdir)) != NULL)
    {
      gboolean listed = FALSE;
      if (!g_str_has_suffix (name, ".json"))
        continue;
      for (size_t i = 0; i < n_files && !listed; i++)
        listed = strcmp (files[i], name) == 0;
      if (!listed)
        fail_msg ("%s/%s has no row in its table", dir, name);
      g_hash_table_add (present, g_strdup (name));
    }
  for (size_t i = 0; i < n_files; i++)
    {
      if (!g_hash_table_contains (present, files[i]))
        fail_msg ("the %s table names a missing file %s", dir, files[i]);
      for (size_t j = 0; j < i; j++)
        if (strcmp (files[i], files[j]) == 0)
          fail_msg ("the %s table lists %s twice", dir, files[i]);
    }
}

/* Fails with @what and the collected findings when @report is not empty; frees @report either
 * way (before failing: fail() jumps out and would leak it). */
static inline void
iop_test_finish_report (GString *report, const char *what)
{
  if (report->len > 0)
    {
      print_error ("%s:%s\n", what, report->str);
      g_string_free (report, TRUE);
      fail ();
    }
  g_string_free (report, TRUE);
}

#endif /* IOP_TEST_H */
