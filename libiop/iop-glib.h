/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_GLIB_H
#define IOP_GLIB_H

/**
 * @file iop-glib.h
 * @brief Optional `g_autoptr()` / `g_autofree` support for programs that use GLib.
 *
 * Include after `<glib.h>` and `<libiop/iop.h>`:
 * `g_autoptr(iop_continuum) c = iop_continuum_new_default ();`
 */

#include <glib.h>
#include "iop.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_error, iop_error_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_continuum, iop_continuum_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_measure_set, iop_measure_set_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_score, iop_score_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_measure_series, iop_measure_series_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_placer, iop_placer_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_assessment, iop_assessment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_recommendation, iop_recommendation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_schedule, iop_schedule_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_compliance_rules, iop_compliance_rules_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_compliance_report, iop_compliance_report_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_program, iop_program_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_episode, iop_episode_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_attendance_summary, iop_attendance_summary_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_careplan_template, iop_careplan_template_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_careplan, iop_careplan_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_escalations, iop_escalations_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_readiness, iop_readiness_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_consent, iop_consent_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_consent_report, iop_consent_report_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_consent_decision, iop_consent_decision_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_preauth_policy, iop_preauth_policy_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_preauth_request, iop_preauth_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_preauth_decision, iop_preauth_decision_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_preauth_ledger, iop_preauth_ledger_free)

#endif /* IOP_GLIB_H */
