/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_H
#define IOP_H

/**
 * @file iop.h
 * @brief The umbrella header: the only header programs include, as `#include <libiop/iop.h>`.
 *
 * libiop's public headers depend on the C standard library only (no GLib types). Programs that
 * use GLib may also include `<libiop/iop-glib.h>` for `g_autoptr()` support.
 */

#define IOP_INSIDE
#include "iop-macros.h"
#include "iop-version.h"
#include "iop-error.h"
#include "iop-continuum.h"
#include "iop-measure.h"
#include "iop-placement.h"
#include "iop-schedule.h"
#include "iop-compliance.h"
#include "iop-program.h"
#include "iop-episode.h"
#include "iop-careplan.h"
#include "iop-consent.h"
#include "iop-preauth.h"
#undef IOP_INSIDE

#endif /* IOP_H */
