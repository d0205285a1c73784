/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_ERROR_H
#define IOP_ERROR_H

#if !defined(IOP_INSIDE) && !defined(IOP_COMPILATION)
#error "Only <libiop/iop.h> can be included directly."
#endif

#include "iop-macros.h"

/**
 * @file iop-error.h
 * @brief Recoverable runtime errors and the library-wide memory release function.
 *
 * Every fallible function takes a trailing `iop_error **error` and follows GLib's GError
 * contract: pass NULL or the address of an `iop_error *` set to NULL. On failure the function
 * returns false or NULL and, when @p error is not NULL, stores a new error that the caller
 * releases with iop_error_free(). On success `*error` is left untouched. The return value
 * alone always tells success from failure. See docs/errors.md.
 *
 * Messages are UTF-8, untranslated, meant for developers and logs. Messages about documents
 * that can carry patient data never quote the offending value; they name the field instead.
 */

IOP_BEGIN_DECLS

/**
 * @brief Error codes. The values are part of the ABI: they are appended to, never renumbered.
 * @since 0.1
 */
typedef enum {
  IOP_ERROR_FAILED = 1,           /**< Unclassified failure. @since 0.1 */
  IOP_ERROR_INVALID_ARGUMENT = 2, /**< An argument is out of range or malformed. @since 0.1 */
  IOP_ERROR_NOT_FOUND = 3,        /**< A named item (level, code, file member) does not exist. @since 0.1 */
  IOP_ERROR_EXISTS = 4,           /**< An item with the same identity already exists. @since 0.1 */
  IOP_ERROR_PARSE = 5,            /**< Text is not well-formed JSON, or not of the expected shape (missing member, wrong type). @since 0.1 */
  IOP_ERROR_IO = 6,               /**< A file could not be read or written. @since 0.1 */
  IOP_ERROR_INVALID_DATA = 7,     /**< A well-formed document breaks the format's rules (range, duplicate, unknown reference). @since 0.1 */
  IOP_ERROR_PERMISSION_DENIED = 8 /**< A disclosure or export of clinical information is not permitted: no consent, or the consent does not cover it (42 CFR Part 2). @since 0.1 */
} iop_error_code;

/**
 * @brief An opaque error: a code, a message and, for document errors, the JSON path at fault.
 * @since 0.1
 */
typedef struct iop_error iop_error;

/**
 * @brief The error's code.
 * @param err An error.
 * @return The code, one of #iop_error_code (future versions may return codes added later).
 * @since 0.1
 */
IOP_API iop_error_code iop_error_get_code (const iop_error *err);

/**
 * @brief The error's message.
 * @param err An error.
 * @return (transfer none) A UTF-8 message owned by @p err, valid until iop_error_free().
 * @since 0.1
 */
IOP_API const char *iop_error_get_message (const iop_error *err);

/**
 * @brief The JSON path of the member at fault, such as `$.levels[3].hours_per_week.adult.min`.
 * @param err An error.
 * @return (transfer none) (nullable) The path owned by @p err, or NULL when the error is not
 *         about a document member.
 * @since 0.1
 */
IOP_API const char *iop_error_get_path (const iop_error *err);

/**
 * @brief The symbolic name of an error code, such as "IOP_ERROR_PARSE".
 * @param code Any integer.
 * @return (transfer none) A static string; "IOP_ERROR_FAILED" for unknown codes.
 * @since 0.1
 */
IOP_API const char *iop_error_code_to_string (int code);

/**
 * @brief Releases an error.
 * @param err (nullable) The error; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_error_free (iop_error *err);

/**
 * @brief Releases memory that libiop returned as `(transfer full)`, such as JSON text.
 *
 * Never pass such memory to free(): libiop and your program may use different allocators.
 * @param mem (nullable) The memory; NULL is a harmless no-op.
 * @since 0.1
 */
IOP_API void iop_free (void *mem);

IOP_END_DECLS

#endif /* IOP_ERROR_H */
