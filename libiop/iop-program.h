/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_PROGRAM_H
#define IOP_PROGRAM_H

#if !defined(IOP_INSIDE) && !defined(IOP_COMPILATION)
#error "Only <libiop/iop.h> can be included directly."
#endif

#include <stdbool.h>
#include <stddef.h>

#include "iop-macros.h"
#include "iop-error.h"

/**
 * @brief How a treatment program runs: its treatment stages, the moves between them, and its
 *        engagement thresholds.
 *
 * A *program pack* (docs/episode.md) is data: the built-in one has the six stages of an IOP
 * (understanding needs and setting personalized goals; education about addiction, triggers and
 * coping; intensive therapy; life-skills training; family engagement; transition and discharge
 * planning), each with entry criteria (text for the clinician), exit criteria (checked by
 * iop_episode_change_stage(): the stage's goals met, a stage of change, a minimum number of days),
 * and the stages it may move to. A program with another structure, such as the Matrix Model's
 * 16 weeks or TIP 47's phases, is another pack; no code changes.
 *
 * An iop_program is immutable once loaded and may be shared across threads.
 * @file iop-program.h
 */

IOP_BEGIN_DECLS

/** @brief A loaded program pack. Immutable, reference-counted. @since 0.1 */
typedef struct iop_program iop_program;

/**
 * @brief Loads the built-in program pack.
 * @return (transfer full) A new program; release with iop_program_unref(). Never NULL.
 * @since 0.1
 */
IOP_API iop_program *iop_program_new_default (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Loads a program pack from JSON text and validates it strictly.
 * @param json NUL-terminated UTF-8 JSON.
 * @param error (out) (optional) #IOP_ERROR_PARSE or #IOP_ERROR_INVALID_DATA with the JSON path.
 * @return (transfer full) (nullable) A new program, or NULL on error.
 * @since 0.1
 */
IOP_API iop_program *iop_program_new_from_json (const char *json, iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Loads a program pack from a file; see iop_program_new_from_json().
 * @param path File name.
 * @param error (out) (optional) As iop_program_new_from_json(), plus #IOP_ERROR_IO.
 * @return (transfer full) (nullable) A new program, or NULL on error.
 * @since 0.1
 */
IOP_API iop_program *iop_program_new_from_file (const char *path, iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief The text of the built-in program pack.
 * @return (transfer full) NUL-terminated JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_program_default_pack_json (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Takes a reference (atomic).
 * @param program A program.
 * @return (transfer full) @p program.
 * @since 0.1
 */
IOP_API iop_program *iop_program_ref (iop_program *program);

/**
 * @brief Drops a reference.
 * @param program (nullable) A program; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_program_unref (iop_program *program);

/**
 * @brief The pack's identifier (an episode records it).
 * @param program A program.
 * @return (transfer none) Owned by @p program.
 * @since 0.1
 */
IOP_API const char *iop_program_get_id (const iop_program *program);

/**
 * @brief The number of treatment stages.
 * @param program A program.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_program_get_n_stages (const iop_program *program);

/**
 * @brief The identifier of the @p index-th stage, in the pack's order; the first is where an
 *        episode starts.
 * @param program A program.
 * @param index A stage index.
 * @return (transfer none) (nullable) The identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_program_get_stage_id (const iop_program *program, size_t index);

/**
 * @brief Whether the program has a stage with this identifier.
 * @param program A program.
 * @param stage A stage identifier.
 * @return True when it does.
 * @since 0.1
 */
IOP_API bool iop_program_has_stage (const iop_program *program, const char *stage);

/**
 * @brief The display name of a stage.
 * @param program A program.
 * @param stage A stage identifier.
 * @return (transfer none) (nullable) The name, or NULL for an unknown stage.
 * @since 0.1
 */
IOP_API const char *iop_program_get_stage_name (const iop_program *program, const char *stage);

/**
 * @brief The number of entry criteria of a stage (text for the clinician; not checked).
 * @param program A program.
 * @param stage A stage identifier.
 * @return The count (0 for an unknown stage).
 * @since 0.1
 */
IOP_API size_t iop_program_get_n_entry_criteria (const iop_program *program, const char *stage);

/**
 * @brief The text of the @p index-th entry criterion of a stage.
 * @param program A program.
 * @param stage A stage identifier.
 * @param index A criterion index.
 * @return (transfer none) (nullable) The text, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_program_get_entry_criterion (const iop_program *program, const char *stage, size_t index);

/**
 * @brief The number of exit criteria of a stage.
 * @param program A program.
 * @param stage A stage identifier.
 * @return The count (0 for an unknown stage).
 * @since 0.1
 */
IOP_API size_t iop_program_get_n_exit_criteria (const iop_program *program, const char *stage);

/**
 * @brief The identifier of the @p index-th exit criterion of a stage.
 * @param program A program.
 * @param stage A stage identifier.
 * @param index A criterion index.
 * @return (transfer none) (nullable) The identifier, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_program_get_exit_criterion_id (const iop_program *program, const char *stage, size_t index);

/**
 * @brief The text of the @p index-th exit criterion of a stage.
 * @param program A program.
 * @param stage A stage identifier.
 * @param index A criterion index.
 * @return (transfer none) (nullable) The text, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_program_get_exit_criterion_text (const iop_program *program, const char *stage, size_t index);

/**
 * @brief Whether the pack allows moving from stage @p from to stage @p to.
 * @param program A program.
 * @param from A stage identifier.
 * @param to A stage identifier.
 * @return True when @p to is among @p from's next stages.
 * @since 0.1
 */
IOP_API bool iop_program_allows_transition (const iop_program *program, const char *from, const char *to);

/**
 * @brief How many consecutive missed sessions call for outreach (built-in: 2).
 * @param program A program.
 * @return The threshold.
 * @since 0.1
 */
IOP_API int iop_program_get_outreach_misses (const iop_program *program);

/**
 * @brief The attendance rate below which a client is flagged as a dropout risk (built-in: 0.75).
 * @param program A program.
 * @return A fraction from 0 to 1.
 * @since 0.1
 */
IOP_API double iop_program_get_dropout_threshold (const iop_program *program);

IOP_END_DECLS

#endif /* IOP_PROGRAM_H */
