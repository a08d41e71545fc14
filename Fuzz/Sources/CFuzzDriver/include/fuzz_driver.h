// libFuzzer's entry for programs that have their own main (SwiftPM names each executable's entry
// point <Target>_main); provided by the libFuzzer runtime that -sanitize=fuzzer links.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
