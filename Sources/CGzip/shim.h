// Thin shim over the system zlib, provided on Debian by zlib1g-dev. gaitline
// uses it once, in GaitIngest/Gzip.swift, to read gzip-compressed inputs.
#include <zlib.h>
