/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_SCHEDULE_H
#define IOP_SCHEDULE_H

#if !defined(IOP_INSIDE) && !defined(IOP_COMPILATION)
#error "Only <libiop/iop.h> can be included directly."
#endif

#include <stdbool.h>
#include <stddef.h>

#include "iop-macros.h"
#include "iop-error.h"

/**
 * @file iop-schedule.h
 * @brief A weekly treatment schedule: sessions (group therapy, individual counseling, family
 *        therapy, psychoeducation, ...) by weekday, start time and duration, and the intensity
 *        they add up to: hours per week, hours per service day, days and sessions per week.
 *
 * Times are local wall-clock times of the program ("HH:MM", 24-hour, no time zone): a schedule
 * describes a typical week, not instants. A session may not cross midnight, and two timed
 * sessions on the same day may not overlap. A session without a start time counts toward the
 * totals but is not checked for overlap. An iop_schedule is a single-owner object.
 */

IOP_BEGIN_DECLS

/**
 * @brief ISO 8601 weekday numbers.
 * @since 0.1
 */
typedef enum {
  IOP_MONDAY = 1,    /**< Monday. @since 0.1 */
  IOP_TUESDAY = 2,   /**< Tuesday. @since 0.1 */
  IOP_WEDNESDAY = 3, /**< Wednesday. @since 0.1 */
  IOP_THURSDAY = 4,  /**< Thursday. @since 0.1 */
  IOP_FRIDAY = 5,    /**< Friday. @since 0.1 */
  IOP_SATURDAY = 6,  /**< Saturday. @since 0.1 */
  IOP_SUNDAY = 7     /**< Sunday. @since 0.1 */
} iop_weekday;

/**
 * @brief Parses a weekday: "mon".."sun" or "monday".."sunday" (case-insensitive).
 * @param text A name.
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for another name.
 * @return The weekday, or 0 (no member) on failure.
 * @since 0.1
 */
IOP_API iop_weekday iop_weekday_from_string (const char *text, iop_error **error);

/**
 * @brief "mon".."sun".
 * @param day A weekday.
 * @return (transfer none) A static string; "unknown" outside the enum.
 * @since 0.1
 */
IOP_API const char *iop_weekday_to_string (iop_weekday day);

/**
 * @brief Whether @p kind is a session kind libiop knows: "group-therapy",
 *        "individual-counseling", "family-therapy", "psychoeducation", "life-skills",
 *        "medication-management", "case-management", "peer-support", "activity-therapy",
 *        "drug-testing" or "assessment".
 * @param kind A kind.
 * @return True when known.
 * @since 0.1
 */
IOP_API bool iop_session_kind_is_known (const char *kind);

/** @brief A weekly schedule of sessions. Single owner. @since 0.1 */
typedef struct iop_schedule iop_schedule;

/**
 * @brief Creates an empty schedule.
 * @return (transfer full) A new schedule; release with iop_schedule_free().
 * @since 0.1
 */
IOP_API iop_schedule *iop_schedule_new (void) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Reads a schedule document: `{"format": "libiop-schedule", "format_version": 1,
 *        "sessions": [{"day": "mon", "start": "09:00", "minutes": 180, "kind": "group-therapy"}]}`
 *        (`start` may be null).
 * @param json NUL-terminated UTF-8 JSON.
 * @param error (out) (optional) #IOP_ERROR_PARSE or #IOP_ERROR_INVALID_DATA with the JSON path
 *        of the session at fault (overlap, midnight, duration, unknown kind or day).
 * @return (transfer full) (nullable) A new schedule, or NULL on error.
 * @since 0.1
 */
IOP_API iop_schedule *iop_schedule_new_from_json (const char *json, iop_error **error) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Releases a schedule.
 * @param schedule (nullable) A schedule; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_schedule_free (iop_schedule *schedule);

/**
 * @brief Copies a schedule.
 * @param schedule A schedule.
 * @return (transfer full) A copy; release with iop_schedule_free().
 * @since 0.1
 */
IOP_API iop_schedule *iop_schedule_copy (const iop_schedule *schedule) IOP_WARN_UNUSED_RESULT;

/**
 * @brief Adds a session.
 * @param schedule A schedule.
 * @param day The weekday.
 * @param start (nullable) The local start time, "HH:MM" (00:00 to 23:59); NULL for an untimed
 *        session (counted, not checked for overlap).
 * @param minutes The duration, 1 to 1440.
 * @param kind A known session kind (iop_session_kind_is_known()).
 * @param error (out) (optional) #IOP_ERROR_INVALID_ARGUMENT for a bad day, time, duration or
 *        kind, a session that crosses midnight, one that overlaps another timed session that
 *        day, or a day whose sessions would exceed 24 hours.
 * @return True on success; the schedule is unchanged on error.
 * @since 0.1
 */
IOP_API bool iop_schedule_add_session (iop_schedule *schedule, iop_weekday day, const char *start,
                                       int minutes, const char *kind, iop_error **error);

/**
 * @brief The number of sessions per week.
 * @param schedule A schedule.
 * @return The count.
 * @since 0.1
 */
IOP_API size_t iop_schedule_get_n_sessions (const iop_schedule *schedule);

/**
 * @brief The weekday of the @p index-th session (sessions are kept by day, then start time,
 *        untimed sessions last within their day).
 * @param schedule A schedule.
 * @param index A session index.
 * @return The weekday, or 0 when out of range.
 * @since 0.1
 */
IOP_API iop_weekday iop_schedule_get_session_day (const iop_schedule *schedule, size_t index);

/**
 * @brief The start time of the @p index-th session.
 * @param schedule A schedule.
 * @param index A session index.
 * @return (transfer none) (nullable) "HH:MM", or NULL for an untimed session or out of range.
 * @since 0.1
 */
IOP_API const char *iop_schedule_get_session_start (const iop_schedule *schedule, size_t index);

/**
 * @brief The duration of the @p index-th session in minutes.
 * @param schedule A schedule.
 * @param index A session index.
 * @return Minutes, or 0 when out of range.
 * @since 0.1
 */
IOP_API int iop_schedule_get_session_minutes (const iop_schedule *schedule, size_t index);

/**
 * @brief The kind of the @p index-th session.
 * @param schedule A schedule.
 * @param index A session index.
 * @return (transfer none) (nullable) The kind, or NULL when out of range.
 * @since 0.1
 */
IOP_API const char *iop_schedule_get_session_kind (const iop_schedule *schedule, size_t index);

/**
 * @brief Total scheduled minutes per week.
 * @param schedule A schedule.
 * @return Minutes.
 * @since 0.1
 */
IOP_API int iop_schedule_get_minutes_per_week (const iop_schedule *schedule);

/**
 * @brief Total scheduled hours per week (minutes / 60, exact for whole minutes).
 * @param schedule A schedule.
 * @return Hours.
 * @since 0.1
 */
IOP_API double iop_schedule_get_hours_per_week (const iop_schedule *schedule);

/**
 * @brief Scheduled minutes on one weekday.
 * @param schedule A schedule.
 * @param day A weekday.
 * @return Minutes (0 for a day without sessions or an invalid day).
 * @since 0.1
 */
IOP_API int iop_schedule_get_minutes_on (const iop_schedule *schedule, iop_weekday day);

/**
 * @brief The number of service days (days with at least one session) per week.
 * @param schedule A schedule.
 * @return 0 to 7.
 * @since 0.1
 */
IOP_API int iop_schedule_get_days_per_week (const iop_schedule *schedule);

/**
 * @brief The shortest service day, in minutes (the figure per-day minimums are checked against).
 * @param schedule A schedule.
 * @return Minutes, or 0 when there is no service day.
 * @since 0.1
 */
IOP_API int iop_schedule_get_min_minutes_per_service_day (const iop_schedule *schedule);

/**
 * @brief Serializes the schedule (round-trips byte-identically through iop_schedule_new_from_json()).
 * @param schedule A schedule.
 * @return (transfer full) Compact UTF-8 JSON; release with iop_free().
 * @since 0.1
 */
IOP_API char *iop_schedule_to_json (const iop_schedule *schedule) IOP_WARN_UNUSED_RESULT;

IOP_END_DECLS

#endif /* IOP_SCHEDULE_H */
