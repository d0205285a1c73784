/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#include "iop-private.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

iop_error_code
iop_error_get_code (const iop_error *err)
{
  g_return_val_if_fail (err != NULL, IOP_ERROR_FAILED);
  return err->code;
}

const char *
iop_error_get_message (const iop_error *err)
{
  g_return_val_if_fail (err != NULL, NULL);
  return err->message;
}

const char *
iop_error_get_path (const iop_error *err)
{
  g_return_val_if_fail (err != NULL, NULL);
  return err->path;
}

const char *
iop_error_code_to_string (int code)
{
  switch (code)
    {
    case IOP_ERROR_INVALID_ARGUMENT: return "IOP_ERROR_INVALID_ARGUMENT";
    case IOP_ERROR_NOT_FOUND:        return "IOP_ERROR_NOT_FOUND";
    case IOP_ERROR_EXISTS:           return "IOP_ERROR_EXISTS";
    case IOP_ERROR_PARSE:            return "IOP_ERROR_PARSE";
    case IOP_ERROR_IO:               return "IOP_ERROR_IO";
    case IOP_ERROR_INVALID_DATA:     return "IOP_ERROR_INVALID_DATA";
    case IOP_ERROR_PERMISSION_DENIED: return "IOP_ERROR_PERMISSION_DENIED";
    case IOP_ERROR_FAILED:
    default:                         return "IOP_ERROR_FAILED";
    }
}

void
iop_error_free (iop_error *err)
{
  if (err == NULL)
    return;
  g_free (err->message);
  g_free (err->path);
  g_free (err);
}

void
iop_free (void *mem)
{
  g_free (mem);
}

void
iop_set_error (iop_error **error, iop_error_code code, const char *path,
               const char *format, ...)
{
  va_list args;
  iop_error *err;

  if (error == NULL)
    return;
  if (*error != NULL)
    {
      g_critical ("iop_set_error: *error was already set; the new error is dropped. "
                  "Pass NULL or the address of a NULL iop_error pointer.");
      return;
    }
  err = g_new0 (iop_error, 1);
  err->code = code;
  err->path = g_strdup (path);
  va_start (args, format);
  err->message = g_strdup_vprintf (format, args);
  va_end (args);
  *error = err;
}

void
iop_propagate_gerror (iop_error **error, GError *gerror, iop_error_code fallback,
                      const char *context)
{
  iop_error_code code = fallback;

  g_return_if_fail (gerror != NULL);
  if (gerror->domain == JSON_PARSER_ERROR || gerror->domain == JSON_READER_ERROR)
    code = IOP_ERROR_PARSE;
  else if (gerror->domain == G_IO_ERROR || gerror->domain == G_FILE_ERROR)
    code = IOP_ERROR_IO;

  if (context != NULL)
    iop_set_error (error, code, NULL, "%s: %s", context, gerror->message);
  else
    iop_set_error (error, code, NULL, "%s", gerror->message);
  g_error_free (gerror);
}

gboolean
iop_date_parse (const char *text, guint32 *julian)
{
  GDate date;
  int y, m, d;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  y = atoi (text);
  m = atoi (text + 5);
  d = atoi (text + 8);
  if (y < 1 || m < 1 || m > 12 || d < 1 ||
      !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;
  if (julian != NULL)
    {
      g_date_clear (&date, 1);
      g_date_set_dmy (&date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
      *julian = g_date_get_julian (&date);
    }
  return TRUE;
}

char *
iop_read_file (const char *path, const char *what, gsize *length, iop_error **error)
{
  char *contents = NULL;
  GError *gerror = NULL;
  g_autofree char *context = g_strconcat ("cannot read the ", what, NULL);

  if (!g_file_get_contents (path, &contents, length, &gerror))
    {
      iop_propagate_gerror (error, gerror, IOP_ERROR_IO, context);
      return NULL;
    }
  return contents;
}

guint32
iop_date_julian (const char *text)
{
  guint32 julian = 0;
  if (text != NULL && !iop_date_parse (text, &julian))
    julian = 0;
  return julian;
}

void
iop_date_format (guint32 julian, char out[11])
{
  GDate d;
  g_date_clear (&d, 1);
  g_date_set_julian (&d, julian);
  g_snprintf (out, 11, "%04u-%02u-%02u", (guint) g_date_get_year (&d), (guint) g_date_get_month (&d),
              (guint) g_date_get_day (&d));
}

guint32
iop_date_add_months (guint32 julian, int months)
{
  GDate d;
  g_date_clear (&d, 1);
  g_date_set_julian (&d, julian);
  g_date_add_months (&d, (guint) months);
  return g_date_get_julian (&d);
}

gboolean
iop_check_date_arg (const char *date, const char *what, guint32 *julian, iop_error **error)
{
  if (date == NULL || !iop_date_parse (date, julian))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the %s must be a calendar date YYYY-MM-DD", what);
      return FALSE;
    }
  return TRUE;
}

gboolean
iop_check_text_arg (const char *text, const char *what, size_t max, iop_error **error)
{
  size_t n = text != NULL ? strlen (text) : 0;
  if (n == 0 || n > max || !g_utf8_validate (text, (gssize) n, NULL))
    {
      iop_set_error (error, IOP_ERROR_INVALID_ARGUMENT, NULL, "the %s must be 1 to %zu bytes of UTF-8", what, max);
      return FALSE;
    }
  return TRUE;
}
