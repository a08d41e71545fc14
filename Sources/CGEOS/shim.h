// Only the reentrant (_r) GEOS C API is visible to Swift: every call takes a context handle,
// so each thread can own its own GEOS context.
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
