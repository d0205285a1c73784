/*
 * libiop — intensive outpatient treatment library
 * SPDX-License-Identifier: MIT
 */
#include "iop-private.h"

const char *
iop_version_string (void)
{
  return IOP_VERSION_STRING;
}

int
iop_version_number (void)
{
  return IOP_VERSION_NUMBER;
}
