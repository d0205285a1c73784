/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_GLIB_H
#define IOP_GLIB_H

/**
 * @file iop-glib.h
 * @brief Optional `g_autoptr()` / `g_autofree` support for programs that use GLib.
 *
 * Include after `<glib.h>` and `<libiop/iop.h>`:
 * `g_autoptr(iop_continuum) c = iop_continuum_new_default ();`
 */

#include <glib.h>
#include "iop.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_error, iop_error_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (iop_continuum, iop_continuum_unref)

#endif /* IOP_GLIB_H */
