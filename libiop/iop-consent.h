/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_CONSENT_H
#define IOP_CONSENT_H

#if !defined(IOP_INSIDE) && !defined(IOP_COMPILATION)
#error "Only <libiop/iop.h> can be included directly."
#endif

#include <stdbool.h>
#include <stddef.h>

#include "iop-macros.h"
#include "iop-error.h"

/**
 * @file iop-consent.h
 * @brief Patient consent to disclose substance-use-disorder records under 42 CFR Part 2
 *        (2024 rule): the consent document with every §2.31(a) element, its validation, the
 *        disclosure check, the gate every export calls, and the FHIR R4 Consent export.
 *
 * A consent is read from a "libiop-consent" document (docs/consent.md), or built with
 * iop_consent_new() and the setters. A document with missing
 * elements still loads, so that it can be validated and reported; loading fails only for
 * malformed structure, unknown codes or malformed dates. Errors and reason texts never quote a
 * value from the consent (it holds patient data); they name the field.
 *
 * Closed code sets: data classes "sud-treatment", "diagnoses", "medications", "assessments",
 * "outcome-measures", "care-plan", "attendance", "counseling-notes"; recipient classes
 * "treating-providers", "health-plans", "third-party-payers", "program-operations"; purposes
 * "treatment" (v3 PurposeOfUse TREAT), "payment" (HPAYMT), "health-care-operations" (HOPERAT),
 * "patient-request" (PATRQT), "care-management" (CAREMGT), "research" (HRESCH).
 *
 * Thread-safety: an iop_consent is a single-owner object; concurrent reads (check, require,
 * validate, to_json, to_fhir) of one consent from several threads are safe as long as no thread
 * modifies it (the setters and adders). Reports and decisions are single-owner.
 */

IOP_BEGIN_DECLS

/** @brief A 42 CFR Part 2 consent. Single owner. @since 0.1 */
typedef struct iop_consent iop_consent;
/** @brief The elements a consent lacks or gets wrong. Single owner. @since 0.1 */
typedef struct iop_consent_report iop_consent_report;
/** @brief Whether one disclosure is permitted, with every reason when it is not. Single owner. @since 0.1 */
typedef struct iop_consent_decision iop_consent_decision;

/**
 * @brief Whether @p data_class is one of the documented data classes.
 * @param data_class A data class, such as "medications".
 * @return True when known.
 * @since 0.1
 */
IOP_API bool iop_consent_data_class_is_known (const char *data_class);

/**
 * @brief Whether @p recipient_class is one of the documented recipient classes.
 * @param recipient_class A class, such as "treating-providers".
 * @return True when known.
 * @since 0.1
 */
IOP_API bool iop_consent_recipient_class_is_known (const char *recipient_class);

/**
 * @brief The HL7 v3 PurposeOfUse code of a purpose ("treatment" gives "TREAT").
 * @param purpose A purpose.
 * @return (transfer none) (nullable) A static string, or NULL for an unknown purpose.
 * @since 0.1
 */
IOP_API const char *iop_consent_purpose_to_code (const char *purpose);

/**
 * @brief Starts an empty consent of a kind; the setters and adders below fill in its elements
 *        (iop_consent_validate() lists what is still missing).
 * @param kind "tpo" or "specific".
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for another kind.
 * @return (transfer full) (nullable) A new consent, or NULL on error. Release with
 *         iop_consent_free().
 * @since 0.1
 */
IOP_API iop_consent *iop_consent_new (const char *kind, iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Sets the consent's identifier (also the FHIR resource id).
 * @param consent A consent.
 * @param id (nullable) 1 to 64 letters, digits, '-' or '.'; NULL clears it.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a malformed @p id.
 * @return True on success; the consent is unchanged on error.
 * @since 0.1
 */
IOP_API bool iop_consent_set_id (iop_consent *consent, const char *id, iop_error **error);

/**
 * @brief Sets the patient (§2.31(a)(1)).
 * @param consent A consent.
 * @param name (nullable) The patient's name.
 * @param id (nullable) A pseudonymous identifier: 1 to 64 letters, digits, '-' or '.' (also the
 *        FHIR Patient id).
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a malformed @p id.
 * @return True on success; the consent is unchanged on error.
 * @since 0.1
 */
IOP_API bool iop_consent_set_patient (iop_consent *consent, const char *name, const char *id, iop_error **error);

/**
 * @brief Sets who may make the disclosure (§2.31(a)(2)): a name or a class of persons.
 * @param consent A consent.
 * @param name (nullable) The name of the person or program.
 * @param class_of_persons (nullable) A class of persons, as free text.
 * @since 0.1
 */
IOP_API void iop_consent_set_disclosing_party (iop_consent *consent, const char *name,
                                               const char *class_of_persons);

/**
 * @brief Sets the description of the information to be disclosed (§2.31(a)(3)).
 * @param consent A consent.
 * @param description (nullable) Free text.
 * @since 0.1
 */
IOP_API void iop_consent_set_information (iop_consent *consent, const char *description);

/**
 * @brief Adds a data class to the information to be disclosed.
 * @param consent A consent.
 * @param data_class A documented data class.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for an unknown or repeated class.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_consent_add_data_class (iop_consent *consent, const char *data_class, iop_error **error);

/**
 * @brief Adds a recipient (§2.31(a)(4)) by name and/or identifier, or by class.
 * @param consent A consent.
 * @param name (nullable) The recipient's name.
 * @param identifier (nullable) An identifier, such as an NPI.
 * @param recipient_class (nullable) A documented recipient class.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT when all three are NULL or the class
 *        is unknown.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_consent_add_recipient (iop_consent *consent, const char *name, const char *identifier,
                                        const char *recipient_class, iop_error **error);

/**
 * @brief Adds an intermediary (such as a health information exchange); name its participants
 *        with iop_consent_add_participant(), or designate them by @p participant_class.
 * @param consent A consent.
 * @param name (nullable) The intermediary's name.
 * @param identifier (nullable) Its identifier.
 * @param participant_class (nullable) A recipient class covering its participants (§2.31(a)(4)
 *        allows "treating-providers").
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT when @p name and @p identifier are
 *        both NULL, or the class is unknown.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_consent_add_intermediary (iop_consent *consent, const char *name, const char *identifier,
                                           const char *participant_class, iop_error **error);

/**
 * @brief Names a participant of the intermediary added last.
 * @param consent A consent.
 * @param participant The participant's name or identifier.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT when the last recipient added is not
 *        an intermediary, or @p participant is empty.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_consent_add_participant (iop_consent *consent, const char *participant, iop_error **error);

/**
 * @brief Adds a purpose (§2.31(a)(5)).
 * @param consent A consent.
 * @param purpose A documented purpose.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for an unknown or repeated purpose.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_consent_add_purpose (iop_consent *consent, const char *purpose, iop_error **error);

/**
 * @brief Sets the revocation statement (§2.31(a)(6)).
 * @param consent A consent.
 * @param right_to_revoke_in_writing Whether it states the right to revoke in writing.
 * @param how_to_revoke (nullable) How to revoke.
 * @param reliance_exception Whether it states the exception for action taken in reliance.
 * @since 0.1
 */
IOP_API void iop_consent_set_revocation_statement (iop_consent *consent, bool right_to_revoke_in_writing,
                                                   const char *how_to_revoke, bool reliance_exception);

/**
 * @brief Sets the expiration (§2.31(a)(7)).
 * @param consent A consent.
 * @param type "date", "event" or "none".
 * @param value (nullable) The date ("YYYY-MM-DD", the last day in effect) for "date", the event
 *        or condition for "event", NULL for "none".
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for another type, a malformed date,
 *        a missing value, or a value with "none".
 * @return True on success; the consent is unchanged on error.
 * @since 0.1
 */
IOP_API bool iop_consent_set_expiration (iop_consent *consent, const char *type, const char *value,
                                         iop_error **error);

/**
 * @brief Records the date the expiring event occurred (the last day the consent is in effect).
 * @param consent A consent.
 * @param date "YYYY-MM-DD".
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a malformed date or a consent
 *        whose expiration is not an event.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_consent_set_event_occurred (iop_consent *consent, const char *date, iop_error **error);

/**
 * @brief Sets the signature (§2.31(a)(8)).
 * @param consent A consent.
 * @param signer (nullable) Who signed.
 * @param role "patient" or "authorized-representative".
 * @param electronic Whether it is an electronic signature.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for another role.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_consent_set_signature (iop_consent *consent, const char *signer, const char *role,
                                        bool electronic, iop_error **error);

/**
 * @brief Sets the date signed (§2.31(a)(9)).
 * @param consent A consent.
 * @param date "YYYY-MM-DD".
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a malformed date.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_consent_set_date_signed (iop_consent *consent, const char *date, iop_error **error);

/**
 * @brief Sets the statements a TPO consent requires (§2.31(a)(4) and (10)).
 * @param consent A consent.
 * @param redisclosure (nullable) The statement on redisclosure under HIPAA.
 * @param refusal_consequences (nullable) The statement on the consequences of refusing to sign.
 * @since 0.1
 */
IOP_API void iop_consent_set_statements (iop_consent *consent, const char *redisclosure,
                                         const char *refusal_consequences);

/**
 * @brief Reads a consent document ("libiop-consent", format_version 1).
 * @param json NUL-terminated UTF-8 JSON.
 * @param error (out) (optional) #IOP_ERROR_PARSE (shape, type, unknown member) or
 *        #IOP_ERROR_INVALID_DATA (unknown code, malformed date, duplicate) with the JSON path;
 *        messages never quote a value from the document.
 * @return (transfer full) (nullable) A new consent, or NULL on error. Release with
 *         iop_consent_free().
 * @since 0.1
 */
IOP_API iop_consent *iop_consent_new_from_json (const char *json, iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Reads a consent document from a file; see iop_consent_new_from_json().
 * @param path File name.
 * @param error (out) (optional) As iop_consent_new_from_json(), plus #IOP_ERROR_IO.
 * @return (transfer full) (nullable) A new consent, or NULL on error.
 * @since 0.1
 */
IOP_API iop_consent *iop_consent_new_from_file (const char *path, iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Releases a consent.
 * @param consent (nullable) A consent; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_consent_free (iop_consent *consent);

/**
 * @brief Copies a consent.
 * @param consent A consent.
 * @return (transfer full) A copy; release with iop_consent_free().
 * @since 0.1
 */
IOP_API iop_consent *iop_consent_copy (const iop_consent *consent) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Serializes the consent (a document read from libiop output comes out byte-identical).
 * @param consent A consent.
 * @return (transfer full) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_consent_to_json (const iop_consent *consent) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The consent's kind: "tpo" (treatment, payment and health care operations) or "specific".
 * @param consent A consent.
 * @return (transfer none) A static string.
 * @since 0.1
 */
IOP_API const char *iop_consent_get_kind (const iop_consent *consent);

/**
 * @brief The document's identifier (also the FHIR resource id).
 * @param consent A consent.
 * @return (transfer none) (nullable) Owned by @p consent; NULL when the document has none.
 * @since 0.1
 */
IOP_API const char *iop_consent_get_id (const iop_consent *consent);

/**
 * @brief The patient's identifier (the pseudonymous client identifier of libiop's records).
 * @param consent A consent.
 * @return (transfer none) (nullable) Owned by @p consent; NULL when the document has none.
 * @since 0.1
 */
IOP_API const char *iop_consent_get_patient_id (const iop_consent *consent);

/**
 * @brief The date the consent was signed.
 * @param consent A consent.
 * @return (transfer none) (nullable) "YYYY-MM-DD", owned by @p consent; NULL when missing.
 * @since 0.1
 */
IOP_API const char *iop_consent_get_date_signed (const iop_consent *consent);

/**
 * @brief The date of the expiration, for a consent that expires on a date.
 * @param consent A consent.
 * @return (transfer none) (nullable) "YYYY-MM-DD" (the last day the consent is in effect), or
 *         NULL for an expiration by event, "none", or a missing expiration.
 * @since 0.1
 */
IOP_API const char *iop_consent_get_expiration_date (const iop_consent *consent);

/**
 * @brief The date the consent was revoked.
 * @param consent A consent.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL when not revoked.
 * @since 0.1
 */
IOP_API const char *iop_consent_get_revocation_date (const iop_consent *consent);

/**
 * @brief Records the revocation of the consent (effective from @p date on).
 * @param consent A consent.
 * @param date The revocation date, "YYYY-MM-DD".
 * @param how (nullable) How the patient revoked it, such as "in writing".
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a malformed date.
 * @return True on success; the consent is unchanged on error.
 * @since 0.1
 */
IOP_API bool iop_consent_set_revocation (iop_consent *consent, const char *date, const char *how,
                                         iop_error **error);

/**
 * @brief Checks every §2.31(a) element (and, for a TPO consent, the required statements).
 * @param consent A consent.
 * @return (transfer full) The report; release with iop_consent_report_free().
 * @since 0.1
 */
IOP_API iop_consent_report *iop_consent_validate (const iop_consent *consent) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Releases a report.
 * @param report (nullable) A report; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_consent_report_free (iop_consent_report *report);

/**
 * @brief Whether the consent has every required element.
 * @param report A report.
 * @return True when no issue was found.
 * @since 0.1
 */
IOP_API bool iop_consent_report_is_valid (const iop_consent_report *report);

/**
 * @brief The number of issues.
 * @param report A report.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_consent_report_get_n_issues (const iop_consent_report *report);

/**
 * @brief The element of the @p index-th issue: "patient", "disclosing_party", "information",
 *        "recipients", "purpose", "revocation_statement", "expiration", "signature",
 *        "date_signed", "redisclosure_statement", "refusal_consequences_statement" or
 *        "revocation".
 * @param report A report.
 * @param index An issue index.
 * @return (transfer none) (nullable) The element identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_consent_report_get_element (const iop_consent_report *report, size_t index);

/**
 * @brief The human-readable text of the @p index-th issue (no value from the consent).
 * @param report A report.
 * @param index An issue index.
 * @return (transfer none) (nullable) The text, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_consent_report_get_text (const iop_consent_report *report, size_t index);

/**
 * @brief Serializes the report: `valid`, `kind`, `issues[{element, text}]`.
 * @param report A report.
 * @return (transfer full) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_consent_report_to_json (const iop_consent_report *report) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Decides whether a disclosure is permitted by a consent, with every reason when not.
 *
 * Reason codes: "no-consent", "consent-incomplete", "not-yet-signed", "revoked" (on or after
 * the revocation date), "expired" (after the expiration date or the day the expiring event
 * occurred), "recipient-not-covered", "purpose-not-covered", "data-class-not-covered",
 * "counseling-notes-need-separate-consent" (a TPO consent never covers SUD counseling notes).
 * @param consent (nullable) The consent on file; NULL for none.
 * @param recipient The recipient's name or identifier (matched exactly against the consent's
 *        recipients and intermediaries' participants).
 * @param recipient_class (nullable) The recipient's class, matched against class designations.
 * @param purpose A purpose (see the file comment).
 * @param date The date of the disclosure, "YYYY-MM-DD".
 * @param data_class (nullable) The class of the data disclosed; NULL when not specified.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for an empty recipient, an unknown
 *        class or purpose, or a malformed date.
 * @return (transfer full) (nullable) The decision, or NULL on error. Release with
 *         iop_consent_decision_free().
 * @since 0.1
 */
IOP_API iop_consent_decision *iop_consent_check (const iop_consent *consent, const char *recipient,
                                                 const char *recipient_class, const char *purpose,
                                                 const char *date, const char *data_class,
                                                 iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The gate every export of SUD-derived information calls before it discloses anything.
 * @param consent (nullable) The consent on file; NULL is denied ("no consent on file").
 * @param recipient The recipient's name or identifier.
 * @param recipient_class (nullable) The recipient's class.
 * @param purpose A purpose.
 * @param date The date of the disclosure, "YYYY-MM-DD".
 * @param data_class (nullable) The class of the data disclosed.
 * @param error (out) (optional) #IOP_ERROR_PERMISSION_DENIED when the disclosure is not
 *        permitted, with the first reason of iop_consent_check() as message (no value from the
 *        consent); #IOP_ERROR_INVALID_ARGUMENT for bad arguments.
 * @return True when the disclosure is permitted.
 * @since 0.1
 */
IOP_API bool iop_consent_require (const iop_consent *consent, const char *recipient,
                                  const char *recipient_class, const char *purpose, const char *date,
                                  const char *data_class, iop_error **error);

/**
 * @brief Releases a decision.
 * @param decision (nullable) A decision; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_consent_decision_free (iop_consent_decision *decision);

/**
 * @brief Whether the disclosure is permitted.
 * @param decision A decision.
 * @return True when permitted (no reasons).
 * @since 0.1
 */
IOP_API bool iop_consent_decision_is_permitted (const iop_consent_decision *decision);

/**
 * @brief The number of reasons the disclosure is not permitted.
 * @param decision A decision.
 * @return The count (0 when permitted).
 * @since 0.1
 */
IOP_API size_t iop_consent_decision_get_n_reasons (const iop_consent_decision *decision);

/**
 * @brief The machine code of the @p index-th reason, such as "revoked".
 * @param decision A decision.
 * @param index A reason index.
 * @return (transfer none) (nullable) The code, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_consent_decision_get_reason_code (const iop_consent_decision *decision, size_t index);

/**
 * @brief The human-readable text of the @p index-th reason (no value from the consent).
 * @param decision A decision.
 * @param index A reason index.
 * @return (transfer none) (nullable) The text, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_consent_decision_get_reason_text (const iop_consent_decision *decision, size_t index);

/**
 * @brief Serializes the decision: `permitted`, `purpose`, `date`, `data_class`,
 *        `reasons[{code, text}]`.
 * @param decision A decision.
 * @return (transfer full) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_consent_decision_to_json (const iop_consent_decision *decision) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Exports the consent as a FHIR R4 Consent resource (docs/consent.md): scope
 *        patient-privacy, category LOINC 59284-0 and v3-ActCode IDSCL, policy 42 CFR Part 2,
 *        a permit provision for the recipients, purposes and data classes, a nested deny of
 *        counseling notes for a TPO consent, and the DS4P security labels in meta.security.
 *        Status is "active", "inactive" when revoked, "draft" when elements are missing.
 * @param consent A consent.
 * @param error (out) (optional) Reserved; the export does not fail for a loaded consent.
 * @return (transfer full) (nullable) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_consent_to_fhir (const iop_consent *consent, iop_error **error) IOP_WARN_UNUSED_RESULT;

IOP_END_DECLS

#endif /* IOP_CONSENT_H */
