// zlib (Debian: zlib1g-dev): gzip tables and the deflate entries of zip archives.
#include <zlib.h>
