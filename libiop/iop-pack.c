/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#include "iop-pack-private.h"

#include <string.h>

static const char *const confidence_names[] = { "L", "M", "H", NULL };

void
iop_pack_header_init (IopPackHeader *h)
{
  memset (h, 0, sizeof *h);
  h->strings = g_string_chunk_new (4096);
  h->sources = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
}

void
iop_pack_header_clear (IopPackHeader *h)
{
  g_clear_pointer (&h->sources, g_hash_table_unref);
  g_clear_pointer (&h->strings, g_string_chunk_free);
}

const char *
iop_pack_intern (IopPackHeader *h, const char *s)
{
  return s == NULL ? NULL : g_string_chunk_insert_const (h->strings, s);
}

static gboolean
read_sources (IopJsonReader *r, JsonObject *root, IopPackHeader *h)
{
  static const char *const members[] = { "citation", "url", "confidence", NULL };
  gboolean failed;
  JsonObject *sources = iop_json_get_object (r, root, "sources", TRUE, &failed);
  JsonObjectIter iter;
  const char *id;
  JsonNode *node;
  gsize mark;

  if (sources == NULL)
    return FALSE;
  mark = iop_json_push_member (r, "sources");
  json_object_iter_init (&iter, sources);
  while (json_object_iter_next (&iter, &id, &node))
    {
      gsize m2 = iop_json_push_member (r, id);
      JsonObject *obj = iop_json_expect_object (r, node, "a source");
      const char *citation = NULL, *url = NULL;
      IopSource *src;
      int conf = 0;

      if (obj == NULL || !iop_json_check_members (r, obj, members) ||
          !iop_json_get_string (r, obj, "citation", TRUE, &citation) ||
          !iop_json_get_string (r, obj, "url", FALSE, &url) ||
          !iop_json_get_enum (r, obj, "confidence", TRUE, confidence_names, &conf))
        return FALSE;
      src = g_new0 (IopSource, 1);
      src->citation = iop_pack_intern (h, citation);
      src->url = iop_pack_intern (h, url);
      src->confidence = (iop_confidence) (IOP_CONFIDENCE_LOW + conf);
      g_hash_table_insert (h->sources, (gpointer) iop_pack_intern (h, id), src);
      iop_json_pop (r, m2);
    }
  iop_json_pop (r, mark);
  return TRUE;
}

gboolean
iop_pack_read_header (IopJsonReader *r, JsonObject *root, const char *format,
                      gint64 format_version, IopPackHeader *h)
{
  const char *fmt = NULL, *id = NULL, *version = NULL, *title = NULL;
  gint64 v = 0;

  if (!iop_json_get_string (r, root, "format", TRUE, &fmt))
    return FALSE;
  if (strcmp (fmt, format) != 0)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "format", "expected \"%s\", found \"%s\"",
                          format, fmt);
  if (!iop_json_get_int (r, root, "format_version", TRUE, 1, G_MAXINT32, NULL, &v))
    return FALSE;
  if (v != format_version)
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "format_version",
                          "version %" G_GINT64_FORMAT " is not supported (this libiop reads %"
                          G_GINT64_FORMAT ")", v, format_version);
  if (!iop_json_get_string (r, root, "id", TRUE, &id) ||
      !iop_json_get_string (r, root, "version", TRUE, &version) ||
      !iop_json_get_string (r, root, "title", FALSE, &title) ||
      !read_sources (r, root, h))
    return FALSE;
  h->id = iop_pack_intern (h, id);
  h->version = iop_pack_intern (h, version);
  h->title = iop_pack_intern (h, title != NULL ? title : id);
  return TRUE;
}

gboolean
iop_pack_read_source_ref (IopJsonReader *r, IopPackHeader *h, JsonObject *obj,
                          gboolean required, const char **out)
{
  const char *id = NULL;

  if (!iop_json_get_string (r, obj, "source", required, &id))
    return FALSE;
  if (id == NULL)
    return TRUE;
  if (!g_hash_table_contains (h->sources, id))
    return iop_json_fail (r, IOP_ERROR_INVALID_DATA, "source",
                          "unknown source \"%s\" (not in $.sources)", id);
  *out = iop_pack_intern (h, id);
  return TRUE;
}

char *
iop_pack_default_text (const char *resource_name, gsize *length)
{
  g_autoptr(GBytes) bytes = iop_resource_lookup (resource_name);
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  if (length != NULL)
    *length = len;
  return g_strndup (data, len);
}

gpointer
iop_pack_load_file (const char *path, const char *what, IopPackLoad load, gpointer context, iop_error **error)
{
  gsize length = 0;
  g_autofree char *contents = iop_read_file (path, what, &length, error);

  return contents != NULL ? load (context, contents, (gssize) length, error) : NULL;
}

gpointer
iop_pack_load_builtin (const char *resource_name, const char *what, IopPackLoad load)
{
  gsize length = 0;
  g_autofree char *text = iop_pack_default_text (resource_name, &length);
  iop_error *error = NULL;
  gpointer pack = load (NULL, text, (gssize) length, &error);

  if (pack == NULL)
    g_error ("libiop: the built-in %s is invalid: %s", what, iop_error_get_message (error));
  return pack;
}
