/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * Care-plan internals shared with the transition-readiness check and the FHIR export.
 */
#ifndef IOP_CAREPLAN_PRIVATE_H
#define IOP_CAREPLAN_PRIVATE_H

#include "iop-private.h"

typedef struct {
  guint stages_of_change_mask; /* bit (1 << iop_stage_of_change) per accepted stage */
  int first_appointment_within_days;
  int recent_measure_days;
  const char *source, *appointment_source;
} IopReadinessParams;

const IopReadinessParams *iop_careplan_template_get_readiness (const iop_careplan_template *tpl);
const iop_careplan_template *iop_careplan_get_template (const iop_careplan *plan);
/* A new reference to the plan's template, for results that point into it and may outlive the plan. */
iop_careplan_template *iop_careplan_ref_template (const iop_careplan *plan);
/* The highest severity of the flags of the @index-th recorded measure. */
iop_severity iop_careplan_get_measure_severity (const iop_careplan *plan, size_t index);

#endif /* IOP_CAREPLAN_PRIVATE_H */
