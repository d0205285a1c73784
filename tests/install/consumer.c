/* Built against an installed libiop (pkg-config and find_package): looks up the IOP level. */
#include <libiop/iop.h>
#include <stdio.h>
#include <string.h>

int
main (void)
{
  iop_continuum *c = iop_continuum_new_default ();
  const iop_level *level = iop_continuum_lookup_level (c, IOP_EDITION_ASAM3, "2.1");
  iop_range adult;
  int ok;

  if (level == NULL)
    return 1;
  adult = iop_level_get_hours_per_week (level, IOP_AGE_ADULT);
  ok = adult.has_min && adult.min == 9 && adult.has_max && adult.max == 19 &&
       strcmp (iop_version_string (), IOP_VERSION_STRING) == 0;
  printf ("%s %s: adult %g-%g h/week (libiop %s)\n", iop_level_get_code (level),
          iop_level_get_name (level), adult.min, adult.max, iop_version_string ());
  iop_continuum_unref (c);
  return ok ? 0 : 1;
}
