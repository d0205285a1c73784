/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_PLACEMENT_H
#define IOP_PLACEMENT_H

#if !defined(IOP_INSIDE) && !defined(IOP_COMPILATION)
#error "Only <libiop/iop.h> can be included directly."
#endif

#include <stdbool.h>
#include <stddef.h>

#include "iop-macros.h"
#include "iop-error.h"
#include "iop-continuum.h"

/**
 * @file iop-placement.h
 * @brief Placement: from a multidimensional assessment (ASAM six dimensions, LOCUS, CALOCUS) to a
 *        recommended level of care, with the reasons, the binding dimensions and the rules' sources.
 *
 * The decision rules are data: a *placement pack* (docs/placement.md, docs/json-formats.md)
 * defines each instrument's dimensions, its intensity ladder and its rules. libiop ships an open
 * default pack built from public rules only: dimensional ratings are never averaged; the
 * highest-risk dimension sets the minimum intensity and the least intensive level that addresses
 * every dimension wins; Dimensions 4–6 alone never reach Level 4; Dimension 1 withdrawal risk
 * routes to withdrawal management; a co-occurring condition gives a COC/COE designation; an
 * unavailable level steps up to the next available one; LOCUS/CALOCUS composites map to levels by
 * the published bands. It is not the ASAM Criteria decision logic or the LOCUS grid, which are
 * proprietary: a licensed user loads their own pack.
 *
 * An iop_placer is immutable once created and may be shared across threads. An iop_assessment
 * and an iop_recommendation are single-owner objects (docs/threading.md).
 */

IOP_BEGIN_DECLS

/** @brief A loaded placement pack: instruments, ladders and compiled rules. Immutable, reference-counted. @since 0.1 */
typedef struct iop_placer iop_placer;
/** @brief The ratings of one assessment, with its context. Single owner. @since 0.1 */
typedef struct iop_assessment iop_assessment;
/** @brief The result of a placement: level, designation, reasons, alternatives. Single owner. @since 0.1 */
typedef struct iop_recommendation iop_recommendation;

/**
 * @brief Loads the built-in open placement pack against the built-in continuum.
 * @return (transfer full) A new placer; release with iop_placer_unref(). Never NULL.
 * @since 0.1
 */
IOP_API iop_placer *iop_placer_new_default (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Loads a placement pack from JSON text and validates it strictly.
 * @param continuum (nullable) The continuum whose levels the pack names (kept alive by the placer);
 *        NULL for the built-in continuum.
 * @param json NUL-terminated UTF-8 JSON.
 * @param error (out) (optional) #IOP_ERROR_PARSE or #IOP_ERROR_INVALID_DATA naming the JSON path
 *        (for example a rule that names a level the continuum does not have).
 * @return (transfer full) (nullable) A new placer, or NULL on error.
 * @since 0.1
 */
IOP_API iop_placer *iop_placer_new_from_json (iop_continuum *continuum, const char *json,
                                              iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Loads a placement pack from a file; see iop_placer_new_from_json().
 * @param continuum (nullable) The continuum, or NULL for the built-in one.
 * @param path File name.
 * @param error (out) (optional) As iop_placer_new_from_json(), plus #IOP_ERROR_IO.
 * @return (transfer full) (nullable) A new placer, or NULL on error.
 * @since 0.1
 */
IOP_API iop_placer *iop_placer_new_from_file (iop_continuum *continuum, const char *path,
                                              iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The text of the built-in placement pack, as a starting point for a user pack.
 * @return (transfer full) NUL-terminated JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_placer_default_pack_json (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Takes a reference (atomic).
 * @param placer A placer.
 * @return (transfer full) @p placer.
 * @since 0.1
 */
IOP_API iop_placer *iop_placer_ref (iop_placer *placer);

/**
 * @brief Drops a reference.
 * @param placer (nullable) A placer; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_placer_unref (iop_placer *placer);

/**
 * @brief The pack's identifier.
 * @param placer A placer.
 * @return (transfer none) Owned by @p placer.
 * @since 0.1
 */
IOP_API const char *iop_placer_get_id (const iop_placer *placer);

/**
 * @brief The pack's own version string.
 * @param placer A placer.
 * @return (transfer none) Owned by @p placer.
 * @since 0.1
 */
IOP_API const char *iop_placer_get_version (const iop_placer *placer);

/**
 * @brief The continuum the pack's levels come from.
 * @param placer A placer.
 * @return (transfer none) Owned by @p placer.
 * @since 0.1
 */
IOP_API iop_continuum *iop_placer_get_continuum (const iop_placer *placer);

/**
 * @brief The number of instruments the pack defines.
 * @param placer A placer.
 * @return The count (4 in the default pack: asam3, asam4, locus, calocus).
 * @since 0.1
 */
IOP_API size_t iop_placer_get_n_instruments (const iop_placer *placer);

/**
 * @brief The identifier of the @p index-th instrument.
 * @param placer A placer.
 * @param index An instrument index.
 * @return (transfer none) (nullable) The identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_placer_get_instrument_id (const iop_placer *placer, size_t index);

/**
 * @brief Places an assessment: evaluates the instrument's rules in their documented order.
 * @param placer A placer.
 * @param assessment A complete assessment made for @p placer's pack (or one with the same
 *        instrument and dimensions).
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT naming the dimension when a rating is
 *        missing, or when the assessment's instrument is unknown to this pack.
 * @return (transfer full) (nullable) The recommendation, or NULL on error. Release with
 *         iop_recommendation_free().
 * @since 0.1
 */
IOP_API iop_recommendation *iop_placer_place (const iop_placer *placer,
                                              const iop_assessment *assessment,
                                              iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief As iop_placer_place(), writing into an existing recommendation whose buffers are reused:
 *        a loop over many assessments then allocates nothing.
 * @param placer A placer.
 * @param assessment A complete assessment.
 * @param recommendation A recommendation from iop_recommendation_new() or an earlier placement;
 *        its previous content (and every string it returned) is replaced.
 * @param error (out) (optional) As iop_placer_place(); on error @p recommendation is left empty.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_placer_place_into (const iop_placer *placer, const iop_assessment *assessment,
                                    iop_recommendation *recommendation, iop_error **error);

/**
 * @brief Starts an empty assessment for one of the pack's instruments.
 * @param placer A placer (the assessment keeps a reference).
 * @param instrument "asam3", "asam4", "locus" or "calocus" in the default pack.
 * @param error (out) (optional) #IOP_ERROR_NOT_FOUND for an unknown instrument.
 * @return (transfer full) (nullable) A new assessment with no ratings, adult, no co-occurring
 *         condition; release with iop_assessment_free().
 * @since 0.1
 */
IOP_API iop_assessment *iop_assessment_new (iop_placer *placer, const char *instrument,
                                            iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Reads an assessment document (docs/json-formats.md, "Assessment").
 * @param placer A placer (the assessment keeps a reference).
 * @param json NUL-terminated UTF-8 JSON.
 * @param error (out) (optional) #IOP_ERROR_PARSE, #IOP_ERROR_INVALID_DATA or #IOP_ERROR_NOT_FOUND
 *        with the JSON path, such as `$.ratings.d3` for a rating outside its range; messages never
 *        quote ratings, dates or credentials.
 * @return (transfer full) (nullable) A new assessment, or NULL on error.
 * @since 0.1
 */
IOP_API iop_assessment *iop_assessment_new_from_json (iop_placer *placer, const char *json,
                                                      iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Releases an assessment.
 * @param assessment (nullable) An assessment; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_assessment_free (iop_assessment *assessment);

/**
 * @brief Copies an assessment.
 * @param assessment An assessment.
 * @return (transfer full) A copy; release with iop_assessment_free().
 * @since 0.1
 */
IOP_API iop_assessment *iop_assessment_copy (const iop_assessment *assessment) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The assessment's instrument identifier.
 * @param assessment An assessment.
 * @return (transfer none) Owned by the placer.
 * @since 0.1
 */
IOP_API const char *iop_assessment_get_instrument (const iop_assessment *assessment);

/**
 * @brief The number of dimensions (ratings) the instrument has.
 * @param assessment An assessment.
 * @return The count (6 for ASAM, 7 for LOCUS, 8 for CALOCUS).
 * @since 0.1
 */
IOP_API size_t iop_assessment_get_n_dimensions (const iop_assessment *assessment);

/**
 * @brief The identifier of the @p index-th dimension ("d1".."d6"; LOCUS "I", "II", "III",
 *        "IV-A", "IV-B", "V", "VI").
 * @param assessment An assessment.
 * @param index A dimension index.
 * @return (transfer none) (nullable) The identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_assessment_get_dimension_id (const iop_assessment *assessment, size_t index);

/**
 * @brief The name of the @p index-th dimension in the instrument's edition.
 * @param assessment An assessment.
 * @param index A dimension index.
 * @return (transfer none) (nullable) The name, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_assessment_get_dimension_name (const iop_assessment *assessment, size_t index);

/**
 * @brief Sets one rating.
 * @param assessment An assessment.
 * @param dimension A dimension identifier.
 * @param rating The rating (ASAM 0–4; LOCUS and CALOCUS 1–5).
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT naming the dimension for an unknown
 *        dimension or a rating outside its range (the rating itself is not quoted).
 * @return True on success; the assessment is unchanged on error.
 * @since 0.1
 */
IOP_API bool iop_assessment_set_rating (iop_assessment *assessment, const char *dimension,
                                        int rating, iop_error **error);

/**
 * @brief Sets every rating at once, in dimension order.
 * @param assessment An assessment.
 * @param ratings (nullable) One rating per dimension.
 * @param n_ratings The number of ratings; must equal the number of dimensions.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a wrong count or a rating out of
 *        range (naming the dimension).
 * @return True on success; the assessment is unchanged on error.
 * @since 0.1
 */
IOP_API bool iop_assessment_set_ratings (iop_assessment *assessment, const int *ratings,
                                         size_t n_ratings, iop_error **error);

/**
 * @brief One rating.
 * @param assessment An assessment.
 * @param dimension A dimension identifier.
 * @return The rating, or −1 when it is not set or the dimension is unknown.
 * @since 0.1
 */
IOP_API int iop_assessment_get_rating (const iop_assessment *assessment, const char *dimension);

/**
 * @brief Whether every dimension has a rating.
 * @param assessment An assessment.
 * @return True when complete.
 * @since 0.1
 */
IOP_API bool iop_assessment_is_complete (const iop_assessment *assessment);

/**
 * @brief Sets the age group (default adult).
 * @param assessment An assessment.
 * @param age An age group.
 * @since 0.1
 */
IOP_API void iop_assessment_set_age_group (iop_assessment *assessment, iop_age_group age);

/**
 * @brief The age group.
 * @param assessment An assessment.
 * @return The age group.
 * @since 0.1
 */
IOP_API iop_age_group iop_assessment_get_age_group (const iop_assessment *assessment);

/**
 * @brief Records whether a co-occurring mental-health condition is present (default false).
 * @param assessment An assessment.
 * @param co_occurring True when present.
 * @since 0.1
 */
IOP_API void iop_assessment_set_co_occurring (iop_assessment *assessment, bool co_occurring);

/**
 * @brief Whether a co-occurring mental-health condition is present.
 * @param assessment An assessment.
 * @return True when present.
 * @since 0.1
 */
IOP_API bool iop_assessment_get_co_occurring (const iop_assessment *assessment);

/**
 * @brief Declares a level available locally. With at least one declared, a recommendation of an
 *        undeclared level steps up to the next more intensive declared one (when the pack has an
 *        availability rule) and says so.
 * @param assessment An assessment.
 * @param code A level code of the instrument's edition (aliases are accepted).
 * @param error (out) (optional) #IOP_ERROR_NOT_FOUND for a code the continuum does not have.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_assessment_add_available_level (iop_assessment *assessment, const char *code,
                                                 iop_error **error);

/**
 * @brief Forgets every declared available level (every level is then assumed available).
 * @param assessment An assessment.
 * @since 0.1
 */
IOP_API void iop_assessment_clear_available_levels (iop_assessment *assessment);

/**
 * @brief The number of declared available levels.
 * @param assessment An assessment.
 * @return The count (0: no restriction).
 * @since 0.1
 */
IOP_API size_t iop_assessment_get_n_available_levels (const iop_assessment *assessment);

/**
 * @brief The code of the @p index-th declared available level.
 * @param assessment An assessment.
 * @param index An index.
 * @return (transfer none) (nullable) The canonical level code, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_assessment_get_available_level (const iop_assessment *assessment, size_t index);

/**
 * @brief Records who signed the assessment and when.
 * @param assessment An assessment.
 * @param credential (nullable) The assessor's credential, such as "LCADC"; NULL clears it.
 * @param signed_date (nullable) "YYYY-MM-DD"; NULL clears it.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a date that is not a calendar date.
 * @return True on success; unchanged on error.
 * @since 0.1
 */
IOP_API bool iop_assessment_set_assessor (iop_assessment *assessment, const char *credential,
                                          const char *signed_date, iop_error **error);

/**
 * @brief The assessor's credential.
 * @param assessment An assessment.
 * @return (transfer none) (nullable) Owned by @p assessment.
 * @since 0.1
 */
IOP_API const char *iop_assessment_get_assessor_credential (const iop_assessment *assessment);

/**
 * @brief The date the assessment was signed.
 * @param assessment An assessment.
 * @return (transfer none) (nullable) "YYYY-MM-DD", owned by @p assessment.
 * @since 0.1
 */
IOP_API const char *iop_assessment_get_signed_date (const iop_assessment *assessment);

/**
 * @brief Serializes the assessment; iop_assessment_new_from_json() reads it back byte-identically.
 * @param assessment An assessment.
 * @return (transfer full) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_assessment_to_json (const iop_assessment *assessment) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Creates an empty recommendation for iop_placer_place_into().
 * @return (transfer full) A new, empty recommendation; release with iop_recommendation_free().
 * @since 0.1
 */
IOP_API iop_recommendation *iop_recommendation_new (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Releases a recommendation.
 * @param recommendation (nullable) A recommendation; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_recommendation_free (iop_recommendation *recommendation);

/**
 * @brief The recommended level of care.
 * @param recommendation A recommendation.
 * @return (transfer none) (nullable) The level, owned by the placer's continuum (kept alive by
 *         the recommendation); NULL for an empty recommendation.
 * @since 0.1
 */
IOP_API const iop_level *iop_recommendation_get_level (const iop_recommendation *recommendation);

/**
 * @brief The withdrawal-management level Dimension 1 calls for (ASAM 3rd edition), if any.
 * @param recommendation A recommendation.
 * @return (transfer none) (nullable) The level, such as 2-WM; NULL when none is indicated.
 * @since 0.1
 */
IOP_API const iop_level *iop_recommendation_get_withdrawal_level (const iop_recommendation *recommendation);

/**
 * @brief The program designation: "COC" (co-occurring capable), "COE" (co-occurring enhanced).
 * @param recommendation A recommendation.
 * @return (transfer none) (nullable) The designation, or NULL when none applies.
 * @since 0.1
 */
IOP_API const char *iop_recommendation_get_designation (const iop_recommendation *recommendation);

/**
 * @brief Whether the instrument uses a composite score (LOCUS, CALOCUS).
 * @param recommendation A recommendation.
 * @return True when iop_recommendation_get_composite() is meaningful.
 * @since 0.1
 */
IOP_API bool iop_recommendation_has_composite (const iop_recommendation *recommendation);

/**
 * @brief The composite score (the sum of the ratings) for LOCUS and CALOCUS.
 * @param recommendation A recommendation.
 * @return The composite, or −1 when the instrument has none.
 * @since 0.1
 */
IOP_API int iop_recommendation_get_composite (const iop_recommendation *recommendation);

/**
 * @brief The number of dimensions that bound the decision: those whose rating set the level.
 *
 * Empty when a composite band or a minimum, cap or override rule set the level instead (the
 * reasons then name that rule). A variant or an availability step-up keeps them: the dimensions
 * still explain the indicated intensity.
 * @param recommendation A recommendation.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_recommendation_get_n_binding_dimensions (const iop_recommendation *recommendation);

/**
 * @brief The identifier of the @p index-th binding dimension, in dimension order.
 * @param recommendation A recommendation.
 * @param index An index.
 * @return (transfer none) (nullable) The identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_recommendation_get_binding_dimension (const iop_recommendation *recommendation,
                                                              size_t index);

/**
 * @brief The number of reasons, in the order the rules were applied.
 * @param recommendation A recommendation.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_recommendation_get_n_reasons (const iop_recommendation *recommendation);

/**
 * @brief The machine code of the @p index-th reason: "dimension-minimum", "least-intensive",
 *        "qualifying-dimensions", "minimum", "cap", "override", "variant", "withdrawal",
 *        "composite-band", "designation", "stepped-up-unavailable" or "no-available-level".
 * @param recommendation A recommendation.
 * @param index A reason index.
 * @return (transfer none) (nullable) The code, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_recommendation_get_reason_code (const iop_recommendation *recommendation,
                                                        size_t index);

/**
 * @brief The human-readable text of the @p index-th reason.
 * @param recommendation A recommendation.
 * @param index A reason index.
 * @return (transfer none) (nullable) The text, valid until the recommendation is freed or reused.
 * @since 0.1
 */
IOP_API const char *iop_recommendation_get_reason_text (const iop_recommendation *recommendation,
                                                        size_t index);

/**
 * @brief The identifier of the pack rule behind the @p index-th reason.
 * @param recommendation A recommendation.
 * @param index A reason index.
 * @return (transfer none) (nullable) The rule identifier; NULL when out of range or for a reason
 *         libiop itself adds ("least-intensive", and "no-available-level" when the pack has no
 *         availability rule).
 * @since 0.1
 */
IOP_API const char *iop_recommendation_get_reason_rule (const iop_recommendation *recommendation,
                                                        size_t index);

/**
 * @brief The source identifier (in the pack's `sources` table) of the @p index-th reason: the
 *        matching band's own source for a composite band, else the rule's.
 * @param recommendation A recommendation.
 * @param index A reason index.
 * @return (transfer none) (nullable) The source identifier; for "least-intensive" the
 *         instrument's source; NULL when out of range or when a reason has neither rule nor
 *         source.
 * @since 0.1
 */
IOP_API const char *iop_recommendation_get_reason_source (const iop_recommendation *recommendation,
                                                          size_t index);

/**
 * @brief The dimension the @p index-th reason is about, if any.
 * @param recommendation A recommendation.
 * @param index A reason index.
 * @return (transfer none) (nullable) The dimension identifier, or NULL.
 * @since 0.1
 */
IOP_API const char *iop_recommendation_get_reason_dimension (const iop_recommendation *recommendation,
                                                             size_t index);

/**
 * @brief The number of alternatives considered and not chosen (never the recommended level).
 * @param recommendation A recommendation.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_recommendation_get_n_alternatives (const iop_recommendation *recommendation);

/**
 * @brief The level code of the @p index-th alternative.
 * @param recommendation A recommendation.
 * @param index An alternative index.
 * @return (transfer none) (nullable) The code, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_recommendation_get_alternative_code (const iop_recommendation *recommendation,
                                                             size_t index);

/**
 * @brief Why the @p index-th alternative was not chosen, as a machine code: "insufficient"
 *        (it does not address a binding dimension), "capped", "overridden", "replaced-by-variant"
 *        or "unavailable".
 * @param recommendation A recommendation.
 * @param index An alternative index.
 * @return (transfer none) (nullable) The code, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_recommendation_get_alternative_reason (const iop_recommendation *recommendation,
                                                               size_t index);

/**
 * @brief The identifier of the pack that produced the recommendation.
 * @param recommendation A recommendation.
 * @return (transfer none) (nullable) The pack id; NULL for an empty recommendation.
 * @since 0.1
 */
IOP_API const char *iop_recommendation_get_pack_id (const iop_recommendation *recommendation);

/**
 * @brief The version of the pack that produced the recommendation.
 * @param recommendation A recommendation.
 * @return (transfer none) (nullable) The pack version; NULL for an empty recommendation.
 * @since 0.1
 */
IOP_API const char *iop_recommendation_get_pack_version (const iop_recommendation *recommendation);

/**
 * @brief Serializes the recommendation: `level`, `edition`, `name`, `instrument`, `withdrawal_management`,
 *        `designation`, `composite` (LOCUS/CALOCUS, else null), `binding_dimensions`,
 *        `reasons[{code, text, rule, source, dimension}]`, `alternatives[{level, reason}]`,
 *        `pack{id, version}`.
 * @param recommendation A recommendation.
 * @return (transfer full) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_recommendation_to_json (const iop_recommendation *recommendation) IOP_WARN_UNUSED_RESULT;

IOP_END_DECLS

#endif /* IOP_PLACEMENT_H */
