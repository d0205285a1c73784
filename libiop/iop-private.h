/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Library-internal declarations. Never installed.
 */
#ifndef IOP_PRIVATE_H
#define IOP_PRIVATE_H

#include <glib.h>

#include "iop.h"

struct iop_error {
  iop_error_code code;
  char *message;
  char *path; /* nullable */
};

/* Sets *error (when error is not NULL) to a new error. @path may be NULL. */
void iop_set_error (iop_error **error, iop_error_code code, const char *path,
                    const char *format, ...) G_GNUC_PRINTF (4, 5);

/* Converts a GError from GLib, GIO or json-glib into an iop_error and frees it. The only place
 * in libiop that knows the GLib error domains. */
void iop_propagate_gerror (iop_error **error, GError *gerror, iop_error_code fallback,
                           const char *context);

/* Whether @text is a strict "YYYY-MM-DD" calendar date (2024-02-29 yes, 2025-02-29 no); the
 * Julian day number goes to *julian when not NULL. */
gboolean iop_date_parse (const char *text, guint32 *julian);

/* The Julian day of a "YYYY-MM-DD" date, or 0 when @text is NULL or not a calendar date. */
guint32 iop_date_julian (const char *text);

/* Writes the Julian day @julian as "YYYY-MM-DD" into @out (11 bytes). */
void iop_date_format (guint32 julian, char out[11]);

/* @julian plus @months, on the same day of the month or the month's last day. */
guint32 iop_date_add_months (guint32 julian, int months);

/* Argument checks shared by the documents' setters: a calendar date (the Julian day to *julian
 * when not NULL), or 1 to @max bytes of UTF-8. Failures are IOP_ERROR_INVALID_ARGUMENT naming
 * @what, never the value. */
gboolean iop_check_date_arg (const char *date, const char *what, guint32 *julian, iop_error **error);
gboolean iop_check_text_arg (const char *text, const char *what, size_t max, iop_error **error);

/* Reads a whole file for a loader; failures become IOP_ERROR_IO ("cannot read the @what"). */
char *iop_read_file (const char *path, const char *what, gsize *length, iop_error **error);

/* Reads a resource compiled into the library (libiop.gresource.xml). Aborts when missing, since
 * the test suite guarantees every resource libiop names is present. */
GBytes *iop_resource_lookup (const char *name);

#endif /* IOP_PRIVATE_H */
