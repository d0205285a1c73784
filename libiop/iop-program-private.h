/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * The program pack's stage table, shared with the episode.
 */
#ifndef IOP_PROGRAM_PRIVATE_H
#define IOP_PROGRAM_PRIVATE_H

#include "iop-private.h"

typedef enum { IOP_EXIT_GOALS_MET, IOP_EXIT_STAGE_OF_CHANGE, IOP_EXIT_MIN_DAYS } IopExitKind;

typedef struct {
  const char *id, *text;
  IopExitKind kind;
  guint stage_of_change_mask; /* bit (1 << iop_stage_of_change) per accepted stage */
  int days;
} IopExitCriterion;

typedef struct {
  const char *id, *name, *source;
  GPtrArray *entry;  /* const char * */
  GArray *exit;      /* IopExitCriterion */
  GPtrArray *next;   /* const char * stage ids */
} IopStage;

const IopStage *iop_program_find_stage (const iop_program *program, const char *id);
const char *iop_program_get_outreach_source (const iop_program *program);
const char *iop_program_get_dropout_source (const iop_program *program);

#endif /* IOP_PROGRAM_PRIVATE_H */
