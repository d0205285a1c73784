/* abi/headers: the umbrella header compiles alone as strict C99 (-pedantic -Werror). */
#include <libiop/iop.h>

#if !IOP_CHECK_VERSION (0, 1, 0)
#error "IOP_CHECK_VERSION is broken"
#endif

int iop_headertest_c99 (void);

int
iop_headertest_c99 (void)
{
  iop_range r = { true, 9, true, 19, false };
  return (int) r.has_min + (int) sizeof (iop_edition);
}
