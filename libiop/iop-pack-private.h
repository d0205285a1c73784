/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * What every rule pack shares: the header members (format, format_version, id, version, title)
 * and the sources table that every figure cites. Used by each module's pack loader.
 */
#ifndef IOP_PACK_PRIVATE_H
#define IOP_PACK_PRIVATE_H

#include "iop-json-private.h"

typedef struct {
  const char *citation;
  const char *url; /* nullable */
  iop_confidence confidence;
} IopSource;

typedef struct {
  GStringChunk *strings;  /* owns every string below and in the sources */
  const char *id, *version, *title;
  GHashTable *sources;    /* id -> IopSource *, ids in @strings */
} IopPackHeader;

void iop_pack_header_init (IopPackHeader *h);
void iop_pack_header_clear (IopPackHeader *h);

/* Reads and checks format == @format and format_version == @format_version, then id, version,
 * title (optional, defaults to id) and the sources table. */
gboolean iop_pack_read_header (IopJsonReader *r, JsonObject *root, const char *format,
                               gint64 format_version, IopPackHeader *h);

/* Reads the "source" member of @obj and checks that it names an entry of the sources table. */
gboolean iop_pack_read_source_ref (IopJsonReader *r, IopPackHeader *h, JsonObject *obj,
                                   gboolean required, const char **out);

const char *iop_pack_intern (IopPackHeader *h, const char *s);

/* Loads the text of a built-in pack (transfer full, g_free). */
char *iop_pack_default_text (const char *resource_name, gsize *length);

/* A module's pack loader: parses @text (@length bytes, or -1) with @context (the module's
 * continuum, or unused) into a new pack, or NULL with @error set. */
typedef gpointer (*IopPackLoad) (gpointer context, const char *text, gssize length, iop_error **error);
/* Reads the file at @path (IOP_ERROR_IO "cannot read the @what" on failure) and loads it. */
gpointer iop_pack_load_file (const char *path, const char *what, IopPackLoad load, gpointer context,
                             iop_error **error);
/* Loads a built-in pack; aborts when it is invalid (the test suite guarantees it is not). */
gpointer iop_pack_load_builtin (const char *resource_name, const char *what, IopPackLoad load);

#endif /* IOP_PACK_PRIVATE_H */
