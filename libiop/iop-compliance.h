/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_COMPLIANCE_H
#define IOP_COMPLIANCE_H

#if !defined(IOP_INSIDE) && !defined(IOP_COMPILATION)
#error "Only <libiop/iop.h> can be included directly."
#endif

#include <stdbool.h>
#include <stddef.h>

#include "iop-macros.h"
#include "iop-error.h"
#include "iop-continuum.h"
#include "iop-schedule.h"

/**
 * @brief Intensity compliance: whether a weekly schedule meets its level of care's rules, and
 *        per-diem claim rules.
 *
 * The rules are data: a *compliance pack* (docs/compliance.md) groups rules into rule sets that
 * a program selects: "asam" (the level's hours-per-week band, with the IOP taper rule),
 * "service-day" (the level's minimum hours per service day), "h0015" (at least 3 hours a day and
 * 3 days a week) and "medicare" (at least 9 hours a week for certification). Bands and per-day
 * minimums come from the continuum pack, so a state or payer continuum changes them without
 * code. The pack also holds the Medicare IOP parameters (recertification interval, payment
 * tiers, the PHP claim window) and the per-diem claim rules (one unit per date of service; IOP,
 * PHP and residential exclusive on the same date).
 *
 * An iop_compliance_rules is immutable and may be shared across threads; an
 * iop_compliance_report is single-owner.
 * @file iop-compliance.h
 */

IOP_BEGIN_DECLS

/** @brief A loaded compliance pack. Immutable, reference-counted. @since 0.1 */
typedef struct iop_compliance_rules iop_compliance_rules;
/** @brief The rules checked and their results. Single owner. @since 0.1 */
typedef struct iop_compliance_report iop_compliance_report;

/**
 * @brief Loads the built-in compliance pack against the built-in continuum.
 * @return (transfer full) A new rule pack; release with iop_compliance_rules_unref(). Never NULL.
 * @since 0.1
 */
IOP_API iop_compliance_rules *iop_compliance_rules_new_default (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Loads a compliance pack from JSON text and validates it strictly.
 * @param continuum (nullable) The continuum the pack's level references are resolved in; NULL
 *        for the built-in one (kept alive by the pack). Bands, per-day minimums and the
 *        recommended neighbour come from the level passed to iop_compliance_rules_check_schedule(),
 *        whose continuum may differ; pack rules match levels by edition and code.
 * @param json NUL-terminated UTF-8 JSON.
 * @param error (out) (optional) #IOP_ERROR_PARSE or #IOP_ERROR_INVALID_DATA with the JSON path.
 * @return (transfer full) (nullable) A new rule pack, or NULL on error.
 * @since 0.1
 */
IOP_API iop_compliance_rules *iop_compliance_rules_new_from_json (iop_continuum *continuum, const char *json,
                                                                  iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Loads a compliance pack from a file; see iop_compliance_rules_new_from_json().
 * @param continuum (nullable) The continuum, or NULL for the built-in one.
 * @param path File name.
 * @param error (out) (optional) As iop_compliance_rules_new_from_json(), plus #IOP_ERROR_IO.
 * @return (transfer full) (nullable) A new rule pack, or NULL on error.
 * @since 0.1
 */
IOP_API iop_compliance_rules *iop_compliance_rules_new_from_file (iop_continuum *continuum, const char *path,
                                                                  iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The text of the built-in compliance pack.
 * @return (transfer full) NUL-terminated JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_compliance_rules_default_pack_json (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Takes a reference (atomic).
 * @param rules A rule pack.
 * @return (transfer full) @p rules.
 * @since 0.1
 */
IOP_API iop_compliance_rules *iop_compliance_rules_ref (iop_compliance_rules *rules);

/**
 * @brief Drops a reference.
 * @param rules (nullable) A rule pack; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_compliance_rules_unref (iop_compliance_rules *rules);

/**
 * @brief The pack's identifier.
 * @param rules A rule pack.
 * @return (transfer none) Owned by @p rules.
 * @since 0.1
 */
IOP_API const char *iop_compliance_rules_get_id (const iop_compliance_rules *rules);

/**
 * @brief The number of rule sets.
 * @param rules A rule pack.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_compliance_rules_get_n_rule_sets (const iop_compliance_rules *rules);

/**
 * @brief The identifier of the @p index-th rule set ("asam", "service-day", "h0015", "medicare").
 * @param rules A rule pack.
 * @param index A rule-set index.
 * @return (transfer none) (nullable) The identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_compliance_rules_get_rule_set_id (const iop_compliance_rules *rules, size_t index);

/**
 * @brief Checks a weekly schedule against its level of care.
 *
 * Every rule of the selected rule sets that applies to @p level and @p age is checked and
 * reported with its measured value (rounded to 2 decimals in the JSON); a rule without a figure
 * for the level (an unpublished band) does not apply and is not reported. The weekly band and the
 * taper rule combine: hours below the band pass (status "taper") while @p weeks_below_band is
 * from 1 to the taper rule's limit, and fail with a "step-down" recommendation otherwise. Hours
 * above the band fail with a "step-up" recommendation.
 * @param rules A rule pack.
 * @param level The level of care (of any edition the pack covers).
 * @param age The age group.
 * @param schedule The planned weekly schedule.
 * @param weeks_below_band 0 when the program is not tapering; otherwise how many consecutive
 *        weeks, including this one, the hours have been below the band (1 for the first). Used by
 *        the taper rule only.
 * @param rule_sets (nullable) Comma-separated rule-set identifiers, such as "asam,h0015,medicare";
 *        NULL for the pack's default rule sets.
 * @param error (out) (optional) #IOP_ERROR_NOT_FOUND for an unknown rule set;
 *        #IOP_ERROR_INVALID_ARGUMENT for a negative @p weeks_below_band, an invalid @p age, or a
 *        selection that names no rule set (such as "").
 * @return (transfer full) (nullable) The report, or NULL on error. Release with
 *         iop_compliance_report_free().
 * @since 0.1
 */
IOP_API iop_compliance_report *iop_compliance_rules_check_schedule (const iop_compliance_rules *rules,
                                                                    const iop_level *level,
                                                                    iop_age_group age,
                                                                    const iop_schedule *schedule,
                                                                    int weeks_below_band,
                                                                    const char *rule_sets,
                                                                    iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Checks claim lines against the per-diem rules and the Medicare PHP window.
 *
 * The document is `{"format": "libiop-claims", "format_version": 1, "lines": [{"date":
 * "YYYY-MM-DD", "code": "H0015", "units": 1}]}` (`units` defaults to 1). Reported, per date:
 * more than the allowed units of a per-diem group ("one-unit-per-day"); two exclusive groups
 * ("exclusive-services"); and an IOP line dated on or within the window before a PHP line
 * ("medicare-php-window"). Lines with other codes are ignored.
 * @param rules A rule pack.
 * @param claims_json The claims document.
 * @param error (out) (optional) #IOP_ERROR_PARSE or #IOP_ERROR_INVALID_DATA with the JSON path.
 * @return (transfer full) (nullable) The report (compliant when nothing is reported), or NULL.
 * @since 0.1
 */
IOP_API iop_compliance_report *iop_compliance_rules_check_claims (const iop_compliance_rules *rules,
                                                                  const char *claims_json,
                                                                  iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The Medicare IOP per-diem payment tier for a day with @p qualifying_services services.
 * @param rules A rule pack.
 * @param qualifying_services The number of qualifying IOP services furnished that day.
 * @return 4 for the "4 or more services" tier, 3 for the "3 services" tier, 0 when the day is not
 *         payable as IOP.
 * @since 0.1
 */
IOP_API int iop_compliance_rules_get_medicare_tier (const iop_compliance_rules *rules, int qualifying_services);

/**
 * @brief The date Medicare IOP recertification is due: the pack's interval (2 months) after the
 *        certification, on the same day of the month or the month's last day.
 * @param rules A rule pack.
 * @param certified The certification date, "YYYY-MM-DD".
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a date that is not a calendar date.
 * @return (transfer full) (nullable) "YYYY-MM-DD"; release with iop_free(). NULL on error.
 * @since 0.1
 */
IOP_API char *iop_compliance_rules_get_recertification_due (const iop_compliance_rules *rules,
                                                            const char *certified,
                                                            iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Releases a report.
 * @param report (nullable) A report; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_compliance_report_free (iop_compliance_report *report);

/**
 * @brief Whether every reported rule passed.
 * @param report A report.
 * @return True when compliant.
 * @since 0.1
 */
IOP_API bool iop_compliance_report_is_compliant (const iop_compliance_report *report);

/**
 * @brief The number of rule results.
 * @param report A report.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_compliance_report_get_n_results (const iop_compliance_report *report);

/**
 * @brief The rule identifier of the @p index-th result, such as "weekly-hours-band".
 * @param report A report.
 * @param index A result index.
 * @return (transfer none) (nullable) The identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_compliance_report_get_rule (const iop_compliance_report *report, size_t index);

/**
 * @brief Whether the @p index-th rule passed.
 * @param report A report.
 * @param index A result index.
 * @return True when passed (false also when out of range).
 * @since 0.1
 */
IOP_API bool iop_compliance_report_get_passed (const iop_compliance_report *report, size_t index);

/**
 * @brief The status of the @p index-th result: "pass", "fail" or "taper" (a pass as an IOP
 *        step-down below the band).
 * @param report A report.
 * @param index A result index.
 * @return (transfer none) (nullable) The status, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_compliance_report_get_status (const iop_compliance_report *report, size_t index);

/**
 * @brief The measured value of the @p index-th result: hours per week, hours on the shortest
 *        service day or days per week for schedules; for claims, the units on the date
 *        ("one-unit-per-day"), the number of exclusive groups billed ("exclusive-services") or the
 *        days between the IOP and PHP dates ("medicare-php-window").
 * @param report A report.
 * @param index A result index.
 * @return The value, or 0 when out of range.
 * @since 0.1
 */
IOP_API double iop_compliance_report_get_measured (const iop_compliance_report *report, size_t index);

/**
 * @brief The requirement of the @p index-th result, such as "9-19 hours/week" or ">= 3 days/week".
 * @param report A report.
 * @param index A result index.
 * @return (transfer none) (nullable) The text, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_compliance_report_get_required (const iop_compliance_report *report, size_t index);

/**
 * @brief The date a claim result is about.
 * @param report A report.
 * @param index A result index.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL for schedule results.
 * @since 0.1
 */
IOP_API const char *iop_compliance_report_get_date (const iop_compliance_report *report, size_t index);

/**
 * @brief The human-readable text of the @p index-th result.
 * @param report A report.
 * @param index A result index.
 * @return (transfer none) (nullable) The text, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_compliance_report_get_text (const iop_compliance_report *report, size_t index);

/**
 * @brief The source identifier (in the pack's `sources` table) of the @p index-th result.
 * @param report A report.
 * @param index A result index.
 * @return (transfer none) (nullable) The source identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_compliance_report_get_source (const iop_compliance_report *report, size_t index);

/**
 * @brief What the schedule check recommends: "step-down" (below the band beyond the taper rule)
 *        or "step-up" (above the band).
 * @param report A report.
 * @return (transfer none) (nullable) The recommendation, or NULL.
 * @since 0.1
 */
IOP_API const char *iop_compliance_report_get_recommendation (const iop_compliance_report *report);

/**
 * @brief The level the recommendation points to (the continuum's step-down or step-up).
 * @param report A report.
 * @return (transfer none) (nullable) The level, or NULL.
 * @since 0.1
 */
IOP_API const iop_level *iop_compliance_report_get_recommended_level (const iop_compliance_report *report);

/**
 * @brief Serializes the report: `compliant`, `level`, `edition`, `age_group`, `recommendation`,
 *        `recommended_level`, `rules[{id, rule_set, passed, status, measured, required, date,
 *        text, source}]`.
 * @param report A report.
 * @return (transfer full) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_compliance_report_to_json (const iop_compliance_report *report) IOP_WARN_UNUSED_RESULT;

IOP_END_DECLS

#endif /* IOP_COMPLIANCE_H */
