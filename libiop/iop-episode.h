/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_EPISODE_H
#define IOP_EPISODE_H

#if !defined(IOP_INSIDE) && !defined(IOP_COMPILATION)
#error "Only <libiop/iop.h> can be included directly."
#endif

#include <stdbool.h>
#include <stddef.h>

#include "iop-macros.h"
#include "iop-error.h"
#include "iop-continuum.h"
#include "iop-schedule.h"
#include "iop-compliance.h"
#include "iop-program.h"

/**
 * @brief The episode of care: the record a clinic keeps per client in the program.
 *
 * An episode holds a pseudonymous client identifier with an age group or birth date, ICD-10-CM
 * diagnoses, the level of care with its admission date and the history of level changes, a payer
 * reference, the stage of change (transtheoretical model) with its history, the treatment stage
 * (from a program pack, iop-program.h) with its history and the client's goals, the planned weekly
 * schedule, attendance per session, and the Medicare IOP certification date. It round-trips
 * through JSON (format "libiop-episode", docs/episode.md) byte for byte, and
 * iop_episode_check() checks it against the compliance pack.
 *
 * Episodes hold patient data: error messages name fields and positions, never values.
 *
 * An iop_episode is single-owner and not thread-safe; copy it to share. An
 * iop_attendance_summary is single-owner.
 * @file iop-episode.h
 */

IOP_BEGIN_DECLS

/** @brief An episode of care. Single owner. @since 0.1 */
typedef struct iop_episode iop_episode;
/** @brief Attendance per ISO week, rates and engagement flags. Single owner. @since 0.1 */
typedef struct iop_attendance_summary iop_attendance_summary;

/**
 * @brief The stage of change of the transtheoretical model, plus relapse.
 * @since 0.1
 */
typedef enum {
  IOP_STAGE_OF_CHANGE_UNKNOWN = 0,          /**< Not assessed. @since 0.1 */
  IOP_STAGE_OF_CHANGE_PRECONTEMPLATION = 1, /**< No intention to change in the foreseeable future. @since 0.1 */
  IOP_STAGE_OF_CHANGE_CONTEMPLATION = 2,    /**< Considering change. @since 0.1 */
  IOP_STAGE_OF_CHANGE_PREPARATION = 3,      /**< Intends to act soon; small steps. @since 0.1 */
  IOP_STAGE_OF_CHANGE_ACTION = 4,           /**< Actively changing behaviour. @since 0.1 */
  IOP_STAGE_OF_CHANGE_MAINTENANCE = 5,      /**< Sustaining the change. @since 0.1 */
  IOP_STAGE_OF_CHANGE_RELAPSE = 6           /**< Returned to the earlier behaviour (recycling). @since 0.1 */
} iop_stage_of_change;

/**
 * @brief What an ICD-10-CM code stands for in IOP routing.
 * @since 0.1
 */
typedef enum {
  IOP_DIAGNOSIS_OTHER = 0,         /**< Neither of the two below. @since 0.1 */
  IOP_DIAGNOSIS_SUBSTANCE = 1,     /**< F10–F19: disorders due to psychoactive substance use. @since 0.1 */
  IOP_DIAGNOSIS_MENTAL_HEALTH = 2  /**< Another code of chapter F (F01–F09, F20–F99). @since 0.1 */
} iop_diagnosis_class;

/**
 * @brief Whether one session took place.
 * @since 0.1
 */
typedef enum {
  IOP_ATTENDANCE_ATTENDED = 1, /**< Attended. @since 0.1 */
  IOP_ATTENDANCE_MISSED = 2,   /**< Missed without notice: counts against the attendance rate. @since 0.1 */
  IOP_ATTENDANCE_EXCUSED = 3   /**< Missed with an accepted reason: left out of the rate and the run of misses. @since 0.1 */
} iop_attendance_status;

/**
 * @brief Parses "precontemplation", "contemplation", "preparation", "action", "maintenance" or
 *        "relapse".
 * @param text The name.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for another text.
 * @return The stage, or #IOP_STAGE_OF_CHANGE_UNKNOWN on error.
 * @since 0.1
 */
IOP_API iop_stage_of_change iop_stage_of_change_from_string (const char *text, iop_error **error);

/**
 * @brief The name of a stage of change.
 * @param stage A stage.
 * @return (transfer none) A static string; "unknown" for #IOP_STAGE_OF_CHANGE_UNKNOWN and invalid values.
 * @since 0.1
 */
IOP_API const char *iop_stage_of_change_to_string (iop_stage_of_change stage);

/**
 * @brief Parses "attended", "missed" or "excused".
 * @param text The name.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for another text.
 * @return The status, or 0 on error.
 * @since 0.1
 */
IOP_API iop_attendance_status iop_attendance_status_from_string (const char *text, iop_error **error);

/**
 * @brief The name of an attendance status.
 * @param status A status.
 * @return (transfer none) A static string; NULL for an invalid value.
 * @since 0.1
 */
IOP_API const char *iop_attendance_status_to_string (iop_attendance_status status);

/**
 * @brief Whether @p code is a syntactically valid ICD-10-CM code: a letter, two characters (digit,
 *        then digit or letter), and optionally a dot with 1 to 4 letters or digits ("F10.20",
 *        "F32.1", "F41.1", "Z71.41"). Upper case only; the code's existence in the current code set
 *        is not checked.
 * @param code A code.
 * @return True when valid.
 * @since 0.1
 */
IOP_API bool iop_icd10cm_is_valid (const char *code);

/**
 * @brief Classifies an ICD-10-CM code: substance-related (F10–F19), another mental-health code of
 *        chapter F, or other.
 * @param code A code.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT when @p code is not valid
 *        (iop_icd10cm_is_valid()).
 * @return The class; #IOP_DIAGNOSIS_OTHER on error.
 * @since 0.1
 */
IOP_API iop_diagnosis_class iop_icd10cm_classify (const char *code, iop_error **error);

/**
 * @brief Opens an episode at its admission.
 * The episode starts in the program's first stage and the level's history starts with the
 * admission. It has no diagnoses, goals, schedule sessions or attendance yet.
 * @param continuum (nullable) The continuum the level is looked up in; NULL for the built-in one.
 *        The episode keeps a reference.
 * @param program (nullable) The program pack; NULL for the built-in one. The episode keeps a reference.
 * @param client_id A pseudonymous client identifier (never a name): 1 to 64 printable ASCII characters.
 * @param edition The level's edition.
 * @param level_code The level of care, such as "2.1".
 * @param admission_date "YYYY-MM-DD".
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad identifier or date;
 *        #IOP_ERROR_NOT_FOUND for a level the continuum does not have.
 * @return (transfer full) (nullable) A new episode; release with iop_episode_free(). NULL on error.
 * @since 0.1
 */
IOP_API iop_episode *iop_episode_new (iop_continuum *continuum, iop_program *program, const char *client_id,
                                      iop_edition edition, const char *level_code, const char *admission_date,
                                      iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Reads an episode document and validates it strictly.
 * @param continuum (nullable) As iop_episode_new().
 * @param program (nullable) As iop_episode_new(); the document's `program` must name its id.
 * @param json NUL-terminated UTF-8 JSON.
 * @param error (out) (optional) #IOP_ERROR_PARSE or #IOP_ERROR_INVALID_DATA with the JSON path;
 *        messages never quote the document's values.
 * @return (transfer full) (nullable) A new episode, or NULL on error.
 * @since 0.1
 */
IOP_API iop_episode *iop_episode_new_from_json (iop_continuum *continuum, iop_program *program, const char *json,
                                                iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Reads an episode document from a file; see iop_episode_new_from_json().
 * @param continuum (nullable) As iop_episode_new().
 * @param program (nullable) As iop_episode_new().
 * @param path File name.
 * @param error (out) (optional) As iop_episode_new_from_json(), plus #IOP_ERROR_IO.
 * @return (transfer full) (nullable) A new episode, or NULL on error.
 * @since 0.1
 */
IOP_API iop_episode *iop_episode_new_from_file (iop_continuum *continuum, iop_program *program, const char *path,
                                                iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Releases an episode.
 * @param episode (nullable) An episode; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_episode_free (iop_episode *episode);

/**
 * @brief A deep copy.
 * @param episode An episode.
 * @return (transfer full) The copy; release with iop_episode_free().
 * @since 0.1
 */
IOP_API iop_episode *iop_episode_copy (const iop_episode *episode) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Serializes the episode (format "libiop-episode", format_version 1). Reading the text
 *        back and serializing again gives the same bytes.
 * @param episode An episode.
 * @return (transfer full) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_episode_to_json (const iop_episode *episode) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The pseudonymous client identifier.
 * @param episode An episode.
 * @return (transfer none) Owned by @p episode.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_client_id (const iop_episode *episode);

/**
 * @brief Records the client's birth date; the age group then follows from it (under 18:
 *        adolescent) on the date asked.
 * @param episode An episode.
 * @param birth_date (nullable) "YYYY-MM-DD", not after the admission date; NULL to clear.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad date.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_episode_set_birth_date (iop_episode *episode, const char *birth_date, iop_error **error);

/**
 * @brief The birth date.
 * @param episode An episode.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL when not recorded.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_birth_date (const iop_episode *episode);

/**
 * @brief Records the age group, used when no birth date is recorded (the default is adult).
 * @param episode An episode.
 * @param age The age group.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for an invalid value.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_episode_set_age_group (iop_episode *episode, iop_age_group age, iop_error **error);

/**
 * @brief The client's age group on a date: from the birth date when recorded, otherwise the
 *        recorded age group.
 * @param episode An episode.
 * @param date (nullable) "YYYY-MM-DD"; NULL for the admission date.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad date.
 * @return The age group, or 0 on error.
 * @since 0.1
 */
IOP_API iop_age_group iop_episode_get_age_group (const iop_episode *episode, const char *date, iop_error **error);

/**
 * @brief The admission date.
 * @param episode An episode.
 * @return (transfer none) "YYYY-MM-DD", owned by @p episode.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_admission_date (const iop_episode *episode);

/**
 * @brief Records the payer reference (a payer identifier of a payer pack, or the clinic's own).
 * @param episode An episode.
 * @param payer (nullable) The reference, 1 to 128 bytes of UTF-8; NULL to clear.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for an empty, too long or non-UTF-8
 *        text (nothing changes).
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_episode_set_payer (iop_episode *episode, const char *payer, iop_error **error);

/**
 * @brief The payer reference.
 * @param episode An episode.
 * @return (transfer none) (nullable) The reference, or NULL.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_payer (const iop_episode *episode);

/**
 * @brief Adds an ICD-10-CM diagnosis.
 * @param episode An episode.
 * @param code The code (iop_icd10cm_is_valid()).
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for an invalid code;
 *        #IOP_ERROR_EXISTS when the code is already recorded.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_episode_add_diagnosis (iop_episode *episode, const char *code, iop_error **error);

/**
 * @brief The number of diagnoses.
 * @param episode An episode.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_episode_get_n_diagnoses (const iop_episode *episode);

/**
 * @brief The @p index-th diagnosis code, in the order added (the first is the primary one).
 * @param episode An episode.
 * @param index A diagnosis index.
 * @return (transfer none) (nullable) The code, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_diagnosis (const iop_episode *episode, size_t index);

/**
 * @brief Whether a substance-related diagnosis (F10–F19) is recorded.
 * @param episode An episode.
 * @return True when one is.
 * @since 0.1
 */
IOP_API bool iop_episode_has_substance_diagnosis (const iop_episode *episode);

/**
 * @brief Whether the diagnoses are co-occurring: a substance-related one and a mental-health one.
 * @param episode An episode.
 * @return True when both kinds are recorded.
 * @since 0.1
 */
IOP_API bool iop_episode_is_co_occurring (const iop_episode *episode);

/**
 * @brief The current level of care (the last entry of the level history).
 * @param episode An episode.
 * @return (transfer none) The level, valid while the episode lives.
 * @since 0.1
 */
IOP_API const iop_level *iop_episode_get_level (const iop_episode *episode);

/**
 * @brief Moves the episode to another level of care (a step up or down) and records why.
 * @param episode An episode.
 * @param edition The new level's edition.
 * @param level_code The new level.
 * @param date "YYYY-MM-DD", on or after the last level change.
 * @param reason Why (free text, kept in the record; 1 to 500 characters).
 * @param error (out) (optional) #IOP_ERROR_NOT_FOUND for an unknown level;
 *        #IOP_ERROR_INVALID_ARGUMENT for a bad or earlier date, an empty reason, or the current level.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_episode_change_level (iop_episode *episode, iop_edition edition, const char *level_code,
                                       const char *date, const char *reason, iop_error **error);

/**
 * @brief The number of entries in the level history (the admission is the first).
 * @param episode An episode.
 * @return The count (at least 1).
 * @since 0.1
 */
IOP_API size_t iop_episode_get_n_level_changes (const iop_episode *episode);

/**
 * @brief The level of the @p index-th history entry.
 * @param episode An episode.
 * @param index An entry index.
 * @return (transfer none) (nullable) The level, or NULL when out of range.
 * @since 0.1
 */
IOP_API const iop_level *iop_episode_get_level_change_level (const iop_episode *episode, size_t index);

/**
 * @brief The date of the @p index-th level history entry.
 * @param episode An episode.
 * @param index An entry index.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_level_change_date (const iop_episode *episode, size_t index);

/**
 * @brief The reason of the @p index-th level history entry ("admission" for the first).
 * @param episode An episode.
 * @param index An entry index.
 * @return (transfer none) (nullable) The reason, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_level_change_reason (const iop_episode *episode, size_t index);

/**
 * @brief Records the stage of change assessed on a date.
 * @param episode An episode.
 * @param stage The stage (not #IOP_STAGE_OF_CHANGE_UNKNOWN).
 * @param date "YYYY-MM-DD", on or after the admission and the last assessment.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad stage or date.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_episode_set_stage_of_change (iop_episode *episode, iop_stage_of_change stage, const char *date,
                                              iop_error **error);

/**
 * @brief The last assessed stage of change.
 * @param episode An episode.
 * @return The stage, or #IOP_STAGE_OF_CHANGE_UNKNOWN when never assessed.
 * @since 0.1
 */
IOP_API iop_stage_of_change iop_episode_get_stage_of_change (const iop_episode *episode);

/**
 * @brief The number of stage-of-change assessments.
 * @param episode An episode.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_episode_get_n_stage_of_change_entries (const iop_episode *episode);

/**
 * @brief The stage of the @p index-th stage-of-change assessment.
 * @param episode An episode.
 * @param index An entry index.
 * @return The stage, or #IOP_STAGE_OF_CHANGE_UNKNOWN when out of range.
 * @since 0.1
 */
IOP_API iop_stage_of_change iop_episode_get_stage_of_change_entry (const iop_episode *episode, size_t index);

/**
 * @brief The date of the @p index-th stage-of-change assessment.
 * @param episode An episode.
 * @param index An entry index.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_stage_of_change_date (const iop_episode *episode, size_t index);

/**
 * @brief The current treatment stage (a stage identifier of the program).
 * @param episode An episode.
 * @return (transfer none) Owned by the program.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_stage (const iop_episode *episode);

/**
 * @brief Whether the current stage's exit criteria hold on a date.
 * @param episode An episode.
 * @param date "YYYY-MM-DD".
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad date, or when a criterion
 *        does not hold: the message names every unmet criterion by identifier.
 * @return True when every exit criterion holds.
 * @since 0.1
 */
IOP_API bool iop_episode_can_leave_stage (const iop_episode *episode, const char *date, iop_error **error);

/**
 * @brief Moves the episode to another treatment stage and records the transition.
 * The move is refused, with the reason in the error, when the program does not allow it from the
 * current stage, when the date is before the last transition, or when the current stage's exit
 * criteria do not hold (see iop_episode_can_leave_stage()). Nothing changes on refusal.
 * @param episode An episode.
 * @param stage The stage to move to.
 * @param date "YYYY-MM-DD".
 * @param reason Why (free text kept in the record; 1 to 500 characters).
 * @param error (out) (optional) #IOP_ERROR_NOT_FOUND for a stage the program does not have;
 *        #IOP_ERROR_INVALID_ARGUMENT for a refused move, a bad date or an empty reason.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_episode_change_stage (iop_episode *episode, const char *stage, const char *date, const char *reason,
                                       iop_error **error);

/**
 * @brief The number of entries in the stage history (the admission into the first stage is the first).
 * @param episode An episode.
 * @return The count (at least 1).
 * @since 0.1
 */
IOP_API size_t iop_episode_get_n_stage_changes (const iop_episode *episode);

/**
 * @brief The stage entered by the @p index-th stage history entry.
 * @param episode An episode.
 * @param index An entry index.
 * @return (transfer none) (nullable) The stage identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_stage_change_stage (const iop_episode *episode, size_t index);

/**
 * @brief The date of the @p index-th stage history entry.
 * @param episode An episode.
 * @param index An entry index.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_stage_change_date (const iop_episode *episode, size_t index);

/**
 * @brief The reason of the @p index-th stage history entry.
 * @param episode An episode.
 * @param index An entry index.
 * @return (transfer none) (nullable) The reason, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_stage_change_reason (const iop_episode *episode, size_t index);

/**
 * @brief Adds a personalized goal to a treatment stage, with status "active".
 * @param episode An episode.
 * @param id The goal's identifier, unique in the episode (1 to 64 characters).
 * @param stage The stage it belongs to.
 * @param description What the client aims for (1 to 1000 characters).
 * @param target_date (nullable) "YYYY-MM-DD", or NULL.
 * @param error (out) (optional) #IOP_ERROR_EXISTS for a duplicate identifier; #IOP_ERROR_NOT_FOUND
 *        for an unknown stage; #IOP_ERROR_INVALID_ARGUMENT for a bad text or date.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_episode_add_goal (iop_episode *episode, const char *id, const char *stage, const char *description,
                                   const char *target_date, iop_error **error);

/**
 * @brief Sets a goal's status: "proposed", "active", "achieved", "not-achieved", "waived" or
 *        "cancelled". A stage's goals are met when none is proposed, active or not-achieved and at
 *        least one is achieved or waived.
 * @param episode An episode.
 * @param id The goal's identifier.
 * @param status The status.
 * @param error (out) (optional) #IOP_ERROR_NOT_FOUND for an unknown goal;
 *        #IOP_ERROR_INVALID_ARGUMENT for an unknown status.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_episode_set_goal_status (iop_episode *episode, const char *id, const char *status, iop_error **error);

/**
 * @brief The number of goals.
 * @param episode An episode.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_episode_get_n_goals (const iop_episode *episode);

/**
 * @brief The identifier of the @p index-th goal.
 * @param episode An episode.
 * @param index A goal index.
 * @return (transfer none) (nullable) The identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_goal_id (const iop_episode *episode, size_t index);

/**
 * @brief The stage of the @p index-th goal.
 * @param episode An episode.
 * @param index A goal index.
 * @return (transfer none) (nullable) The stage identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_goal_stage (const iop_episode *episode, size_t index);

/**
 * @brief The description of the @p index-th goal.
 * @param episode An episode.
 * @param index A goal index.
 * @return (transfer none) (nullable) The description, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_goal_description (const iop_episode *episode, size_t index);

/**
 * @brief The target date of the @p index-th goal.
 * @param episode An episode.
 * @param index A goal index.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL when none or out of range.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_goal_target_date (const iop_episode *episode, size_t index);

/**
 * @brief The status of the @p index-th goal.
 * @param episode An episode.
 * @param index A goal index.
 * @return (transfer none) (nullable) The status, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_goal_status (const iop_episode *episode, size_t index);

/**
 * @brief The planned weekly schedule.
 * @param episode An episode.
 * @return (transfer none) Owned by @p episode; changes with iop_episode_set_schedule().
 * @since 0.1
 */
IOP_API const iop_schedule *iop_episode_get_schedule (const iop_episode *episode);

/**
 * @brief Replaces the planned weekly schedule with a copy of @p schedule.
 * @param episode An episode.
 * @param schedule The schedule (copied).
 * @since 0.1
 */
IOP_API void iop_episode_set_schedule (iop_episode *episode, const iop_schedule *schedule);

/**
 * @brief Records one session's attendance.
 * @param episode An episode.
 * @param date "YYYY-MM-DD", on or after the admission.
 * @param start (nullable) "HH:MM" local time without a zone, or NULL for an untimed session.
 * @param minutes The session's length (1 to 1440; for a missed session, its planned length).
 * @param kind A session kind (iop_session_kind_is_known()).
 * @param status Attended, missed or excused.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad date, time, length, kind or
 *        status, a session crossing midnight, or one overlapping another on that date;
 *        #IOP_ERROR_EXISTS for a second entry at the same date and start.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_episode_add_attendance (iop_episode *episode, const char *date, const char *start, int minutes,
                                         const char *kind, iop_attendance_status status, iop_error **error);

/**
 * @brief The number of attendance entries (kept ordered by date and start).
 * @param episode An episode.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_episode_get_n_attendance (const iop_episode *episode);

/**
 * @brief The date of the @p index-th attendance entry.
 * @param episode An episode.
 * @param index An entry index.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_attendance_date (const iop_episode *episode, size_t index);

/**
 * @brief The start time of the @p index-th attendance entry.
 * @param episode An episode.
 * @param index An entry index.
 * @return (transfer none) (nullable) "HH:MM", or NULL when untimed or out of range.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_attendance_start (const iop_episode *episode, size_t index);

/**
 * @brief The length in minutes of the @p index-th attendance entry.
 * @param episode An episode.
 * @param index An entry index.
 * @return The minutes, or 0 when out of range.
 * @since 0.1
 */
IOP_API int iop_episode_get_attendance_minutes (const iop_episode *episode, size_t index);

/**
 * @brief The session kind of the @p index-th attendance entry.
 * @param episode An episode.
 * @param index An entry index.
 * @return (transfer none) (nullable) The kind, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_attendance_kind (const iop_episode *episode, size_t index);

/**
 * @brief The status of the @p index-th attendance entry.
 * @param episode An episode.
 * @param index An entry index.
 * @return The status, or 0 when out of range.
 * @since 0.1
 */
IOP_API iop_attendance_status iop_episode_get_attendance_status (const iop_episode *episode, size_t index);

/**
 * @brief Records the Medicare IOP certification (or last recertification) date.
 * @param episode An episode.
 * @param date (nullable) "YYYY-MM-DD", on or after the admission; NULL to clear.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad date.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_episode_set_medicare_certified (iop_episode *episode, const char *date, iop_error **error);

/**
 * @brief The Medicare IOP certification date.
 * @param episode An episode.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL when not certified.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_medicare_certified (const iop_episode *episode);

/**
 * @brief Records the date the program began tapering below the level's band (the ASAM taper rule
 *        then counts the weeks since), or clears it.
 * @param episode An episode.
 * @param date (nullable) "YYYY-MM-DD", on or after the admission; NULL when not tapering.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad date.
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_episode_set_taper_start (iop_episode *episode, const char *date, iop_error **error);

/**
 * @brief The taper start date.
 * @param episode An episode.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL when not tapering.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_taper_start (const iop_episode *episode);

/**
 * @brief Selects the compliance rule sets iop_episode_check() applies.
 * @param episode An episode.
 * @param rule_sets (nullable) Comma-separated rule-set identifiers, such as "asam,service-day,h0015",
 *        1 to 256 bytes; NULL for the pack's defaults (plus "medicare" when the episode is
 *        Medicare-certified). Unknown identifiers are reported by iop_episode_check().
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for an empty, too long or non-UTF-8
 *        text (nothing changes).
 * @return True on success.
 * @since 0.1
 */
IOP_API bool iop_episode_set_rule_sets (iop_episode *episode, const char *rule_sets, iop_error **error);

/**
 * @brief The selected rule sets.
 * @param episode An episode.
 * @return (transfer none) (nullable) The selection, or NULL for the defaults.
 * @since 0.1
 */
IOP_API const char *iop_episode_get_rule_sets (const iop_episode *episode);

/**
 * @brief The date Medicare IOP recertification is due (iop_compliance_rules_get_recertification_due()
 *        from the certification date).
 * @param episode An episode.
 * @param rules (nullable) The compliance pack; NULL for the built-in one.
 * @param error (out) (optional) #IOP_ERROR_NOT_FOUND when the episode is not Medicare-certified.
 * @return (transfer full) (nullable) "YYYY-MM-DD"; release with iop_free(). NULL on error.
 * @since 0.1
 */
IOP_API char *iop_episode_get_recertification_due (const iop_episode *episode, const iop_compliance_rules *rules,
                                                   iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Summarizes attendance per ISO week up to a date.
 * Weeks run Monday to Sunday (ISO 8601) from the admission's week to the week of @p as_of. A
 * week's planned minutes are the schedule's minutes on its days from the admission to @p as_of;
 * attended minutes and sessions count attended entries. The attendance rate is attended /
 * (attended + missed); excused sessions are left out. Flags: "outreach" on the date a run of
 * consecutive misses reaches the program's threshold (excused entries neither count nor break the
 * run), and "dropout-risk" on @p as_of when the rate is below the program's threshold.
 * @param episode An episode.
 * @param as_of (nullable) "YYYY-MM-DD", on or after the admission; NULL for the last attendance
 *        date (or the admission when there is none). Entries after it are left out.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad date.
 * @return (transfer full) (nullable) The summary; release with iop_attendance_summary_free().
 * @since 0.1
 */
IOP_API iop_attendance_summary *iop_episode_summarize_attendance (const iop_episode *episode, const char *as_of,
                                                                  iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Checks the episode on a date: the schedule against its level (iop_compliance_rules_check_schedule()
 *        with the age group on @p as_of, the selected rule sets, and the weeks since the taper
 *        start), then the attendance rate ("attendance-rate"), the current run of misses
 *        ("consecutive-misses") and, for a Medicare-certified episode, the recertification date
 *        ("medicare-recertification", measured in days left).
 * @param episode An episode.
 * @param rules (nullable) The compliance pack; NULL for the built-in one.
 * @param as_of "YYYY-MM-DD", on or after the admission.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad date;
 *        #IOP_ERROR_NOT_FOUND for an unknown rule set.
 * @return (transfer full) (nullable) The report; release with iop_compliance_report_free().
 * @since 0.1
 */
IOP_API iop_compliance_report *iop_episode_check (const iop_episode *episode, const iop_compliance_rules *rules,
                                                  const char *as_of, iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Releases a summary.
 * @param summary (nullable) A summary; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_attendance_summary_free (iop_attendance_summary *summary);

/**
 * @brief The number of ISO weeks summarized.
 * @param summary A summary.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_attendance_summary_get_n_weeks (const iop_attendance_summary *summary);

/**
 * @brief The ISO week of the @p index-th week, such as "2026-W02".
 * @param summary A summary.
 * @param index A week index.
 * @return (transfer none) (nullable) The week, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_attendance_summary_get_week (const iop_attendance_summary *summary, size_t index);

/**
 * @brief The planned hours of the @p index-th week.
 * @param summary A summary.
 * @param index A week index.
 * @return Hours, or 0 when out of range.
 * @since 0.1
 */
IOP_API double iop_attendance_summary_get_planned_hours (const iop_attendance_summary *summary, size_t index);

/**
 * @brief The attended hours of the @p index-th week.
 * @param summary A summary.
 * @param index A week index.
 * @return Hours, or 0 when out of range.
 * @since 0.1
 */
IOP_API double iop_attendance_summary_get_attended_hours (const iop_attendance_summary *summary, size_t index);

/**
 * @brief The number of sessions with status @p status in the @p index-th week.
 * @param summary A summary.
 * @param index A week index.
 * @param status A status.
 * @return The count, or 0 when out of range.
 * @since 0.1
 */
IOP_API int iop_attendance_summary_get_sessions (const iop_attendance_summary *summary, size_t index,
                                                 iop_attendance_status status);

/**
 * @brief The attendance rate: attended / (attended + missed), or 1 when nothing was due.
 * @param summary A summary.
 * @return A fraction from 0 to 1.
 * @since 0.1
 */
IOP_API double iop_attendance_summary_get_rate (const iop_attendance_summary *summary);

/**
 * @brief Attended sessions per week, averaged over the summarized weeks (the "more frequent, even
 *        if shorter" view of intensity).
 * @param summary A summary.
 * @return The average.
 * @since 0.1
 */
IOP_API double iop_attendance_summary_get_sessions_per_week (const iop_attendance_summary *summary);

/**
 * @brief The run of consecutive misses at the end of the summarized period.
 * @param summary A summary.
 * @return The run's length.
 * @since 0.1
 */
IOP_API int iop_attendance_summary_get_current_misses (const iop_attendance_summary *summary);

/**
 * @brief The number of engagement flags.
 * @param summary A summary.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_attendance_summary_get_n_flags (const iop_attendance_summary *summary);

/**
 * @brief The kind of the @p index-th flag: "outreach" or "dropout-risk".
 * @param summary A summary.
 * @param index A flag index.
 * @return (transfer none) (nullable) The kind, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_attendance_summary_get_flag (const iop_attendance_summary *summary, size_t index);

/**
 * @brief The date of the @p index-th flag.
 * @param summary A summary.
 * @param index A flag index.
 * @return (transfer none) (nullable) "YYYY-MM-DD", or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_attendance_summary_get_flag_date (const iop_attendance_summary *summary, size_t index);

/**
 * @brief Serializes the summary: `as_of`, `rate`, `sessions_per_week`, `current_misses`,
 *        `weeks[{week, planned_hours, attended_hours, attended, missed, excused}]`,
 *        `flags[{flag, date, text}]`.
 * @param summary A summary.
 * @return (transfer full) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_attendance_summary_to_json (const iop_attendance_summary *summary) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The program pack the episode follows.
 * @param episode An episode.
 * @return (transfer none) The program, alive as long as the episode; take a reference with
 *         iop_program_ref() to keep it longer.
 * @since 0.1
 */
IOP_API iop_program *iop_episode_get_program (const iop_episode *episode);

IOP_END_DECLS

#endif /* IOP_EPISODE_H */
