/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Schedule reading and writing shared with documents that embed a schedule (the episode).
 */
#ifndef IOP_SCHEDULE_PRIVATE_H
#define IOP_SCHEDULE_PRIVATE_H

#include "iop-json-private.h"

/* "HH:MM" (24-hour, no zone) to minutes after midnight, or -1. */
int iop_schedule_parse_time (const char *text);
/* The static spelling of a known session kind, or NULL. */
const char *iop_schedule_known_kind (const char *kind);
/* Reads @obj's "sessions" member into @schedule; errors at the reader's path. */
gboolean iop_schedule_read_sessions (IopJsonReader *r, JsonObject *obj, iop_schedule *schedule);
/* Writes a "sessions" member into the open object of @b. */
void iop_schedule_build_sessions (JsonBuilder *b, const iop_schedule *schedule);

#endif /* IOP_SCHEDULE_PRIVATE_H */
