#include <shapefil.h>
#include <string.h>

// shapelib reports problems through SAHooks.Error, a callback without a user-data pointer.
// These hooks keep the last message in a per-thread buffer so that Swift can turn it into a
// typed error for the file and record being read, instead of shapelib printing to stderr.

/// The per-thread message buffer (a function-local static, so that it is emitted with the
/// inline functions that use it).
static inline char *dm_shapelib_error_buffer(void) {
    static _Thread_local char buffer[1024];
    return buffer;
}

static void dm_shapelib_error_hook(const char *message) {
    char *buffer = dm_shapelib_error_buffer();
    if (message == NULL) { buffer[0] = 0; return; }
    strncpy(buffer, message, 1023);
    buffer[1023] = 0;
}

/// Default file hooks with errors captured per thread instead of printed.
static inline void dm_shapelib_setup_hooks(SAHooks *hooks) {
    SASetupDefaultHooks(hooks);
    hooks->Error = dm_shapelib_error_hook;
}

/// The last message shapelib reported on this thread ("" when none).
static inline const char *dm_shapelib_last_error_message(void) {
    return dm_shapelib_error_buffer();
}

/// Forget the last message (call before an operation whose failure you want to explain).
static inline void dm_shapelib_clear_error(void) {
    dm_shapelib_error_buffer()[0] = 0;
}
