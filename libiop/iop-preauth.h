/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_PREAUTH_H
#define IOP_PREAUTH_H

#if !defined(IOP_INSIDE) && !defined(IOP_COMPILATION)
#error "Only <libiop/iop.h> can be included directly."
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "iop-macros.h"
#include "iop-error.h"
#include "iop-continuum.h"
#include "iop-consent.h"
#include "iop-episode.h"

/**
 * @brief Insurance pre-authorization: payer policies as data, requests, explained decisions with
 *        CMS-0057-F deadlines, a batch engine, and an authorization ledger.
 *
 * A *payer policy pack* (format "libiop-payers", docs/preauth.md) lists payers with their plan
 * type, whether the CMS-0057-F decision timeframes apply, member cost sharing, and rules per level
 * of care or service code: authorization required, not required, prohibited, or required after a
 * threshold, with required documents, covered diagnoses, age limits, initial units and period,
 * concurrent-review interval, per-date-of-service limits and mutually exclusive services. The
 * built-in pack is ILLUSTRATIVE: four example payers built from public rules.
 *
 * A *request* (format "libiop-preauth-request") becomes a *decision*: an outcome ("not-required",
 * "approved", "approved-modified", "pended", "denied"), reasons (code, text, source), missing
 * documents, the authorized units and period, the decision due-by instant, the next concurrent
 * review date and an out-of-pocket estimate. No matching rule gives "pended", never "approved";
 * a denial always carries a specific reason. Requests can carry patient data: their error
 * messages never quote a value.
 *
 * Thread safety: an iop_preauth_policy is immutable once loaded and may be shared by any number of
 * threads (iop_preauth_policy_decide() only reads it). Requests, decisions and ledgers are
 * single-owner objects. The batch functions start their own worker threads when @p jobs > 1 and
 * join them before returning; no callback runs on those threads.
 * @file iop-preauth.h
 */

IOP_BEGIN_DECLS

/** @brief A loaded payer policy pack. Immutable, reference-counted. @since 0.1 */
typedef struct iop_preauth_policy iop_preauth_policy;
/** @brief One pre-authorization request document. Single owner. @since 0.1 */
typedef struct iop_preauth_request iop_preauth_request;
/** @brief The decision on one request. Single owner. @since 0.1 */
typedef struct iop_preauth_decision iop_preauth_decision;
/** @brief An authorization ledger: authorizations, units used, status history. Single owner. @since 0.1 */
typedef struct iop_preauth_ledger iop_preauth_ledger;

/**
 * @brief Loads the built-in (illustrative) payer policy pack against the built-in continuum.
 * @return (transfer full) A new policy; release with iop_preauth_policy_unref(). Never NULL.
 * @since 0.1
 */
IOP_API iop_preauth_policy *iop_preauth_policy_new_default (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Loads a payer policy pack from JSON text and validates it strictly.
 * @param continuum (nullable) The continuum the pack's level references are resolved in; NULL for
 *        the built-in one (kept alive by the policy).
 * @param json NUL-terminated UTF-8 JSON.
 * @param error (out) (optional) #IOP_ERROR_PARSE or #IOP_ERROR_INVALID_DATA with the JSON path.
 * @return (transfer full) (nullable) A new policy, or NULL on error.
 * @since 0.1
 */
IOP_API iop_preauth_policy *iop_preauth_policy_new_from_json (iop_continuum *continuum, const char *json,
                                                              iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Loads a payer policy pack from a file; see iop_preauth_policy_new_from_json().
 * @param continuum (nullable) The continuum, or NULL for the built-in one.
 * @param path File name.
 * @param error (out) (optional) As iop_preauth_policy_new_from_json(), plus #IOP_ERROR_IO.
 * @return (transfer full) (nullable) A new policy, or NULL on error.
 * @since 0.1
 */
IOP_API iop_preauth_policy *iop_preauth_policy_new_from_file (iop_continuum *continuum, const char *path,
                                                              iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The text of the built-in payer policy pack.
 * @return (transfer full) NUL-terminated JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_preauth_policy_default_pack_json (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Takes a reference (atomic).
 * @param policy A policy.
 * @return (transfer full) @p policy.
 * @since 0.1
 */
IOP_API iop_preauth_policy *iop_preauth_policy_ref (iop_preauth_policy *policy);

/**
 * @brief Drops a reference.
 * @param policy (nullable) A policy; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_preauth_policy_unref (iop_preauth_policy *policy);

/**
 * @brief The pack's identifier.
 * @param policy A policy.
 * @return (transfer none) Owned by @p policy.
 * @since 0.1
 */
IOP_API const char *iop_preauth_policy_get_id (const iop_preauth_policy *policy);

/**
 * @brief Whether the pack declares itself illustrative (not a real payer's contract).
 * @param policy A policy.
 * @return true for an illustrative pack.
 * @since 0.1
 */
IOP_API bool iop_preauth_policy_is_illustrative (const iop_preauth_policy *policy);

/**
 * @brief The number of payers.
 * @param policy A policy.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_preauth_policy_get_n_payers (const iop_preauth_policy *policy);

/**
 * @brief The identifier of the @p index-th payer.
 * @param policy A policy.
 * @param index A payer index.
 * @return (transfer none) (nullable) The identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_preauth_policy_get_payer_id (const iop_preauth_policy *policy, size_t index);

/**
 * @brief Whether the CMS-0057-F decision timeframes apply to a payer (from its plan type unless
 *        the pack overrides it).
 * @param policy A policy.
 * @param payer_id A payer identifier.
 * @param error (out) (optional) #IOP_ERROR_NOT_FOUND for an unknown payer.
 * @return true when they apply; false when not, or on error.
 * @since 0.1
 */
IOP_API bool iop_preauth_policy_get_payer_cms_0057f (const iop_preauth_policy *policy, const char *payer_id,
                                                     iop_error **error);

/**
 * @brief Reads a request document (format "libiop-preauth-request") strictly. Messages name the
 *        member at fault and never quote a value.
 * @param json NUL-terminated UTF-8 JSON.
 * @param error (out) (optional) #IOP_ERROR_PARSE or #IOP_ERROR_INVALID_DATA with the JSON path.
 * @return (transfer full) (nullable) A new request, or NULL on error.
 * @since 0.1
 */
IOP_API iop_preauth_request *iop_preauth_request_new_from_json (const char *json, iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Frees a request.
 * @param request (nullable) A request; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_preauth_request_free (iop_preauth_request *request);

/**
 * @brief The request's identifier.
 * @param request A request.
 * @return (transfer none) Owned by @p request.
 * @since 0.1
 */
IOP_API const char *iop_preauth_request_get_id (const iop_preauth_request *request);

/**
 * @brief Writes the request back as compact JSON; reading and writing a request written by
 *        libiop gives the same bytes.
 * @param request A request.
 * @return (transfer full) JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_preauth_request_to_json (const iop_preauth_request *request) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Decides a request.
 * @param policy A policy.
 * @param request A request.
 * @param error (out) (optional) #IOP_ERROR_INVALID_DATA with the JSON path when the request names
 *        a payer the pack does not have ($.coverage.payer) or a level the continuum does not have
 *        ($.level.code).
 * @return (transfer full) (nullable) A new decision, or NULL on error.
 * @since 0.1
 */
IOP_API iop_preauth_decision *iop_preauth_policy_decide (const iop_preauth_policy *policy,
                                                         const iop_preauth_request *request,
                                                         iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Reads and decides one request in JSON, and returns the decision as JSON; the text is
 *        the same as iop_preauth_decision_to_json() gives.
 * @param policy A policy.
 * @param request_json NUL-terminated UTF-8 JSON of a request.
 * @param error (out) (optional) As iop_preauth_request_new_from_json() and iop_preauth_policy_decide().
 * @return (transfer full) (nullable) The decision JSON (release with iop_free()), or NULL on error.
 * @since 0.1
 */
IOP_API char *iop_preauth_policy_decide_json (const iop_preauth_policy *policy, const char *request_json,
                                              iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Batch mode over streams: reads one request per line from @p input and writes one
 *        decision per line to @p output in input order. A line that fails gives an error record
 *        (`{"line":N,"error":{"code":...,"path":...,"message":...}}`, no value quoted) and the run
 *        goes on. Memory stays bounded whatever the input length. Empty lines are skipped (no
 *        output), but still counted for line numbers.
 * @param policy A policy.
 * @param input An open stream to read.
 * @param output An open stream to write.
 * @param jobs The number of worker threads (1 decides on the calling thread); 1 to 64.
 * @param n_lines (out) (optional) The number of requests read.
 * @param n_failed (out) (optional) The number of error records written.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad @p jobs; #IOP_ERROR_IO when
 *        reading or writing fails.
 * @return true when the whole input was processed (even if some lines failed).
 * @since 0.1
 */
IOP_API bool iop_preauth_policy_decide_stream (const iop_preauth_policy *policy, FILE *input, FILE *output,
                                               int jobs, size_t *n_lines, size_t *n_failed, iop_error **error);

/**
 * @brief Batch mode over an array: decides @p n_requests requests in JSON with @p jobs threads.
 * @param policy A policy.
 * @param requests The requests' JSON texts; an element may be NULL (it gives an error record).
 * @param n_requests The number of requests.
 * @param jobs The number of worker threads (1 decides on the calling thread); 1 to 64.
 * @param decisions (out) An array of @p n_requests pointers that receives, in order, each decision
 *        JSON or error record (each (transfer full), release with iop_free()); the line number of
 *        an error record is the 1-based index.
 * @param n_failed (out) (optional) The number of error records.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad @p jobs.
 * @return true on success; false (with @p decisions untouched) on error.
 * @since 0.1
 */
IOP_API bool iop_preauth_policy_decide_all (const iop_preauth_policy *policy, const char *const *requests,
                                            size_t n_requests, int jobs, char **decisions, size_t *n_failed,
                                            iop_error **error);

/**
 * @brief Imports a Da Vinci PAS 2.2.1 response Bundle (FHIR R4 JSON) as a decision. The first
 *        entry must be the ClaimResponse; each item's X12 306 review action gives its outcome
 *        (A1 approved, A2 and A6 approved-modified with the addItem's quantity and period, A3
 *        denied, A4 and CT pended, C "cancelled", NA not-required) and the combined outcome is the
 *        most restrictive one (denied, pended, cancelled, modified, approved, not-required).
 *        Reasons are "pas-certified", "pas-not-certified", ..., "pas-review-reason" (X12 886)
 *        and "pas-note" (processNote text), with no source. Members the import does not use are
 *        ignored (FHIR resources have many); values are never quoted in messages.
 * @param bundle_json NUL-terminated UTF-8 JSON of a PAS response Bundle.
 * @param error (out) (optional) #IOP_ERROR_PARSE for a missing or mistyped member,
 *        #IOP_ERROR_INVALID_DATA for another resource type, an unknown review action code, or an
 *        error response (ClaimResponse.outcome "error": the message lists the X12 901 codes).
 * @return (transfer full) (nullable) A new decision, or NULL on error.
 * @since 0.1
 */
IOP_API iop_preauth_decision *iop_preauth_decision_new_from_pas_json (const char *bundle_json,
                                                                      iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Frees a decision.
 * @param decision (nullable) A decision; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_preauth_decision_free (iop_preauth_decision *decision);

/**
 * @brief The outcome: "not-required", "approved", "approved-modified", "pended" or "denied"
 *        ("cancelled" only for a decision imported from a PAS response).
 * @param decision A decision.
 * @return (transfer none) A static string.
 * @since 0.1
 */
IOP_API const char *iop_preauth_decision_get_outcome (const iop_preauth_decision *decision);

/**
 * @brief The identifier of the payer rule that decided, or NULL when no rule matched.
 * @param decision A decision.
 * @return (transfer none) (nullable) Owned by the decision.
 * @since 0.1
 */
IOP_API const char *iop_preauth_decision_get_rule (const iop_preauth_decision *decision);

/**
 * @brief The number of reasons.
 * @param decision A decision.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_preauth_decision_get_n_reasons (const iop_preauth_decision *decision);

/**
 * @brief The machine code of the @p index-th reason ("missing-document", "diagnosis-not-covered", ...).
 * @param decision A decision.
 * @param index A reason index.
 * @return (transfer none) (nullable) The code, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_preauth_decision_get_reason_code (const iop_preauth_decision *decision, size_t index);

/**
 * @brief The human text of the @p index-th reason.
 * @param decision A decision.
 * @param index A reason index.
 * @return (transfer none) (nullable) The text, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_preauth_decision_get_reason_text (const iop_preauth_decision *decision, size_t index);

/**
 * @brief The source identifier (in the pack's sources table) of the @p index-th reason.
 * @param decision A decision.
 * @param index A reason index.
 * @return (transfer none) (nullable) The source, or NULL when out of range or when the reason is
 *         the engine's own (no rule matched).
 * @since 0.1
 */
IOP_API const char *iop_preauth_decision_get_reason_source (const iop_preauth_decision *decision, size_t index);

/**
 * @brief The number of missing documents.
 * @param decision A decision.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_preauth_decision_get_n_missing_documents (const iop_preauth_decision *decision);

/**
 * @brief The kind of the @p index-th missing document ("asam-assessment", ...).
 * @param decision A decision.
 * @param index An index.
 * @return (transfer none) (nullable) The kind, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_preauth_decision_get_missing_document (const iop_preauth_decision *decision, size_t index);

/**
 * @brief The authorized units.
 * @param decision A decision.
 * @return The units, or -1 when nothing is authorized.
 * @since 0.1
 */
IOP_API int iop_preauth_decision_get_authorized_units (const iop_preauth_decision *decision);

/**
 * @brief The first day of the authorized period.
 * @param decision A decision.
 * @return (transfer full) (nullable) "YYYY-MM-DD" (release with iop_free()), or NULL when nothing is authorized.
 * @since 0.1
 */
IOP_API char *iop_preauth_decision_get_period_start (const iop_preauth_decision *decision) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The last day of the authorized period.
 * @param decision A decision.
 * @return (transfer full) (nullable) "YYYY-MM-DD" (release with iop_free()), or NULL when nothing is authorized.
 * @since 0.1
 */
IOP_API char *iop_preauth_decision_get_period_end (const iop_preauth_decision *decision) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The instant the payer's decision is due, in the offset of the request's received_at.
 * @param decision A decision.
 * @return (transfer full) (nullable) An RFC 3339 instant (release with iop_free()), or NULL when
 *         no timeframe applies.
 * @since 0.1
 */
IOP_API char *iop_preauth_decision_get_decision_due (const iop_preauth_decision *decision) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The date of the next concurrent review.
 * @param decision A decision.
 * @return (transfer full) (nullable) "YYYY-MM-DD" (release with iop_free()), or NULL when none.
 * @since 0.1
 */
IOP_API char *iop_preauth_decision_get_next_review (const iop_preauth_decision *decision) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The estimated out-of-pocket cost for the member.
 * @param decision A decision.
 * @return The amount in the pack's currency, or -1 when there is no estimate.
 * @since 0.1
 */
IOP_API double iop_preauth_decision_get_out_of_pocket (const iop_preauth_decision *decision);

/**
 * @brief The decision as compact JSON (request, payer, rule, outcome, reasons, missing_documents,
 *        authorized_units, authorized_period, decision_due, timeframe, next_review, out_of_pocket).
 * @param decision A decision.
 * @return (transfer full) JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_preauth_decision_to_json (const iop_preauth_decision *decision) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Creates an empty ledger.
 * @return (transfer full) A new ledger; release with iop_preauth_ledger_free().
 * @since 0.1
 */
IOP_API iop_preauth_ledger *iop_preauth_ledger_new (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Reads a ledger document (format "libiop-auth-ledger") strictly; no value is quoted in messages.
 * @param json NUL-terminated UTF-8 JSON.
 * @param error (out) (optional) #IOP_ERROR_PARSE or #IOP_ERROR_INVALID_DATA with the JSON path.
 * @return (transfer full) (nullable) A new ledger, or NULL on error.
 * @since 0.1
 */
IOP_API iop_preauth_ledger *iop_preauth_ledger_new_from_json (const char *json, iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Frees a ledger.
 * @param ledger (nullable) A ledger; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_preauth_ledger_free (iop_preauth_ledger *ledger);

/**
 * @brief Adds an authorization.
 * @param ledger A ledger.
 * @param id The authorization identifier (unique in the ledger).
 * @param payer The payer identifier.
 * @param service The level of care or service code it covers.
 * @param units The approved units (at least 1).
 * @param start The first day, "YYYY-MM-DD".
 * @param end The last day, "YYYY-MM-DD", not before @p start.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a duplicate id, bad units or dates.
 * @return true on success.
 * @since 0.1
 */
IOP_API bool iop_preauth_ledger_add_authorization (iop_preauth_ledger *ledger, const char *id, const char *payer,
                                                   const char *service, int units, const char *start,
                                                   const char *end, iop_error **error);

/**
 * @brief Records units used on a date (for example from attendance).
 * @param ledger A ledger.
 * @param id An authorization identifier.
 * @param date The date of service, "YYYY-MM-DD".
 * @param units The units used (at least 1).
 * @param error (out) (optional) #IOP_ERROR_NOT_FOUND for an unknown id; #IOP_ERROR_INVALID_ARGUMENT
 *        for bad units or a bad date.
 * @return true on success.
 * @since 0.1
 */
IOP_API bool iop_preauth_ledger_record_use (iop_preauth_ledger *ledger, const char *id, const char *date,
                                            int units, iop_error **error);

/**
 * @brief Records a status change with its instant.
 * @param ledger A ledger.
 * @param id An authorization identifier.
 * @param status "submitted", "pended", "approved", "denied", "modified", "appealed" or "expired".
 * @param at An RFC 3339 instant with an offset.
 * @param expedited Whether the request was expedited (used for the average decision times).
 * @param error (out) (optional) #IOP_ERROR_NOT_FOUND for an unknown id; #IOP_ERROR_INVALID_ARGUMENT
 *        for an unknown status or a bad instant.
 * @return true on success.
 * @since 0.1
 */
IOP_API bool iop_preauth_ledger_add_status (iop_preauth_ledger *ledger, const char *id, const char *status,
                                            const char *at, bool expedited, iop_error **error);

/**
 * @brief Counts an episode's attendance against an authorization, one unit per date of service
 *        (the per-diem rule: one IOP unit per date, whatever the number of sessions that day).
 * Every date in the authorization's period, up to and including @p as_of, with at least one
 * attended session and no units recorded yet is recorded as one unit used; dates already
 * recorded (by this function or iop_preauth_ledger_record_use()) are left alone, so calling it
 * again after more attendance only adds the new dates. Missed and excused sessions use nothing.
 * @param ledger A ledger.
 * @param id An authorization identifier.
 * @param episode The episode whose attendance uses the authorization.
 * @param as_of (nullable) The last date to count, "YYYY-MM-DD"; NULL for the whole period.
 * @param error (out) (optional) #IOP_ERROR_NOT_FOUND for an unknown id;
 *        #IOP_ERROR_INVALID_ARGUMENT for a bad date.
 * @return The number of dates recorded by this call, or -1 on error.
 * @since 0.1
 */
IOP_API int iop_preauth_ledger_record_attendance (iop_preauth_ledger *ledger, const char *id,
                                                  const iop_episode *episode, const char *as_of, iop_error **error);

/**
 * @brief The units left on an authorization.
 * @param ledger A ledger.
 * @param id An authorization identifier.
 * @param error (out) (optional) #IOP_ERROR_NOT_FOUND for an unknown id.
 * @return The approved units minus the units used (may be negative when overused); 0 on error.
 * @since 0.1
 */
IOP_API int iop_preauth_ledger_get_remaining_units (const iop_preauth_ledger *ledger, const char *id,
                                                    iop_error **error);

/**
 * @brief Expiry warnings and re-authorization reminders as of a date, as JSON:
 *        `[{"authorization","kind","date","remaining_units"}]` where kind is "expired" (the
 *        period has ended), "expiring" (it ends within @p lead_days: re-authorize) or
 *        "exhausted" (no units left).
 * @param ledger A ledger.
 * @param as_of The date, "YYYY-MM-DD".
 * @param lead_days The lead time in days (0 to 365): an authorization ending within it is "expiring".
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad date or lead time.
 * @return (transfer full) (nullable) JSON (release with iop_free()), or NULL on error.
 * @since 0.1
 */
IOP_API char *iop_preauth_ledger_get_reminders_json (const iop_preauth_ledger *ledger, const char *as_of,
                                                     int lead_days, iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The CMS-0057-F public metrics from the status history, as JSON: decided, approved,
 *        denied, approved_after_appeal, percent_approved, percent_denied,
 *        percent_approved_after_appeal, average_decision_hours_standard, average_decision_hours_expedited.
 * @param ledger A ledger.
 * @return (transfer full) JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_preauth_ledger_get_metrics_json (const iop_preauth_ledger *ledger) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Writes the ledger as compact JSON (format "libiop-auth-ledger"); reading and writing a
 *        ledger written by libiop gives the same bytes.
 * @param ledger A ledger.
 * @return (transfer full) JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_preauth_ledger_to_json (const iop_preauth_ledger *ledger) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Exports a request as a Da Vinci PAS 2.2.1 request Bundle (FHIR R4, type collection): the
 *        PAS Claim first (use preauthorization, priority normal or stat for an expedited request,
 *        ICD-10-CM diagnoses, one item per service code with its HCPCS system URI, the full-date
 *        service period, the units, X12 request type HS and certification type I), then the
 *        Patient, the Coverage, the insurer and the requesting Organization. SUD data carries the
 *        42 CFR Part 2 DS4P labels.
 * Gated: the consent must be the member's (its patient identifier is the request's member id)
 * and permit disclosing "diagnoses" and "sud-treatment" to the payer (the request's payer id, as
 * a health plan) for payment on @p date (iop_consent_require()). Identifiers in the Bundle are
 * derived from the request, so one request exports the same bytes.
 * @param request A request.
 * @param consent (nullable) The consent on file; NULL is refused.
 * @param provider The requesting provider's name (the PAS requestor).
 * @param date The disclosure date, "YYYY-MM-DD" (also Claim.created).
 * @param error (out) (optional) #IOP_ERROR_PERMISSION_DENIED when the consent does not permit the
 *        disclosure; #IOP_ERROR_INVALID_ARGUMENT for an empty provider or a bad date.
 * @return (transfer full) (nullable) The Bundle as compact JSON; release with iop_free(). NULL on error.
 * @since 0.1
 */
IOP_API char *iop_preauth_request_to_pas (const iop_preauth_request *request, const iop_consent *consent,
                                          const char *provider, const char *date, iop_error **error) IOP_WARN_UNUSED_RESULT;

IOP_END_DECLS

#endif /* IOP_PREAUTH_H */
