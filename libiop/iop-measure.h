/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_MEASURE_H
#define IOP_MEASURE_H

#if !defined(IOP_INSIDE) && !defined(IOP_COMPILATION)
#error "Only <libiop/iop.h> can be included directly."
#endif

#include <stdbool.h>
#include <stddef.h>

#include "iop-macros.h"
#include "iop-error.h"

/**
 * @file iop-measure.h
 * @brief Outcome measures: scoring PHQ-9, GAD-7, AUDIT, AUDIT-C, DAST-10 and the Brief
 *        Addiction Monitor, with bands, safety flags and recovery over time.
 *
 * Instruments are data: a *measures pack* (docs/json-formats.md) lists each instrument's items
 * and allowed answers, how answers become points (for reverse-scored items), its scales, the
 * bands of each scale, the flags, and the response/remission rules. libiop compiles an open
 * default pack in; a program can load its own to add or change instruments without new C code.
 *
 * Answers are integers: the instrument's own answer codes (PHQ-9 0–3; AUDIT items 9–10 are
 * 0, 2 or 4; DAST-10 items are 0 = no, 1 = yes). A score is never computed from an invalid
 * answer: scoring fails and names the item instead.
 *
 * An iop_measure_set is immutable once created and may be shared across threads; iop_score and
 * iop_measure_series are single-owner objects (docs/threading.md).
 */

IOP_BEGIN_DECLS

/**
 * @brief Sex as recorded for instruments whose cut-offs differ by sex (AUDIT-C).
 * @since 0.1
 */
typedef enum {
  IOP_SEX_UNKNOWN = 0, /**< Not recorded; flags marked "unknown" apply (the conservative cut-off). @since 0.1 */
  IOP_SEX_FEMALE = 1,  /**< Female. @since 0.1 */
  IOP_SEX_MALE = 2     /**< Male. @since 0.1 */
} iop_sex;

/**
 * @brief How urgently a flag calls for attention.
 * @since 0.1
 */
typedef enum {
  IOP_SEVERITY_NONE = 0,    /**< No flag. @since 0.1 */
  IOP_SEVERITY_INFO = 1,    /**< Worth noting. @since 0.1 */
  IOP_SEVERITY_WARNING = 2, /**< Clinically relevant: review at the next contact. @since 0.1 */
  IOP_SEVERITY_URGENT = 3   /**< Immediate clinical review (for example PHQ-9 item 9). @since 0.1 */
} iop_severity;

/**
 * @brief Whether an outcome rule (response, remission) is met.
 * @since 0.1
 */
typedef enum {
  IOP_OUTCOME_NOT_APPLICABLE = 0, /**< No rule, fewer than two administrations, or a baseline below the rule's minimum. @since 0.1 */
  IOP_OUTCOME_NOT_MET = 1,        /**< The rule applies and is not met. @since 0.1 */
  IOP_OUTCOME_MET = 2             /**< The rule applies and is met. @since 0.1 */
} iop_outcome;

/**
 * @brief Parses "female", "male" or "unknown".
 * @param text A name.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for another name.
 * @return The sex, or −1 (no member) on failure.
 * @since 0.1
 */
IOP_API iop_sex iop_sex_from_string (const char *text, iop_error **error);

/**
 * @brief "female", "male" or "unknown".
 * @param sex A sex.
 * @return (transfer none) A static string.
 * @since 0.1
 */
IOP_API const char *iop_sex_to_string (iop_sex sex);

/**
 * @brief "none", "info", "warning" or "urgent".
 * @param severity A severity.
 * @return (transfer none) A static string.
 * @since 0.1
 */
IOP_API const char *iop_severity_to_string (iop_severity severity);

/**
 * @brief "not-applicable", "not-met" or "met".
 * @param outcome An outcome.
 * @return (transfer none) A static string.
 * @since 0.1
 */
IOP_API const char *iop_outcome_to_string (iop_outcome outcome);

/** @brief An immutable, reference-counted set of instruments (a loaded measures pack). @since 0.1 */
typedef struct iop_measure_set iop_measure_set;
/** @brief One instrument, owned by its measure set. @since 0.1 */
typedef struct iop_instrument iop_instrument;
/** @brief The result of scoring one administration. Single owner. @since 0.1 */
typedef struct iop_score iop_score;
/** @brief Dated administrations of one instrument for one person. Single owner. @since 0.1 */
typedef struct iop_measure_series iop_measure_series;

/**
 * @brief Loads the built-in open measures pack (PHQ-9, GAD-7, AUDIT, AUDIT-C, DAST-10, BAM).
 * @return (transfer full) A new set; release with iop_measure_set_unref(). Never NULL.
 * @since 0.1
 */
IOP_API iop_measure_set *iop_measure_set_new_default (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Loads a measures pack from JSON text and validates it strictly.
 * @param json NUL-terminated UTF-8 JSON; not retained.
 * @param error (out) (optional) #IOP_ERROR_PARSE or #IOP_ERROR_INVALID_DATA with the JSON path
 *        (for example bands that leave a gap in a scale's range).
 * @return (transfer full) (nullable) A new set, or NULL on error.
 * @since 0.1
 */
IOP_API iop_measure_set *iop_measure_set_new_from_json (const char *json,
                                                        iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Loads a measures pack from a file; see iop_measure_set_new_from_json().
 * @param path File name.
 * @param error (out) (optional) As iop_measure_set_new_from_json(), plus #IOP_ERROR_IO.
 * @return (transfer full) (nullable) A new set, or NULL on error.
 * @since 0.1
 */
IOP_API iop_measure_set *iop_measure_set_new_from_file (const char *path,
                                                        iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The text of the built-in measures pack, as a starting point for a user pack.
 * @return (transfer full) NUL-terminated JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_measure_set_default_pack_json (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Takes a reference (atomic).
 * @param set A measure set.
 * @return (transfer full) @p set.
 * @since 0.1
 */
IOP_API iop_measure_set *iop_measure_set_ref (iop_measure_set *set);

/**
 * @brief Drops a reference.
 * @param set (nullable) A measure set; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_measure_set_unref (iop_measure_set *set);

/**
 * @brief The pack's identifier.
 * @param set A measure set.
 * @return (transfer none) Owned by @p set.
 * @since 0.1
 */
IOP_API const char *iop_measure_set_get_id (const iop_measure_set *set);

/**
 * @brief The pack's own version string.
 * @param set A measure set.
 * @return (transfer none) Owned by @p set.
 * @since 0.1
 */
IOP_API const char *iop_measure_set_get_version (const iop_measure_set *set);

/**
 * @brief The number of instruments.
 * @param set A measure set.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_measure_set_get_n_instruments (const iop_measure_set *set);

/**
 * @brief The @p index-th instrument in pack order.
 * @param set A measure set.
 * @param index From 0 to iop_measure_set_get_n_instruments() − 1.
 * @return (transfer none) (nullable) The instrument, or NULL when out of range.
 * @since 0.1
 */
IOP_API const iop_instrument *iop_measure_set_get_instrument (const iop_measure_set *set,
                                                              size_t index);

/**
 * @brief Finds an instrument by identifier ("phq9", "gad7", "audit", "audit-c", "dast10", "bam")
 *        or abbreviation ("PHQ-9"), case-insensitively.
 * @param set A measure set.
 * @param id An identifier or abbreviation.
 * @return (transfer none) (nullable) The instrument, or NULL when none matches.
 * @since 0.1
 */
IOP_API const iop_instrument *iop_measure_set_lookup_instrument (const iop_measure_set *set,
                                                                 const char *id);

/**
 * @brief Keeps the instrument's set alive (an instrument shares its set's reference count).
 * @param instrument An instrument.
 * @return (transfer full) @p instrument; release with iop_instrument_unref().
 * @since 0.1
 */
IOP_API const iop_instrument *iop_instrument_ref (const iop_instrument *instrument);

/**
 * @brief Drops a reference taken with iop_instrument_ref().
 * @param instrument (nullable) An instrument; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_instrument_unref (const iop_instrument *instrument);

/**
 * @brief The instrument's identifier, such as "phq9".
 * @param instrument An instrument.
 * @return (transfer none) Owned by the set.
 * @since 0.1
 */
IOP_API const char *iop_instrument_get_id (const iop_instrument *instrument);

/**
 * @brief The instrument's name, such as "Patient Health Questionnaire-9".
 * @param instrument An instrument.
 * @return (transfer none) Owned by the set.
 * @since 0.1
 */
IOP_API const char *iop_instrument_get_name (const iop_instrument *instrument);

/**
 * @brief The instrument's abbreviation, such as "PHQ-9".
 * @param instrument An instrument.
 * @return (transfer none) Owned by the set.
 * @since 0.1
 */
IOP_API const char *iop_instrument_get_abbreviation (const iop_instrument *instrument);

/**
 * @brief The LOINC code of the instrument's total score, when the pack gives one.
 * @param instrument An instrument.
 * @return (transfer none) (nullable) The code, such as "44261-6".
 * @since 0.1
 */
IOP_API const char *iop_instrument_get_loinc (const iop_instrument *instrument);

/**
 * @brief How many days back the questions ask about (14 for PHQ-9, 30 for BAM).
 * @param instrument An instrument.
 * @return Days, or 0 when the pack does not say.
 * @since 0.1
 */
IOP_API int iop_instrument_get_lookback_days (const iop_instrument *instrument);

/**
 * @brief The number of items (answers a score needs).
 * @param instrument An instrument.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_instrument_get_n_items (const iop_instrument *instrument);

/**
 * @brief The identifier of the @p index-th item ("1", "2", ...).
 * @param instrument An instrument.
 * @param index An item index.
 * @return (transfer none) (nullable) The identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_instrument_get_item_id (const iop_instrument *instrument, size_t index);

/**
 * @brief A short label of the @p index-th item (a paraphrase, not the instrument's wording).
 * @param instrument An instrument.
 * @param index An item index.
 * @return (transfer none) (nullable) The label, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_instrument_get_item_label (const iop_instrument *instrument, size_t index);

/**
 * @brief Whether @p answer is an allowed answer to the @p index-th item.
 * @param instrument An instrument.
 * @param index An item index.
 * @param answer An answer code.
 * @return True when allowed; false otherwise or when @p index is out of range.
 * @since 0.1
 */
IOP_API bool iop_instrument_is_valid_answer (const iop_instrument *instrument, size_t index,
                                             int answer);

/**
 * @brief The number of scales (a total, or composites such as the BAM's use, risk, protective).
 * @param instrument An instrument.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_instrument_get_n_scales (const iop_instrument *instrument);

/**
 * @brief The identifier of the @p index-th scale, such as "total" or "risk".
 * @param instrument An instrument.
 * @param index A scale index.
 * @return (transfer none) (nullable) The identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_instrument_get_scale_id (const iop_instrument *instrument, size_t index);

/**
 * @brief Whether the pack defines response and remission rules for this instrument.
 * @param instrument An instrument.
 * @return True for PHQ-9 and GAD-7 in the default pack.
 * @since 0.1
 */
IOP_API bool iop_instrument_has_outcome_rules (const iop_instrument *instrument);

/**
 * @brief Scores one administration.
 *
 * Checks the number of answers and every answer against the item's allowed set before computing
 * anything, then sums points per scale, finds each scale's band and evaluates the flags.
 * @param instrument An instrument.
 * @param answers (nullable) One answer code per item, in item order (NULL only when
 *        @p n_answers is 0, which then fails).
 * @param n_answers The number of answers.
 * @param sex The person's sex, for flags whose cut-offs differ (#IOP_SEX_UNKNOWN if not known).
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a wrong count (the message gives
 *        the expected count) or a disallowed answer (the message names the item and the allowed
 *        values, never the answer itself).
 * @return (transfer full) (nullable) The score, or NULL on error. Release with iop_score_free().
 * @since 0.1
 */
IOP_API iop_score *iop_instrument_score (const iop_instrument *instrument, const int *answers,
                                         size_t n_answers, iop_sex sex,
                                         iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Releases a score.
 * @param score (nullable) A score; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_score_free (iop_score *score);

/**
 * @brief Copies a score.
 * @param score A score.
 * @return (transfer full) A copy; release with iop_score_free().
 * @since 0.1
 */
IOP_API iop_score *iop_score_copy (const iop_score *score) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The scored instrument.
 * @param score A score.
 * @return (transfer none) The instrument; the score keeps its set alive.
 * @since 0.1
 */
IOP_API const iop_instrument *iop_score_get_instrument (const iop_score *score);

/**
 * @brief Whether the instrument has a primary scale (a total). The BAM has none.
 * @param score A score.
 * @return True when iop_score_get_total() is meaningful.
 * @since 0.1
 */
IOP_API bool iop_score_has_total (const iop_score *score);

/**
 * @brief The primary scale's value (the total score).
 * @param score A score.
 * @return The total, or −1 when the instrument has no primary scale.
 * @since 0.1
 */
IOP_API int iop_score_get_total (const iop_score *score);

/**
 * @brief The identifier of the primary scale's band, such as "moderate" or "zone-3".
 * @param score A score.
 * @return (transfer none) (nullable) Owned by the instrument's set; NULL when the primary scale
 *         has no bands or there is no primary scale.
 * @since 0.1
 */
IOP_API const char *iop_score_get_band (const iop_score *score);

/**
 * @brief The display label of the primary scale's band, such as "Moderately severe".
 * @param score A score.
 * @return (transfer none) (nullable) As iop_score_get_band().
 * @since 0.1
 */
IOP_API const char *iop_score_get_band_label (const iop_score *score);

/**
 * @brief The value of a scale by identifier.
 * @param score A score.
 * @param scale_id A scale identifier, such as "total" or "protective".
 * @return The value (never negative), or −1 when the instrument has no such scale.
 * @since 0.1
 */
IOP_API int iop_score_get_scale (const iop_score *score, const char *scale_id);

/**
 * @brief The band of a scale by identifier.
 * @param score A score.
 * @param scale_id A scale identifier.
 * @return (transfer none) (nullable) The band identifier, or NULL (no such scale, or no bands).
 * @since 0.1
 */
IOP_API const char *iop_score_get_scale_band (const iop_score *score, const char *scale_id);

/**
 * @brief The number of flags raised.
 * @param score A score.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_score_get_n_flags (const iop_score *score);

/**
 * @brief The identifier of the @p index-th flag, such as "self-harm-thoughts".
 * @param score A score.
 * @param index A flag index.
 * @return (transfer none) (nullable) The identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_score_get_flag_id (const iop_score *score, size_t index);

/**
 * @brief The human-readable text of the @p index-th flag.
 * @param score A score.
 * @param index A flag index.
 * @return (transfer none) (nullable) The text, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_score_get_flag_label (const iop_score *score, size_t index);

/**
 * @brief The severity of the @p index-th flag.
 * @param score A score.
 * @param index A flag index.
 * @return The severity, or #IOP_SEVERITY_NONE when out of range.
 * @since 0.1
 */
IOP_API iop_severity iop_score_get_flag_severity (const iop_score *score, size_t index);

/**
 * @brief Whether a flag with this identifier was raised.
 * @param score A score.
 * @param flag_id A flag identifier.
 * @return True when raised.
 * @since 0.1
 */
IOP_API bool iop_score_has_flag (const iop_score *score, const char *flag_id);

/**
 * @brief The highest severity among the raised flags.
 * @param score A score.
 * @return The severity, or #IOP_SEVERITY_NONE when no flag was raised.
 * @since 0.1
 */
IOP_API iop_severity iop_score_get_max_severity (const iop_score *score);

/**
 * @brief Serializes the score: `instrument`, `total` (null without a primary scale), `band`
 *        (`{id,label}` or null), `scales` (`{id: {value, band}}`), `flags` (`[{id,label,severity}]`),
 *        `answers`, `sex`.
 * @param score A score.
 * @return (transfer full) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_score_to_json (const iop_score *score) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Starts an empty series for one instrument.
 * @param set A measure set (the series keeps a reference).
 * @param instrument_id An instrument identifier or abbreviation.
 * @param sex The person's sex (for sex-specific cut-offs).
 * @param error (out) (optional) #IOP_ERROR_NOT_FOUND for an unknown instrument.
 * @return (transfer full) (nullable) A new series, or NULL on error. Release with
 *         iop_measure_series_free().
 * @since 0.1
 */
IOP_API iop_measure_series *iop_measure_series_new (iop_measure_set *set, const char *instrument_id,
                                                    iop_sex sex,
                                                    iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Reads a series document (docs/json-formats.md, "Measure series"); every administration
 *        is re-validated and re-scored.
 * @param set A measure set (the series keeps a reference).
 * @param json NUL-terminated UTF-8 JSON.
 * @param error (out) (optional) #IOP_ERROR_PARSE, #IOP_ERROR_INVALID_DATA or #IOP_ERROR_NOT_FOUND
 *        with the JSON path; messages never quote answers or dates.
 * @return (transfer full) (nullable) A new series, or NULL on error.
 * @since 0.1
 */
IOP_API iop_measure_series *iop_measure_series_new_from_json (iop_measure_set *set, const char *json,
                                                              iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Releases a series.
 * @param series (nullable) A series; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_measure_series_free (iop_measure_series *series);

/**
 * @brief Scores and records one administration. Administrations are kept in date order (stable
 *        for equal dates); the earliest is the baseline.
 * @param series A series.
 * @param date The administration date, "YYYY-MM-DD" (a real calendar date).
 * @param answers (nullable) One answer per item.
 * @param n_answers The number of answers.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad date or answers; the series
 *        is unchanged on error.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_measure_series_add (iop_measure_series *series, const char *date,
                                     const int *answers, size_t n_answers, iop_error **error);

/**
 * @brief The series' instrument.
 * @param series A series.
 * @return (transfer none) The instrument.
 * @since 0.1
 */
IOP_API const iop_instrument *iop_measure_series_get_instrument (const iop_measure_series *series);

/**
 * @brief The sex recorded for the series.
 * @param series A series.
 * @return The sex.
 * @since 0.1
 */
IOP_API iop_sex iop_measure_series_get_sex (const iop_measure_series *series);

/**
 * @brief The number of administrations.
 * @param series A series.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_measure_series_get_n_administrations (const iop_measure_series *series);

/**
 * @brief The date of the @p index-th administration (date order).
 * @param series A series.
 * @param index An administration index.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_measure_series_get_date (const iop_measure_series *series, size_t index);

/**
 * @brief The score of the @p index-th administration.
 * @param series A series.
 * @param index An administration index.
 * @return (transfer none) (nullable) Owned by the series until it is freed; NULL when out of range.
 * @since 0.1
 */
IOP_API const iop_score *iop_measure_series_get_score (const iop_measure_series *series, size_t index);

/**
 * @brief The latest total minus the baseline total (negative means fewer symptoms).
 * @param series A series.
 * @return The change; 0 with fewer than two administrations or without a primary scale.
 * @since 0.1
 */
IOP_API int iop_measure_series_get_change_from_baseline (const iop_measure_series *series);

/**
 * @brief Whether the response rule is met: the latest total has fallen by at least the pack's
 *        percentage from a baseline at or above the pack's minimum.
 * @param series A series.
 * @return The outcome.
 * @since 0.1
 */
IOP_API iop_outcome iop_measure_series_get_response (const iop_measure_series *series);

/**
 * @brief Whether the remission rule is met: the latest total is below the pack's threshold after
 *        a baseline at or above the pack's minimum.
 * @param series A series.
 * @return The outcome.
 * @since 0.1
 */
IOP_API iop_outcome iop_measure_series_get_remission (const iop_measure_series *series);

/**
 * @brief Serializes the series. Inputs (`instrument`, `sex`, `administrations[{date, answers}]`)
 *        round-trip byte-identically; `summary` (baseline, latest, change, band, response,
 *        remission) is derived and ignored when read back.
 * @param series A series.
 * @return (transfer full) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_measure_series_to_json (const iop_measure_series *series) IOP_WARN_UNUSED_RESULT;

IOP_END_DECLS

#endif /* IOP_MEASURE_H */
