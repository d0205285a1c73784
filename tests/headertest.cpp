// abi/headers: the umbrella header compiles alone as C++11 (-pedantic -Werror), extern "C" intact.
#include <libiop/iop.h>

static_assert (IOP_ERROR_FAILED == 1, "error codes are part of the ABI");

int iop_headertest_cxx ();

int
iop_headertest_cxx ()
{
  iop_range r = { true, 9, true, 19, false };
  const char *(*fn) (void) = &iop_version_string;
  return static_cast<int> (r.has_min) + (fn != nullptr ? 1 : 0);
}
