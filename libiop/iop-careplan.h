/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_CAREPLAN_H
#define IOP_CAREPLAN_H

#if !defined(IOP_INSIDE) && !defined(IOP_COMPILATION)
#error "Only <libiop/iop.h> can be included directly."
#endif

#include <stdbool.h>
#include <stddef.h>

#include "iop-macros.h"
#include "iop-error.h"
#include "iop-measure.h"
#include "iop-episode.h"
#include "iop-consent.h"

/**
 * @brief Continuing care after IOP: a dated plan of tapered telephone contact, alumni meetings,
 *        booster sessions, support groups and community referrals, the relapse-prevention plan,
 *        the contact log, and escalation.
 *
 * A *care-plan template* (docs/careplan.md) is data: recurring series with phases (the built-in
 * one calls weekly in months 1–3, every two weeks in months 4–12 and monthly in months 13–18, with
 * 15-minute calls as in McKay's telephone continuing care), one-off items at an offset from the
 * start, escalation rules, and the transition-readiness parameters.
 * iop_careplan_new() expands a template from a discharge or step-down date into a plan: a JSON
 * document (format "libiop-careplan") the clinic can edit, log contacts in, and re-read byte for
 * byte. Month arithmetic keeps the day of the month and clamps to the month's last day, always
 * counted from the plan's start (31 January + 1 month = 28 or 29 February; + 2 months = 31 March).
 *
 * Plans hold patient data: error messages name fields and positions, never values.
 *
 * An iop_careplan_template is immutable and may be shared across threads; iop_careplan and
 * iop_escalations are single-owner and not thread-safe.
 * @file iop-careplan.h
 */

IOP_BEGIN_DECLS

/** @brief A loaded care-plan template. Immutable, reference-counted. @since 0.1 */
typedef struct iop_careplan_template iop_careplan_template;
/** @brief A continuing-care plan. Single owner. @since 0.1 */
typedef struct iop_careplan iop_careplan;
/** @brief The escalations a plan calls for on a date. Single owner. @since 0.1 */
typedef struct iop_escalations iop_escalations;
/** @brief A transition-readiness checklist. Single owner. @since 0.1 */
typedef struct iop_readiness iop_readiness;

/**
 * @brief The state of one planned contact or activity.
 * @since 0.1
 */
typedef enum {
  IOP_CONTACT_PLANNED = 1,     /**< Not yet due or not yet recorded. @since 0.1 */
  IOP_CONTACT_COMPLETED = 2,   /**< Took place. @since 0.1 */
  IOP_CONTACT_MISSED = 3,      /**< Did not take place; counts toward the missed-contacts rule. @since 0.1 */
  IOP_CONTACT_RESCHEDULED = 4, /**< Moved to another date (a new planned item carries it). @since 0.1 */
  IOP_CONTACT_CANCELLED = 5    /**< No longer planned; ignored by escalation. @since 0.1 */
} iop_contact_status;

/**
 * @brief Parses "planned", "completed", "missed", "rescheduled" or "cancelled".
 * @param text The name.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for another text.
 * @return The status, or 0 on error.
 * @since 0.1
 */
IOP_API iop_contact_status iop_contact_status_from_string (const char *text, iop_error **error);

/**
 * @brief The name of a contact status.
 * @param status A status.
 * @return (transfer none) A static string; NULL for an invalid value.
 * @since 0.1
 */
IOP_API const char *iop_contact_status_to_string (iop_contact_status status);

/**
 * @brief Loads the built-in care-plan template.
 * @return (transfer full) A new template; release with iop_careplan_template_unref(). Never NULL.
 * @since 0.1
 */
IOP_API iop_careplan_template *iop_careplan_template_new_default (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Loads a care-plan template from JSON text and validates it strictly.
 * @param json NUL-terminated UTF-8 JSON.
 * @param error (out) (optional) #IOP_ERROR_PARSE or #IOP_ERROR_INVALID_DATA with the JSON path.
 * @return (transfer full) (nullable) A new template, or NULL on error.
 * @since 0.1
 */
IOP_API iop_careplan_template *iop_careplan_template_new_from_json (const char *json,
                                                                    iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Loads a care-plan template from a file; see iop_careplan_template_new_from_json().
 * @param path File name.
 * @param error (out) (optional) As iop_careplan_template_new_from_json(), plus #IOP_ERROR_IO.
 * @return (transfer full) (nullable) A new template, or NULL on error.
 * @since 0.1
 */
IOP_API iop_careplan_template *iop_careplan_template_new_from_file (const char *path,
                                                                    iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The text of the built-in care-plan template.
 * @return (transfer full) NUL-terminated JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_careplan_template_default_pack_json (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Takes a reference (atomic).
 * @param tpl A template.
 * @return (transfer full) @p tpl.
 * @since 0.1
 */
IOP_API iop_careplan_template *iop_careplan_template_ref (iop_careplan_template *tpl);

/**
 * @brief Drops a reference.
 * @param tpl (nullable) A template; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_careplan_template_unref (iop_careplan_template *tpl);

/**
 * @brief The template's identifier (a plan records it).
 * @param tpl A template.
 * @return (transfer none) Owned by @p tpl.
 * @since 0.1
 */
IOP_API const char *iop_careplan_template_get_id (const iop_careplan_template *tpl);

/**
 * @brief How many months a plan made from the template runs.
 * @param tpl A template.
 * @return Months.
 * @since 0.1
 */
IOP_API int iop_careplan_template_get_duration_months (const iop_careplan_template *tpl);

/**
 * @brief Makes a continuing-care plan for an episode from a discharge or step-down date.
 * Every series is expanded phase by phase: for a phase from month A to month B with an interval
 * of N weeks (or days), items fall on phase start + k × N weeks for k = 1, 2, … while on or before
 * the phase end; with an interval in months, on plan start + (A + k × N) months. One-off items fall
 * at their offset. Items are ordered by date, then template order. The plan starts with an empty
 * relapse-prevention plan, no receiving provider and no first appointment.
 * @param tpl (nullable) The template; NULL for the built-in one. The plan keeps a reference.
 * @param episode The episode (its client identifier is copied).
 * @param start_date The discharge or step-down date, "YYYY-MM-DD", on or after the admission.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad date.
 * @return (transfer full) (nullable) A new plan; release with iop_careplan_free(). NULL on error.
 * @since 0.1
 */
IOP_API iop_careplan *iop_careplan_new (iop_careplan_template *tpl, const iop_episode *episode, const char *start_date,
                                        iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Reads a plan document (format "libiop-careplan") and validates it strictly.
 * @param tpl (nullable) The template; NULL for the built-in one. The document's `template` must
 *        name its id.
 * @param json NUL-terminated UTF-8 JSON.
 * @param error (out) (optional) #IOP_ERROR_PARSE or #IOP_ERROR_INVALID_DATA with the JSON path;
 *        messages never quote the document's values.
 * @return (transfer full) (nullable) A new plan, or NULL on error.
 * @since 0.1
 */
IOP_API iop_careplan *iop_careplan_new_from_json (iop_careplan_template *tpl, const char *json,
                                                  iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Reads a plan document from a file; see iop_careplan_new_from_json().
 * @param tpl (nullable) The template, or NULL for the built-in one.
 * @param path File name.
 * @param error (out) (optional) As iop_careplan_new_from_json(), plus #IOP_ERROR_IO.
 * @return (transfer full) (nullable) A new plan, or NULL on error.
 * @since 0.1
 */
IOP_API iop_careplan *iop_careplan_new_from_file (iop_careplan_template *tpl, const char *path,
                                                  iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Releases a plan.
 * @param plan (nullable) A plan; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_careplan_free (iop_careplan *plan);

/**
 * @brief A deep copy.
 * @param plan A plan.
 * @return (transfer full) The copy; release with iop_careplan_free().
 * @since 0.1
 */
IOP_API iop_careplan *iop_careplan_copy (const iop_careplan *plan) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Serializes the plan; reading the text back and serializing again gives the same bytes.
 * @param plan A plan.
 * @return (transfer full) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_careplan_to_json (const iop_careplan *plan) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The pseudonymous client identifier.
 * @param plan A plan.
 * @return (transfer none) Owned by @p plan.
 * @since 0.1
 */
IOP_API const char *iop_careplan_get_client_id (const iop_careplan *plan);

/**
 * @brief The plan's start (the discharge or step-down date).
 * @param plan A plan.
 * @return (transfer none) "YYYY-MM-DD", owned by @p plan.
 * @since 0.1
 */
IOP_API const char *iop_careplan_get_start_date (const iop_careplan *plan);

/**
 * @brief The plan's last day: the start plus the template's duration.
 * @param plan A plan.
 * @return (transfer none) "YYYY-MM-DD", owned by @p plan.
 * @since 0.1
 */
IOP_API const char *iop_careplan_get_end_date (const iop_careplan *plan);

/**
 * @brief Records the receiving provider (the program or clinician taking over care).
 * @param plan A plan.
 * @param provider (nullable) The provider's identifier or name (1 to 200 bytes); NULL to clear.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for an empty or too long text.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_careplan_set_receiving_provider (iop_careplan *plan, const char *provider, iop_error **error);

/**
 * @brief The receiving provider.
 * @param plan A plan.
 * @return (transfer none) (nullable) The provider, or NULL.
 * @since 0.1
 */
IOP_API const char *iop_careplan_get_receiving_provider (const iop_careplan *plan);

/**
 * @brief Records the first appointment with the receiving provider.
 * @param plan A plan.
 * @param date (nullable) "YYYY-MM-DD", on or after the plan's start; NULL to clear.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad date.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_careplan_set_first_appointment (iop_careplan *plan, const char *date, iop_error **error);

/**
 * @brief The first appointment's date.
 * @param plan A plan.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL.
 * @since 0.1
 */
IOP_API const char *iop_careplan_get_first_appointment (const iop_careplan *plan);

/**
 * @brief The number of planned items (contacts and activities).
 * @param plan A plan.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_careplan_get_n_items (const iop_careplan *plan);

/**
 * @brief The date of the @p index-th item (items are ordered by date).
 * @param plan A plan.
 * @param index An item index.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_careplan_get_item_date (const iop_careplan *plan, size_t index);

/**
 * @brief The kind of the @p index-th item: "phone-check-in", "alumni-meeting", "booster-session",
 *        "support-group", "referral", "relapse-prevention-review" or "other".
 * @param plan A plan.
 * @param index An item index.
 * @return (transfer none) (nullable) The kind, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_careplan_get_item_kind (const iop_careplan *plan, size_t index);

/**
 * @brief The title of the @p index-th item.
 * @param plan A plan.
 * @param index An item index.
 * @return (transfer none) (nullable) The title, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_careplan_get_item_title (const iop_careplan *plan, size_t index);

/**
 * @brief The community resource a referral is for ("vocational-training", "recreational-therapy",
 *        "family-therapy", ...).
 * @param plan A plan.
 * @param index An item index.
 * @return (transfer none) (nullable) The resource, or NULL for other items or out of range.
 * @since 0.1
 */
IOP_API const char *iop_careplan_get_item_resource (const iop_careplan *plan, size_t index);

/**
 * @brief The planned length of the @p index-th item in minutes.
 * @param plan A plan.
 * @param index An item index.
 * @return Minutes, or 0 when none is planned or out of range.
 * @since 0.1
 */
IOP_API int iop_careplan_get_item_minutes (const iop_careplan *plan, size_t index);

/**
 * @brief The status of the @p index-th item.
 * @param plan A plan.
 * @param index An item index.
 * @return The status, or 0 when out of range.
 * @since 0.1
 */
IOP_API iop_contact_status iop_careplan_get_item_status (const iop_careplan *plan, size_t index);

/**
 * @brief Whether a relapse was reported at the @p index-th item.
 * @param plan A plan.
 * @param index An item index.
 * @return True when one was.
 * @since 0.1
 */
IOP_API bool iop_careplan_get_item_relapse (const iop_careplan *plan, size_t index);

/**
 * @brief The source identifier (in the template's `sources` table) of the @p index-th item.
 * @param plan A plan.
 * @param index An item index.
 * @return (transfer none) (nullable) The source, or NULL for items added by hand or out of range.
 * @since 0.1
 */
IOP_API const char *iop_careplan_get_item_source (const iop_careplan *plan, size_t index);

/**
 * @brief Adds an item by hand (the plan is the clinic's to edit).
 * @param plan A plan.
 * @param date "YYYY-MM-DD", on or after the plan's start.
 * @param kind One of the kinds of iop_careplan_get_item_kind() except "referral" (a referral
 *        comes from the template with its resource).
 * @param title What it is (1 to 200 bytes).
 * @param minutes Planned minutes (0 for none, at most 1440).
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad value.
 * @return The new item's index, or -1 on error.
 * @since 0.1
 */
IOP_API int iop_careplan_add_item (iop_careplan *plan, const char *date, const char *kind, const char *title,
                                   int minutes, iop_error **error);

/**
 * @brief Logs what happened to a planned item.
 * #IOP_CONTACT_RESCHEDULED needs @p new_date: the item is marked rescheduled and a planned copy is
 * added on the new date. Other statuses take no date. A recorded item may be recorded again (a
 * correction), but a rescheduled one may not.
 * @param plan A plan.
 * @param index The item's index.
 * @param status The new status (not #IOP_CONTACT_PLANNED).
 * @param new_date (nullable) The new date for a rescheduled item, on or after the plan's start.
 * @param relapse_reported Whether the client reported a relapse at this contact.
 * @param error (out) (optional) #IOP_ERROR_NOT_FOUND for a bad index; #IOP_ERROR_INVALID_ARGUMENT
 *        for a bad status or date.
 * @return The index of the rescheduled copy, the item's own index otherwise; -1 on error.
 *         Indices of later items shift when a copy is inserted before them.
 * @since 0.1
 */
IOP_API int iop_careplan_record_contact (iop_careplan *plan, size_t index, iop_contact_status status,
                                         const char *new_date, bool relapse_reported, iop_error **error);

/**
 * @brief Records an outcome measure taken during continuing care (its instrument, total and flags
 *        are kept; escalation reads them).
 * @param plan A plan.
 * @param date "YYYY-MM-DD" of the administration.
 * @param score The score.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad date.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_careplan_record_measure (iop_careplan *plan, const char *date, const iop_score *score,
                                          iop_error **error);

/**
 * @brief The number of recorded measures.
 * @param plan A plan.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_careplan_get_n_measures (const iop_careplan *plan);

/**
 * @brief The instrument of the @p index-th recorded measure.
 * @param plan A plan.
 * @param index A measure index.
 * @return (transfer none) (nullable) The instrument identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_careplan_get_measure_instrument (const iop_careplan *plan, size_t index);

/**
 * @brief The date of the @p index-th recorded measure.
 * @param plan A plan.
 * @param index A measure index.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_careplan_get_measure_date (const iop_careplan *plan, size_t index);

/**
 * @brief Whether the @p index-th recorded measure raised a flag.
 * @param plan A plan.
 * @param index A measure index.
 * @param flag_id A flag identifier, such as "self-harm-thoughts".
 * @return True when it did.
 * @since 0.1
 */
IOP_API bool iop_careplan_measure_has_flag (const iop_careplan *plan, size_t index, const char *flag_id);

/**
 * @brief Adds to the relapse-prevention plan: a trigger, a coping strategy, or a person to call.
 * @param plan A plan.
 * @param section "triggers", "coping_strategies" or "people_to_call".
 * @param text The entry (1 to 500 bytes; for a person, a name and how to reach them).
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for an unknown section or a bad text.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_careplan_add_relapse_prevention (iop_careplan *plan, const char *section, const char *text,
                                                  iop_error **error);

/**
 * @brief The number of entries in a relapse-prevention section.
 * @param plan A plan.
 * @param section "triggers", "coping_strategies" or "people_to_call".
 * @return The count (0 for an unknown section).
 * @since 0.1
 */
IOP_API size_t iop_careplan_get_n_relapse_prevention (const iop_careplan *plan, const char *section);

/**
 * @brief The @p index-th entry of a relapse-prevention section.
 * @param plan A plan.
 * @param section "triggers", "coping_strategies" or "people_to_call".
 * @param index An entry index.
 * @return (transfer none) (nullable) The entry, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_careplan_get_relapse_prevention (const iop_careplan *plan, const char *section, size_t index);

/**
 * @brief Applies the template's escalation rules on a date.
 * Rules: "consecutive-missed" fires when the last N recorded phone check-ins, alumni meetings,
 * booster sessions or support groups up to @p as_of (completed or missed; planned, rescheduled
 * and cancelled items are skipped) were all missed; "measure-flag" fires when a recorded measure
 * of the rule's instrument dated within the rule's window (the @p as_of day and the days before
 * it) raised one of the rule's flags; "relapse-report" fires when an item in the window reported
 * a relapse. Each fired rule appears once, with its recommended action and the date of the
 * latest evidence.
 * @param plan A plan.
 * @param as_of "YYYY-MM-DD".
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad date.
 * @return (transfer full) (nullable) The escalations (possibly none); release with
 *         iop_escalations_free(). NULL on error.
 * @since 0.1
 */
IOP_API iop_escalations *iop_careplan_escalate (const iop_careplan *plan, const char *as_of,
                                                iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Releases escalations.
 * @param escalations (nullable) Escalations; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_escalations_free (iop_escalations *escalations);

/**
 * @brief The number of escalations.
 * @param escalations Escalations.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_escalations_get_n (const iop_escalations *escalations);

/**
 * @brief The rule identifier of the @p index-th escalation.
 * @param escalations Escalations.
 * @param index An index.
 * @return (transfer none) (nullable) The rule, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_escalations_get_rule (const iop_escalations *escalations, size_t index);

/**
 * @brief The recommended action of the @p index-th escalation: "outreach", "earlier-booster" or
 *        "reassessment" (a re-assessment for a step up).
 * @param escalations Escalations.
 * @param index An index.
 * @return (transfer none) (nullable) The action, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_escalations_get_action (const iop_escalations *escalations, size_t index);

/**
 * @brief The date of the latest evidence of the @p index-th escalation.
 * @param escalations Escalations.
 * @param index An index.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_escalations_get_date (const iop_escalations *escalations, size_t index);

/**
 * @brief The reason of the @p index-th escalation.
 * @param escalations Escalations.
 * @param index An index.
 * @return (transfer none) (nullable) The text, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_escalations_get_text (const iop_escalations *escalations, size_t index);

/**
 * @brief The source identifier of the @p index-th escalation's rule.
 * @param escalations Escalations.
 * @param index An index.
 * @return (transfer none) (nullable) The source, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_escalations_get_source (const iop_escalations *escalations, size_t index);

/**
 * @brief Serializes the escalations: `as_of`, `escalations[{rule, action, date, text, source}]`.
 * @param escalations Escalations.
 * @return (transfer full) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_escalations_to_json (const iop_escalations *escalations) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Checks whether an episode is ready to move to the plan's receiving provider.
 * The checklist, in order: "final-stage-goals" (the episode is in a final stage of its program,
 * one with no next stage, and that stage's goals are met: none proposed, active or not achieved,
 * at least one achieved or waived); "stage-of-change" (one of the template's stages, built in:
 * action or maintenance); "recent-measures" (at least one measure recorded in the plan within the
 * template's window before @p as_of, and none of them with an urgent safety flag such as PHQ-9
 * item 9); "receiving-provider" (the plan names one); "first-appointment" (recorded, on or after
 * the plan's start and within the template's number of days of it); "consent" (the consent
 * permits disclosing the transition package, every data class it carries ("sud-treatment",
 * "diagnoses", "care-plan", "attendance", "outcome-measures"), to the receiving provider, a treating
 * provider, for treatment on @p as_of; iop_consent_check()), and it is the client's (its patient
 * identifier is the plan's client identifier).
 * @param plan A plan.
 * @param episode The plan's episode.
 * @param consent (nullable) The consent on file; NULL for none (the consent item fails).
 * @param as_of "YYYY-MM-DD".
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad date or an episode of
 *        another client.
 * @return (transfer full) (nullable) The checklist; release with iop_readiness_free(). NULL on error.
 * @since 0.1
 */
IOP_API iop_readiness *iop_careplan_check_readiness (const iop_careplan *plan, const iop_episode *episode,
                                                     const iop_consent *consent, const char *as_of,
                                                     iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Releases a checklist.
 * @param readiness (nullable) A checklist; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_readiness_free (iop_readiness *readiness);

/**
 * @brief Whether every item of the checklist passed.
 * @param readiness A checklist.
 * @return True when ready.
 * @since 0.1
 */
IOP_API bool iop_readiness_is_ready (const iop_readiness *readiness);

/**
 * @brief The number of checklist items.
 * @param readiness A checklist.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_readiness_get_n_items (const iop_readiness *readiness);

/**
 * @brief The identifier of the @p index-th item, such as "consent".
 * @param readiness A checklist.
 * @param index An item index.
 * @return (transfer none) (nullable) The identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_readiness_get_item (const iop_readiness *readiness, size_t index);

/**
 * @brief Whether the @p index-th item passed.
 * @param readiness A checklist.
 * @param index An item index.
 * @return True when it passed (false also when out of range).
 * @since 0.1
 */
IOP_API bool iop_readiness_get_passed (const iop_readiness *readiness, size_t index);

/**
 * @brief Why the @p index-th item passed or failed (no values from the records).
 * @param readiness A checklist.
 * @param index An item index.
 * @return (transfer none) (nullable) The text, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_readiness_get_text (const iop_readiness *readiness, size_t index);

/**
 * @brief Serializes the checklist: `ready`, `as_of`, `items[{id, passed, text, source}]`.
 * @param readiness A checklist.
 * @return (transfer full) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_readiness_to_json (const iop_readiness *readiness) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Exports the plan as a FHIR R4 Bundle (type collection): a CarePlan (US Core category
 *        assess-plan) with a Goal per episode goal, a ServiceRequest per plan item and a
 *        Condition per diagnosis, every resource labelled as 42 CFR Part 2 data (DS4P).
 * Gated: the consent must permit disclosing each of the data classes "care-plan", "diagnoses"
 * and "sud-treatment" to @p recipient, as a treating provider, for treatment on @p date
 * (iop_consent_require(): a TPO consent covering treating providers, or a consent naming the recipient),
 * and the consent's patient identifier must be the plan's client identifier.
 * Identifiers in the Bundle are derived from the plan, so the same plan exports the same bytes.
 * @param plan A plan.
 * @param episode The plan's episode.
 * @param consent (nullable) The consent on file; NULL is refused.
 * @param recipient The recipient's name or identifier (as named in the consent).
 * @param date The disclosure date, "YYYY-MM-DD".
 * @param error (out) (optional) #IOP_ERROR_PERMISSION_DENIED when the consent does not permit the
 *        disclosure; #IOP_ERROR_INVALID_ARGUMENT for a bad date or an episode of another client.
 * @return (transfer full) (nullable) The Bundle as compact JSON; release with iop_free(). NULL on error.
 * @since 0.1
 */
IOP_API char *iop_careplan_to_fhir (const iop_careplan *plan, const iop_episode *episode, const iop_consent *consent,
                                    const char *recipient, const char *date, iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The transition package for the receiving provider (format "libiop-transition-package"):
 *        client, diagnoses, level of care and its history, stage of change, treatment stage and
 *        goals, the attendance summary up to @p date, recorded measures, and the plan with its
 *        relapse-prevention plan.
 * Gated: the consent must permit disclosing each of "sud-treatment", "diagnoses", "care-plan",
 * "attendance" and "outcome-measures" to @p recipient, as a treating provider, for treatment on @p date,
 * and the consent's patient identifier must be the plan's client identifier.
 * @param plan A plan.
 * @param episode The plan's episode.
 * @param consent (nullable) The consent on file; NULL is refused.
 * @param recipient The recipient's name or identifier.
 * @param date The disclosure date, "YYYY-MM-DD", on or after the admission.
 * @param error (out) (optional) #IOP_ERROR_PERMISSION_DENIED when not permitted;
 *        #IOP_ERROR_INVALID_ARGUMENT for a bad date or an episode of another client.
 * @return (transfer full) (nullable) Compact UTF-8 JSON; release with iop_free(). NULL on error.
 * @since 0.1
 */
IOP_API char *iop_careplan_transition_package (const iop_careplan *plan, const iop_episode *episode,
                                               const iop_consent *consent, const char *recipient, const char *date,
                                               iop_error **error) IOP_WARN_UNUSED_RESULT;

IOP_END_DECLS

#endif /* IOP_CAREPLAN_H */
