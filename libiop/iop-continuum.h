/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_CONTINUUM_H
#define IOP_CONTINUUM_H

#if !defined(IOP_INSIDE) && !defined(IOP_COMPILATION)
#error "Only <libiop/iop.h> can be included directly."
#endif

#include <stdbool.h>
#include <stddef.h>

#include "iop-macros.h"
#include "iop-error.h"

/**
 * @file iop-continuum.h
 * @brief The care continuum: ASAM (3rd and 4th edition) and LOCUS levels of care, their
 *        settings, intensities, billing codes, step-up/step-down moves and crosswalks.
 *
 * A continuum is loaded from a *continuum pack*, a versioned JSON document (docs/json-formats.md).
 * libiop compiles an open default pack in (iop_continuum_new_default()); users may load their own
 * (iop_continuum_new_from_file()). A continuum is immutable once created, so one instance may be
 * shared by any number of threads (docs/threading.md).
 *
 * Levels are owned by their continuum. A `const iop_level *` stays valid while the continuum is
 * alive; iop_level_ref() keeps the continuum alive on the level's behalf.
 */

IOP_BEGIN_DECLS

/**
 * @brief Which classification a level of care belongs to. Values are part of the ABI.
 * @since 0.1
 */
typedef enum {
  IOP_EDITION_ANY = 0,    /**< Every edition (a filter value only; no level has it). @since 0.1 */
  IOP_EDITION_ASAM3 = 3,  /**< The ASAM Criteria, 3rd edition (2013). @since 0.1 */
  IOP_EDITION_ASAM4 = 4,  /**< The ASAM Criteria, 4th edition (2023). @since 0.1 */
  IOP_EDITION_LOCUS = 10  /**< LOCUS and CALOCUS levels 0–6 (AACP). @since 0.1 */
} iop_edition;

/**
 * @brief Age group for intensity bands and criteria.
 * @since 0.1
 */
typedef enum {
  IOP_AGE_ADULT = 1,      /**< Adults. @since 0.1 */
  IOP_AGE_ADOLESCENT = 2  /**< Adolescents. @since 0.1 */
} iop_age_group;

/**
 * @brief Where care is delivered.
 * @since 0.1
 */
typedef enum {
  IOP_SETTING_COMMUNITY = 1,   /**< Community or recovery support, outside a treatment program. @since 0.1 */
  IOP_SETTING_OUTPATIENT = 2,  /**< The person lives at home and attends sessions. @since 0.1 */
  IOP_SETTING_RESIDENTIAL = 3, /**< 24-hour structured living in a treatment facility. @since 0.1 */
  IOP_SETTING_INPATIENT = 4    /**< Hospital-based 24-hour care. @since 0.1 */
} iop_setting;

/**
 * @brief Who directs care at a level (ASAM terminology).
 * @since 0.1
 */
typedef enum {
  IOP_MANAGEMENT_UNSPECIFIED = 0,        /**< Not stated by the pack's sources. @since 0.1 */
  IOP_MANAGEMENT_CLINICALLY_MANAGED = 1, /**< Directed by non-physician addiction specialists. @since 0.1 */
  IOP_MANAGEMENT_MEDICALLY_MONITORED = 2,/**< Interdisciplinary staff under a licensed physician. @since 0.1 */
  IOP_MANAGEMENT_MEDICALLY_MANAGED = 3   /**< Physician-directed care. @since 0.1 */
} iop_management;

/**
 * @brief Confidence grade of a sourced fact, as graded in the pack's `sources` table.
 * @since 0.1
 */
typedef enum {
  IOP_CONFIDENCE_NONE = 0,   /**< No such fact (for example, no crosswalk target). @since 0.1 */
  IOP_CONFIDENCE_LOW = 1,    /**< L: background knowledge or a single low-authority source. @since 0.1 */
  IOP_CONFIDENCE_MEDIUM = 2, /**< M: one secondary source. @since 0.1 */
  IOP_CONFIDENCE_HIGH = 3    /**< H: regulation or official text, or two independent sources. @since 0.1 */
} iop_confidence;

/**
 * @brief A band of hours, such as 9–19 hours per week. A plain value type; its layout is frozen.
 *
 * A missing bound (`has_min` or `has_max` false) is unbounded on that side. A band with neither
 * bound is unpublished: the pack's sources give no figure.
 * @since 0.1
 */
typedef struct {
  bool has_min;        /**< Whether #min applies. */
  double min;          /**< Inclusive lower bound, in hours (0 when absent). */
  bool has_max;        /**< Whether #max applies. */
  double max;          /**< Upper bound, in hours (0 when absent). */
  bool max_exclusive;  /**< True when the band is "fewer than #max" rather than "at most #max". */
} iop_range;

/**
 * @brief Whether @p value lies inside @p range, honouring iop_range::max_exclusive.
 * @param range A range.
 * @param value Hours.
 * @return True when inside (an unpublished band contains every value).
 * @since 0.1
 */
IOP_API bool iop_range_contains (const iop_range *range, double value);

/**
 * @brief Whether the band has at least one bound.
 * @param range A range.
 * @return False for an unpublished band.
 * @since 0.1
 */
IOP_API bool iop_range_is_published (const iop_range *range);

/**
 * @brief Parses an edition name: "3" or "asam3", "4" or "asam4", "locus" or "calocus".
 * @param text A name (case-sensitive).
 * @param error (out) (optional) Set to #IOP_ERROR_INVALID_ARGUMENT for an unknown name.
 * @return The edition, or #IOP_EDITION_ANY (which no name parses to) on failure.
 * @since 0.1
 */
IOP_API iop_edition iop_edition_from_string (const char *text, iop_error **error);

/**
 * @brief The canonical name of an edition: "asam3", "asam4", "locus" or "any".
 * @param edition An edition.
 * @return (transfer none) A static string; "unknown" for values outside the enum.
 * @since 0.1
 */
IOP_API const char *iop_edition_to_string (iop_edition edition);

/**
 * @brief Parses an age group: "adult" or "adolescent".
 * @param text A name.
 * @param error (out) (optional) Set to #IOP_ERROR_INVALID_ARGUMENT for an unknown name.
 * @return The age group, or 0 (no member) on failure.
 * @since 0.1
 */
IOP_API iop_age_group iop_age_group_from_string (const char *text, iop_error **error);

/**
 * @brief The name of an age group: "adult" or "adolescent".
 * @param age An age group.
 * @return (transfer none) A static string; "unknown" outside the enum.
 * @since 0.1
 */
IOP_API const char *iop_age_group_to_string (iop_age_group age);

/**
 * @brief The name of a setting: "community", "outpatient", "residential" or "inpatient".
 * @param setting A setting.
 * @return (transfer none) A static string; "unknown" outside the enum.
 * @since 0.1
 */
IOP_API const char *iop_setting_to_string (iop_setting setting);

/**
 * @brief The name of a management type: "clinically-managed", "medically-monitored",
 *        "medically-managed" or "unspecified".
 * @param management A management type.
 * @return (transfer none) A static string; "unknown" outside the enum.
 * @since 0.1
 */
IOP_API const char *iop_management_to_string (iop_management management);

/**
 * @brief The letter of a confidence grade: "H", "M", "L", or "" for none.
 * @param confidence A grade.
 * @return (transfer none) A static string.
 * @since 0.1
 */
IOP_API const char *iop_confidence_to_string (iop_confidence confidence);

/** @brief An immutable, reference-counted catalog of levels of care. @since 0.1 */
typedef struct iop_continuum iop_continuum;

/** @brief One level of care, owned by its continuum. @since 0.1 */
typedef struct iop_level iop_level;

/**
 * @brief Loads the built-in open continuum pack.
 *
 * The built-in pack is compiled into the library and checked by the test suite, so this call
 * cannot fail.
 * @return (transfer full) A new continuum; release with iop_continuum_unref().
 * @since 0.1
 */
IOP_API iop_continuum *iop_continuum_new_default (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Loads a continuum pack from JSON text and validates it strictly.
 * @param json NUL-terminated UTF-8 JSON text; not retained.
 * @param error (out) (optional) #IOP_ERROR_PARSE for malformed JSON or a member of the wrong
 *        type, #IOP_ERROR_INVALID_DATA for a rule the format forbids (bad hour band, duplicate
 *        code, unknown level or source reference); iop_error_get_path() names the member.
 * @return (transfer full) (nullable) A new continuum, or NULL on error. Release with
 *         iop_continuum_unref().
 * @since 0.1
 */
IOP_API iop_continuum *iop_continuum_new_from_json (const char *json,
                                                    iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Loads a continuum pack from a file; see iop_continuum_new_from_json().
 * @param path File name in the GLib filename encoding.
 * @param error (out) (optional) As iop_continuum_new_from_json(), plus #IOP_ERROR_IO when the
 *        file cannot be read.
 * @return (transfer full) (nullable) A new continuum, or NULL on error.
 * @since 0.1
 */
IOP_API iop_continuum *iop_continuum_new_from_file (const char *path,
                                                    iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The text of the built-in continuum pack, as a starting point for a user pack.
 * @return (transfer full) NUL-terminated JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_continuum_default_pack_json (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Takes a reference (atomic).
 * @param continuum A continuum.
 * @return (transfer full) @p continuum.
 * @since 0.1
 */
IOP_API iop_continuum *iop_continuum_ref (iop_continuum *continuum);

/**
 * @brief Drops a reference; the last one frees the continuum and its levels.
 * @param continuum (nullable) A continuum; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_continuum_unref (iop_continuum *continuum);

/**
 * @brief The pack's identifier, such as "libiop-default".
 * @param continuum A continuum.
 * @return (transfer none) Owned by @p continuum.
 * @since 0.1
 */
IOP_API const char *iop_continuum_get_id (const iop_continuum *continuum);

/**
 * @brief The pack's own version string (not libiop's).
 * @param continuum A continuum.
 * @return (transfer none) Owned by @p continuum.
 * @since 0.1
 */
IOP_API const char *iop_continuum_get_version (const iop_continuum *continuum);

/**
 * @brief The pack's human-readable title.
 * @param continuum A continuum.
 * @return (transfer none) Owned by @p continuum.
 * @since 0.1
 */
IOP_API const char *iop_continuum_get_title (const iop_continuum *continuum);

/**
 * @brief The number of levels of one edition, or of all editions with #IOP_EDITION_ANY.
 * @param continuum A continuum.
 * @param edition An edition or #IOP_EDITION_ANY.
 * @return The count (0 for a value outside #iop_edition).
 * @since 0.1
 */
IOP_API size_t iop_continuum_get_n_levels (const iop_continuum *continuum, iop_edition edition);

/**
 * @brief The @p index-th level of @p edition, in pack order (within an edition, least to most
 *        intensive in the default pack, withdrawal-management levels last).
 * @param continuum A continuum.
 * @param edition An edition or #IOP_EDITION_ANY.
 * @param index From 0 to iop_continuum_get_n_levels() − 1.
 * @return (transfer none) (nullable) The level, owned by @p continuum; NULL when out of range.
 * @since 0.1
 */
IOP_API const iop_level *iop_continuum_get_level (const iop_continuum *continuum,
                                                  iop_edition edition, size_t index);

/**
 * @brief Finds a level by code or alias (such as "2.1", "II.1" or "3.2-WM").
 *
 * With #IOP_EDITION_ANY the first match in pack order wins, codes before aliases; the default
 * pack lists ASAM 3rd edition first. Absence is not an error.
 * @param continuum A continuum.
 * @param edition An edition or #IOP_EDITION_ANY.
 * @param code A level code or alias.
 * @return (transfer none) (nullable) The level, or NULL when none matches.
 * @since 0.1
 */
IOP_API const iop_level *iop_continuum_lookup_level (const iop_continuum *continuum,
                                                     iop_edition edition, const char *code);

/**
 * @brief The citation of a source listed in the pack's `sources` table.
 * @param continuum A continuum.
 * @param source_id A source identifier, as returned by iop_level_get_source().
 * @return (transfer none) (nullable) The citation, or NULL for an unknown identifier.
 * @since 0.1
 */
IOP_API const char *iop_continuum_get_source_citation (const iop_continuum *continuum,
                                                       const char *source_id);

/**
 * @brief The address of a source, when the pack gives one.
 * @param continuum A continuum.
 * @param source_id A source identifier.
 * @return (transfer none) (nullable) The URL, or NULL.
 * @since 0.1
 */
IOP_API const char *iop_continuum_get_source_url (const iop_continuum *continuum,
                                                  const char *source_id);

/**
 * @brief The confidence grade of a source.
 * @param continuum A continuum.
 * @param source_id A source identifier.
 * @return The grade, or #IOP_CONFIDENCE_NONE for an unknown identifier.
 * @since 0.1
 */
IOP_API iop_confidence iop_continuum_get_source_confidence (const iop_continuum *continuum,
                                                            const char *source_id);

/**
 * @brief The number of aspects in the inpatient-versus-outpatient comparison.
 * @param continuum A continuum.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_continuum_get_n_comparison_aspects (const iop_continuum *continuum);

/**
 * @brief The identifier of the @p index-th comparison aspect, such as "location" or "cost".
 * @param continuum A continuum.
 * @param index From 0 to iop_continuum_get_n_comparison_aspects() − 1.
 * @return (transfer none) (nullable) The identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_continuum_get_comparison_aspect (const iop_continuum *continuum,
                                                         size_t index);

/**
 * @brief What the comparison says about one aspect of one kind of care.
 * @param continuum A continuum.
 * @param aspect An aspect identifier (iop_continuum_get_comparison_label() gives its display name).
 * @param setting #IOP_SETTING_INPATIENT (inpatient and residential care) or
 *        #IOP_SETTING_OUTPATIENT; any other setting gives NULL.
 * @return (transfer none) (nullable) The text, or NULL when the aspect is unknown.
 * @since 0.1
 */
IOP_API const char *iop_continuum_get_comparison (const iop_continuum *continuum,
                                                  const char *aspect, iop_setting setting);

/**
 * @brief The display label of a comparison aspect, such as "Cost".
 * @param continuum A continuum.
 * @param aspect An aspect identifier.
 * @return (transfer none) (nullable) The label, or NULL when the aspect is unknown.
 * @since 0.1
 */
IOP_API const char *iop_continuum_get_comparison_label (const iop_continuum *continuum,
                                                        const char *aspect);

/**
 * @brief The whole comparison as JSON: `{"aspects":[{"id","label","inpatient","outpatient","source"}]}`.
 * @param continuum A continuum.
 * @return (transfer full) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_continuum_comparison_to_json (const iop_continuum *continuum) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Keeps the level's continuum alive. A level shares its continuum's reference count.
 * @param level A level.
 * @return (transfer full) @p level; release with iop_level_unref().
 * @since 0.1
 */
IOP_API const iop_level *iop_level_ref (const iop_level *level);

/**
 * @brief Drops a reference taken with iop_level_ref().
 * @param level (nullable) A level; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_level_unref (const iop_level *level);

/**
 * @brief The level's continuum.
 * @param level A level.
 * @return (transfer none) The continuum that owns @p level.
 * @since 0.1
 */
IOP_API iop_continuum *iop_level_get_continuum (const iop_level *level);

/**
 * @brief The level's code, such as "2.1", "3.2-WM" or "3" (LOCUS).
 * @param level A level.
 * @return (transfer none) Owned by the continuum.
 * @since 0.1
 */
IOP_API const char *iop_level_get_code (const iop_level *level);

/**
 * @brief The level's edition.
 * @param level A level.
 * @return The edition (never #IOP_EDITION_ANY).
 * @since 0.1
 */
IOP_API iop_edition iop_level_get_edition (const iop_level *level);

/**
 * @brief The level's name, such as "Intensive Outpatient Services".
 * @param level A level.
 * @return (transfer none) Owned by the continuum.
 * @since 0.1
 */
IOP_API const char *iop_level_get_name (const iop_level *level);

/**
 * @brief A one-paragraph description of the level.
 * @param level A level.
 * @return (transfer none) (nullable) Owned by the continuum; NULL when the pack gives none.
 * @since 0.1
 */
IOP_API const char *iop_level_get_description (const iop_level *level);

/**
 * @brief Where the level's care is delivered.
 * @param level A level.
 * @return The setting.
 * @since 0.1
 */
IOP_API iop_setting iop_level_get_setting (const iop_level *level);

/**
 * @brief Whether care is clinically managed, medically monitored or medically managed.
 * @param level A level.
 * @return The management type.
 * @since 0.1
 */
IOP_API iop_management iop_level_get_management (const iop_level *level);

/**
 * @brief Whether this is a withdrawal-management level (such as 3.2-WM).
 * @param level A level.
 * @return True for withdrawal-management levels.
 * @since 0.1
 */
IOP_API bool iop_level_is_withdrawal_management (const iop_level *level);

/**
 * @brief The band of treatment hours per week for an age group.
 * @param level A level.
 * @param age An age group.
 * @return The band; unpublished (no bounds) when the sources give none or @p age is invalid.
 * @since 0.1
 */
IOP_API iop_range iop_level_get_hours_per_week (const iop_level *level, iop_age_group age);

/**
 * @brief The band of service hours per service day for an age group (usually a minimum only).
 * @param level A level.
 * @param age An age group.
 * @return The band; unpublished when the sources give none.
 * @since 0.1
 */
IOP_API iop_range iop_level_get_hours_per_day (const iop_level *level, iop_age_group age);

/**
 * @brief The number of typical billing codes listed for the level.
 * @param level A level.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_level_get_n_billing_codes (const iop_level *level);

/**
 * @brief The @p index-th billing code, such as "H0015".
 * @param level A level.
 * @param index From 0 to iop_level_get_n_billing_codes() − 1.
 * @return (transfer none) (nullable) The code, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_level_get_billing_code (const iop_level *level, size_t index);

/**
 * @brief The code system of the @p index-th billing code: "hcpcs", "cpt", "revenue" (UB-04
 *        revenue code) or "condition" (UB-04 condition code).
 * @param level A level.
 * @param index A billing-code index.
 * @return (transfer none) (nullable) The system, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_level_get_billing_code_system (const iop_level *level, size_t index);

/**
 * @brief A short description of the @p index-th billing code.
 * @param level A level.
 * @param index A billing-code index.
 * @return (transfer none) (nullable) The description, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_level_get_billing_code_description (const iop_level *level, size_t index);

/**
 * @brief The next less intensive level on the continuum.
 * @param level A level.
 * @return (transfer none) (nullable) The level, or NULL at the bottom of the continuum.
 * @since 0.1
 */
IOP_API const iop_level *iop_level_get_step_down (const iop_level *level);

/**
 * @brief The next more intensive level on the continuum.
 * @param level A level.
 * @return (transfer none) (nullable) The level, or NULL at the top of the continuum.
 * @since 0.1
 */
IOP_API const iop_level *iop_level_get_step_up (const iop_level *level);

/**
 * @brief The corresponding level in another edition (ASAM 3rd ↔ 4th, LOCUS ↔ ASAM).
 * @param level A level.
 * @param to The target edition.
 * @return (transfer none) (nullable) The level, or NULL when the pack maps none (or @p to is
 *         the level's own edition).
 * @since 0.1
 */
IOP_API const iop_level *iop_level_crosswalk (const iop_level *level, iop_edition to);

/**
 * @brief The confidence grade of the mapping iop_level_crosswalk() returns.
 * @param level A level.
 * @param to The target edition.
 * @return The grade, or #IOP_CONFIDENCE_NONE when there is no mapping.
 * @since 0.1
 */
IOP_API iop_confidence iop_level_get_crosswalk_confidence (const iop_level *level, iop_edition to);

/**
 * @brief A note on the crosswalk mapping (alternatives, caveats).
 * @param level A level.
 * @param to The target edition.
 * @return (transfer none) (nullable) The note, or NULL.
 * @since 0.1
 */
IOP_API const char *iop_level_get_crosswalk_note (const iop_level *level, iop_edition to);

/**
 * @brief The source identifier behind one of the level's facts.
 *
 * @p field is one of "level" (definition and name), "hours_per_week.adult",
 * "hours_per_week.adolescent", "hours_per_day.adult", "hours_per_day.adolescent",
 * "billing_codes.N" (N = index), "crosswalk.asam3", "crosswalk.asam4" or "crosswalk.locus".
 * Look the identifier up with iop_continuum_get_source_citation().
 * @param level A level.
 * @param field A field name.
 * @return (transfer none) (nullable) The source identifier, or NULL when the field is unknown or
 *         carries no figure.
 * @since 0.1
 */
IOP_API const char *iop_level_get_source (const iop_level *level, const char *field);

/**
 * @brief The number of aliases (other spellings such as the PPC-2R "II.1").
 * @param level A level.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_level_get_n_aliases (const iop_level *level);

/**
 * @brief The @p index-th alias.
 * @param level A level.
 * @param index From 0 to iop_level_get_n_aliases() − 1.
 * @return (transfer none) (nullable) The alias, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_level_get_alias (const iop_level *level, size_t index);

/**
 * @brief Serializes the level as compact JSON (docs/json-formats.md, "Level").
 *
 * Members: `code`, `edition`, `name`, `description`, `setting`, `management`,
 * `withdrawal_management`, `hours_per_week.{adult,adolescent}.{min,max,max_exclusive}`,
 * `hours_per_day.{adult,adolescent}.{min,max,max_exclusive}`, `billing_codes`, `step_down`,
 * `step_up`, `crosswalk`, `aliases`, `sources`. Bounds are null when unbounded or unpublished.
 * @param level A level.
 * @return (transfer full) UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_level_to_json (const iop_level *level) IOP_WARN_UNUSED_RESULT;

IOP_END_DECLS

#endif /* IOP_CONTINUUM_H */
