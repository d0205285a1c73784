/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_MACROS_H
#define IOP_MACROS_H

#if !defined(IOP_INSIDE) && !defined(IOP_COMPILATION)
#error "Only <libiop/iop.h> can be included directly."
#endif

/**
 * @file iop-macros.h
 * @brief Export, linkage and attribute macros shared by every public header.
 */

/** @brief Marks a symbol as part of libiop's public ABI. */
#ifndef IOP_API
# if defined(_WIN32) && !defined(IOP_STATIC)
#  ifdef IOP_COMPILATION
#   define IOP_API __declspec(dllexport)
#  else
#   define IOP_API __declspec(dllimport)
#  endif
# elif defined(__GNUC__) && __GNUC__ >= 4
#  define IOP_API __attribute__((visibility("default")))
# else
#  define IOP_API
# endif
#endif

#ifdef __cplusplus
/** @brief Opens an `extern "C"` block for C++ consumers. */
# define IOP_BEGIN_DECLS extern "C" {
/** @brief Closes the block opened by #IOP_BEGIN_DECLS. */
# define IOP_END_DECLS }
#else
# define IOP_BEGIN_DECLS
# define IOP_END_DECLS
#endif

/** @brief Warns when the caller drops a result it must release. */
#ifndef IOP_WARN_UNUSED_RESULT
# if defined(__GNUC__) && __GNUC__ >= 4
#  define IOP_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
# else
#  define IOP_WARN_UNUSED_RESULT
# endif
#endif

/** @brief Marks a declaration deprecated in favour of @p f (silenced by IOP_DISABLE_DEPRECATION_WARNINGS). */
#ifndef IOP_DEPRECATED_FOR
# if defined(IOP_DISABLE_DEPRECATION_WARNINGS) || !defined(__GNUC__)
#  define IOP_DEPRECATED_FOR(f)
# else
#  define IOP_DEPRECATED_FOR(f) __attribute__((deprecated("use " #f " instead")))
# endif
#endif

#endif /* IOP_MACROS_H */
