/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 *
 * What other modules add to a compliance report (the episode adds attendance and Medicare
 * recertification results to its schedule's report).
 */
#ifndef IOP_COMPLIANCE_PRIVATE_H
#define IOP_COMPLIANCE_PRIVATE_H

#include "iop-private.h"

/* Appends a result; every string is copied (@date may be NULL). */
void iop_compliance_report_append (iop_compliance_report *report, const char *rule, const char *rule_set,
                                   const char *source, gboolean passed, const char *status, double measured,
                                   const char *required, const char *text, const char *date);

/* Whether the @index-th rule set is selected by default. */
gboolean iop_compliance_rules_rule_set_is_default (const iop_compliance_rules *rules, size_t index);
/* The source identifier of the Medicare IOP parameters. */
const char *iop_compliance_rules_get_medicare_source (const iop_compliance_rules *rules);

#endif /* IOP_COMPLIANCE_PRIVATE_H */
