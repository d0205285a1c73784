/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Strict JSON reading with JSON-path error reporting, and byte-stable writing helpers.
 * Every loader in libiop (rule packs, documents) reads through these so that every error names
 * the member at fault as a JSON path ("$.levels[3].hours_per_week.adult.min").
 */
#ifndef IOP_JSON_PRIVATE_H
#define IOP_JSON_PRIVATE_H

#include <json-glib/json-glib.h>

#include "iop-private.h"

typedef struct {
  GString *path;      /* current JSON path, starting with "$" */
  iop_error **error;  /* where the first failure goes */
  gboolean quote_values; /* FALSE for documents that may carry patient data */
} IopJsonReader;

void iop_json_reader_init (IopJsonReader *r, iop_error **error, gboolean quote_values);
void iop_json_reader_clear (IopJsonReader *r);

/* Path stack. push returns a mark to pass to pop. */
gsize iop_json_push_member (IopJsonReader *r, const char *member);
gsize iop_json_push_index (IopJsonReader *r, guint index);
void iop_json_pop (IopJsonReader *r, gsize mark);

/* Records a failure at the current path (optionally extended by @member) and returns FALSE. */
gboolean iop_json_fail (IopJsonReader *r, iop_error_code code, const char *member,
                        const char *format, ...) G_GNUC_PRINTF (4, 5);

/* Turns the failure of a setter into a document error at @member (IOP_ERROR_INVALID_DATA with the
 * setter's message), and frees the setter's error either way. @inner is passed by address and
 * read here, after the call that fills it: the order in which a call's arguments are evaluated is
 * unspecified, so a form like f (r, m, setter (..., &inner), inner) could read it too early.
 * Returns @ok. */
gboolean iop_json_fail_from (IopJsonReader *r, const char *member, gboolean ok, iop_error **inner);

/* Parses @text into a root node (transfer full). Syntax errors are IOP_ERROR_PARSE with
 * line and column. */
JsonNode *iop_json_parse (const char *text, gssize length, iop_error **error);

/* As iop_json_parse() (the same strict syntax check and the same tree), but built by libiop
 * itself rather than by JsonParser, which serializes threads on GLib's signal lock; for batch
 * reading on several threads. @text must be NUL-terminated after @length bytes. @scratch is a
 * caller-owned buffer reused between calls. Returns the root (transfer full). */
JsonNode *iop_json_parse_direct (const char *text, gssize length, GString *scratch, iop_error **error);

/* The node must hold an object / array. */
JsonObject *iop_json_expect_object (IopJsonReader *r, JsonNode *node, const char *what);
JsonArray *iop_json_expect_array (IopJsonReader *r, JsonNode *node, const char *what);

/* Rejects members not in the NULL-terminated @allowed list. Members whose name starts with
 * "x-" or "$" (extensions and comments) are always allowed. */
gboolean iop_json_check_members (IopJsonReader *r, JsonObject *obj, const char *const *allowed);

/* Member getters. A missing member is an error when @required; otherwise the out value is left
 * as is and *present (when not NULL) is set to FALSE. JSON null counts as missing only when
 * @nullable (getters for numbers); elsewhere it is a type error. */
gboolean iop_json_get_string (IopJsonReader *r, JsonObject *obj, const char *member,
                              gboolean required, const char **out);
gboolean iop_json_get_number (IopJsonReader *r, JsonObject *obj, const char *member,
                              gboolean required, gboolean nullable, gboolean *present,
                              double *out);
gboolean iop_json_get_int (IopJsonReader *r, JsonObject *obj, const char *member,
                           gboolean required, gint64 min, gint64 max, gboolean *present,
                           gint64 *out);
gboolean iop_json_get_bool (IopJsonReader *r, JsonObject *obj, const char *member,
                            gboolean required, gboolean *out);
/* Looks up a member that must hold an object / array (NULL with *present FALSE when absent and
 * not required; NULL on error). */
JsonObject *iop_json_get_object (IopJsonReader *r, JsonObject *obj, const char *member,
                                 gboolean required, gboolean *failed);
JsonArray *iop_json_get_array (IopJsonReader *r, JsonObject *obj, const char *member,
                               gboolean required, gboolean *failed);
/* Maps a string member onto one of @names (NULL-terminated); the index goes to *out. */
gboolean iop_json_get_enum (IopJsonReader *r, JsonObject *obj, const char *member,
                            gboolean required, const char *const *names, int *out);

/* Writing: integral values as JSON integers, others as doubles, so output is byte-stable. */
void iop_json_add_number (JsonBuilder *b, double value);
void iop_json_add_string_or_null (JsonBuilder *b, const char *value);
/* Serializes the builder's root compactly (transfer full, g_free). */
char *iop_json_builder_to_string (JsonBuilder *b);

#endif /* IOP_JSON_PRIVATE_H */
